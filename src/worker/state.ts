/**
 * The optimizer state a worker job carries both ways, so that training in a worker continues
 * exactly where the caller's model stands: the step count t (Adam's bias correction, schedules,
 * dropout masks) and a byte copy of every state block (velocities, moments, damping). Both sides
 * build the session with the same optimizer config over the same tensors, so the blocks match in
 * number and size.
 */
import type { Session } from '../train/session.js';

/** Copies of the session's state blocks (transferable). */
export function readState(session: Session): ArrayBuffer[] {
  const heap = session.network.backend.heap;
  return session.state.map((ptr) => (ptr ? heap.u8.slice(ptr, ptr + heap.sizeOf(ptr)).buffer : new ArrayBuffer(0)));
}

/** Puts the step count and the state blocks of `readState` into `session`. */
export function writeState(session: Session, step: number, state: readonly ArrayBuffer[]): void {
  const heap = session.network.backend.heap;
  const ptrs = session.state;
  if (state.length !== ptrs.length) {
    throw new Error(
      `fitInWorker: the optimizer state has ${state.length} blocks but ${session.optimizer.config.type} uses ${ptrs.length}.`,
    );
  }
  ptrs.forEach((ptr, i) => {
    const bytes = state[i]!.byteLength;
    const size = ptr ? heap.sizeOf(ptr) : 0;
    if (bytes !== size) {
      throw new Error(`fitInWorker: optimizer state block ${i} has ${bytes} bytes but ${session.optimizer.config.type} uses ${size}.`);
    }
    if (ptr) heap.u8.set(new Uint8Array(state[i]!), ptr);
  });
  session.step = step;
}
