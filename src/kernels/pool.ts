/**
 * The thread pool: `count` workers, each with its own instance of the kernels over the one shared
 * memory, started and watched by a supervisor worker (pool-sources.ts). The calling thread posts a
 * job to a worker (`post`), computes its own share, then waits for the worker (`wait`).
 *
 * Waiting: by polling `Atomics.load` for up to CALLER_SPIN_MS, then with `Atomics.wait` where the
 * thread may block (Node, Web Workers); a browser main thread, which may not block, polls until the
 * worker is done (the wait is as long as the worker's share of one kernel call). Idle workers poll
 * for their next job for WORKER_SPIN_MS before sleeping (pool-sources.ts: why). A worker that ends (killed, crashed) makes the supervisor store DEAD
 * in its slot: a pending `wait` wakes and throws, and so does every later `post` — never a hang.
 *
 * No allocation per job: arguments go into a preallocated Float64Array, the kernel is named by its
 * index in KERNEL_NAMES.
 */
import { KERNEL_NAMES, type KernelName } from './kernels.js';
import { nodeWorker } from './node-host.js';
import {
  ASLEEP,
  CALLER_SPIN_MS,
  COMPUTE_WORKER_SOURCE,
  DEAD,
  DONE,
  KERNEL,
  SEQ,
  SLOT_ARGS,
  SLOT_INTS,
  SLOT_TEXT,
  SPIN_OK,
  PREEMPTED,
  SLEPT_BUSY,
  RESULT,
  SLEPT_IDLE,
  BUSY_MAX_MS,
  BUSY_MIN_MS,
  PREEMPTED_MS,
  SPIN_CHECK,
  STATUS,
  SUPERVISOR_SOURCE,
  WAITING,
} from './pool-sources.js';
import { isNode } from './runtime.js';

/** Whether this thread may block in Atomics.wait (not on a browser main thread). */
function mayBlock(): boolean {
  if (isNode) return true;
  return typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
}

/**
 * The length (ms) of a busy spell that starts `calmMs` after the end of the last one, which lasted
 * `lastMs`: twice that when the machine was calm for less than it (up to BUSY_MAX_MS), else
 * BUSY_MIN_MS (pool-sources.ts: why).
 */
export function nextBusySpell(lastMs: number, calmMs: number): number {
  return calmMs < lastMs ? Math.min(2 * lastMs, BUSY_MAX_MS) : BUSY_MIN_MS;
}

/** The index of each kernel in KERNEL_NAMES (the number a job carries). */
export const KERNEL_INDEX: Readonly<Record<KernelName, number>> = Object.fromEntries(KERNEL_NAMES.map((n, i) => [n, i])) as Record<
  KernelName,
  number
>;

/** The supervisor as seen from here: a Node Worker or a Web Worker. */
interface Supervisor {
  post(message: unknown): void;
  terminate(): void;
  /** Node: keep the process alive until the supervisor has answered (it is unref'd otherwise). */
  ref?(): void;
  unref?(): void;
}

export class Pool {
  /** Number of worker threads (the calling thread is not counted). */
  readonly count: number;
  /** Jobs posted so far (diagnostics: shows that calls were split)… */
  jobs = 0;
  /** …and per kernel, by its index in KERNEL_NAMES (KERNEL_INDEX): shows how they were split. */
  readonly jobsByKernel = new Float64Array(KERNEL_NAMES.length);
  /** Jobs posted to a sleeping worker (which had to be woken), and waits in which this thread slept. */
  wakes = 0;
  naps = 0;
  /** Times this thread saw the machine busy (entered the busy mode: setBusy). */
  busySpells = 0;
  /**
   * Reads of the clock (performance.now()) by this thread's waits and busy checks: the only JS
   * allocation a split call makes (Node's clock returns a new number object), and only in a wait
   * longer than SPIN_CHECK polls or while the machine is busy (test/kernels/threads-alloc.test.ts).
   */
  clockReads = 0;
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private readonly text: Uint8Array;
  private readonly seq: Int32Array;
  private readonly block = mayBlock();
  /** Until when (performance.now(), ms) this thread and the workers poll only briefly (see pool-sources.ts). */
  private busyUntil = 0;
  /** The length of the last busy spell (ms) and when it ended (performance.now()). */
  private busyMs = BUSY_MIN_MS;
  private busyEnded = Number.NEGATIVE_INFINITY;
  /** Per worker: whether its last job had to wake it (its lateness is then the wake-up's). */
  private readonly woken: Uint8Array;
  /** Signs of a busy machine since the last calm wait (strike()). */
  private strikes = 0;
  private supervisor: Supervisor | undefined;
  private stopped: Promise<void> | undefined;
  private resolveStopped: (() => void) | undefined;

  private constructor(count: number) {
    this.count = count;
    this.ctl = new Int32Array(new SharedArrayBuffer(count * SLOT_INTS * 4));
    for (let w = 0; w < count; w++) this.ctl[w * SLOT_INTS + SPIN_OK] = 1;
    this.args = new Float64Array(new SharedArrayBuffer(count * SLOT_ARGS * 8));
    this.text = new Uint8Array(new SharedArrayBuffer(count * SLOT_TEXT));
    this.seq = new Int32Array(count);
    this.woken = new Uint8Array(count);
  }

  /**
   * Starts `count` workers running `module` on `memory` (shared). Resolves once every worker has
   * instantiated the module; rejects with the reason if one cannot.
   */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, count: number): Promise<Pool> {
    const pool = new Pool(count);
    const data = {
      module,
      memory,
      ctl: pool.ctl.buffer,
      args: pool.args.buffer,
      text: pool.text.buffer,
      count,
      names: [...KERNEL_NAMES],
      source: COMPUTE_WORKER_SOURCE,
    };
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: { ready?: boolean; error?: string; stopped?: boolean }): void => {
        if (m?.ready) {
          // Once started, a process that forgets dispose() still exits: the pool never keeps it
          // alive (unref'd only now, so that the process waits for the start; and after the
          // 'message' listener, whose addition refs the worker again).
          pool.supervisor?.unref?.();
          resolve();
        } else if (m?.error) {
          reject(new Error(m.error));
          pool.supervisor?.terminate();
        } else if (m?.stopped) pool.resolveStopped?.();
      };
      const onError = (e: unknown): void => reject(new Error(String(e)));
      if (isNode) {
        void nodeWorker(SUPERVISOR_SOURCE, data).then((w) => {
          w.on('message', onMessage);
          w.on('error', onError);
          w.on('exit', () => pool.resolveStopped?.());
          pool.supervisor = {
            post: (m) => w.postMessage(m),
            terminate: () => void w.terminate(),
            ref: () => w.ref(),
            unref: () => w.unref(),
          };
        }, reject);
      } else {
        let w: Worker;
        try {
          w = new Worker(URL.createObjectURL(new Blob([SUPERVISOR_SOURCE], { type: 'text/javascript' })));
        } catch (e) {
          reject(new Error(`a worker could not be created: ${(e as Error).message}`));
          return;
        }
        w.onmessage = (e) => onMessage(e.data);
        w.onerror = (e) => {
          e.preventDefault();
          onError(e.message);
        };
        w.postMessage(data);
        pool.supervisor = { post: (m) => w.postMessage(m), terminate: () => w.terminate() };
      }
    });
    return pool;
  }

  /** Whether dispose() was called (or the pool never started). */
  get disposed(): boolean {
    return !this.supervisor;
  }

  /** Throws the error of a worker that has ended (or was disposed). */
  private ended(w: number): Error {
    if (!this.supervisor) return new Error('simdnn: this backend was disposed; call init() again to get a new one.');
    return new Error(
      `simdnn: thread worker ${w + 1} of ${this.count} has ended (${this.message(w)}); this backend cannot run ` +
        'kernels any more. Call backend.dispose() and init() again (or init({ threads: 1 })).',
    );
  }

  private message(w: number): string {
    let s = '';
    for (let i = w * SLOT_TEXT; i < (w + 1) * SLOT_TEXT && this.text[i] !== 0; i++) s += String.fromCharCode(this.text[i]!);
    return s || 'no reason given';
  }

  /**
   * Posts `kernel(a0, …, a13)` to worker w (0-based). Arguments past the kernel's own are ignored.
   * Every post must be followed by `wait(w)` before the next post to the same worker.
   */
  post(
    w: number,
    kernel: number,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
    a4 = 0,
    a5 = 0,
    a6 = 0,
    a7 = 0,
    a8 = 0,
    a9 = 0,
    a10 = 0,
    a11 = 0,
    a12 = 0,
    a13 = 0,
  ): void {
    const b = w * SLOT_INTS;
    if (!this.supervisor || Atomics.load(this.ctl, b + DONE) === DEAD) throw this.ended(w);
    const a = this.args;
    const o = w * SLOT_ARGS;
    a[o] = a0;
    a[o + 1] = a1;
    a[o + 2] = a2;
    a[o + 3] = a3;
    a[o + 4] = a4;
    a[o + 5] = a5;
    a[o + 6] = a6;
    a[o + 7] = a7;
    a[o + 8] = a8;
    a[o + 9] = a9;
    a[o + 10] = a10;
    a[o + 11] = a11;
    a[o + 12] = a12;
    a[o + 13] = a13;
    Atomics.store(this.ctl, b + KERNEL, kernel);
    this.jobs++;
    this.jobsByKernel[kernel]!++;
    // Sequence numbers stay positive (DEAD is −1): wrap from 2³¹ − 1 back to 1.
    const s = this.seq[w]! === 0x7fffffff ? 1 : this.seq[w]! + 1;
    this.seq[w] = s;
    Atomics.store(this.ctl, b + SEQ, s);
    // A polling worker sees SEQ by itself; notifying costs a syscall (~23 µs on a VM) only when it sleeps.
    this.woken[w] = 0;
    if (Atomics.load(this.ctl, b + ASLEEP) !== 0) {
      this.wakes++;
      this.woken[w] = 1;
      // (A slow notify is no sign of a busy machine: waking a worker whose core is idle takes
      // 15 µs to over 1 ms on a VM while the machine is quiet.)
      Atomics.notify(this.ctl, b + SEQ);
    }
  }

  /**
   * Diagnostics summed over the workers: times a worker saw itself descheduled while polling, and
   * its sleeps after the spin budget ran out (idle) or while backing off on a busy machine (busy).
   */
  workerStats(): { preempted: number; sleptIdle: number; sleptBusy: number } {
    const out = { preempted: 0, sleptIdle: 0, sleptBusy: 0 };
    for (let w = 0; w < this.count; w++) {
      const b = w * SLOT_INTS;
      out.preempted += Atomics.load(this.ctl, b + PREEMPTED);
      out.sleptIdle += Atomics.load(this.ctl, b + SLEPT_IDLE);
      out.sleptBusy += Atomics.load(this.ctl, b + SLEPT_BUSY);
    }
    return out;
  }

  /** Whether this thread saw the machine busy lately (setBusy): the threaded table then splits less. */
  get contended(): boolean {
    if (this.busyUntil === 0) return false;
    if (this.clock() < this.busyUntil) return true;
    this.busyEnded = this.busyUntil;
    this.calm();
    return false;
  }

  /** Leaves the busy mode (setBusy): this thread and the workers poll again before sleeping. */
  calm(): void {
    this.busyUntil = 0;
    this.strikes = 0;
    for (let w = 0; w < this.count; w++) Atomics.store(this.ctl, w * SLOT_INTS + SPIN_OK, 1);
  }

  /**
   * A sign that the machine is busy (this thread was descheduled, or a worker is late); two in a
   * row (no calm wait between them) make it so: one alone can be a worker's slow first wake-up.
   */
  private strike(): void {
    if (++this.strikes >= 2) this.setBusy();
  }

  /**
   * The machine is busy: for the next spell (nextBusySpell) this thread and the workers poll only
   * briefly before sleeping (time, not waits: in the busy mode fewer calls are split, so waits
   * become rare).
   */
  private setBusy(): void {
    this.strikes = 0;
    this.busySpells++;
    const now = this.clock();
    if (this.busyUntil === 0) for (let w = 0; w < this.count; w++) Atomics.store(this.ctl, w * SLOT_INTS + SPIN_OK, 0);
    this.busyMs = nextBusySpell(this.busyMs, now - this.busyEnded);
    this.busyUntil = now + this.busyMs;
  }

  /** performance.now(), counted (clockReads). */
  private clock(): number {
    this.clockReads++;
    return performance.now();
  }

  /** Waits until worker w has finished its last job; throws if it failed or has ended. */
  wait(w: number): void {
    const b = w * SLOT_INTS;
    const s = this.seq[w]!;
    const ctl = this.ctl;
    let d = Atomics.load(ctl, b + DONE);
    // Poll for up to CALLER_SPIN_MS (the worker's share is about as long as ours: it is usually
    // done within microseconds), then sleep with WAITING set so that the worker notifies. On a
    // busy machine (this thread was descheduled while polling, or the worker late twice: strike())
    // poll only briefly for the busy spell: sleeping frees this core.
    const busy = this.contended;
    if (d !== s && d !== DEAD) {
      // The clock is first read after SPIN_CHECK polls (≈ 1 µs): most waits end sooner and read
      // it never (each read allocates in Node).
      let t0 = -1;
      let prev = 0;
      for (let i = 1; d !== s && d !== DEAD; i++) {
        d = Atomics.load(ctl, b + DONE);
        if (i % SPIN_CHECK === 0 && this.block) {
          if (busy) break;
          const t = this.clock();
          if (t0 < 0) {
            t0 = prev = t;
            continue;
          }
          if (t - prev > PREEMPTED_MS) {
            this.strike();
            break;
          }
          // A worker this late is waited for asleep; late twice in a row although it was polling
          // (not waking up: an idle core can take a millisecond to), it is not getting a core.
          if (t - t0 > CALLER_SPIN_MS) {
            if (this.woken[w] === 0) this.strike();
            break;
          }
          prev = t;
        }
      }
      if (d === s && !busy) this.strikes = 0;
    }
    while (d !== s) {
      if (d === DEAD) throw this.ended(w);
      this.naps++;
      Atomics.store(ctl, b + WAITING, 1);
      Atomics.wait(ctl, b + DONE, d);
      Atomics.store(ctl, b + WAITING, 0);
      d = Atomics.load(ctl, b + DONE);
    }
    if (Atomics.load(ctl, b + STATUS) !== 0) {
      throw new Error(`simdnn: a kernel failed in thread worker ${w + 1}: ${this.message(w)}`);
    }
  }

  /**
   * The integer result of worker w's last kernel (find_nonfinite_f32's index), valid after wait(w):
   * the worker writes it before it publishes DONE, which wait read.
   */
  result(w: number): number {
    return Atomics.load(this.ctl, w * SLOT_INTS + RESULT);
  }

  /** Terminates worker w as if it had crashed (for tests and diagnostics); later calls throw. */
  kill(w: number): void {
    this.supervisor?.post({ kill: w });
  }

  /** Ends every worker and the supervisor; resolves when they have ended. Idempotent. */
  dispose(): Promise<void> {
    if (!this.stopped) {
      const sup = this.supervisor;
      this.stopped = new Promise<void>((resolve) => {
        this.resolveStopped = resolve;
      }).then(() => sup?.terminate());
      sup?.ref?.();
      if (sup) sup.post({ stop: true });
      else this.resolveStopped?.();
      this.supervisor = undefined;
    }
    return this.stopped;
  }
}
