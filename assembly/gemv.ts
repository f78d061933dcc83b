// Row vector times matrix, f32, WebAssembly SIMD (f32x4): the one-row product of single-sample
// inference (predictOne), where GEMM's packing would cost as much as the product itself.
//
//   gemv_row_f32:  y[n] = x[k] · W[k×n] + b        (W row-major, b n floats or none)
//
// Every element of W is used exactly once, so the product is bound by streaming W (401 KB for a
// 784×128 layer: from L2, ~28 B/cycle of the 32 the L2 delivers) and by the two f32x4 multiply-add
// ports (Zen 3 has two FMA ports and two mul + two add ports: mul+add and FMA run at the same
// rate here). y starts as b; then W is read in blocks of KB rows (KB·n·4 bytes = 16 KiB for n = 128: half of L1),
// and each block in column strips of 24 floats whose six accumulators are loaded from y, run down
// the block's rows with x(p) broadcast from memory, and are stored back. The first strip of a block
// brings its rows from L2; the strips read disjoint cache lines, so W comes from L2 once in all.
//
// Register budget (≤ 15 live v128 on x64 V8; TurboFan schedules a loop body's loads first, so all
// of a row's W loads are live at once): a 24-float strip holds 6 accumulators + 6 loads + 1
// broadcast (+1 mul+add temporary) = 14. A 32-float strip (8 + 8 + 1) spills and runs at half
// speed (measured: 10 µs against 4.5 µs for 784×128). The 8- and 4-column tails keep even and
// odd rows in separate accumulators so that they are not bound by the add latency.
//
// Summation order, per column j: y[j] = b[j], then per block y[j] += x_p·W[p,j] row by row in the
// 24-column strips; in the 8- and 4-column tails the even and the odd rows of a block are summed
// apart (the even sum starting from y[j]) and then added. Products are fused (one rounding) in the
// relaxed build. The GEMM kernels sum in other orders: results agree to rounding, not bit for bit.
//
// The module owns no memory; kernels hold no static data and never allocate.

import { disjoint, f32Bytes, matBytes } from './checks';
import { loadPartial, madd, storePartial } from './vmath';

/** Rows of W per block (32 and 64 measured alike for 784×128, 128 and 256 4–10 % slower). */
const KB: i32 = 32;

/**
 * y[0:24] += Σ_{p<kb} x(p)·W[p, 0:24] (x(p) at x + 4p, W row p at w + p·ldw bytes): six
 * accumulators loaded from y, run down kb rows, stored back.
 */
function strip24(x: usize, w: usize, ldw: usize, kb: i32, y: usize): void {
  let s0 = v128.load(y), s1 = v128.load(y, 16), s2 = v128.load(y, 32);
  let s3 = v128.load(y, 48), s4 = v128.load(y, 64), s5 = v128.load(y, 80);
  const xEnd = x + (<usize>kb << 2);
  while (x < xEnd) {
    const xp = v128.load32_splat(x);
    s0 = madd(xp, v128.load(w), s0);
    s1 = madd(xp, v128.load(w, 16), s1);
    s2 = madd(xp, v128.load(w, 32), s2);
    s3 = madd(xp, v128.load(w, 48), s3);
    s4 = madd(xp, v128.load(w, 64), s4);
    s5 = madd(xp, v128.load(w, 80), s5);
    x += 4;
    w += ldw;
  }
  v128.store(y, s0);
  v128.store(y, s1, 16);
  v128.store(y, s2, 32);
  v128.store(y, s3, 48);
  v128.store(y, s4, 64);
  v128.store(y, s5, 80);
}

/** As strip24 for 8 columns: even rows of W into s (starting from y), odd rows into t, y = s + t. */
function strip8(x: usize, w: usize, ldw: usize, kb: i32, y: usize): void {
  let s0 = v128.load(y), s1 = v128.load(y, 16);
  let t0 = f32x4.splat(0), t1 = t0;
  const xEnd = x + (<usize>kb << 2);
  const x2End = x + (<usize>(kb & ~1) << 2);
  const ldw2 = ldw << 1;
  while (x < x2End) {
    const xp = v128.load32_splat(x);
    const xq = v128.load32_splat(x, 4);
    s0 = madd(xp, v128.load(w), s0);
    s1 = madd(xp, v128.load(w, 16), s1);
    t0 = madd(xq, v128.load(w + ldw), t0);
    t1 = madd(xq, v128.load(w + ldw, 16), t1);
    x += 8;
    w += ldw2;
  }
  if (x < xEnd) {
    const xp = v128.load32_splat(x);
    s0 = madd(xp, v128.load(w), s0);
    s1 = madd(xp, v128.load(w, 16), s1);
  }
  v128.store(y, f32x4.add(s0, t0));
  v128.store(y, f32x4.add(s1, t1), 16);
}

/** As strip8 for `cols` ≤ 4 columns (partial loads and stores: never touches past the row). */
function strip4(x: usize, w: usize, ldw: usize, kb: i32, y: usize, cols: i32): void {
  let s = loadPartial(y, cols);
  let t = f32x4.splat(0);
  const xEnd = x + (<usize>kb << 2);
  const x2End = x + (<usize>(kb & ~1) << 2);
  const ldw2 = ldw << 1;
  while (x < x2End) {
    s = madd(v128.load32_splat(x), loadPartial(w, cols), s);
    t = madd(v128.load32_splat(x, 4), loadPartial(w + ldw, cols), t);
    x += 8;
    w += ldw2;
  }
  if (x < xEnd) s = madd(v128.load32_splat(x), loadPartial(w, cols), s);
  storePartial(y, f32x4.add(s, t), cols);
}

/**
 * y[n] = x[k] · W[k×n] + b.
 *
 * Layout: x k floats, W row-major [k × n] (row p at w + 4·n·p), b n floats (or 0 for none), y n
 * floats; byte offsets into the imported memory, no alignment required. y is fully overwritten
 * (its old content is never read, even NaN); k = 0 gives y = b (or zeros).
 * Preconditions: y does not overlap x, W or b. Asserted in the debug build only: k, n ≥ 0 and the
 * non-overlap. Summation order: see the file header.
 * Dense forward of one row: z[out] = x[in] · W[in×out] + b.
 */
export function gemv_row_f32(x: usize, w: usize, b: usize, y: usize, k: i32, n: i32): void {
  if (!ASC_NO_ASSERT) {
    assert(k >= 0 && n >= 0);
    const yBytes = f32Bytes(n);
    assert(disjoint(y, yBytes, x, f32Bytes(k)) && disjoint(y, yBytes, w, matBytes(k, n)));
    assert(b == 0 || disjoint(y, yBytes, b, yBytes));
  }
  if (n <= 0) return;
  for (let j = 0; j < n; j += 4) {
    const o = <usize>j << 2;
    storePartial(y + o, b != 0 ? loadPartial(b + o, n - j) : f32x4.splat(0), n - j);
  }
  const ldw = <usize>n << 2;
  for (let p0 = 0; p0 < k; p0 += KB) {
    const kb = min<i32>(KB, k - p0);
    const xb = x + (<usize>p0 << 2);
    const wb = w + <usize>p0 * ldw;
    let j = 0;
    for (; j + 24 <= n; j += 24) strip24(xb, wb + (<usize>j << 2), ldw, kb, y + (<usize>j << 2));
    for (; j + 8 <= n; j += 8) strip8(xb, wb + (<usize>j << 2), ldw, kb, y + (<usize>j << 2));
    for (; j < n; j += 4) strip4(xb, wb + (<usize>j << 2), ldw, kb, y + (<usize>j << 2), min<i32>(4, n - j));
  }
}
