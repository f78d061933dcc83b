/**
 * Weight initialisers: name → a function that fills a tensor given its fan-in and fan-out.
 * Draws come from the model's seeded `Rng`, so the same seed gives the same weights everywhere.
 */
import type { Rng } from '../random.js';
import { addInitializerName, initializerName, type InitializerSpec } from './initializer-names.js';

export {
  constant,
  initializerNames,
  initializerSpec,
  type ConstantOptions,
  type InitializerConfig,
  type InitializerSpec,
} from './initializer-names.js';

export type InitializerFn = (out: Float32Array, fanIn: number, fanOut: number, rng: Rng) => void;

export interface InitializerDef {
  readonly name: string;
  readonly fill: InitializerFn;
  readonly formula: string;
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

/**
 * Looks an initializer up by name or config. `constant` takes a value (`constant({ value })` or
 * `{ name: 'constant', value }`); every other name is parameterless. Names and their errors:
 * initializer-names.ts.
 */
export function getInitializer(spec: InitializerSpec): InitializerDef {
  const name = initializerName(spec);
  if (name === 'constant') {
    const value = (spec as { value: number }).value;
    return { name: 'constant', formula: `${value}`, fill: (o) => o.fill(value) };
  }
  return registry.get(name)!;
}

export function registerInitializer(def: InitializerDef): void {
  registry.set(def.name, def);
  addInitializerName(def.name);
}
