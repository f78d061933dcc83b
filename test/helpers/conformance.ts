/**
 * One helper for every kernel test: lay the same inputs out in the heap of each backend, run the
 * kernel on each, read the outputs back, and compare the wasm builds against the js reference.
 * conform() also runs the debug build (build/simdnn-debug.wasm, precondition asserts compiled in),
 * so a kernel call that violates a documented precondition fails the test with a wasm trap.
 */
import { expect } from 'vitest';
import { init, setBackend, type Backend } from '../../src/kernels/backend.js';
import type { KernelName, Kernels } from '../../src/kernels/kernels.js';

export interface Backends {
  js: Backend;
  /** Baseline SIMD build. */
  wasm: Backend;
  /** Relaxed-SIMD (FMA) build, when the engine validates it (test/setup.ts enables it on Node 20). */
  relaxed?: Backend;
  /** Debug build (asserts on, unoptimised by asc): in conform() and allBackends({ debug: true }). */
  debug: Backend;
}

/** The debug build, next to the release builds. */
export const DEBUG_WASM_URL = new URL('../../build/simdnn-debug.wasm', import.meta.url);

let cached: Promise<Backends> | undefined;

/** The js backend and every wasm build this engine runs, created once per test file. */
export function backends(): Promise<Backends> {
  cached ??= (async () => {
    const js = await init({ backend: 'js' });
    const wasm = await init({ backend: 'wasm', simd: 'baseline' });
    let relaxed: Backend | undefined;
    try {
      relaxed = await init({ backend: 'wasm', simd: 'relaxed' });
    } catch {
      relaxed = undefined;
    }
    const debug = await init({ backend: 'wasm', wasm: DEBUG_WASM_URL });
    // init() makes its result the default backend: keep the optimised build the default, as before.
    setBackend(relaxed ?? wasm);
    return { js, wasm, relaxed, debug };
  })();
  return cached;
}

/**
 * Every backend to run, labelled: js first (the reference), then the wasm builds; the debug build
 * only on request (`{ debug: true }`; conform() always includes it).
 */
export async function allBackends(options: { debug?: boolean } = {}): Promise<[string, Backend][]> {
  const b = await backends();
  const list: [string, Backend][] = [
    ['js', b.js],
    ['wasm', b.wasm],
  ];
  if (b.relaxed) list.push(['relaxed', b.relaxed]);
  if (options.debug) list.push(['debug', b.debug]);
  return list;
}

export type Input = Float32Array | Int32Array;

export interface KernelCall {
  /** Input arrays, copied into the heap (f32 or i32). */
  inputs: Record<string, Input>;
  /** Output arrays: name → element count (f32). May also name an input, to read it back after an in-place kernel. */
  outputs: Record<string, number>;
  /** Initial content for outputs (e.g. for beta = 1 accumulation); default zeros. */
  init?: Record<string, Float32Array>;
  /** Builds the kernel's argument list from the pointers (by name) and the backend (for ws). */
  args: (p: Record<string, number>, b: Backend) => number[];
}

export interface KernelResult {
  /** Outputs by name. */
  out: Record<string, Float32Array>;
  /** The kernel's return value. */
  ret: number;
}

/** Runs one kernel on one backend with the given layout; frees everything afterwards. */
export function runKernel(b: Backend, name: keyof Kernels, call: KernelCall): KernelResult {
  const p: Record<string, number> = {};
  for (const [n, arr] of Object.entries(call.inputs)) {
    p[n] = b.heap.alloc(arr.length * 4 + 16);
    if (arr instanceof Int32Array) b.heap.i32.set(arr, p[n]! >>> 2);
    else b.heap.f32.set(arr, p[n]! >>> 2);
  }
  for (const [n, len] of Object.entries(call.outputs)) {
    if (p[n] !== undefined) continue;
    p[n] = b.heap.alloc(len * 4 + 16);
    const initial = call.init?.[n];
    if (initial) b.heap.f32.set(initial, p[n]! >>> 2);
  }
  const fn = b.k[name] as unknown as (...a: number[]) => number;
  const ret = fn(...call.args(p, b));
  const out: Record<string, Float32Array> = {};
  for (const [n, len] of Object.entries(call.outputs)) out[n] = b.heap.readF32(p[n]!, len);
  for (const ptr of Object.values(p)) b.heap.free(ptr);
  return { out, ret: ret ?? 0 };
}

export interface Tolerance {
  /** Allowed |wasm − js| ≤ abs + rel·|js|. */
  abs: number;
  rel: number;
}

/** Asserts two arrays agree elementwise within tol; names the first offending index. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, label = ''): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ok = a === e || Math.abs(a - e) <= tol.abs + tol.rel * Math.abs(e) || (Number.isNaN(a) && Number.isNaN(e));
    if (!ok) {
      expect.fail(`${label}: element ${i} is ${a}, reference ${e} (tolerance abs ${tol.abs}, rel ${tol.rel})`);
    }
  }
}

/**
 * Runs `name` on js and every wasm build (the debug build too) with the same layout and asserts each
 * wasm output (and return value) is within tol of the js reference. Returns the js result.
 */
export async function conform(name: keyof Kernels, call: KernelCall, tol: Tolerance, label = ''): Promise<KernelResult> {
  const list = await allBackends({ debug: true });
  const ref = runKernel(list[0]![1], name, call);
  for (const [tag, b] of list.slice(1)) {
    const got = runKernel(b, name, call);
    for (const n of Object.keys(call.outputs)) expectClose(got.out[n]!, ref.out[n]!, tol, `${name} ${label} [${tag}] ${n}`);
    expectClose([got.ret], [ref.ret], { abs: tol.abs * 100, rel: tol.rel * 10 }, `${name} ${label} [${tag}] return`);
  }
  return ref;
}

/** Deterministic pseudo-random floats in [lo, hi) (mulberry32), for test inputs. */
export function rand(n: number, seed = 1, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

/** Shapes every kernel test sweeps: edges around tile sizes and powers of two. */
export const EDGE_SIZES = [1, 3, 5, 17, 127, 128, 129] as const;

// ---------------------------------------------------------------- conformance tables

/** One row of a family's conformance table: a kernel, a shape (its label) and a tolerance. */
export interface ConformRow {
  kernel: KernelName;
  /** The shape, as shown on failure (e.g. `rows=3 cols=17`). */
  shape: string;
  tol: Tolerance;
  call: KernelCall;
}

/** Runs every row of a conformance table through conform() (wasm builds vs the js reference). */
export async function conformTable(rows: Iterable<ConformRow>): Promise<void> {
  for (const r of rows) await conform(r.kernel, r.call, r.tol, r.shape);
}

// ---------------------------------------------------------------- shared tolerances and inputs
// Tolerances (|got − ref| ≤ abs + rel·|ref|), chosen from the arithmetic, not from observed noise.

/** Kernels that only select / copy / clamp / flip signs / hash integers: bit-identical. */
export const EXACT: Tolerance = { abs: 0, rel: 0 };
/** One or two f32 roundings against a float64 reference: rel 1e-6 (≈ 8 ulp), abs 1e-30 (denormal noise). */
export const ULP: Tolerance = { abs: 1e-30, rel: 1e-6 };
/** Kernels built on the wasm exp/log polynomials (≈ 2e-7 relative each). */
export const EXP: Tolerance = { abs: 1e-7, rel: 2e-6 };
/** f32 sums against float64 sums of up to 129 terms of magnitude ≤ 1. */
export const SUM: Tolerance = { abs: 1e-5, rel: 1e-5 };
/** Optimizer steps (lr, β, … are rounded to f32 on the wasm side). */
export const OPT: Tolerance = { abs: 1e-7, rel: 1e-6 };
/** Step of the central finite differences of f32 kernels. */
export const FD_H = 1e-2;
/** Central differences with h = 1e-2 on f32 kernels: truncation ≤ 2e-5 plus rounding ≈ 6e-6. */
export const FD_TOL: Tolerance = { abs: 2e-4, rel: 1e-3 };

/** Row counts the row kernels sweep. */
export const ROWS = [1, 3, 17, 128, 129];
/** Column counts the row kernels sweep (include 1 and 10). */
export const COLS = [1, 3, 5, 10, 17, 127, 128, 129];

export const f32 = (xs: number[]): Float32Array => Float32Array.from(xs);
/** The i32 view of an output read back as f32 (index outputs). */
export const asI32 = (x: Float32Array): number[] => Array.from(new Int32Array(x.buffer, x.byteOffset, x.length));

/** One-hot rows (a deterministic class per row). */
export function oneHot(rows: number, cols: number, seed: number): Float32Array {
  const y = new Float32Array(rows * cols);
  const u = rand(rows, seed, 0, 1);
  for (let r = 0; r < rows; r++) y[r * cols + Math.min(cols - 1, Math.floor(u[r]! * cols))] = 1;
  return y;
}

/** Binary targets: 1 or `neg` (0 for cross-entropy, −1 for hinge). */
export function binaryTargets(n: number, seed: number, neg = 0): Float32Array {
  return rand(n, seed, 0, 1).map((v) => (v < 0.5 ? neg : 1));
}

/** The logistic sigmoid in float64 (reference for sigmoid-based kernels). */
export function sigmoid64(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
