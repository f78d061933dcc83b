// Precondition checks for the kernel entry points. Every check is an `assert`, so it exists in the
// debug build only: the release and relaxed targets compile with `noAssert` and drop it entirely
// (their .wasm is byte-identical with or without these lines). Without a message (a message would
// put a string in a data segment) and with `--use abort=`, a failed check traps with `unreachable`.
// Nothing here is exported from the module.
//
// Sizes and range ends are computed in u64: memory reaches 4 GiB, so a pointer plus a byte count can
// reach 2³² (and a garbage size far beyond), where usize arithmetic would wrap and a check pass.

/** Bytes of `count` f32 (or i32) elements; count is asserted ≥ 0 before any call. */
// @ts-ignore: decorator
@inline export function f32Bytes(count: i32): u64 {
  return <u64>count << 2;
}

/** Bytes of an [rows × cols] f32 matrix. */
// @ts-ignore: decorator
@inline export function matBytes(rows: i32, cols: i32): u64 {
  return (<u64>rows * <u64>cols) << 2;
}

/** True when the byte ranges [p, p + pBytes) and [q, q + qBytes) do not intersect (empty ranges never do). */
// @ts-ignore: decorator
@inline export function disjoint(p: usize, pBytes: u64, q: usize, qBytes: u64): bool {
  return pBytes == 0 || qBytes == 0 || <u64>p + pBytes <= <u64>q || <u64>q + qBytes <= <u64>p;
}

/** True when `bytes` bytes at p lie inside the memory (catches a stale or garbage pointer). */
// @ts-ignore: decorator
@inline export function inMemory(p: usize, bytes: u64): bool {
  return <u64>p + bytes <= (<u64>memory.size() << 16);
}
