/**
 * CSV text → records of string cells (RFC 4180, plus what spreadsheets write): fields separated by
 * one delimiter character, records by LF, CRLF or CR; a field may be quoted with `"`, and then holds
 * delimiters, line breaks and doubled quotes (`""` → `"`). A leading byte-order mark is dropped,
 * spaces and tabs around a field (outside its quotes) are trimmed, and blank lines are skipped.
 *
 * Written here rather than taken from csv-parse: its Node build needs `Buffer` and its browser build
 * carries a Buffer polyfill (about 120 KB); this covers what `parseCsv` needs in 100 lines that run
 * anywhere. Every record must have as many fields as the first one (the header).
 */

export interface CsvRecord {
  /** The cells, unquoted and trimmed. */
  cells: string[];
  /** 1-based line of the file on which the record starts. */
  line: number;
}

export interface CsvRowsOptions {
  /** Field delimiter: one character. */
  delimiter: string;
  /** Stop after this many records (1: the header only). Default: all. */
  maxRecords?: number;
}

const isBlank = (c: string): boolean => c === ' ' || c === '\t';

/** Splits CSV text into records; throws with the line on an unclosed quote or a ragged record. */
export function csvRows(text: string, options: CsvRowsOptions): CsvRecord[] {
  const d = options.delimiter;
  if (typeof d !== 'string' || d.length !== 1 || d === '"' || d === '\n' || d === '\r') {
    throw new Error(`delimiter must be one character other than a quote or a line break, got ${JSON.stringify(d)}`);
  }
  const max = options.maxRecords ?? Number.POSITIVE_INFINITY;
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const n = s.length;
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;

  /** Consumes one line break at i (LF, CRLF or CR), if there is one. */
  const lineBreak = (): boolean => {
    if (s[i] === '\r') {
      i += s[i + 1] === '\n' ? 2 : 1;
    } else if (s[i] === '\n') {
      i += 1;
    } else return false;
    line++;
    return true;
  };

  while (i < n && records.length < max) {
    // Skip blank lines (only spaces and tabs count as blank).
    let j = i;
    while (j < n && isBlank(s[j])) j++;
    if (j === n) break;
    if (s[j] === '\n' || s[j] === '\r') {
      i = j;
      lineBreak();
      continue;
    }
    const start = line;
    const cells: string[] = [];
    for (;;) {
      while (i < n && isBlank(s[i])) i++;
      let cell: string;
      if (s[i] === '"') {
        const open = line;
        let value = '';
        i++;
        for (;;) {
          const q = s.indexOf('"', i);
          if (q < 0) throw new Error(`line ${open}: a quoted field is not closed; double a quote inside a field ("")`);
          const chunk = s.slice(i, q);
          for (const ch of chunk.matchAll(/\r\n|\r|\n/g)) if (ch) line++;
          value += chunk;
          i = q + 1;
          if (s[i] === '"') {
            value += '"';
            i++;
          } else break;
        }
        while (i < n && isBlank(s[i])) i++;
        if (i < n && s[i] !== d && s[i] !== '\n' && s[i] !== '\r') {
          throw new Error(`line ${line}: unexpected ${JSON.stringify(s[i])} after a closing quote; quote the whole field`);
        }
        cell = value;
      } else {
        let j2 = i;
        while (j2 < n && s[j2] !== d && s[j2] !== '\n' && s[j2] !== '\r') j2++;
        cell = s.slice(i, j2).trim();
        if (cell.includes('"')) {
          throw new Error(`line ${line}: a quote inside an unquoted field; quote the whole field and double the inner quotes`);
        }
        i = j2;
      }
      cells.push(cell);
      if (s[i] === d) {
        i++;
        continue;
      }
      lineBreak();
      break;
    }
    if (records.length > 0 && cells.length !== records[0].cells.length) {
      throw new Error(`line ${start}: the record has ${cells.length} fields, the header has ${records[0].cells.length}`);
    }
    records.push({ cells, line: start });
  }
  return records;
}
