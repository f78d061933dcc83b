/**
 * The house rules of src/, checked by `npm run check:deps` (part of `npm test`): no import cycle,
 * and data flows one way, down this picture (README, "Architecture"):
 *
 *   cli/ → façade (sequential, model-io, tfjs, presets, index; infer, inference-io, inference-model)
 *        → train/, io/ → network/ → layers/
 *        → registries/ → kernels/        (validate, random, data/ are leaves anyone may use)
 *
 *   worker/ (fitInWorker and the worker script) stands beside the façade, above train/: it uses
 *   sequential, model-io and train/; only index.ts imports it.
 */
const room = (dir) => `^src/${dir}`;
const FACADE = '^src/(sequential|model-io|presets|tfjs|index|cli|infer|inference-io|inference-model)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: data must flow one way (see the picture at the top of this file).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'kernels-are-the-floor',
      severity: 'error',
      comment: 'kernels/ (the backends, the heap, the contract) imports nothing above it (random.ts is a leaf).',
      from: { path: room('kernels/') },
      to: { path: '^src/', pathNot: [room('kernels/'), '^src/random\\.ts$'] },
    },
    {
      name: 'registries-below-layers',
      severity: 'error',
      comment: 'registries/ carry math only: they may use kernels/, data/, random and validate, nothing above.',
      from: { path: room('registries/') },
      to: { path: [room('layers/'), room('network/'), room('train/'), room('io/'), room('cli/'), FACADE] },
    },
    {
      name: 'layers-below-network',
      severity: 'error',
      comment: 'layers/ know their shapes and kernel calls, not the network, the trainers or the formats.',
      from: { path: room('layers/') },
      to: { path: [room('network/'), room('train/'), room('io/'), room('cli/'), FACADE] },
    },
    {
      name: 'network-below-train-and-io',
      severity: 'error',
      comment: 'The network core imports nothing from train/, io/ or the façade.',
      from: { path: room('network/') },
      to: { path: [room('train/'), room('io/'), room('cli/'), FACADE] },
    },
    {
      name: 'train-and-io-below-facade',
      severity: 'error',
      comment: 'Trainers and formats work on the network; only the façade (Sequential) stands above them.',
      from: { path: [room('train/'), room('io/')] },
      to: { path: [room('cli/'), FACADE] },
    },
    {
      name: 'train-and-io-apart',
      severity: 'error',
      comment: 'train/ and io/ are siblings: neither imports the other.',
      from: { path: room('train/') },
      to: { path: room('io/') },
    },
    {
      name: 'io-and-train-apart',
      severity: 'error',
      comment: 'train/ and io/ are siblings: neither imports the other.',
      from: { path: room('io/') },
      to: { path: room('train/') },
    },
    {
      name: 'worker-beside-facade',
      comment: 'worker/ (fitInWorker, the worker script) is reached only from index.ts; below the façade nothing imports it.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/worker/', '^src/index\\.ts$'] },
      to: { path: room('worker/') },
    },
    {
      name: 'worker-not-cli',
      severity: 'error',
      comment: 'worker/ runs in browsers and workers: it does not use the CLI.',
      from: { path: room('worker/') },
      to: { path: [room('cli/'), '^src/cli\\.ts$'] },
    },
    {
      name: 'cli-only-from-cli',
      severity: 'error',
      comment: 'CLI code lives in src/cli/ and is reached only from the CLI entry.',
      from: { path: '^src/', pathNot: ['^src/cli/', '^src/cli\\.ts$'] },
      to: { path: room('cli/') },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    includeOnly: '^src/',
  },
};
