/**
 * The names in a model directory (io/files.ts writes and reads it): names only, no I/O, so that
 * the cold-start reader (files-direct.ts) and the browser builds use them without files.ts.
 */

export const MODEL_FILE = 'model.json';
/** The weights file of a directory at rest (and of directories written before `weightsFile`). */
export const WEIGHTS_FILE = 'weights.bin';
/** Prefix of temporary files (ignored by .gitignore). */
export const TMP_PREFIX = '.simdnn-tmp';
/** A content-addressed weights file: `weights-<8 hex digits of FNV-1a>.bin`. */
export const WEIGHTS_NAME = /^weights-([0-9a-f]{8})\.bin$/;

/** The content-addressed name of weights with checksum `sum`. */
export const weightsName = (sum: string): string => `weights-${sum}.bin`;
