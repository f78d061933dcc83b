/**
 * Browser build of inference-direct.ts (swapped in by tsup.config.ts): pages have no model
 * directories, so every load reads through a store.
 */
import type * as node from './inference-direct.js';

export const loadDirect: typeof node.loadDirect = () => undefined;
