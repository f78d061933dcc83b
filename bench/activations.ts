/**
 * Activation kernels, forward and backward throughput (elements/s, median of timed chunks):
 * js reference vs wasm baseline SIMD vs wasm relaxed SIMD, at n = 128×128 (one hidden layer of a
 * 128-batch) and n = 1<<20 (beyond L2: memory-bound).
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/activations.ts [--seconds S]
 *
 * or as the `activations` section of `npm run bench`. Each kernel runs untimed first; the three
 * backends then take turns (round-robin, order rotated per round) so that load from other processes
 * falls on all of them. Every timed chunk is ≥ 2 ms of back-to-back calls on the same buffers.
 */
import { pathToFileURL } from 'node:url';
import { init, type Backend } from '../src/kernels/backend.js';
import type { Kernels } from '../src/kernels/kernels.js';
import { machineLine } from './machine.js';
import { fmt, mdTable, median, now, ratio, spreadPct } from './stats.js';

type Call = () => void;

interface Case {
  name: string;
  /** Builds the forward and backward calls on buffers allocated in b's heap for n elements. */
  setup: (b: Backend, n: number) => { fwd: Call; bwd: Call; free: () => void };
}

/** Uniform-signature elementwise activation `name` with parameter alpha. */
function elementwise(name: string, alpha = 0.1): Case {
  return {
    name,
    setup(b, n) {
      const ptrs = ['z', 'a', 'da', 'dz'].map(() => b.heap.allocF32(n));
      const [z, a, da, dz] = ptrs as [number, number, number, number];
      fillRandom(b, z, n, 1, -4, 4);
      fillRandom(b, da, n, 2, -1, 1);
      const fwdName = `${name}_fwd_f32` as keyof Kernels;
      const bwdName = `${name}_bwd_f32` as keyof Kernels;
      const fwdFn = b.k[fwdName] as unknown as (z: number, a: number, n: number, alpha: number) => void;
      const bwdFn = b.k[bwdName] as unknown as (z: number, a: number, da: number, dz: number, n: number, alpha: number) => void;
      fwdFn(z, a, n, alpha);
      return {
        fwd: () => fwdFn(z, a, n, alpha),
        bwd: () => bwdFn(z, a, da, dz, n, alpha),
        free: () =>
          ptrs.forEach((p) => {
            b.heap.free(p);
          }),
      };
    },
  };
}

const COLS = 128;

const CASES: Case[] = [
  ...['linear', 'relu', 'sigmoid', 'tanh', 'leaky_relu', 'elu', 'softplus', 'hard_tanh', 'abs'].map((n) =>
    elementwise(n, n === 'elu' ? 1 : 0.01),
  ),
  {
    name: 'prelu (per-unit slope)',
    setup(b, n) {
      const rows = n / COLS;
      const p = [n, COLS, n, n, n, COLS].map((m) => b.heap.allocF32(m));
      const [z, slope, a, da, dz, dslope] = p as [number, number, number, number, number, number];
      fillRandom(b, z, n, 1, -4, 4);
      fillRandom(b, slope, COLS, 3, 0, 0.3);
      fillRandom(b, da, n, 2, -1, 1);
      return {
        fwd: () => b.k.prelu_fwd_f32(z, slope, a, rows, COLS),
        bwd: () => b.k.prelu_bwd_f32(z, slope, da, dz, dslope, rows, COLS, 0),
        free: () =>
          p.forEach((q) => {
            b.heap.free(q);
          }),
      };
    },
  },
  {
    // n counts output units: z has 2n pieces.
    name: 'maxout k=2 (n outputs)',
    setup(b, n) {
      const rows = n / COLS;
      const p = [2 * n, n, n, n, 2 * n].map((m) => b.heap.allocF32(m));
      const [z, a, idx, da, dz] = p as [number, number, number, number, number];
      fillRandom(b, z, 2 * n, 1, -4, 4);
      fillRandom(b, da, n, 2, -1, 1);
      b.k.maxout_fwd_f32(z, a, idx, rows, COLS, 2);
      return {
        fwd: () => b.k.maxout_fwd_f32(z, a, idx, rows, COLS, 2),
        bwd: () => b.k.maxout_bwd_f32(da, idx, dz, rows, COLS, 2),
        free: () =>
          p.forEach((q) => {
            b.heap.free(q);
          }),
      };
    },
  },
  {
    name: `softmax (rows of ${COLS})`,
    setup(b, n) {
      const rows = n / COLS;
      const p = [n, n, n, n].map((m) => b.heap.allocF32(m));
      const [z, a, da, dz] = p as [number, number, number, number];
      fillRandom(b, z, n, 1, -4, 4);
      fillRandom(b, da, n, 2, -1, 1);
      b.k.softmax_rows_f32(z, a, rows, COLS);
      return {
        fwd: () => b.k.softmax_rows_f32(z, a, rows, COLS),
        bwd: () => b.k.softmax_bwd_rows_f32(a, da, dz, rows, COLS),
        free: () =>
          p.forEach((q) => {
            b.heap.free(q);
          }),
      };
    },
  },
  {
    name: 'dropout (rate 0.5, seeded)',
    setup(b, n) {
      const p = [n, n, n, n, n].map((m) => b.heap.allocF32(m));
      const [x, mask, y, dy, dx] = p as [number, number, number, number, number];
      fillRandom(b, x, n, 1, -4, 4);
      fillRandom(b, dy, n, 2, -1, 1);
      let seed = 1;
      b.k.dropout_fwd_f32(x, mask, y, n, 0.5, seed);
      return {
        fwd: () => b.k.dropout_fwd_f32(x, mask, y, n, 0.5, seed++),
        bwd: () => b.k.dropout_bwd_f32(dy, mask, dx, n),
        free: () =>
          p.forEach((q) => {
            b.heap.free(q);
          }),
      };
    },
  },
];

function fillRandom(b: Backend, ptr: number, n: number, seed: number, lo: number, hi: number): void {
  const f = b.heap.f32;
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    f[(ptr >> 2) + i] = lo + ((hi - lo) * s) / 4294967296;
  }
}

/** Calls per chunk so that one chunk takes ≥ minMs (estimated from a doubling probe). */
function callsPerChunk(fn: () => void, minMs: number): number {
  let reps = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < reps; i++) fn();
    const dt = now() - t0;
    if (dt >= minMs || reps >= 1 << 20) return reps;
    reps = dt <= 0 ? reps * 8 : Math.max(reps * 2, Math.ceil((reps * minMs * 1.2) / dt));
  }
}

/** Elements per second of each chunk. */
function timeChunks(fn: () => void, reps: number, n: number, chunks: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < chunks; c++) {
    const t0 = now();
    for (let i = 0; i < reps; i++) fn();
    out.push((reps * n) / ((now() - t0) / 1000));
  }
  return out;
}

export interface ActivationBenchOptions {
  /** Target seconds per measured (kernel, size, direction) across all backends. Default 0.6. */
  seconds?: number;
  /** Sizes (elements). Default [128·128, 1<<20]. */
  sizes?: number[];
  log?: (s: string) => void;
}

export async function benchActivations(opts: ActivationBenchOptions = {}): Promise<string> {
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const sizes = opts.sizes ?? [128 * 128, 1 << 20];
  const seconds = opts.seconds ?? 0.6;
  const heapBytes = 64 << 20;
  const contenders: [string, Backend][] = [
    ['js', await init({ backend: 'js', initialHeapBytes: heapBytes })],
    ['wasm', await init({ backend: 'wasm', simd: 'baseline', initialHeapBytes: heapBytes })],
  ];
  let relaxedNote = '';
  try {
    contenders.push(['wasm relaxed', await init({ backend: 'wasm', simd: 'relaxed', initialHeapBytes: heapBytes })]);
  } catch (e) {
    relaxedNote = `_relaxed SIMD skipped: ${(e as Error).message}_`;
  }
  const names = contenders.map(([t]) => t);
  const sections: string[] = [`### Activation kernels: elements/s (median of chunks)`, '', machineLine(), ''];
  const chunksPerTurn = 3;
  const rounds = 4;
  for (const n of sizes) {
    const rows: string[][] = [];
    let worstSpread = 0;
    for (const c of CASES) {
      log(`activations: ${c.name} n=${n}`);
      const set = contenders.map(([, b]) => c.setup(b, n));
      const cells: string[] = [c.name];
      const med: Record<string, number> = {};
      for (const dir of ['fwd', 'bwd'] as const) {
        const fns = set.map((s) => s[dir]);
        // Warm-up (TurboFan tier-up), then size the chunks: ~seconds / (contenders · rounds · chunks).
        fns.forEach((f) => {
          for (let i = 0; i < 3; i++) f();
        });
        const chunkMs = Math.max(2, (1000 * seconds) / (fns.length * rounds * chunksPerTurn));
        const reps = fns.map((f) => callsPerChunk(() => f(), chunkMs));
        const samples: number[][] = fns.map(() => []);
        for (let r = 0; r < rounds; r++) {
          for (let j = 0; j < fns.length; j++) {
            const i = (j + r) % fns.length;
            samples[i]!.push(...timeChunks(() => fns[i]!(), reps[i]!, n, chunksPerTurn));
          }
        }
        samples.forEach((s, i) => {
          med[`${dir} ${names[i]}`] = median(s);
          worstSpread = Math.max(worstSpread, spreadPct(s));
          cells.push(fmt(median(s) / 1e6, 0));
        });
      }
      for (const dir of ['fwd', 'bwd']) {
        const best = Math.max(...names.slice(1).map((t) => med[`${dir} ${t}`] ?? 0));
        cells.push(ratio(best, med[`${dir} js`]!));
      }
      set.forEach((s) => {
        s.free();
      });
      rows.push(cells);
    }
    const header = [
      `n = ${n === 128 * 128 ? '128×128' : n === 1 << 20 ? '1<<20' : String(n)}`,
      ...names.map((t) => `fwd ${t} M/s`),
      ...names.map((t) => `bwd ${t} M/s`),
      'fwd wasm/js',
      'bwd wasm/js',
    ];
    sections.push(mdTable(header, rows), '', `_worst p10–p90 spread: ${worstSpread.toFixed(0)} % of the median._`, '');
  }
  if (relaxedNote) sections.push(relaxedNote, '');
  sections.push(
    '_M/s = million elements per second (maxout: output units; softmax: row elements). wasm/js = the faster wasm build over js._',
  );
  return sections.join('\n');
}

// Run directly: print the table.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--seconds');
  const seconds = i > 0 ? Number(process.argv[i + 1]) : undefined;
  benchActivations({ seconds }).then(
    (md) => console.log(md),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
