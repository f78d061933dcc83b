/** Usage errors (exit code 2) and the checks that turn flag values into numbers and choices. */
import { getLoss } from '../registries/losses.js';

export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

export type Values = Record<string, string | boolean | undefined>;

// ───────────────────────────── value checks ─────────────────────────────

export function str(v: Values, name: string): string | undefined {
  const s = v[name];
  return typeof s === 'string' ? s : undefined;
}

export function num(
  v: Values,
  name: string,
  fallback: number,
  check: { integer?: boolean; min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean } = {},
): number {
  const s = str(v, name);
  if (s === undefined) return fallback;
  const x = s.trim() === '' ? NaN : Number(s);
  const kind = check.integer ? 'an integer' : 'a number';
  const lo = check.min === undefined ? '' : `${check.minExclusive ? '>' : '≥'} ${check.min}`;
  const hi = check.max === undefined ? '' : `${check.maxExclusive ? '<' : '≤'} ${check.max}`;
  const range = [lo, hi].filter(Boolean).join(' and ');
  const bad = (): never => {
    throw new UsageError(`--${name} must be ${kind}${range ? ` ${range}` : ''}, got '${s}'`);
  };
  if (!Number.isFinite(x) || (check.integer && !Number.isInteger(x))) bad();
  if (check.min !== undefined && (check.minExclusive ? x <= check.min : x < check.min)) bad();
  if (check.max !== undefined && (check.maxExclusive ? x >= check.max : x > check.max)) bad();
  return x;
}

/** A number flag without a default: undefined when absent, else checked as num() does. */
export function optionalNum(v: Values, name: string, check: Parameters<typeof num>[3] = {}): number | undefined {
  return str(v, name) === undefined ? undefined : num(v, name, NaN, check);
}

export function oneOf<T extends string>(v: Values, name: string, allowed: readonly T[], fallback: T): T {
  const s = str(v, name);
  if (s === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(s)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${s}'`);
  }
  return s as T;
}

/** Canonical loss name for --loss (the library's aliases, e.g. crossentropy, mse). */
export function lossName(s: string): string {
  try {
    return getLoss(s).name;
  } catch (e) {
    throw new UsageError(`--loss: ${(e as Error).message}`);
  }
}
