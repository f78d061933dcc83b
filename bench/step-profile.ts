/**
 * Where a training step spends its time, kernel call by kernel call, on 1 and 2 threads:
 * `node --experimental-wasm-relaxed-simd --import tsx bench/step-profile.ts [hidden…] [--batch N] [--simd baseline|relaxed]`
 * (default 784-128-10, batch 128, baseline). A diagnostic, not a section of `npm run bench`.
 *
 * Every function of the backend's kernel table is wrapped with a timer (the trainers look kernels
 * up on `backend.k` at each call, so the wrapper sees every call; ~0.1 µs each). One fit epoch of
 * 64 batches is timed per round, untimed rounds first; per kernel the median over rounds of its µs
 * per step. "JS between kernels" is the step time minus the kernel time (the loop, the optimizer's
 * and the network's own code, the wrappers).
 *
 * A second table times the split GEMMs of the first layer alone: the whole call on one thread, the
 * calling thread's slice alone, and the split call (2 threads), and the empty round trip to a worker.
 */
import { type Backend, adam, dense, init, sequential } from '../src/index.js';
import { threadPoolOf } from '../src/kernels/threads.js';
import { KERNEL_INDEX } from '../src/kernels/pool.js';
import { median, now } from './stats.js';

const argv = process.argv.slice(2);
const flag = (name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : dflt;
};
const batch = Number(flag('--batch', '128'));
const simd = flag('--simd', 'baseline') as 'baseline' | 'relaxed';
const hidden = argv.filter((a, i) => /^\d+$/.test(a) && !['--batch'].includes(argv[i - 1] ?? '')).map(Number);
if (hidden.length === 0) hidden.push(128);
const BATCHES = 64;
/** --shapes: one row per kernel and call shape (a GEMM's m×n×k, an elementwise kernel's length). */
const byShape = argv.includes('--shapes');
/** Leading pointer arguments of the elementwise kernels shown by shape (their length follows). */
const LENGTH_AT: Record<string, number> = { adam_f32: 4, relu_fwd_f32: 2, relu_bwd_f32: 4, gather_rows_f32: 3 };
function shapeOf(name: string, a: number[]): string {
  if (name.startsWith('gemm_')) return `${a[3]}×${a[4]}×${a[5]}`;
  if (name === 'colsum_f32') return `${a[2]}×${a[3]}`;
  const at = LENGTH_AT[name];
  return at === undefined ? '' : String(a[at]);
}
const info: string[] = [];
const ROUNDS = 7;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Tally {
  us: Map<string, number>;
  calls: Map<string, number>;
}

/** Wraps every kernel of b.k with a timer adding into `t`. */
function instrument(b: Backend, t: Tally): void {
  const base = b.k as unknown as Record<string, (...a: number[]) => number | undefined>;
  const table: Record<string, (...a: number[]) => number | undefined> = {};
  (b as { k: unknown }).k = table;
  for (const name of Object.keys(base)) {
    const f = base[name]!;
    if (typeof f !== 'function') continue;
    table[name] = (...a: number[]) => {
      const t0 = now();
      const r = f(...a);
      const key = byShape ? `${name} ${shapeOf(name, a)}` : name;
      t.us.set(key, (t.us.get(key) ?? 0) + (now() - t0) * 1000);
      t.calls.set(key, (t.calls.get(key) ?? 0) + 1);
      return r;
    };
  }
}

async function profile(threads: number): Promise<{ step: number; kernels: Map<string, number>; calls: Map<string, number> }> {
  const b = await init({ backend: 'wasm', simd, threads });
  const tally: Tally = { us: new Map(), calls: new Map() };
  const layers = [
    ...hidden.map((units, i) => dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [784] } : {}) })),
    dense({ units: 10, activation: 'softmax' }),
  ];
  const m = sequential(layers, { seed: 1, backend: b });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: adam({ learningRate: 1e-3 }) });
  const rows = batch * BATCHES;
  const r = rng(2);
  const x = { data: Float32Array.from({ length: rows * 784 }, () => r()), shape: [rows, 784] as [number, number] };
  const y = Int32Array.from({ length: rows }, (_, i) => i % 10);
  const epoch = () => m.fit(x, y, { epochs: 1, batchSize: batch, shuffle: true, yieldEvery: 'never' });
  for (let i = 0; i < 3; i++) await epoch();
  instrument(b, tally);
  await epoch();
  const steps: number[] = [];
  const per = new Map<string, number[]>();
  let calls = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    tally.us.clear();
    tally.calls.clear();
    const t0 = now();
    await epoch();
    steps.push(((now() - t0) * 1000) / BATCHES);
    for (const [k, v] of tally.us) per.set(k, [...(per.get(k) ?? []), v / BATCHES]);
    calls = new Map(tally.calls);
  }
  const pool = threadPoolOf(b);
  if (pool) {
    const [j, w, n, sp] = [pool.jobs, pool.wakes, pool.naps, pool.busySpells];
    const ws0 = pool.workerStats();
    await epoch();
    const ws1 = pool.workerStats();
    const s = b.splits!;
    info.push(
      `${threads} threads: per step ${((pool.jobs - j) / BATCHES).toFixed(1)} jobs, ${((pool.wakes - w) / BATCHES).toFixed(1)} wake-ups of a sleeping worker, ` +
        `${((pool.naps - n) / BATCHES).toFixed(1)} waits slept; in ${BATCHES} steps the caller saw the machine busy ${pool.busySpells - sp} times, ` +
        `the worker saw itself descheduled ${ws1.preempted - ws0.preempted} times and slept ${ws1.sleptIdle - ws0.sleptIdle} times idle, ` +
        `${ws1.sleptBusy - ws0.sleptBusy} times backing off. Measured at init: round trip ${s.roundTripUs.toFixed(1)} µs, ` +
        `${s.gemmGflops.toFixed(1)} GFLOP/s, ${s.heavyNsPerFloat.toFixed(2)} / ${s.lightNsPerFloat.toFixed(2)} ns per float → split GEMMs from ` +
        `${(s.gemmFlop / 1e6).toFixed(2)} MFLOP, heavy kernels from ${s.heavyFloats} floats, light from ${s.lightFloats}.`,
    );
  }
  await b.dispose();
  return { step: median(steps), kernels: new Map([...per].map(([k, v]) => [k, median(v)])), calls };
}

/** µs per call of f, median of 15 rounds of `reps` calls. */
function time(f: () => void, reps = 20): number {
  for (let i = 0; i < 5; i++) f();
  const xs: number[] = [];
  for (let r = 0; r < 15; r++) {
    const t0 = now();
    for (let i = 0; i < reps; i++) f();
    xs.push(((now() - t0) * 1000) / reps);
  }
  return median(xs);
}

async function gemmSplits(): Promise<string[]> {
  const b1 = await init({ backend: 'wasm', simd, threads: 1 });
  const b2 = await init({ backend: 'wasm', simd, threads: 2 });
  const out: string[] = ['| call | shape | 1 thread µs | caller slice alone µs | 2 threads µs | 2/1 |', '|---|---|---:|---:|---:|---:|'];
  const n0 = 784;
  const n1 = hidden[0]!;
  const shapes: [string, string, (b: Backend, rows: number, p: Record<string, number>) => void, number][] = [
    ['Z1 = X·W1 + b1', `nn ${batch}×${n1}×${n0}`, (b, rows, p) => b.k.gemm_nn_f32(p.x!, p.w!, p.z!, rows, n1, n0, p.bias!, 0, b.ws), batch],
    ['dW1 = Xᵀ·dZ1', `tn ${n0}×${n1}×${batch}`, (b, rows, p) => b.k.gemm_tn_ld_f32(p.x!, p.dz!, p.dw!, rows, n1, batch, n0, 0, b.ws), n0],
    ['dX1 = dZ1·W1ᵀ', `nt ${batch}×${n0}×${n1}`, (b, rows, p) => b.k.gemm_nt_f32(p.dz!, p.w!, p.dx!, rows, n0, n1, 0, b.ws), batch],
  ];
  const bufs = (b: Backend): Record<string, number> => {
    const h = b.heap;
    const p = {
      x: h.allocF32(batch * n0),
      w: h.allocF32(n0 * n1),
      z: h.allocF32(batch * n1),
      bias: h.allocF32(n1),
      dz: h.allocF32(batch * n1),
      dw: h.allocF32(n0 * n1),
      dx: h.allocF32(batch * n0),
    };
    const r = rng(3);
    const f = h.f32;
    for (const v of Object.values(p)) for (let i = 0; i < 1024; i++) f[(v >>> 2) + i] = r();
    return p;
  };
  const p1 = bufs(b1);
  const p2 = bufs(b2);
  for (const [name, shape, call, m] of shapes) {
    const whole = time(() => call(b1, m, p1));
    const half = time(() => call(b1, Math.ceil(m / 2 / 4) * 4, p1));
    const split = time(() => call(b2, m, p2));
    out.push(`| ${name} | ${shape} | ${whole.toFixed(1)} | ${half.toFixed(1)} | ${split.toFixed(1)} | ${(whole / split).toFixed(2)}× |`);
  }
  const pool = threadPoolOf(b2)!;
  const id = KERNEL_INDEX.sgd_f32;
  const trip = time(() => {
    pool.post(0, id, 0, 0, 0, 0);
    pool.wait(0);
  }, 200);
  out.push('', `Empty round trip to a worker (post + wait of a zero-length job): ${trip.toFixed(2)} µs.`);
  await b1.dispose();
  await b2.dispose();
  return out;
}

const a = await profile(1);
const b = await profile(2);
const names = [...new Set([...a.kernels.keys(), ...b.kernels.keys()])].sort((p, q) => (a.kernels.get(q) ?? 0) - (a.kernels.get(p) ?? 0));
const lines = [
  `Step profile: 784-${hidden.join('-')}-10, batch ${batch}, adam, ${simd}; µs per step (median of ${ROUNDS} epochs of ${BATCHES} steps).`,
  '',
  '| kernel | calls/step | 1 thread µs | 2 threads µs | 2/1 |',
  '|---|---:|---:|---:|---:|',
];
let sa = 0;
let sb = 0;
for (const n of names) {
  const u = a.kernels.get(n) ?? 0;
  const v = b.kernels.get(n) ?? 0;
  sa += u;
  sb += v;
  lines.push(`| ${n} | ${((a.calls.get(n) ?? 0) / BATCHES).toFixed(1)} | ${u.toFixed(1)} | ${v.toFixed(1)} | ${(u / v).toFixed(2)}× |`);
}
lines.push(`| (all kernels) | | ${sa.toFixed(1)} | ${sb.toFixed(1)} | ${(sa / sb).toFixed(2)}× |`);
lines.push(`| JS between kernels | | ${(a.step - sa).toFixed(1)} | ${(b.step - sb).toFixed(1)} | |`);
lines.push(`| **step** | | **${a.step.toFixed(1)}** | **${b.step.toFixed(1)}** | **${(a.step / b.step).toFixed(2)}×** |`);
lines.push('', ...info, '', ...(await gemmSplits()));
console.log(lines.join('\n'));
