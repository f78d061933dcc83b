/**
 * Weight initialisers: name → a function that fills a tensor given its fan-in and fan-out.
 * Draws come from the model's seeded `Rng`, so the same seed gives the same weights everywhere.
 */
import type { Rng } from '../random.js';

export type InitializerFn = (out: Float32Array, fanIn: number, fanOut: number, rng: Rng) => void;

export interface InitializerDef {
  readonly name: string;
  readonly fill: InitializerFn;
  readonly formula: string;
}

/**
 * An initializer with a parameter, as plain data (so layer configs stay JSON):
 * `{ name: 'constant', value: 0.25 }`, built by `constant({ value })`.
 */
export interface InitializerConfig {
  name: string;
  value?: number;
}

/** What initializer options accept: a registry name ('heNormal', 'zeros', …) or a config. */
export type InitializerSpec = string | InitializerConfig;

export interface ConstantOptions {
  /** The value every element gets. Required; a finite number. */
  value: number;
}

/** Constant initializer: every element = value (e.g. biases of 0.1, a PReLU slope of 0.25). */
export function constant(options: ConstantOptions): InitializerConfig {
  const value = options?.value;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`constant: value must be a finite number, got ${String(value)}; e.g. constant({ value: 0.1 }).`);
  }
  return { name: 'constant', value };
}

function normal(std: number): InitializerFn {
  return (out, _i, _o, rng) => {
    for (let i = 0; i < out.length; i++) out[i] = std * rng.normal();
  };
}
function uniform(limit: number): InitializerFn {
  return (out, _i, _o, rng) => {
    for (let i = 0; i < out.length; i++) out[i] = limit * (2 * rng.uniform() - 1);
  };
}

const defs: InitializerDef[] = [
  /** He et al. 2015, for ReLU: N(0, 2/fan_in). */
  { name: 'heNormal', formula: 'N(0, 2/fan_in)', fill: (o, fi, fo, r) => normal(Math.sqrt(2 / fi))(o, fi, fo, r) },
  /** He uniform: U(−√(6/fan_in), +√(6/fan_in)). */
  { name: 'heUniform', formula: 'U(±√(6/fan_in))', fill: (o, fi, fo, r) => uniform(Math.sqrt(6 / fi))(o, fi, fo, r) },
  /** Glorot & Bengio 2010: N(0, 2/(fan_in + fan_out)). */
  { name: 'glorotNormal', formula: 'N(0, 2/(fan_in+fan_out))', fill: (o, fi, fo, r) => normal(Math.sqrt(2 / (fi + fo)))(o, fi, fo, r) },
  /** Glorot uniform (Keras's default kernel initialiser): U(±√(6/(fan_in + fan_out))). */
  { name: 'glorotUniform', formula: 'U(±√(6/(fan_in+fan_out)))', fill: (o, fi, fo, r) => uniform(Math.sqrt(6 / (fi + fo)))(o, fi, fo, r) },
  /** LeCun normal: N(0, 1/fan_in) (Nielsen's "improved" initialisation). */
  { name: 'lecunNormal', formula: 'N(0, 1/fan_in)', fill: (o, fi, fo, r) => normal(Math.sqrt(1 / fi))(o, fi, fo, r) },
  /** Uniform ±1/√fan_in (the classic default of many frameworks' dense layers). */
  { name: 'uniformFanIn', formula: 'U(±1/√fan_in)', fill: (o, fi, fo, r) => uniform(1 / Math.sqrt(fi))(o, fi, fo, r) },
  /** Standard normal N(0, 1): Nielsen's "large" initialisation, kept for comparison. */
  { name: 'standardNormal', formula: 'N(0, 1)', fill: normal(1) },
  /** All zeros (the default for biases). */
  { name: 'zeros', formula: '0', fill: (o) => o.fill(0) },
  /** All ones. */
  { name: 'ones', formula: '1', fill: (o) => o.fill(1) },
];

const registry = new Map(defs.map((d) => [d.name, d]));

/** Aliases accepted for convenience (Keras snake_case and common names). */
const aliases: Record<string, string> = {
  he_normal: 'heNormal',
  he_uniform: 'heUniform',
  glorot_normal: 'glorotNormal',
  glorot_uniform: 'glorotUniform',
  xavierNormal: 'glorotNormal',
  xavierUniform: 'glorotUniform',
  lecun_normal: 'lecunNormal',
  normal: 'standardNormal',
  randomNormal: 'standardNormal',
  zero: 'zeros',
};

/**
 * Looks an initializer up by name or config. `constant` takes a value (`constant({ value })` or
 * `{ name: 'constant', value }`); every other name is parameterless.
 */
export function getInitializer(spec: InitializerSpec): InitializerDef {
  if (spec !== null && typeof spec === 'object') {
    if (spec.name === 'constant') {
      const value = constant({ value: spec.value as number }).value!;
      return { name: 'constant', formula: `${value}`, fill: (o) => o.fill(value) };
    }
    if (spec.value !== undefined) throw new Error(`initializer '${spec.name}' takes no value; only 'constant' does.`);
    return getInitializer(spec.name);
  }
  const name = spec;
  if (name === 'constant') throw new Error("initializer 'constant' needs a value: use constant({ value: 0.1 }).");
  const d = registry.get((Object.hasOwn(aliases, name) ? aliases[name] : undefined) ?? name);
  if (!d) throw new Error(`unknown initializer '${name}'; use one of: ${[...registry.keys()].join(', ')}, constant({ value }).`);
  return d;
}

/** The canonical, JSON-able form of an initializer option (registry name, or config for constant). */
export function initializerSpec(spec: InitializerSpec): InitializerSpec {
  const d = getInitializer(spec);
  return d.name === 'constant' ? { name: 'constant', value: (spec as InitializerConfig).value! } : d.name;
}

export function registerInitializer(def: InitializerDef): void {
  registry.set(def.name, def);
}

export function initializerNames(): string[] {
  return [...registry.keys(), 'constant'];
}
