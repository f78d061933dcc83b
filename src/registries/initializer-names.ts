/**
 * The names of the weight initialisers, without their math: what a layer's options and a saved
 * layer config may say (`'glorotUniform'`, an alias such as `'he_normal'`, or `{ name: 'constant',
 * value }`), checked and put in canonical form. The fills live in initializers.ts, which a model
 * needs only when it draws new weights; a loaded model (the inference entry) needs only this.
 */

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

/** The registered initializer names, in registration order (the built-ins first; see initializers.ts). */
const known = new Set<string>([
  'heNormal',
  'heUniform',
  'glorotNormal',
  'glorotUniform',
  'lecunNormal',
  'uniformFanIn',
  'standardNormal',
  'zeros',
  'ones',
]);

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

/** Adds a name to the registered ones (registerInitializer). */
export function addInitializerName(name: string): void {
  known.add(name);
}

/**
 * The registered name `spec` stands for (an alias resolved), or 'constant' for a constant config
 * with a finite value. Throws naming the problem and the known names.
 */
export function initializerName(spec: InitializerSpec): string {
  if (spec !== null && typeof spec === 'object') {
    if (spec.name === 'constant') {
      constant({ value: spec.value as number });
      return 'constant';
    }
    if (spec.value !== undefined) throw new Error(`initializer '${spec.name}' takes no value; only 'constant' does.`);
    return initializerName(spec.name);
  }
  const name = spec;
  if (name === 'constant') throw new Error("initializer 'constant' needs a value: use constant({ value: 0.1 }).");
  const canonical = (Object.hasOwn(aliases, name) ? aliases[name] : undefined) ?? name;
  if (!known.has(canonical)) throw new Error(`unknown initializer '${name}'; use one of: ${[...known].join(', ')}, constant({ value }).`);
  return canonical;
}

/** The canonical, JSON-able form of an initializer option (registry name, or config for constant). */
export function initializerSpec(spec: InitializerSpec): InitializerSpec {
  const name = initializerName(spec);
  return name === 'constant' ? { name: 'constant', value: (spec as InitializerConfig).value! } : name;
}

export function initializerNames(): string[] {
  return [...known, 'constant'];
}
