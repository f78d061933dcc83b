/** Browser build of csv-file.ts (swapped in by tsup.config.ts): there are no files to read. */
import type * as node from './csv-file.js';
import { needsNode } from './needs-node.js';

const INSTEAD = 'in a browser, fetch the text (await (await fetch(url)).text()) and call parseCsv(text, options).';

export const readCsv: typeof node.readCsv = () => needsNode('readCsv(path)', INSTEAD);
export const readCsvColumns: typeof node.readCsvColumns = () => needsNode('readCsvColumns(path)', INSTEAD);
