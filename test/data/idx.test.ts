/** IDX files: every element type round-trips through an independent encoder; bad magic, truncation, missing files. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIdx } from '../../src/data/idx.js';
import { readIdx } from '../../src/data/idx-file.js';

/** A tiny independent IDX encoder: magic 0,0,type,ndims; big-endian dims; big-endian elements. */
function encodeIdx(type: number, shape: number[], values: number[]): Uint8Array {
  const size = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 }[type]!;
  const out = new Uint8Array(4 + 4 * shape.length + size * values.length);
  const dv = new DataView(out.buffer);
  out[2] = type;
  out[3] = shape.length;
  shape.forEach((d, i) => {
    dv.setUint32(4 + 4 * i, d, false);
  });
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
      expect(Array.from(data)).toEqual(Array.from(new (Ctor as unknown as new (v: number[]) => ArrayLike<number>)(values)));
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
