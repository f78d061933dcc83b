/**
 * The arena: one `WebAssembly.Memory` that every kernel reads and writes through byte pointers.
 *
 * Pointers are unsigned 32-bit byte offsets: wasm32 memory reaches 4 GiB, so a pointer may be ≥ 2³¹.
 * Turn one into an element index with `ptr >>> 2` (never `ptr >> 2`, which is negative from 2 GiB
 * on); `(ptr >>> 2) + i` is then exact, since JS numbers are doubles.
 *
 * Both backends use a heap (the js backend runs its reference kernels on the same layout), so a
 * buffer is just a pointer plus a length whichever backend runs. Allocation is first-fit over a free
 * list kept sorted by address, with neighbours coalesced on free; memory grows by whole 64 KiB pages.
 *
 * Views: `memory.grow` detaches the old ArrayBuffer, after which every typed array over it has
 * length 0 and silently drops writes. A shared memory (the threaded builds) never detaches, but a
 * view made before a growth keeps the old length. `f32`/`i32`/`u8` re-create their views whenever
 * the memory's byte length differs from theirs (both cases), so read them after any allocation —
 * never keep one across `alloc`.
 */
const PAGE = 65536;
/** The wasm32 address space: 65536 pages of 64 KiB = 4 GiB. */
export const WASM32_MAX_BYTES = 65536 * PAGE;
/**
 * The top 1 MiB of the 4 GiB is never part of the heap, so no buffer ends at 2³²: kernels compute
 * one-past-the-end pointers (`x + rows·stride`) in unsigned 32-bit arithmetic, which would wrap to 0
 * for a buffer that ends exactly there (the overshoot past a buffer is at most one row, < 1 MiB).
 */
const TOP_GUARD = 16 * PAGE;
/** The most the heap grows to: 4 GiB − 1 MiB (65,520 pages). */
export const MAX_HEAP_BYTES = WASM32_MAX_BYTES - TOP_GUARD;
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
  /**
   * Bytes at or above this offset have never been handed out since the memory was created, so they
   * are still zero (fresh wasm memory and every `memory.grow` come zeroed): `alloc` clears only
   * below it. A 2 GB block is then not written twice (zeros, then data), and a block that is never
   * touched costs no physical memory.
   */
  private clean: number;

  /**
   * A heap over `memory`, or over a new memory of `initialBytes` (default 16 MiB) that grows on
   * demand up to MAX_HEAP_BYTES. The new memory has no `maximum`: it then grows as far as the engine
   * allows (4 GiB = 65,536 pages in V8 and SpiderMonkey on 64-bit hosts); a memory passed in keeps
   * its own maximum, and the heap never uses more than MAX_HEAP_BYTES of it. `shared` creates a
   * shared memory (maximum 65,536 pages, as the threaded builds declare) that workers can run
   * kernels on.
   */
  constructor(memory?: WebAssembly.Memory, initialBytes = 16 << 20, shared = false) {
    if (!Number.isFinite(initialBytes) || initialBytes < 0 || initialBytes > MAX_HEAP_BYTES) {
      throw new Error(
        `Heap: initial size ${initialBytes} bytes is not between 0 and ${MAX_HEAP_BYTES} (the 4 GiB limit of ` +
          'WebAssembly memory, less a 1 MiB guard).',
      );
    }
    const initial = Math.ceil(initialBytes / PAGE);
    this.memory =
      memory ??
      (shared ? new WebAssembly.Memory({ initial, maximum: WASM32_MAX_BYTES / PAGE, shared: true }) : new WebAssembly.Memory({ initial }));
    const total = Math.min(this.memory.buffer.byteLength, MAX_HEAP_BYTES);
    this.free_ = total > RESERVED ? [{ start: RESERVED, size: total - RESERVED }] : [];
    // A memory passed in may hold anything; one created here is all zeros.
    this.clean = memory ? this.memory.buffer.byteLength : RESERVED;
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

  /** Float32 view of the whole heap (index = ptr >>> 2). Re-read after any allocation. */
  get f32(): Float32Array {
    if (this.f32_.byteLength !== this.memory.buffer.byteLength) this.refresh();
    return this.f32_;
  }
  get i32(): Int32Array {
    if (this.i32_.byteLength !== this.memory.buffer.byteLength) this.refresh();
    return this.i32_;
  }
  get u8(): Uint8Array {
    if (this.u8_.byteLength !== this.memory.buffer.byteLength) this.refresh();
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

  /**
   * Allocates `bytes` (rounded up to ALIGN), zero-filled unless `zero` is false (for a block the caller
   * overwrites whole at once: zeroing costs 0.13 ms per 6 MB on plain memory, 0.8 ms on shared memory);
   * returns the byte pointer (unsigned, may be ≥ 2³¹). Throws an Error naming the sizes and what to do
   * when the block does not fit below MAX_HEAP_BYTES or the engine refuses to grow the memory.
   */
  alloc(bytes: number, zero = true): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`Heap.alloc: invalid size ${bytes}`);
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let i = this.free_.findIndex((b) => b.size >= size);
    if (i < 0) {
      this.grow(size, bytes);
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
    // Zeroed through the f32 view: ptr and clean are multiples of 4, and Uint8Array.fill is ~10× slower
    // than Float32Array.fill (2.7 vs 0.2 ms per 8 MB on Node 20; ~5 ms on a shared memory).
    if (zero && ptr < this.clean) this.f32.fill(0, ptr >>> 2, Math.min(ptr + size, this.clean) >>> 2);
    this.clean = Math.max(this.clean, ptr + size);
    return ptr;
  }

  /** Allocates room for n float32 (or int32) elements, zero-filled unless `zero` is false (see alloc). */
  allocF32(n: number, zero = true): number {
    return this.alloc(n * 4, zero);
  }

  /** Bytes of the block at `ptr` as `alloc` handed it out (its request rounded up to ALIGN). */
  sizeOf(ptr: number): number {
    const size = this.used.get(ptr);
    if (size === undefined) throw new Error(`Heap.sizeOf: ${ptr} is not an allocated block`);
    return size;
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

  /**
   * Grows the memory so that a block of `size` bytes fits at its end: geometrically (at least 1/4 of
   * the current size, to keep growths few) but never past MAX_HEAP_BYTES; if the engine refuses the
   * geometric step, exactly what is needed is tried before giving up.
   */
  private grow(size: number, requested: number): void {
    const oldBytes = this.byteLength;
    const last = this.free_[this.free_.length - 1];
    const tailFree = last && last.start + last.size === oldBytes ? last.size : 0;
    const needPages = Math.ceil((size - tailFree) / PAGE);
    const roomPages = Math.max(0, Math.floor((MAX_HEAP_BYTES - oldBytes) / PAGE));
    if (needPages > roomPages) throw this.outOfMemory(requested, 'it does not fit below the limit');
    const pages = Math.min(roomPages, Math.max(needPages, Math.ceil(oldBytes / PAGE / 4)));
    let added = 0;
    for (const p of pages > needPages ? [pages, needPages] : [needPages]) {
      try {
        this.memory.grow(p);
        added = p * PAGE;
        break;
      } catch (e) {
        if (p === needPages) throw this.outOfMemory(requested, `the engine refused to grow the memory (${(e as Error).message})`);
      }
    }
    if (tailFree) last!.size += added;
    else this.free_.push({ start: oldBytes, size: added });
  }

  /** The error for a block that cannot be had: sizes, the limit and what to do. */
  private outOfMemory(requested: number, why: string): Error {
    const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
    return new Error(
      `simdnn: cannot allocate ${requested} bytes (${mb(requested)}) in the WebAssembly heap: ${why}. ` +
        `The heap has ${this.bytesInUse} bytes (${mb(this.bytesInUse)}) in use of ${this.byteLength} ` +
        `(${mb(this.byteLength)}) reserved; WebAssembly memory is limited to 4 GiB (the heap uses at most ` +
        `${MAX_HEAP_BYTES} bytes of it). Use a smaller batch size, keep fewer rows in memory at once ` +
        '(train or predict on the data in chunks), or use a smaller model.',
    );
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
    this.f32.set(src, ptr >>> 2);
  }

  /** Copies n floats at ptr out of the heap (a detached copy that survives growth). */
  readF32(ptr: number, n: number): Float32Array {
    return this.f32.slice(ptr >>> 2, (ptr >>> 2) + n);
  }
}
