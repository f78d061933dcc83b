/**
 * Cholesky factorization speed: GFLOP/s (n³/3 flops) at n = 500, 1000, 2000 for the pure-TypeScript
 * kernel vs the wasm baseline-SIMD build vs the relaxed-SIMD (FMA) build, medians over repetitions,
 * all in one process. Each repetition copies a fresh SPD matrix into the heap (untimed) and times one
 * `cholesky_f32` call (with scratch `ws`, so the trailing updates run packed). Every backend is warmed
 * up on a small matrix first. Timings are wall-clock medians: on a busy machine they include time the
 * process was descheduled, so read the spread column.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/cholesky.ts [--quick]
 *
 * Also runs as the `cholesky` section of `npm run bench`.
 */
import { pathToFileURL } from 'node:url';
import { init, type Backend } from '../src/kernels/backend.js';
import { CHOLESKY_WS_PER_ROW, GEMM_WS_BYTES } from '../src/kernels/kernels.js';
import { machineLine } from './machine.js';
import { median, now, spreadPct } from './stats.js';

export interface CholeskyRow {
  n: number;
  backend: string;
  /** Median time of one factorization, ms. */
  ms: number;
  /** n³/3 / median time. */
  gflops: number;
  /** (p90 − p10) / median of the timings, %. */
  spreadPct: number;
  /**
   * n³/3 / median CPU time of the process during the call (process.cpuUsage): close to `gflops` on
   * a quiet machine, and much less sensitive to other processes taking the CPU on a busy one.
   */
  gflopsCpu: number;
  reps: number;
}

export interface CholeskyOptions {
  sizes?: number[];
  /** Stop repeating a (size, backend) cell after this many seconds (at least `minReps` runs). */
  secondsPerCell?: number;
  minReps?: number;
  maxReps?: number;
  log?: (s: string) => void;
}

/** A well-conditioned SPD matrix with entries O(1): A_ij = small pseudo-random, diagonal dominant. */
function spdMatrix(n: number, seed = 1): Float32Array {
  const a = new Float32Array(n * n);
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const v = rnd() / Math.sqrt(n);
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
    a[i * n + i] = 2;
  }
  return a;
}

function timeCell(
  b: Backend,
  n: number,
  a: Float32Array,
  opts: Required<Omit<CholeskyOptions, 'sizes' | 'log'>>,
): { wall: number[]; cpu: number[] } {
  const ptr = b.heap.alloc(n * n * 4);
  // Scratch for the packed trailing updates: the backend's GEMM workspace when it is large enough.
  const wsBytes = CHOLESKY_WS_PER_ROW * n;
  const ws = wsBytes <= GEMM_WS_BYTES ? b.ws : b.heap.alloc(wsBytes);
  const times: number[] = [];
  const cpu: number[] = [];
  const t0 = now();
  try {
    while (times.length < opts.maxReps && (times.length < opts.minReps || now() - t0 < opts.secondsPerCell * 1000)) {
      b.heap.f32.set(a, ptr >> 2);
      const c = process.cpuUsage();
      const t = now();
      const ret = b.k.cholesky_f32(ptr, n, 0, ws);
      times.push(now() - t);
      const dc = process.cpuUsage(c);
      cpu.push((dc.user + dc.system) / 1000);
      if (ret !== 0) throw new Error(`cholesky_f32 failed at pivot ${ret - 1} (n = ${n}, ${b.name}/${b.simd})`);
    }
  } finally {
    b.heap.free(ptr);
    if (ws !== b.ws) b.heap.free(ws);
  }
  return { wall: times, cpu };
}

export async function benchCholesky(options: CholeskyOptions = {}): Promise<{ rows: CholeskyRow[]; markdown: string }> {
  const quick = process.argv.includes('--quick');
  const sizes = options.sizes ?? [500, 1000, 2000];
  const log = options.log ?? ((s: string) => console.error(s));
  const cell = {
    secondsPerCell: options.secondsPerCell ?? (quick ? 1 : 3),
    minReps: options.minReps ?? (quick ? 2 : 3),
    maxReps: options.maxReps ?? 15,
  };

  const backends: [string, Backend][] = [['js', await init({ backend: 'js' })]];
  backends.push(['wasm baseline', await init({ backend: 'wasm', simd: 'baseline' })]);
  let relaxedNote = '';
  try {
    backends.push(['wasm relaxed', await init({ backend: 'wasm', simd: 'relaxed' })]);
  } catch (e) {
    relaxedNote = `relaxed SIMD skipped: ${(e as Error).message.split('\n')[0]}`;
    log(relaxedNote);
  }

  // Warm-up: a first call runs in the baseline compiler; exercise every code path (panels, tiles,
  // edges) a few times before timing.
  const warm = spdMatrix(203, 7);
  for (const [, b] of backends) timeCell(b, 203, warm, { secondsPerCell: 0, minReps: 4, maxReps: 4 });

  const rows: CholeskyRow[] = [];
  for (const n of sizes) {
    const a = spdMatrix(n, n);
    for (const [label, b] of backends) {
      // js at n = 2000 takes seconds per run: fewer repetitions there.
      const c = b.name === 'js' && n >= 1500 ? { ...cell, minReps: quick ? 1 : 2, maxReps: 3 } : cell;
      const { wall: t, cpu } = timeCell(b, n, a, c);
      const ms = median(t);
      const flop = n ** 3 / 3;
      const row = {
        n,
        backend: label,
        ms,
        gflops: flop / (ms * 1e6),
        spreadPct: spreadPct(t),
        gflopsCpu: flop / (median(cpu) * 1e6),
        reps: t.length,
      };
      rows.push(row);
      log(
        `cholesky n=${n} ${label.padEnd(13)} ${ms.toFixed(1).padStart(8)} ms  ${row.gflops.toFixed(2).padStart(6)} GFLOP/s ` +
          `(${row.gflopsCpu.toFixed(2)} by CPU time, ±${row.spreadPct.toFixed(0)}%, ${t.length} runs)`,
      );
    }
  }

  const lines = [
    '### Cholesky factorization (cholesky_f32, in place, lower)',
    '',
    'GFLOP/s counted as n³/3 per factorization; median over runs of the wall time; spread = (p90 − p10)/median.',
    '"CPU GFLOP/s" divides by the process CPU time instead: the two agree on a quiet machine; when they',
    'do not, other processes were taking the CPU and the wall-time column is pessimistic.',
    '',
    '| n | backend | median ms | GFLOP/s | × js | CPU GFLOP/s | spread | runs |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const js = rows.find((q) => q.n === r.n && q.backend === 'js')!;
    lines.push(
      `| ${r.n} | ${r.backend} | ${r.ms.toFixed(1)} | ${r.gflops.toFixed(2)} | ${(js.ms / r.ms).toFixed(1)} | ` +
        `${r.gflopsCpu.toFixed(2)} | ${r.spreadPct.toFixed(0)} % | ${r.reps} |`,
    );
  }
  if (relaxedNote) lines.push('', `_${relaxedNote}_`);
  return { rows, markdown: lines.join('\n') };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`**Machine:** ${machineLine()}\n`);
  benchCholesky()
    .then((r) => console.log(r.markdown))
    .catch((e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    });
}
