/**
 * The arena: one `WebAssembly.Memory` that every kernel reads and writes through byte pointers.
 *
 * Both backends use a heap (the js backend runs its reference kernels on the same layout), so a
 * buffer is just a pointer plus a length whichever backend runs. Allocation is first-fit over a free
 * list kept sorted by address, with neighbours coalesced on free; memory grows by whole 64 KiB pages.
 *
 * Views: `memory.grow` detaches the old ArrayBuffer, after which every typed array over it has
 * length 0 and silently drops writes. `f32`/`i32`/`u8` re-create their views whenever the buffer has
 * changed, so read them after any allocation — never keep one across `alloc`.
 */
const PAGE = 65536;
/** Allocations start on cache-line boundaries (also satisfies v128's 16-byte natural alignment). */
export const ALIGN = 64;
/** The first 64 KiB are never handed out: pointer 0 means "none", and warm-up runs there. */
const RESERVED = 65536;

interface Block {
  start: number;
  size: number;
}

export class Heap {
  readonly memory: WebAssembly.Memory;
  private free_: Block[];
  private used = new Map<number, number>();
  private f32_: Float32Array;
  private i32_: Int32Array;
  private u8_: Uint8Array;

  constructor(memory?: WebAssembly.Memory, initialBytes = 16 << 20) {
    this.memory = memory ?? new WebAssembly.Memory({ initial: Math.ceil(initialBytes / PAGE) });
    const total = this.memory.buffer.byteLength;
    this.free_ = total > RESERVED ? [{ start: RESERVED, size: total - RESERVED }] : [];
    this.f32_ = new Float32Array(this.memory.buffer);
    this.i32_ = new Int32Array(this.memory.buffer);
    this.u8_ = new Uint8Array(this.memory.buffer);
  }

  private refresh(): void {
    const buf = this.memory.buffer;
    this.f32_ = new Float32Array(buf);
    this.i32_ = new Int32Array(buf);
    this.u8_ = new Uint8Array(buf);
  }

  /** Float32 view of the whole heap (index = ptr >> 2). Re-read after any allocation. */
  get f32(): Float32Array {
    if (this.f32_.buffer !== this.memory.buffer) this.refresh();
    return this.f32_;
  }
  get i32(): Int32Array {
    if (this.i32_.buffer !== this.memory.buffer) this.refresh();
    return this.i32_;
  }
  get u8(): Uint8Array {
    if (this.u8_.buffer !== this.memory.buffer) this.refresh();
    return this.u8_;
  }

  /** Total bytes of the memory. */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** Bytes currently handed out. */
  get bytesInUse(): number {
    let s = 0;
    for (const v of this.used.values()) s += v;
    return s;
  }

  /** Allocates `bytes` (rounded up to ALIGN), zero-filled; returns the byte pointer. */
  alloc(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`Heap.alloc: invalid size ${bytes}`);
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let i = this.free_.findIndex((b) => b.size >= size);
    if (i < 0) {
      this.grow(size);
      i = this.free_.findIndex((b) => b.size >= size);
    }
    const b = this.free_[i]!;
    const ptr = b.start;
    if (b.size === size) this.free_.splice(i, 1);
    else {
      b.start += size;
      b.size -= size;
    }
    this.used.set(ptr, size);
    this.u8.fill(0, ptr, ptr + size);
    return ptr;
  }

  /** Allocates room for n float32 (or int32) elements. */
  allocF32(n: number): number {
    return this.alloc(n * 4);
  }

  /** Returns a block to the free list. Freeing 0 is a no-op; freeing anything else unknown throws. */
  free(ptr: number): void {
    if (ptr === 0) return;
    const size = this.used.get(ptr);
    if (size === undefined) throw new Error(`Heap.free: ${ptr} was not allocated (double free?)`);
    this.used.delete(ptr);
    let i = 0;
    while (i < this.free_.length && this.free_[i]!.start < ptr) i++;
    this.free_.splice(i, 0, { start: ptr, size });
    // Coalesce with the next and previous blocks.
    const cur = this.free_[i]!;
    const next = this.free_[i + 1];
    if (next && cur.start + cur.size === next.start) {
      cur.size += next.size;
      this.free_.splice(i + 1, 1);
    }
    const prev = this.free_[i - 1];
    if (prev && prev.start + prev.size === cur.start) {
      prev.size += cur.size;
      this.free_.splice(i, 1);
    }
  }

  /** Grows the memory so that a block of `size` bytes fits at its end. */
  private grow(size: number): void {
    const oldBytes = this.byteLength;
    const last = this.free_[this.free_.length - 1];
    const tailFree = last && last.start + last.size === oldBytes ? last.size : 0;
    const need = size - tailFree;
    // Grow geometrically (at least 1/4 of the current size) to keep the number of growths small.
    const pages = Math.max(Math.ceil(need / PAGE), Math.ceil(oldBytes / PAGE / 4));
    try {
      this.memory.grow(pages);
    } catch (e) {
      throw new RangeError(
        `simdnn: out of memory growing the heap from ${oldBytes} by ${pages * PAGE} bytes ` +
          `(${(e as Error).message}). Use a smaller batch size or model.`,
      );
    }
    const added = pages * PAGE;
    if (tailFree) last!.size += added;
    else this.free_.push({ start: oldBytes, size: added });
  }

  /** A fresh Float32Array over n floats at ptr. Valid until the next allocation. */
  viewF32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }

  /** A fresh Int32Array over n ints at ptr. Valid until the next allocation. */
  viewI32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, n);
  }

  /** Copies src into the heap at ptr. */
  writeF32(ptr: number, src: ArrayLike<number>): void {
    this.f32.set(src, ptr >> 2);
  }

  /** Copies n floats at ptr out of the heap (a detached copy that survives growth). */
  readF32(ptr: number, n: number): Float32Array {
    return this.f32.slice(ptr >> 2, (ptr >> 2) + n);
  }
}
