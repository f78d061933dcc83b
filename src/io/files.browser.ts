/**
 * Browser build of files.ts (swapped in by tsup.config.ts): model directories live on a disk that a
 * page does not have. The constants stay (they are names, not I/O); every function refuses with
 * the browser's alternative.
 */
import { needsNode } from '../data/needs-node.js';
import type * as node from './files.js';

export { MODEL_FILE, TMP_PREFIX, WEIGHTS_FILE, WEIGHTS_NAME, weightsName } from './model-files.js';

const SAVE = "in a browser use model.save('indexeddb://name') or 'localstorage://name', or JSON.stringify(model).";
const LOAD = "in a browser use loadModel('indexeddb://name'), an http(s) URL of a model.json, or fromJSON(JSON.parse(text)).";

export const tmpPath: typeof node.tmpPath = () => needsNode('a temporary file', SAVE);
export const writeModelFiles: typeof node.writeModelFiles = () => needsNode('Saving a model to a directory', SAVE);
export const readModelFiles: typeof node.readModelFiles = () => needsNode('Loading a model from a directory', LOAD);
export const writeFileAtomic: typeof node.writeFileAtomic = () => needsNode('writeFileAtomic', SAVE);
export const readJsonIfExists: typeof node.readJsonIfExists = () => needsNode('readJsonIfExists', LOAD);
