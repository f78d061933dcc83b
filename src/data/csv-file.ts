/**
 * CSV files (Node only: `node:fs/promises` is imported on first use). In the browser build this
 * module is replaced by csv-file.browser.ts (see tsup.config.ts); there, fetch the text and call
 * `parseCsv`.
 */
import { csvColumns, parseCsv, type CsvOptions, type CsvTable } from './csv.js';

/** The file's text, with a clear error. */
async function readText(path: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new Error(`CSV file not found: ${path}`);
    throw new Error(`cannot read CSV file ${path}: ${err.message}`);
  }
}

/** Reads and parses a CSV file (Node only). */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<CsvTable> {
  const text = await readText(path);
  return parseCsv(text, { ...options, source: options.source ?? path });
}

/** The column names of a CSV file's header row (the rest of the file is not checked). */
export async function readCsvColumns(path: string, options: { delimiter?: string } = {}): Promise<string[]> {
  const text = await readText(path);
  return csvColumns(text, { ...options, source: path });
}
