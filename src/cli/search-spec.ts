/**
 * The `--search <spec>` flag of `simdnn train`: its spec parsed into a search space, and the table of
 * the ranked candidates printed after the search. CLI-only; the search itself is train/search.ts.
 */
import type { MeanStd } from '../train/crossval.js';
import type { ParamValue, SearchResult, SearchSpace } from '../train/search.js';

/** A text table of the ranked candidates: rank, params, accuracy and loss as mean ± std, seconds. */
export function formatSearchTable(result: SearchResult): string {
  const names = Object.keys(result.trials[0]?.params ?? {});
  const show = (v: ParamValue | undefined): string => (Array.isArray(v) ? v.join('x') : String(v));
  const ms = (m: MeanStd | undefined, pct: boolean): string =>
    m === undefined
      ? '—'
      : pct
        ? `${(100 * m.mean).toFixed(2)} ± ${(100 * m.std).toFixed(2)} %`
        : `${m.mean.toPrecision(4)} ± ${m.std.toPrecision(2)}`;
  const head = ['rank', ...names, 'accuracy', 'loss', 'seconds'];
  const rows = result.ranked.map((t, i) => [
    String(i + 1),
    ...names.map((n) => show(t.params[n])),
    ms(t.accuracy, true),
    ms(t.loss, false),
    t.seconds.toFixed(1),
  ]);
  const w = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (r: string[]): string =>
    r
      .map((c, j) => c.padEnd(w[j]!))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

/** Canonical names of the CLI's search keys. */
const SPEC_KEYS: Record<string, string> = {
  lr: 'learningRate',
  learningRate: 'learningRate',
  eta: 'learningRate',
  hidden: 'hidden',
  layers: 'hidden',
  l2: 'l2',
  lambda: 'l2',
  l1: 'l1',
  dropout: 'dropout',
  momentum: 'momentum',
};

/**
 * Parses the CLI's search spec into a space:
 *
 *   spec   := param (';' param)*
 *   param  := key '=' values
 *   values := value (',' value)*          a list (grid or random)
 *           | number '..' number [':log'] a range (random search only); ':log' = log-uniform
 *   value  := number | number ('x' number)+   e.g. 64x32 = two hidden layers of 64 and 32 units
 *   key    := lr | hidden | l2 (λ) | l1 | dropout | momentum   (aliases: learningRate, eta, lambda, layers)
 *
 * e.g. 'lr=0.01,0.1;hidden=64,128;l2=0,5;dropout=0,0.5' or 'lr=0.001..0.3:log;hidden=32,64'.
 * Values are checked: lr > 0, hidden widths positive integers, λ ≥ 0, dropout in [0, 1), momentum in [0, 1).
 */
export function parseSearchSpec(spec: string): SearchSpace {
  const bad = (why: string): never => {
    throw new Error(
      `bad search spec '${spec}': ${why}; expected e.g. 'lr=0.01,0.1;hidden=64,128;l2=0,5;dropout=0,0.5' or 'lr=0.001..0.3:log'.`,
    );
  };
  if (typeof spec !== 'string' || spec.trim() === '') bad('it is empty');
  const space: SearchSpace = {};
  for (const part of spec
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    if (eq < 1) bad(`'${part}' is not key=values`);
    const rawKey = part.slice(0, eq).trim();
    const key = SPEC_KEYS[rawKey];
    if (!key) bad(`unknown parameter '${rawKey}' (use ${[...new Set(Object.keys(SPEC_KEYS))].join(', ')})`);
    if (key! in space) bad(`'${key}' is given twice`);
    const rhs = part.slice(eq + 1).trim();
    const num = (s: string): number => {
      const v = s.trim() === '' ? NaN : Number(s);
      if (!Number.isFinite(v)) bad(`'${s}' in ${rawKey} is not a number`);
      return v;
    };
    const checkValue = (v: number): void => {
      if (key === 'learningRate' && !(v > 0)) bad(`lr must be > 0, got ${v}`);
      if ((key === 'l2' || key === 'l1') && !(v >= 0)) bad(`${rawKey} (λ) must be ≥ 0, got ${v}`);
      if ((key === 'dropout' || key === 'momentum') && !(v >= 0 && v < 1)) bad(`${rawKey} must be in [0, 1), got ${v}`);
      if (key === 'hidden' && !(Number.isInteger(v) && v >= 1)) bad(`hidden widths must be positive integers, got ${v}`);
    };
    const range = /^(.+?)\.\.(.+?)(:log)?$/.exec(rhs);
    if (range) {
      const min = num(range[1]!);
      const max = num(range[2]!);
      checkValue(min);
      checkValue(max);
      if (!(min < max)) bad(`the range of ${rawKey} needs min < max`);
      if (range[3] && !(min > 0)) bad(`the log range of ${rawKey} needs min > 0`);
      space[key!] = { min, max, ...(range[3] ? { scale: 'log' as const } : {}), ...(key === 'hidden' ? { integer: true } : {}) };
      continue;
    }
    const values = rhs.split(',').map((v) => v.trim());
    if (values.some((v) => v === '')) bad(`${rawKey} has an empty value`);
    space[key!] = values.map((v) => {
      if (key === 'hidden' && v.includes('x')) {
        const widths = v.split('x').map(num);
        widths.forEach(checkValue);
        return widths;
      }
      const x = num(v);
      checkValue(x);
      return x;
    });
  }
  if (Object.keys(space).length === 0) bad('it names no parameter');
  return space;
}
