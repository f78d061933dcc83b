/**
 * The IDX format (LeCun's MNIST files): a 4-byte magic `0, 0, type, ndims`, then `ndims` big-endian
 * uint32 dimension sizes, then `∏ dims` elements of the given type, big-endian, row-major.
 *
 * Type codes: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.
 *
 * `parseIdx` is pure (works in browsers); `readIdx` (idx-file.ts) reads a file in Node.
 */

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  /** Dimension sizes, outermost first (e.g. `[60000, 28, 28]`). */
  shape: number[];
  /** The elements, row-major, in native byte order. */
  data: IdxData;
}

/** Type code → element size in bytes and name. */
export const IDX_TYPES: Readonly<Record<number, { bytes: number; name: string }>> = {
  0x08: { bytes: 1, name: 'uint8' },
  0x09: { bytes: 1, name: 'int8' },
  0x0b: { bytes: 2, name: 'int16' },
  0x0c: { bytes: 4, name: 'int32' },
  0x0d: { bytes: 4, name: 'float32' },
  0x0e: { bytes: 8, name: 'float64' },
};

const hex = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;

/**
 * Decodes an IDX file. Throws on a bad magic number, an unknown type code, or a file whose length
 * does not match its header (the message names the expected and actual byte counts). Trailing bytes
 * beyond the data are an error too: they usually mean a wrong or concatenated file.
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxArray {
  if (bytes.length < 4) {
    throw new Error(`${name}: truncated IDX file: expected at least 4 header bytes, got ${bytes.length}`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(
      `${name}: bad IDX magic: the first two bytes must be 0x00 0x00, got ${hex(bytes[0])} ${hex(bytes[1])}` +
        (bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (this looks gzip-compressed; gunzip it first)' : ''),
    );
  }
  const type = bytes[2];
  const info = IDX_TYPES[type];
  if (!info) {
    throw new Error(`${name}: bad IDX magic: unknown type code ${hex(type)}; expected one of 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e`);
  }
  const ndims = bytes[3];
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new Error(`${name}: truncated IDX file: the header of ${ndims} dimensions needs ${headerBytes} bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < ndims; d++) {
    const n = view.getUint32(4 + 4 * d, false);
    shape.push(n);
    count *= n;
  }
  const expected = headerBytes + count * info.bytes;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated IDX file' : 'IDX file has trailing bytes';
    throw new Error(
      `${name}: ${what}: ${info.name} [${shape.join(', ')}] needs ${expected} bytes ` +
        `(${headerBytes} header + ${count * info.bytes} data), got ${bytes.length}`,
    );
  }

  const off = headerBytes;
  let data: IdxData;
  switch (type) {
    case 0x08:
      data = bytes.slice(off, off + count);
      break;
    case 0x09:
      data = new Int8Array(bytes.slice(off, off + count).buffer);
      break;
    case 0x0b: {
      const a = new Int16Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt16(off + 2 * i, false);
      data = a;
      break;
    }
    case 0x0c: {
      const a = new Int32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt32(off + 4 * i, false);
      data = a;
      break;
    }
    case 0x0d: {
      const a = new Float32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat32(off + 4 * i, false);
      data = a;
      break;
    }
    default: {
      const a = new Float64Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat64(off + 8 * i, false);
      data = a;
    }
  }
  return { shape, data };
}
