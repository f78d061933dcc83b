/**
 * Browser build of files-direct.ts (swapped in by tsup.config.ts): pages have no model
 * directories, so every load reads through a store.
 */
import type * as node from './files-direct.js';

export const DIRECT_READ_MAX_BYTES: typeof node.DIRECT_READ_MAX_BYTES = 0;
export const openModelDirect: typeof node.openModelDirect = () => undefined;
