/**
 * The checks every API boundary shares, with messages in one voice:
 *
 *   `<where>: <option> must be <what is expected>, got <the value received>.`
 *
 * `where` names the function or option group the user called ('fit', 'dense', 'sgd'), `name` the
 * option. Each check returns the value with its type narrowed, so callers validate and assign in
 * one line: `const epochs = positiveInteger('fit', 'epochs', options.epochs ?? DEFAULT_EPOCHS)`.
 */

/** How a received value is shown in a message: strings quoted, arrays and objects as JSON. */
export function shown(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v) || (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)) {
    try {
      const s = JSON.stringify(v);
      return s.length > 80 ? `${s.slice(0, 77)}...` : s;
    } catch {
      return String(v);
    }
  }
  return String(v);
}

/** Throws `<where>: <name> must be <expected>, got <v>.` */
export function fail(where: string, name: string, expected: string, v: unknown): never {
  throw new Error(`${where}: ${name} must be ${expected}, got ${shown(v)}.`);
}

/** A finite number. */
export function finiteNumber(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(where, name, 'a finite number', v);
  return v;
}

/** A finite number > 0. */
export function positiveNumber(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(where, name, 'a finite number > 0', v);
  return v;
}

/** A finite number ≥ 0. */
export function nonNegativeNumber(where: string, name: string, v: unknown, hint = ''): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(where, name, `a finite number ≥ 0${hint}`, v);
  return v;
}

/** A finite number > 1. */
export function aboveOne(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 1) fail(where, name, 'a finite number > 1', v);
  return v;
}

/** An integer ≥ min. */
export function integer(where: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(where, name, `an integer ≥ ${min}`, v);
  return v;
}

/** A positive integer. */
export function positiveInteger(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(where, name, 'a positive integer', v);
  return v;
}

/** Any integer (seeds). */
export function anyInteger(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(where, name, 'an integer', v);
  return v;
}

/**
 * A fraction: in [0, 1) by default; `open` excludes 0 too ((0, 1)), `closed` includes 1 ([0, 1]).
 */
export function fraction(where: string, name: string, v: unknown, interval: '[0, 1)' | '(0, 1)' | '[0, 1]' = '[0, 1)'): number {
  const ok = typeof v === 'number' && (interval === '(0, 1)' ? v > 0 && v < 1 : interval === '[0, 1]' ? v >= 0 && v <= 1 : v >= 0 && v < 1);
  if (!ok) fail(where, name, `in ${interval}`, v);
  return v as number;
}

/** A boolean. */
export function boolean(where: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') fail(where, name, 'true or false', v);
  return v;
}

/** One of a fixed set of names. */
export function oneOf<T extends string>(where: string, name: string, v: unknown, names: readonly T[]): T {
  if (typeof v !== 'string' || !(names as readonly string[]).includes(v)) {
    fail(where, name, `one of ${names.map((n) => `'${n}'`).join(', ')}`, v);
  }
  return v as T;
}

/** Refuses keys outside `known`, naming the unknown key and listing the valid ones. */
export function knownKeys(where: string, o: object, known: readonly string[]): void {
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw new Error(`${where}: unknown option '${key}'; use ${known.join(', ')}.`);
  }
}

/** An input shape [features] with a positive integer, or undefined when absent. */
export function inputShape(where: string, v: unknown): number[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length !== 1 || !Number.isInteger(v[0]) || v[0] < 1) {
    fail(where, 'inputShape', '[features] with a positive integer', v);
  }
  return [v[0] as number];
}

/**
 * Engine text that must never reach a user: it means a check is missing somewhere, not that the
 * user did something the message could explain ("Cannot read properties of undefined", a wasm trap).
 */
export const ENGINE_TEXT = /Cannot read properties|is not a function|is not iterable|undefined|RangeError|RuntimeError/;

/**
 * `e` as an Error in the library's words, prefixed with `where` unless it already names it; an
 * error carrying engine text (or not an Error at all) becomes `where: <damaged> (<its name>).`
 */
export function userError(e: unknown, where: string, damaged: string): Error {
  const m = e instanceof Error ? e.message : String(e);
  if (!(e instanceof Error) || ENGINE_TEXT.test(m)) {
    return new Error(`${where}: ${damaged} (${e instanceof Error ? e.name : typeof e}).`);
  }
  return m.startsWith(where.split(':')[0]!) ? e : new Error(`${where}: ${m}`);
}
