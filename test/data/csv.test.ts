/** CSV: class and value labels, delimiters and quoting, and errors that name the row, column and file. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/csv.js';
import { readCsv } from '../../src/data/csv-file.js';

describe('CSV', () => {
  it('reads string class labels, sorted and indexed', async () => {
    const t = await parseCsv('a,b,species\n1,2,virginica\n3,4,setosa\n5,6,versicolor\n7,8,setosa\n', { label: 'species' });
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.x).toEqual({ data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), shape: [4, 2] });
    expect(t.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Array.from(t.labels!)).toEqual([2, 0, 1, 0]);
    expect(t.targets).toBeUndefined();
  });
  it('label column may sit anywhere; numeric classes sort numerically', async () => {
    const rows = ['y,x'];
    for (let i = 0; i < 20; i++) rows.push(`${[10, 2, 1][i % 3]},${i}`);
    const t = await parseCsv(rows.join('\n'), { label: 'y' });
    expect(t.columns).toEqual(['x']);
    expect(t.classes).toEqual(['1', '2', '10']);
    expect(Array.from(t.labels!.slice(0, 3))).toEqual([2, 1, 0]);
  });
  it('auto reads many distinct or fractional numbers as values', async () => {
    const rows = ['x,y'];
    for (let i = 0; i < 10; i++) rows.push(`${i},${i * 0.5}`);
    const t = await parseCsv(rows.join('\n'), { label: 'y' });
    expect(t.labels).toBeUndefined();
    expect(t.targets!.shape).toEqual([10, 1]);
    expect(t.targets!.data[3]).toBeCloseTo(1.5);
    // integers, but as many distinct values as rows → values
    const ints = ['x,y', ...Array.from({ length: 10 }, (_, i) => `${i},${i}`)].join('\n');
    expect((await parseCsv(ints, { label: 'y' })).targets).toBeDefined();
    // forced either way
    expect((await parseCsv(ints, { label: 'y', labelType: 'class' })).classes!.length).toBe(10);
    const few = ['x,y', ...Array.from({ length: 10 }, (_, i) => `${i},${i % 2}`)].join('\n');
    expect((await parseCsv(few, { label: 'y' })).labels).toBeDefined();
    expect((await parseCsv(few, { label: 'y', labelType: 'value' })).targets).toBeDefined();
  });
  it('a non-numeric value label is an error naming row and value', async () => {
    await expect(parseCsv('x,y\n1,2\n3,abc\n', { label: 'y', labelType: 'value' })).rejects.toThrow(
      /row 3, label column 'y': 'abc' is not a number/,
    );
  });
  it('a non-numeric feature cell names the row (as in the file), the column and the value', async () => {
    const text = 'a,b,label\n1,2,x\n\n3,oops,y\n';
    await expect(parseCsv(text, { label: 'label', source: 'data.csv' })).rejects.toThrow(
      "data.csv: row 4, column 'b': 'oops' is not a number; feature columns must be numeric",
    );
    await expect(parseCsv('a,b\n1,\n', {})).rejects.toThrow(/row 2, column 'b': is empty/);
    await expect(parseCsv('a,b\n1,Infinity\n', {})).rejects.toThrow(/'Infinity' is not a number/);
  });
  it('a missing label column lists the available columns', async () => {
    await expect(parseCsv('a,b,c\n1,2,3\n', { label: 'target' })).rejects.toThrow(
      "CSV: no column named 'target'; the columns are: 'a', 'b', 'c'",
    );
  });
  it('without a label every column is a feature', async () => {
    const t = await parseCsv('a,b\n1,2\n3,4\n');
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.x.shape).toEqual([2, 2]);
    expect(t.labels).toBeUndefined();
    expect(t.targets).toBeUndefined();
  });
  it('handles quotes, CRLF, BOM, spaces and other delimiters', async () => {
    const t = await parseCsv('\ufeff"a", "b" ,lab\r\n 1 , 2 ,"x,y"\r\n3,4,z\r\n', { label: 'lab' });
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.classes).toEqual(['x,y', 'z']);
    expect((await parseCsv('a;b\n1;2\n')).x.data).toEqual(Float32Array.from([1, 2]));
    expect((await parseCsv('a\tb\n1\t2\n')).x.shape).toEqual([1, 2]);
    expect((await parseCsv('a|b\n1|2\n', { delimiter: '|' })).x.shape).toEqual([1, 2]);
  });
  it('reads quoted fields with line breaks and doubled quotes; the row named is where the record starts', async () => {
    const t = await parseCsv('a,name\n1,"two\nlines"\n2,"say ""hi"""\r3,plain\n', { label: 'name', labelType: 'class' });
    expect(t.classes).toEqual(['plain', 'say "hi"', 'two\nlines']);
    expect(Array.from(t.x.data)).toEqual([1, 2, 3]);
    await expect(parseCsv('a,b\n1,"x\ny"\noops,z\n', { label: 'b' })).rejects.toThrow(/row 4, column 'a': 'oops' is not a number/);
    await expect(parseCsv('a,b\n1,"open\n')).rejects.toThrow(/CSV: line 2: a quoted field is not closed/);
    await expect(parseCsv('a,b\n1,x"y\n')).rejects.toThrow(/CSV: line 2: a quote inside an unquoted field/);
    await expect(parseCsv('a,b\n1,"x"y\n')).rejects.toThrow(/CSV: line 2: unexpected "y" after a closing quote/);
    await expect(parseCsv(42 as unknown as string)).rejects.toThrow(/expected the CSV text as a string, got number/);
  });
  it('refuses empty files, header-only files, ragged rows and duplicate headers', async () => {
    await expect(parseCsv('')).rejects.toThrow(/empty file; a header row/);
    await expect(parseCsv('a,b\n')).rejects.toThrow(/no data rows/);
    await expect(parseCsv('a,b\n1,2\n3\n')).rejects.toThrow(/CSV: .*(record length|fields)/i);
    await expect(parseCsv('a,a\n1,2\n')).rejects.toThrow(/'a' twice/);
  });
  it('readCsv names the file in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'simdnn-csv-'));
    const p = join(dir, 't.csv');
    await writeFile(p, 'a,b\n1,x\n');
    await expect(readCsv(p)).rejects.toThrow(`${p}: row 2, column 'b'`);
    await expect(readCsv(join(dir, 'missing.csv'))).rejects.toThrow(/CSV file not found/);
  });
});
