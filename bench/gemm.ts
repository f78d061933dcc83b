/**
 * GEMM throughput, GFLOP/s = 2·m·n·k / time (median of timed chunks), for the three layouts:
 * js reference vs wasm baseline SIMD (mul+add) vs wasm relaxed SIMD (FMA), side by side in one
 * process. Shapes: 128³ and 512³ (nn, tn, nt), the MNIST 784-128-10 layers at batch 32 and 128
 * (forward nn, weight gradient tn, input delta nt, for the 784→128 and the 128→10 layer), and the
 * single-sample predict products (m = 1).
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gemm.ts [--seconds S] [--quick] [--cpu]
 *
 * or as the `gemm` section of `npm run bench`. Every contender is called untimed first (TurboFan
 * tier-up); then the backends take turns, round-robin with the order rotated each round, so load
 * from other processes falls on all of them. A chunk is ≥ 2 ms of back-to-back calls on the same
 * buffers (at least one call). The spread column is (p10–p90)/median over all chunks of the row, in
 * %: a few % is a quiet machine, tens of % means the row is not quotable. On a shared machine,
 * `--cpu` times chunks by this process's CPU time (process.cpuUsage) instead of the wall clock,
 * which removes time spent descheduled (not cache or SMT interference): a diagnostic, not a number
 * to quote.
 */
import { pathToFileURL } from 'node:url';
import { init, type Backend } from '../src/kernels/backend.js';
import { machineLine } from './machine.js';
import { fmt, mdTable, median, now, ratio, spreadPct } from './stats.js';

type Layout = 'nn' | 'tn' | 'nt';

export interface Row {
  /** Human label, e.g. "dW1 = Xᵀ·dZ1 (batch 32)". */
  name: string;
  layout: Layout;
  m: number;
  n: number;
  k: number;
  /** 'js', 'wasm' (baseline SIMD) or 'relaxed' (relaxed SIMD build). */
  backend: string;
  /** Median over chunks of 2·m·n·k / time per call, GFLOP/s. */
  gflops: number;
  /** Median time of one call, µs. */
  usPerCall: number;
  /** (p90 − p10) / median of the chunk rates, %. */
  spreadPct: number;
  /** Timed calls in total. */
  calls: number;
}

export interface GemmBenchOptions {
  /** Timed seconds per shape, shared by all backends (default 1.5; --quick: 0.3). */
  seconds?: number;
  /** 'wall' (default): performance.now(); 'cpu': process CPU time, for noisy shared machines. */
  clock?: 'wall' | 'cpu';
  /** Progress lines (default: stderr). */
  log?: (s: string) => void;
}

interface Shape {
  name: string;
  layout: Layout;
  m: number;
  n: number;
  k: number;
  bias: boolean;
}

function shapes(): Shape[] {
  const out: Shape[] = [];
  for (const s of [128, 512]) {
    out.push({ name: `${s}³ A·B`, layout: 'nn', m: s, n: s, k: s, bias: false });
    out.push({ name: `${s}³ Aᵀ·B`, layout: 'tn', m: s, n: s, k: s, bias: false });
    out.push({ name: `${s}³ A·Bᵀ`, layout: 'nt', m: s, n: s, k: s, bias: false });
  }
  for (const batch of [32, 128]) {
    out.push({ name: `Z1 = X·W1 + b1 (batch ${batch})`, layout: 'nn', m: batch, n: 128, k: 784, bias: true });
    out.push({ name: `dW1 = Xᵀ·dZ1 (batch ${batch})`, layout: 'tn', m: 784, n: 128, k: batch, bias: false });
    out.push({ name: `dX = dZ1·W1ᵀ (batch ${batch})`, layout: 'nt', m: batch, n: 784, k: 128, bias: false });
    out.push({ name: `Z2 = H·W2 + b2 (batch ${batch})`, layout: 'nn', m: batch, n: 10, k: 128, bias: true });
    out.push({ name: `dW2 = Hᵀ·dZ2 (batch ${batch})`, layout: 'tn', m: 128, n: 10, k: batch, bias: false });
    out.push({ name: `dH = dZ2·W2ᵀ (batch ${batch})`, layout: 'nt', m: batch, n: 128, k: 10, bias: false });
  }
  out.push({ name: 'predict z1 = x·W1 + b1 (m = 1)', layout: 'nn', m: 1, n: 128, k: 784, bias: true });
  out.push({ name: 'predict z2 = h·W2 + b2 (m = 1)', layout: 'nn', m: 1, n: 10, k: 128, bias: true });
  return out;
}

/** Operands of one shape in one backend's heap, filled with values in [−1, 1). */
function setup(b: Backend, s: Shape): { call: () => void; free: () => void } {
  const { m, n, k } = s;
  const heap = b.heap;
  const a = heap.allocF32(m * k);
  const bb = heap.allocF32(k * n);
  const c = heap.allocF32(m * n);
  const bias = heap.allocF32(n);
  const f = heap.f32; // after every allocation: views detach when the heap grows
  let seed = 12345;
  const fill = (p: number, len: number) => {
    for (let i = 0; i < len; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      f[(p >> 2) + i] = seed / 2147483648 - 1;
    }
  };
  fill(a, m * k);
  fill(bb, k * n);
  fill(bias, n);
  const ws = b.ws;
  const K = b.k;
  const call =
    s.layout === 'nn'
      ? () => K.gemm_nn_f32(a, bb, c, m, n, k, s.bias ? bias : 0, 0, ws)
      : s.layout === 'tn'
        ? () => K.gemm_tn_f32(a, bb, c, m, n, k, 0, ws)
        : () => K.gemm_nt_f32(a, bb, c, m, n, k, 0, ws);
  return {
    call,
    free: () =>
      [a, bb, c, bias].forEach((p) => {
        heap.free(p);
      }),
  };
}

/** Runs `fn` `reps` times back to back; returns the elapsed milliseconds on the chosen clock. */
function chunk(fn: () => void, reps: number, clock: 'wall' | 'cpu'): number {
  if (clock === 'cpu') {
    const c0 = process.cpuUsage();
    for (let r = 0; r < reps; r++) fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  }
  const t0 = now();
  for (let r = 0; r < reps; r++) fn();
  return now() - t0;
}

export async function benchGemm(opts: GemmBenchOptions = {}): Promise<Row[] & { markdown: string }> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const seconds = opts.seconds ?? 1.5;
  const clock = opts.clock ?? 'wall';
  const contenders: [string, Backend][] = [
    ['js', await init({ backend: 'js' })],
    ['wasm', await init({ backend: 'wasm', simd: 'baseline' })],
  ];
  let relaxedNote = '';
  try {
    contenders.push(['relaxed', await init({ backend: 'wasm', simd: 'relaxed' })]);
  } catch (e) {
    relaxedNote = `_relaxed SIMD skipped: ${(e as Error).message.split('\n')[0]}_`;
  }

  const rows: Row[] = [];
  const rounds = 5;
  for (const s of shapes()) {
    const flop = 2 * s.m * s.n * s.k;
    const cells = contenders.map(([tag, b]) => ({ tag, ...setup(b, s), rates: [] as number[], times: [] as number[], calls: 0, reps: 1 }));
    // Warm-up: at least 3 calls and 30 ms per contender; then size the chunks (≥ 2 ms, ≥ 1 call).
    for (const cell of cells) {
      let calls = 0;
      const t0 = now();
      while (calls < 3 || now() - t0 < 30) {
        cell.call();
        calls++;
      }
      const perCall = (now() - t0) / calls;
      const chunkMs = Math.max(2, (1000 * seconds) / (cells.length * rounds * 4));
      cell.reps = Math.max(1, Math.round(chunkMs / perCall));
    }
    const budgetMs = (1000 * seconds) / cells.length;
    const spent = cells.map(() => 0);
    for (let r = 0; r < rounds; r++) {
      for (let q = 0; q < cells.length; q++) {
        const i = (q + r) % cells.length;
        const cell = cells[i]!;
        const turnEnd = ((r + 1) * budgetMs) / rounds;
        // At least one chunk per turn; more while this contender's share of the round lasts.
        do {
          const ms = chunk(cell.call, cell.reps, clock);
          spent[i]! += ms;
          cell.calls += cell.reps;
          cell.rates.push((flop * cell.reps) / (ms * 1e6));
          cell.times.push((1000 * ms) / cell.reps);
        } while (spent[i]! < turnEnd);
      }
    }
    for (const cell of cells) {
      cell.free();
      rows.push({
        name: s.name,
        layout: s.layout,
        m: s.m,
        n: s.n,
        k: s.k,
        backend: cell.tag,
        gflops: median(cell.rates),
        usPerCall: median(cell.times),
        spreadPct: spreadPct(cell.rates),
        calls: cell.calls,
      });
    }
    const line = cells.map((c) => `${c.tag} ${median(c.rates).toFixed(2)}`).join(' · ');
    log(`gemm ${s.name} [${s.layout} ${s.m}×${s.n}×${s.k}]: ${line} GFLOP/s`);
  }

  const tags = contenders.map(([t]) => t);
  const table: string[][] = [];
  let worst = 0;
  for (const s of shapes()) {
    const r = (tag: string) => rows.find((x) => x.name === s.name && x.backend === tag);
    const cells = [s.name, `${s.layout} ${s.m}×${s.n}×${s.k}`];
    for (const t of tags) cells.push(fmt(r(t)?.gflops ?? NaN, 2));
    for (const t of tags.filter((t) => t !== 'js')) cells.push(fmt(r(t)?.usPerCall ?? NaN, r(t)!.usPerCall < 100 ? 2 : 0));
    const bestWasm = Math.max(...tags.filter((t) => t !== 'js').map((t) => r(t)?.gflops ?? 0));
    cells.push(ratio(bestWasm, r('js')?.gflops ?? NaN, 0));
    const spread = Math.max(...tags.map((t) => r(t)?.spreadPct ?? 0));
    worst = Math.max(worst, spread);
    cells.push(`${spread.toFixed(0)} %`);
    table.push(cells);
  }
  const header = [
    'product',
    'layout m×n×k',
    ...tags.map((t) => `${t} GFLOP/s`),
    ...tags.filter((t) => t !== 'js').map((t) => `${t} µs`),
    'wasm/js',
    'spread',
  ];
  const markdown = [
    mdTable(
      header,
      table,
      header.map((_, i) => (i < 2 ? 'l' : 'r')),
    ),
    '',
    '_GFLOP/s = 2·m·n·k / median time per call (beta = 0, bias where the layer has one). ' +
      'wasm = baseline SIMD build (mul+add), relaxed = relaxed-SIMD build (FMA), js = the pure-TypeScript ' +
      'reference (i-k-j loops, float64 row accumulator). wasm/js = the faster wasm build over js. ' +
      `spread = worst (p90−p10)/median over the row's backends; worst in this table ${worst.toFixed(0)} %.` +
      `${clock === 'cpu' ? ' Timed by process CPU time (--cpu), not wall clock.' : ''}_`,
    ...(relaxedNote ? ['', relaxedNote] : []),
  ].join('\n');
  return Object.assign(rows, { markdown });
}

// Run directly: machine line and the table.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--seconds');
  const quick = process.argv.includes('--quick');
  const seconds = i > 0 ? Number(process.argv[i + 1]) : quick ? 0.3 : undefined;
  benchGemm({ seconds, clock: process.argv.includes('--cpu') ? 'cpu' : 'wall' }).then(
    (rows) => console.log(`**Machine:** ${machineLine()}\n\n${rows.markdown}`),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
