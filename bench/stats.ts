/** Small statistics and timing helpers shared by the benchmark sections. */
import { performance } from 'node:perf_hooks';

export const now = (): number => performance.now();

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** q in [0, 1], linear interpolation between order statistics. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/**
 * Spread of a sample as a percentage of its median: (p90 − p10) / median. A quick noise flag for the
 * tables: a few percent is a quiet machine, tens of percent means someone else is using the CPU.
 */
export function spreadPct(xs: readonly number[]): number {
  const m = median(xs);
  return m === 0 ? 0 : (100 * (quantile(xs, 0.9) - quantile(xs, 0.1))) / m;
}

/** A throughput measurement: per-chunk rates and their median. */
export interface Throughput {
  /** Median over chunks, in units per second. */
  median: number;
  /** Every timed chunk's rate (units per second), in the order measured. */
  chunks: number[];
  /** (p90 − p10) / median over the chunks, in percent. */
  spreadPct: number;
}

export function throughput(chunks: number[]): Throughput {
  return { median: median(chunks), chunks, spreadPct: spreadPct(chunks) };
}

/** A latency measurement in microseconds. */
export interface Latency {
  medianUs: number;
  p10Us: number;
  p90Us: number;
  calls: number;
}

/**
 * Times `fn` call by call (µs each) after `warmup` untimed calls; stops after `calls` timed calls or
 * when `maxSeconds` have passed (but never before 50 calls).
 */
export function sampleCalls(fn: () => void, opts: { warmup?: number; calls?: number; maxSeconds?: number } = {}): number[] {
  const warmup = opts.warmup ?? 200;
  const calls = opts.calls ?? 5000;
  const deadline = now() + 1000 * (opts.maxSeconds ?? 3);
  for (let i = 0; i < warmup; i++) fn();
  const t: number[] = [];
  while (t.length < calls && (t.length < 50 || now() < deadline)) {
    const t0 = now();
    fn();
    t.push((now() - t0) * 1000);
  }
  return t;
}

export function latency(samplesUs: readonly number[]): Latency {
  return { medianUs: median(samplesUs), p10Us: quantile(samplesUs, 0.1), p90Us: quantile(samplesUs, 0.9), calls: samplesUs.length };
}

/** `sampleCalls` summarised. */
export function timeCalls(fn: () => void, opts: { warmup?: number; calls?: number; maxSeconds?: number } = {}): Latency {
  return latency(sampleCalls(fn, opts));
}

/** Formats a number with thousands separators and a fixed number of decimals. */
export function fmt(x: number, decimals = 0): string {
  if (!Number.isFinite(x)) return '—';
  return x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** "12.3×" */
export function ratio(a: number, b: number, decimals = 1): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '—';
  return `${(a / b).toFixed(decimals)}×`;
}

/** A Markdown table from a header row and rows of cells. Numbers are right-aligned. */
export function mdTable(header: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const al = align ?? header.map((_, i) => (i === 0 ? 'l' : 'r'));
  const sep = al.map((a) => (a === 'r' ? '---:' : ':---'));
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(sep), ...rows.map(line)].join('\n');
}
