/**
 * The protobuf wire format, as much as ONNX needs: varints (int32/int64/enums), fixed 32-bit
 * floats, and length-delimited fields (strings, bytes, packed arrays, sub-messages).
 *
 * Hand-written on purpose: the ONNX subset an MLP uses is a few hundred lines here, while
 * protobufjs would add a dependency and parse the onnx.proto schema at run time, in an entry that
 * must stay browser-safe and small. The reader validates as it goes (every length against the
 * bytes left, every varint at most 10 bytes, only the wire types protobuf defines), so a damaged
 * file gives an `OnnxFormatError` naming the byte, never a hang or an engine error.
 *
 * Wire format (https://protobuf.dev/programming-guides/encoding/): each field is a key
 * `(field_number << 3) | wire_type` as a varint, then the value: wire type 0 varint, 1 fixed
 * 64-bit, 2 length-delimited (varint length + bytes), 5 fixed 32-bit (3/4 are deprecated groups).
 */

/** A malformed ONNX file: the message says where (byte offset, message) and what is wrong. */
export class OnnxFormatError extends Error {
  override name = 'OnnxFormatError';
}

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Appends protobuf fields to a growing buffer. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** An unsigned varint; negative numbers are written as 64-bit two's complement (10 bytes), as int64 requires. */
  varint(v: number): void {
    if (!Number.isSafeInteger(v)) throw new Error(`protobuf: ${v} is not an integer that can be encoded exactly.`);
    let x = BigInt.asUintN(64, BigInt(v));
    this.reserve(10);
    while (x >= 0x80n) {
      this.buf[this.len++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.len++] = Number(x);
  }

  private key(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  /** An int32/int64/enum/bool field (wire type 0). */
  int(field: number, v: number): void {
    this.key(field, WIRE_VARINT);
    this.varint(v);
  }

  /** A float field (wire type 5, little-endian IEEE 754). */
  float(field: number, v: number): void {
    this.key(field, WIRE_I32);
    this.reserve(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, v, true);
    this.len += 4;
  }

  /** A bytes or sub-message field (wire type 2). */
  bytes(field: number, b: Uint8Array): void {
    this.key(field, WIRE_LEN);
    this.varint(b.length);
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  string(field: number, s: string): void {
    this.bytes(field, utf8Encoder.encode(s));
  }

  /** A sub-message written by `write` into its own writer. */
  message(field: number, write: (w: ProtoWriter) => void): void {
    const w = new ProtoWriter();
    write(w);
    this.bytes(field, w.finish());
  }

  /** A packed repeated int64 field. */
  packedInts(field: number, values: readonly number[]): void {
    const w = new ProtoWriter();
    for (const v of values) w.varint(v);
    this.bytes(field, w.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** One field as read: its number, wire type and value (a number for varint/fixed, bytes for LEN). */
export type ProtoField =
  | { field: number; wire: typeof WIRE_VARINT; value: bigint; at: number }
  | { field: number; wire: typeof WIRE_I64; value: DataView; at: number }
  | { field: number; wire: typeof WIRE_LEN; value: Uint8Array; at: number; valueAt: number }
  | { field: number; wire: typeof WIRE_I32; value: DataView; at: number };

/**
 * Reads the fields of one message. `base` is the message's offset in the file (for error
 * messages); `what` names the message ("GraphProto").
 */
export class ProtoReader {
  private pos = 0;
  constructor(
    private readonly b: Uint8Array,
    private readonly base: number,
    readonly what: string,
  ) {}

  fail(msg: string, at = this.pos): never {
    throw new OnnxFormatError(`${this.what} at byte ${this.base + at}: ${msg}`);
  }

  get done(): boolean {
    return this.pos >= this.b.length;
  }

  /** Absolute file offset of a position in this message. */
  offset(at: number): number {
    return this.base + at;
  }

  private varintBig(): bigint {
    let v = 0n;
    const start = this.pos;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.b.length) this.fail('the file ends inside a number (truncated file?)', start);
      const byte = this.b[this.pos++]!;
      v |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if (byte < 0x80) return BigInt.asUintN(64, v);
    }
    return this.fail('a number is longer than 10 bytes (corrupt file)', start);
  }

  /** The next field, or undefined at the end of the message. */
  next(): ProtoField | undefined {
    if (this.done) return undefined;
    const at = this.pos;
    const key = this.varintBig();
    if (key > 0xffffffffn) this.fail('field key out of range (corrupt file)', at);
    const k = Number(key);
    const field = k >>> 3;
    const wire = k & 7;
    if (field === 0) this.fail('field number 0 (corrupt file)', at);
    switch (wire) {
      case WIRE_VARINT:
        return { field, wire, value: this.varintBig(), at };
      case WIRE_I64:
      case WIRE_I32: {
        const n = wire === WIRE_I64 ? 8 : 4;
        if (this.pos + n > this.b.length) this.fail('the file ends inside a fixed-width value (truncated file?)', at);
        const value = new DataView(this.b.buffer, this.b.byteOffset + this.pos, n);
        this.pos += n;
        return { field, wire, value, at } as ProtoField;
      }
      case WIRE_LEN: {
        const lenAt = this.pos;
        const len = this.varintBig();
        if (len > BigInt(this.b.length - this.pos)) {
          this.fail(`a field claims ${len} bytes but only ${this.b.length - this.pos} are left (truncated or corrupt file)`, lenAt);
        }
        const valueAt = this.pos;
        const value = this.b.subarray(valueAt, valueAt + Number(len));
        this.pos += Number(len);
        return { field, wire, value, at, valueAt };
      }
      default:
        return this.fail(`wire type ${wire} of field ${field} is not valid here (corrupt file)`, at);
    }
  }

  /** The fields of the message, in order. */
  *fields(): Generator<ProtoField> {
    for (;;) {
      const f = this.next();
      if (!f) return;
      yield f;
    }
  }

  /** A sub-reader over a length-delimited field's bytes. */
  sub(f: ProtoField, what: string): ProtoReader {
    if (f.wire !== WIRE_LEN) return this.fail(`field ${f.field} of ${this.what} should be a ${what} message`, f.at);
    return new ProtoReader(f.value, this.base + f.valueAt, what);
  }

  /** An int64 (two's complement) as a safe JS integer. */
  int(f: ProtoField, name: string): number {
    if (f.wire !== WIRE_VARINT) this.fail(`${name} should be an integer`, f.at);
    const v = BigInt.asIntN(64, f.value);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) this.fail(`${name} = ${v} is out of range`, f.at);
    return Number(v);
  }

  float(f: ProtoField, name: string): number {
    if (f.wire !== WIRE_I32) this.fail(`${name} should be a 32-bit float`, f.at);
    return f.value.getFloat32(0, true);
  }

  string(f: ProtoField, name: string): string {
    if (f.wire !== WIRE_LEN) this.fail(`${name} should be a string`, f.at);
    try {
      return utf8Decoder.decode(f.value);
    } catch {
      return this.fail(`${name} is not valid UTF-8 text`, f.at);
    }
  }

  bytes(f: ProtoField, name: string): Uint8Array {
    if (f.wire !== WIRE_LEN) this.fail(`${name} should be bytes`, f.at);
    return f.value;
  }

  /** Repeated int64: packed (one LEN field) or one varint per field; appended to `out`. */
  ints(f: ProtoField, name: string, out: number[], limit: number): void {
    if (f.wire === WIRE_VARINT) {
      out.push(this.int(f, name));
    } else if (f.wire === WIRE_LEN) {
      const r = new ProtoReader(f.value, this.base + f.valueAt, this.what);
      while (!r.done) out.push(r.int({ field: f.field, wire: WIRE_VARINT, value: r.varintBig(), at: r.pos }, name));
    } else {
      this.fail(`${name} should be integers`, f.at);
    }
    if (out.length > limit) this.fail(`${name} has more than ${limit} values`, f.at);
  }

  /** Repeated float: packed (one LEN field, 4 bytes a value) or one fixed32 per field; appended to `out`. */
  floats(f: ProtoField, name: string, out: number[], limit: number): void {
    if (f.wire === WIRE_I32) {
      out.push(f.value.getFloat32(0, true));
    } else if (f.wire === WIRE_LEN) {
      if (f.value.length % 4 !== 0) this.fail(`${name} has ${f.value.length} bytes, not a multiple of 4`, f.at);
      if (out.length + f.value.length / 4 > limit) this.fail(`${name} has more than ${limit} values`, f.at);
      const dv = new DataView(f.value.buffer, f.value.byteOffset, f.value.length);
      for (let i = 0; i < f.value.length; i += 4) out.push(dv.getFloat32(i, true));
    } else {
      this.fail(`${name} should be floats`, f.at);
    }
    if (out.length > limit) this.fail(`${name} has more than ${limit} values`, f.at);
  }
}
