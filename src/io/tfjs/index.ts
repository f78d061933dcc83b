/** The TF.js layers format, both ways: `toTfjs` (simdnn → TF.js) and `readTfjs` (TF.js → a simdnn spec). */
export { toTfjs, type TfjsExport, type TfjsExportable } from './export.js';
export { readTfjs, TFJS_LAYERS, type TfjsWeightsInput } from './import.js';
export {
  TFJS_FORMAT,
  TFJS_WEIGHTS_FILE,
  activationFromTfjs,
  tfjsActivationNames,
  type TfjsArtifacts,
  type TfjsModelJson,
  type TfjsTopology,
  type TfjsLayerJson,
  type TfjsWeightSpec,
} from './format.js';
