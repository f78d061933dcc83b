/**
 * Kernels on buffers above 2 GiB, and the heap's 4 GiB limit.
 *
 * wasm32 memory reaches 4 GiB, so pointers ≥ 2³¹ are ordinary: a pointer turned into an index with
 * a signed shift (`ptr >> 2`) goes negative there, and a byte offset computed in i32 overflows.
 * Here one heap holds every backend (js twin, baseline, relaxed, debug build — the modules are
 * instantiated on the heap's own memory), so the gigabytes are paid once: a representative kernel
 * of each family runs on buffers below 2 GiB, then a ~2.1 GB block is allocated (never written, so
 * it costs address space, not RAM) and the same kernels run again on buffers placed above 2³¹.
 * Each backend must give bit-identical results at both addresses, and the wasm builds must agree
 * with the js twin within the family's usual tolerance.
 *
 * Then a second block fills the heap up to its limit (4 GiB − 1 MiB) and the same kernels run on
 * the topmost buffers the heap can hand out.
 *
 * Needs ~4 GB of address space but little RAM (the big blocks are never written); skipped, with a
 * message, when the machine has less than 3 GiB free.
 */
import { readFile } from 'node:fs/promises';
import { freemem } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/kernels/backend.js';
import { Heap, MAX_HEAP_BYTES } from '../../src/kernels/heap.js';
import { jsKernels } from '../../src/kernels/js/index.js';
import { GEMM_WS_BYTES, type Kernels } from '../../src/kernels/kernels.js';
import {
  DEBUG_WASM_URL,
  EXACT,
  EXP,
  expectClose,
  OPT,
  oneHot,
  rand,
  runKernel,
  SUM,
  ULP,
  type KernelCall,
  type KernelResult,
  type Tolerance,
} from '../helpers/conformance.js';

const TWO_GIB = 2 ** 31;
const NEEDED_FREE = 3 * 2 ** 30;
const enoughMemory = freemem() >= NEEDED_FREE;
if (!enoughMemory) {
  console.warn(
    `high-memory.test: skipped, ${(freemem() / 2 ** 30).toFixed(1)} GiB free < ${NEEDED_FREE / 2 ** 30} GiB needed ` +
      'to place buffers above 2 GiB.',
  );
}

interface Case {
  label: string;
  kernel: keyof Kernels;
  call: KernelCall;
  tol: Tolerance;
}

const i32 = (xs: number[]): Int32Array => Int32Array.from(xs);

/** An SPD matrix (MᵀM/2n + I) in f32, n×n. */
function spd(n: number, seed: number): Float32Array {
  const m = rand(2 * n * n, seed);
  const a = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < 2 * n; k++) s += (m[k * n + i]! * m[k * n + j]!) / (2 * n);
      a[i * n + j] = s;
    }
  }
  return a;
}

/** One representative kernel call per family (gemm on each of its three paths, per layout). */
function cases(): Case[] {
  const out: Case[] = [];
  // gemm: tiny m (m ≤ 4), small n (n ≤ 12), packed; nn with bias and beta 0, tn / nt accumulating.
  for (const [m, n, k] of [
    [3, 21, 17],
    [9, 10, 33],
    [37, 29, 41],
  ] as const) {
    const shape = `m=${m} n=${n} k=${k}`;
    out.push({
      label: `gemm_nn ${shape}`,
      kernel: 'gemm_nn_f32',
      tol: SUM,
      call: {
        inputs: { a: rand(m * k, 1), b: rand(k * n, 2), bias: rand(n, 3) },
        outputs: { c: m * n },
        args: (p, b) => [p.a!, p.b!, p.c!, m, n, k, p.bias!, 0, b.ws],
      },
    });
    out.push({
      label: `gemm_tn ${shape}`,
      kernel: 'gemm_tn_f32',
      tol: SUM,
      call: {
        inputs: { a: rand(k * m, 4), b: rand(k * n, 5) },
        outputs: { c: m * n },
        init: { c: rand(m * n, 6) },
        args: (p, b) => [p.a!, p.b!, p.c!, m, n, k, 1, b.ws],
      },
    });
    out.push({
      label: `gemm_nt ${shape}`,
      kernel: 'gemm_nt_f32',
      tol: SUM,
      call: {
        inputs: { a: rand(m * k, 7), b: rand(n * k, 8) },
        outputs: { c: m * n },
        init: { c: rand(m * n, 9) },
        args: (p, b) => [p.a!, p.b!, p.c!, m, n, k, 0.5, b.ws],
      },
    });
  }
  const n = 37;
  const z = rand(n, 10, -3, 3);
  const da = rand(n, 11);
  out.push({
    label: 'relu_fwd',
    kernel: 'relu_fwd_f32',
    tol: EXACT,
    call: { inputs: { z }, outputs: { a: n }, args: (p) => [p.z!, p.a!, n, 0] },
  });
  out.push({
    label: 'relu_bwd',
    kernel: 'relu_bwd_f32',
    tol: EXACT,
    call: { inputs: { z, da }, outputs: { dz: n }, args: (p) => [p.z!, 0, p.da!, p.dz!, n, 0] },
  });
  out.push({
    label: 'tanh_fwd',
    kernel: 'tanh_fwd_f32',
    tol: EXP,
    call: { inputs: { z }, outputs: { a: n }, args: (p) => [p.z!, p.a!, n, 0] },
  });
  out.push({
    label: 'sigmoid_bwd',
    kernel: 'sigmoid_bwd_f32',
    tol: ULP,
    call: { inputs: { a: rand(n, 12, 0, 1), da }, outputs: { dz: n }, args: (p) => [0, p.a!, p.da!, p.dz!, n, 0] },
  });
  out.push({
    label: 'prelu_bwd',
    kernel: 'prelu_bwd_f32',
    tol: SUM,
    call: {
      inputs: { z: rand(5 * 7, 13), slope: rand(7, 14), da: rand(5 * 7, 15) },
      outputs: { dz: 5 * 7, dslope: 7 },
      args: (p) => [p.z!, p.slope!, p.da!, p.dz!, p.dslope!, 5, 7, 0],
    },
  });
  const rows = 6;
  const cols = 10;
  out.push({
    label: 'softmax_xent_rows',
    kernel: 'softmax_xent_rows_f32',
    tol: EXP,
    call: {
      inputs: { z: rand(rows * cols, 16, -4, 4), y: oneHot(rows, cols, 17) },
      outputs: { a: rows * cols, dz: rows * cols },
      args: (p) => [p.z!, p.y!, p.a!, p.dz!, rows, cols, 1 / rows],
    },
  });
  out.push({
    label: 'sqerr',
    kernel: 'sqerr_f32',
    tol: SUM,
    call: { inputs: { a: rand(n, 18), y: rand(n, 19) }, outputs: { da: n }, args: (p) => [p.a!, p.y!, p.da!, n, 2 / n] },
  });
  out.push({
    label: 'colsum',
    kernel: 'colsum_f32',
    tol: SUM,
    call: { inputs: { x: rand(7 * 19, 20) }, outputs: { out: 19 }, init: { out: rand(19, 21) }, args: (p) => [p.x!, p.out!, 7, 19, 1] },
  });
  out.push({
    label: 'gather_rows',
    kernel: 'gather_rows_f32',
    tol: EXACT,
    call: {
      inputs: { src: rand(9 * 13, 22), idx: i32([8, 0, 3, 3, 7]) },
      outputs: { dst: 5 * 13 },
      args: (p) => [p.src!, p.idx!, p.dst!, 5, 13],
    },
  });
  out.push({
    label: 'argmax_rows',
    kernel: 'argmax_rows_f32',
    tol: EXACT,
    call: { inputs: { x: rand(rows * cols, 23) }, outputs: { out: rows }, args: (p) => [p.x!, p.out!, rows, cols] },
  });
  out.push({
    label: 'sgd',
    kernel: 'sgd_f32',
    tol: OPT,
    call: {
      inputs: { w: rand(n, 24), g: rand(n, 25), v: rand(n, 26) },
      outputs: { w: n, v: n },
      args: (p) => [p.w!, p.g!, p.v!, n, 0.1, 0.9, 1e-3],
    },
  });
  out.push({
    label: 'adam',
    kernel: 'adam_f32',
    tol: OPT,
    call: {
      inputs: { w: rand(n, 27), g: rand(n, 28), m: rand(n, 29), v: rand(n, 30, 0, 1) },
      outputs: { w: n, m: n, v: n },
      args: (p) => [p.w!, p.g!, p.m!, p.v!, n, 1e-3, 0.9, 0.999, 1e-7, 1 / (1 - 0.9 ** 3), 1 / (1 - 0.999 ** 3), 0, 1e-4],
    },
  });
  out.push({
    label: 'dropout_fwd',
    kernel: 'dropout_fwd_f32',
    tol: EXACT,
    call: { inputs: { x: rand(n, 31) }, outputs: { mask: n, y: n }, args: (p) => [p.x!, p.mask!, p.y!, n, 0.3, 12345] },
  });
  out.push({
    label: 'dropout_bwd',
    kernel: 'dropout_bwd_f32',
    tol: EXACT,
    call: { inputs: { dy: rand(n, 32), mask: rand(n, 33, 0, 2) }, outputs: { dx: n }, args: (p) => [p.dy!, p.mask!, p.dx!, n] },
  });
  for (const k of [2, 3]) {
    out.push({
      label: `maxout_fwd k=${k}`,
      kernel: 'maxout_fwd_f32',
      tol: EXACT,
      call: { inputs: { z: rand(5 * 4 * k, 34 + k) }, outputs: { a: 5 * 4, idx: 5 * 4 }, args: (p) => [p.z!, p.a!, p.idx!, 5, 4, k] },
    });
    out.push({
      label: `maxout_bwd k=${k}`,
      kernel: 'maxout_bwd_f32',
      tol: EXACT,
      call: {
        inputs: { da: rand(5 * 4, 36 + k), idx: i32(Array.from({ length: 20 }, (_, i) => (i * 7) % k)) },
        outputs: { dz: 5 * 4 * k },
        args: (p) => [p.da!, p.idx!, p.dz!, 5, 4, k],
      },
    });
  }
  const sn = 19;
  out.push({
    label: 'cholesky',
    kernel: 'cholesky_f32',
    tol: { abs: 2e-5, rel: 1e-4 },
    call: { inputs: { a: spd(sn, 40) }, outputs: { a: sn * sn }, args: (p) => [p.a!, sn, 0, 0] },
  });
  out.push({
    label: 'syrk_acc',
    kernel: 'syrk_acc_f32',
    tol: { abs: 1e-5 * 11, rel: 1e-5 },
    call: {
      inputs: { j: rand(11 * sn, 41) },
      outputs: { h: sn * sn },
      init: { h: rand(sn * sn, 42) },
      args: (p) => [p.j!, p.h!, 11, sn, 1, 0],
    },
  });
  out.push({
    label: 'syrk_acc_rows',
    kernel: 'syrk_acc_rows_f32',
    tol: { abs: 1e-5 * 11, rel: 1e-5 },
    call: {
      inputs: { j: rand(11 * sn, 45) },
      outputs: { h: sn * sn },
      init: { h: rand(sn * sn, 46) },
      args: (p) => [p.j!, p.h!, 11, sn, 1, 0, 4, sn],
    },
  });
  out.push({
    label: 'cholesky_block',
    kernel: 'cholesky_block_f32',
    tol: { abs: 2e-5, rel: 1e-4 },
    call: { inputs: { a: spd(sn, 47) }, outputs: { a: sn * sn }, args: (p) => [p.a!, sn, 0, 0] },
  });
  out.push({
    label: 'dot',
    kernel: 'dot_f32',
    tol: { abs: 1e-7, rel: 1e-6 },
    call: { inputs: { x: rand(n, 43), y: rand(n, 44) }, outputs: {}, args: (p) => [p.x!, p.y!, n] },
  });
  out.push({
    label: 'axpy',
    kernel: 'axpy_f32',
    tol: { abs: 1e-7, rel: 1e-6 },
    call: { inputs: { x: rand(n, 45) }, outputs: { y: n }, init: { y: rand(n, 46) }, args: (p) => [0.75, p.x!, p.y!, n] },
  });
  out.push({
    label: 'softmax_xent_hvp_rows',
    kernel: 'softmax_xent_hvp_rows_f32',
    tol: ULP,
    call: {
      inputs: { a: rand(rows * cols, 47, 0, 0.2), u: rand(rows * cols, 48) },
      outputs: { out: rows * cols },
      args: (p) => [p.a!, p.u!, p.out!, rows, cols, 0.5],
    },
  });
  return out;
}

/** Runs a case on one backend, checking (when `high`) that every buffer lies above 2³¹. */
function run(b: Backend, c: Case, high: boolean): KernelResult {
  return runKernel(b, c.kernel, {
    ...c.call,
    args: (p, be) => {
      for (const [name, ptr] of Object.entries(p)) {
        if (high) expect(ptr, `${c.label}: ${name} at ${ptr}`).toBeGreaterThanOrEqual(TWO_GIB);
        else expect(ptr, `${c.label}: ${name} at ${ptr}`).toBeLessThan(TWO_GIB);
      }
      return c.call.args(p, be);
    },
  });
}

/** Bitwise equality of two results (NaN patterns included), naming the first difference. */
function expectIdentical(got: KernelResult, want: KernelResult, label: string): void {
  for (const [name, w] of Object.entries(want.out)) {
    const g = got.out[name]!;
    const gb = new Uint32Array(g.buffer, g.byteOffset, g.length);
    const wb = new Uint32Array(w.buffer, w.byteOffset, w.length);
    const i = wb.findIndex((v, j) => v !== gb[j]);
    expect(i, `${label} ${name}: element ${i} is ${g[i]} above 2 GiB, ${w[i]} below`).toBe(-1);
  }
  expect(Object.is(got.ret, want.ret) || (Number.isNaN(got.ret) && Number.isNaN(want.ret)), `${label} return`).toBe(true);
}

async function wasmBackend(heap: Heap, file: URL, simd: Backend['simd']): Promise<Backend> {
  const module = await WebAssembly.compile(await readFile(file));
  const instance = await WebAssembly.instantiate(module, { env: { memory: heap.memory } });
  return {
    name: 'wasm',
    simd,
    heap,
    k: instance.exports as unknown as Kernels,
    ws: heap.alloc(GEMM_WS_BYTES),
    threads: 1,
    dispose: () => Promise.resolve(),
  };
}

function relaxedAvailable(bytes: Uint8Array): boolean {
  return WebAssembly.validate(bytes as BufferSource);
}

describe.skipIf(!enoughMemory)('kernels on buffers above 2 GiB (one heap shared by js and every wasm build)', () => {
  let heap: Heap | undefined;
  const list: [string, Backend][] = [];
  const all = cases();
  const low = new Map<string, KernelResult>();
  let dummy = 0;

  beforeAll(async () => {
    heap = new Heap(undefined, 1 << 16);
    const build = (f: string): URL => new URL(`../../build/${f}`, import.meta.url);
    list.push([
      'js',
      { name: 'js', simd: 'none', heap, k: jsKernels(heap), ws: heap.alloc(GEMM_WS_BYTES), threads: 1, dispose: () => Promise.resolve() },
    ]);
    list.push(['wasm', await wasmBackend(heap, build('simdnn.wasm'), 'simd')]);
    if (relaxedAvailable(await readFile(build('simdnn-relaxed.wasm')))) {
      list.push(['relaxed', await wasmBackend(heap, build('simdnn-relaxed.wasm'), 'relaxed')]);
    }
    list.push(['debug', await wasmBackend(heap, DEBUG_WASM_URL, 'simd')]);
    // Every case below 2 GiB first: runKernel frees what it allocates, so the heap is one used
    // prefix (the four workspaces) and one free tail afterwards.
    for (const [tag, b] of list) for (const c of all) low.set(`${tag} ${c.label}`, run(b, c, false));
  });

  afterAll(() => {
    // Drop every reference to the memory so that it can be collected with the test file.
    if (heap && dummy) heap.free(dummy);
    list.length = 0;
    heap = undefined;
  });

  it('a ~2.1 GB block pushes every later buffer above 2³¹ (the engine grows memory past 2 GiB)', () => {
    const h = heap!;
    const probe = h.alloc(64);
    h.free(probe);
    // Ends 1 MiB above 2 GiB; never written (a fresh block is already zero), so it costs no RAM.
    dummy = h.alloc(TWO_GIB + 2 ** 20 - probe);
    expect(dummy).toBe(probe);
    expect(h.byteLength).toBeGreaterThan(TWO_GIB);
    const above = h.alloc(64);
    expect(above).toBeGreaterThanOrEqual(TWO_GIB);
    h.f32.set([1.5, -2.5], above >>> 2);
    expect(Array.from(h.readF32(above, 2))).toEqual([1.5, -2.5]);
    h.writeF32(above + 8, [3.25]);
    expect(h.viewF32(above, 3)[2]).toBe(3.25);
    h.free(above);
  });

  it.each(['js', 'wasm', 'relaxed', 'debug'])('%s: every family gives bit-identical results above 2³¹', (tag) => {
    expect(dummy, 'needs the 2 GiB block of the previous test').not.toBe(0);
    const entry = list.find(([t]) => t === tag);
    if (!entry) {
      console.warn(`high-memory.test: the ${tag} build does not run on this engine; not checked.`);
      return;
    }
    const [, b] = entry;
    const highWs = heap!.alloc(GEMM_WS_BYTES);
    expect(highWs).toBeGreaterThanOrEqual(TWO_GIB);
    const hb: Backend = { ...b, ws: highWs };
    try {
      for (const c of all) expectIdentical(run(hb, c, true), low.get(`${tag} ${c.label}`)!, `${tag} ${c.label}`);
    } finally {
      heap!.free(highWs);
    }
  });

  it('above 2³¹, every wasm build agrees with the js twin', () => {
    expect(dummy).not.toBe(0);
    const js = list[0]![1];
    for (const c of all) {
      const ref = run(js, c, true);
      for (const [tag, b] of list.slice(1)) {
        const got = run(b, c, true);
        for (const name of Object.keys(c.call.outputs)) expectClose(got.out[name]!, ref.out[name]!, c.tol, `${c.label} [${tag}] ${name}`);
        expectClose([got.ret], [ref.ret], { abs: c.tol.abs * 100, rel: c.tol.rel * 10 }, `${c.label} [${tag}] return`);
      }
    }
  });

  it('beyond 4 GiB, alloc throws an Error that names the sizes, the limit and the fix, and the heap stays usable', () => {
    const h = heap!;
    const before = h.bytesInUse;
    const request = 2.5 * 2 ** 30;
    let err: unknown;
    try {
      h.alloc(request);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(RangeError);
    const msg = (err as Error).message;
    expect(msg).toContain(`${request} bytes`);
    expect(msg).toContain(`${before} bytes`);
    expect(msg).toContain('4 GiB');
    expect(msg).toMatch(/smaller batch/);
    expect(msg).toMatch(/fewer rows/);
    expect(msg).toMatch(/smaller model/);
    expect(h.bytesInUse).toBe(before);
    const p = h.alloc(1 << 20);
    expect(p).toBeGreaterThanOrEqual(TWO_GIB);
    h.free(p);
  });

  it('at the top of the heap (just below 4 GiB − 1 MiB) every family still gives the same results', () => {
    expect(dummy).not.toBe(0);
    const h = heap!;
    const probe = h.alloc(64);
    h.free(probe);
    const room = 256 * 1024;
    const top = h.alloc(MAX_HEAP_BYTES - room - probe);
    try {
      expect(top).toBe(probe);
      for (const [tag, b] of list) {
        for (const c of all) {
          // The low workspace (4 MiB does not fit in the room left); every other buffer is at the top.
          const got = runKernel(b, c.kernel, {
            ...c.call,
            args: (p, be) => {
              for (const [name, ptr] of Object.entries(p)) expect(ptr, `${c.label}: ${name}`).toBeGreaterThanOrEqual(MAX_HEAP_BYTES - room);
              return c.call.args(p, be);
            },
          });
          expectIdentical(got, low.get(`${tag} ${c.label}`)!, `${tag} ${c.label} (top)`);
        }
      }
      expect(h.byteLength).toBeGreaterThan(MAX_HEAP_BYTES - room);
      expect(h.byteLength).toBeLessThanOrEqual(MAX_HEAP_BYTES);
    } finally {
      h.free(top);
    }
  });
});

describe('Heap limits (no gigabytes needed)', () => {
  it('a request larger than 4 GiB throws the clear error without growing the memory', () => {
    const h = new Heap(undefined, 1 << 20);
    const size = h.byteLength;
    expect(() => h.alloc(5 * 2 ** 30)).toThrow(/cannot allocate 5368709120 bytes.*4 GiB.*smaller batch/s);
    expect(() => h.alloc(MAX_HEAP_BYTES)).toThrow(/4 GiB/);
    expect(h.byteLength).toBe(size);
  });

  it('when the engine refuses to grow the memory, alloc throws the clear error, not a RangeError', () => {
    const h = new Heap(new WebAssembly.Memory({ initial: 2, maximum: 4 }));
    const p = h.alloc(1000);
    let err: unknown;
    try {
      h.alloc(1 << 20);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(RangeError);
    expect((err as Error).message).toMatch(/cannot allocate 1048576 bytes.*refused.*1024 bytes.*in use.*4 GiB.*smaller batch/s);
    h.free(p);
    expect(h.alloc(64)).toBe(p);
  });

  it('a freed block is zero again when handed out; fresh memory is zero without being written', () => {
    const h = new Heap(undefined, 1 << 20);
    const p = h.alloc(256);
    h.f32.fill(7, p >>> 2, (p + 256) >>> 2);
    h.free(p);
    const q = h.alloc(512);
    expect(q).toBe(p);
    expect(h.readF32(q, 128).every((v) => v === 0)).toBe(true);
  });

  it('alloc(bytes, false) leaves a reused block as it was (for one the caller overwrites whole); the default zeroes it', () => {
    const h = new Heap(undefined, 1 << 20);
    const p = h.allocF32(64);
    h.f32.fill(7, p >>> 2, (p >>> 2) + 64);
    h.free(p);
    const q = h.allocF32(64, false);
    expect(q).toBe(p);
    expect(Array.from(h.readF32(q, 64))).toEqual(new Array(64).fill(7));
    h.free(q);
    expect(Array.from(h.readF32(h.allocF32(64), 64))).toEqual(new Array(64).fill(0));
  });
});
