/**
 * The two worker scripts of the thread pool, as source text. They are started from this text
 * (`new Worker(text, { eval: true })` in Node, a Blob URL in browsers) rather than from files next
 * to the bundle, so the pool works unchanged from the sources, from dist/, after any bundler and
 * from inside a Web Worker. Both are plain self-contained JavaScript (no imports, no outer names).
 *
 * The shared control block (`ctl`, an Int32Array over a SharedArrayBuffer) has SLOT_INTS ints per
 * worker slot: [SEQ, DONE, KERNEL, STATUS, ASLEEP, WAITING]. The caller writes a job's arguments into
 * `args` (Float64Array, SLOT_ARGS per slot) and the kernel index into KERNEL, then stores a new SEQ;
 * the worker runs `kernels[KERNEL](...args)` on its own instance of the module over the shared
 * memory, writes STATUS (0 ok, 1 error with its message in `text`) and stores SEQ into DONE.
 * A worker that ends unexpectedly is reported by the supervisor, which stores DEAD into DONE (a value
 * no job has) and notifies: a caller waiting for that slot wakes up and throws.
 *
 * Spin, then sleep: between the split calls of a training step the worker polls SEQ (for up to
 * WORKER_SPIN_MS) instead of sleeping, because waking a thread from `Atomics.wait` is slow — on the
 * 2-core VMs this project is measured on, `Atomics.notify` of a sleeping thread takes ~23 µs of the
 * caller's time and the whole round trip 23–60 µs, against ~1 µs to a polling worker
 * (bench/step-profile.ts). Only a thread that is actually asleep is notified: the sleeper stores 1
 * in its flag (ASLEEP for the worker on SEQ, WAITING for the caller on DONE) before `Atomics.wait`,
 * and the other side stores the new value before reading the flag — with sequentially consistent
 * atomics, either the notifier sees the flag or the sleeper's wait sees the new value and returns.
 *
 * On a busy machine (more runnable threads than cores) spinning backfires: a polling thread holds a
 * core that the thread it waits for needs, and the hand-off then takes a scheduler tick (~1 ms
 * measured here while another process built on both cores). A gap of more than PREEMPTED_MS between
 * two reads of the clock while polling means the thread was descheduled: it then sleeps at once.
 * When that happens to the caller twice in a row (or a worker that was polling is late by more than
 * CALLER_SPIN_MS twice in a row: it is not getting a core), it enters a busy mode (a spell): it
 * polls only SPIN_CHECK times before sleeping, clears SPIN_OK in every slot so that the workers do
 * the same, and the threaded table splits only calls over the ceilings (pool.contended). A spell
 * lasts BUSY_MIN_MS, twice the last one when it starts within the last one's length of its end (up
 * to BUSY_MAX_MS): on a noisy but free host (a neighbour taking the core for a few ms every few
 * hundred ms) spells stay short and the calls keep being split in between; on a machine really
 * busy, they grow and the pool stops probing it (pool.ts: nextBusySpell).
 */

/** Ints per worker slot in the control block (32 = two cache lines, so slots never share one). */
export const SLOT_INTS = 32;
/** Offsets inside a slot. */
export const SEQ = 0;
export const DONE = 1;
export const KERNEL = 2;
export const STATUS = 3;
/** 1 while the worker sleeps in Atomics.wait on SEQ (the caller then notifies SEQ). */
export const ASLEEP = 4;
/** 1 while the caller sleeps in Atomics.wait on DONE (the worker then notifies DONE). */
export const WAITING = 5;
/** 0 while the caller has seen the machine busy: the worker then polls only briefly (set by the caller). */
export const SPIN_OK = 6;
/**
 * Diagnostics the worker counts: times it saw itself descheduled while polling (PREEMPTED), and
 * sleeps after its spin budget ran out (SLEPT_IDLE) or because SPIN_OK was 0 (SLEPT_BUSY).
 */
export const PREEMPTED = 7;
export const SLEPT_IDLE = 8;
export const SLEPT_BUSY = 9;
/** The worker's last kernel's integer result (find_nonfinite_f32's index; 0 for a kernel that returns none). */
export const RESULT = 10;
/** Float64 arguments per slot (the longest kernel signature has 13). */
export const SLOT_ARGS = 16;
/** Bytes of error text per slot. */
export const SLOT_TEXT = 512;
/** DONE of a slot whose worker has ended. */
export const DEAD = -1;
/** KERNEL value that tells a worker to leave its loop. */
export const STOP = -1;
/**
 * How long an idle worker polls for its next job before sleeping in Atomics.wait, in ms. Covers
 * the gaps between the split calls of a training step (the serial kernels and JS between them:
 * tens to hundreds of µs), so that a step pays no wake-up; an idle pool sleeps after this long.
 */
export const WORKER_SPIN_MS = 1;
/**
 * How long the caller polls for a worker's DONE before sleeping in Atomics.wait, in ms (a worker's
 * share is about as long as the caller's own, so the wait is usually short).
 */
export const CALLER_SPIN_MS = 0.5;
/** Polls between two reads of the clock while spinning. */
export const SPIN_CHECK = 256;
/** A gap between two clock reads of a polling thread longer than this (ms) means it was descheduled. */
export const PREEMPTED_MS = 0.3;
/**
 * How long a busy spell lasts (ms; see above): at least this… (a 100 ms spell, ~170 training steps
 * at 784-128-10 batch 32, measured: on this noisy VM a descheduling pair every 100–250 ms kept the
 * pool busy half of the time, and that batch unsplit)…
 */
export const BUSY_MIN_MS = 20;
/** …and at most this, after spells that follow each other. */
export const BUSY_MAX_MS = 400;

/**
 * The compute worker: instantiates the module on the shared memory, reports ready (or the error),
 * then loops: wait for a new SEQ, run the kernel, publish DONE. Numbers below are the constants
 * above, substituted when the text is built.
 */
export const COMPUTE_WORKER_SOURCE = `'use strict';
const NODE = typeof process === 'object' && !!(process.versions && process.versions.node);
function writeText(text, base, msg) {
  const s = String(msg).slice(0, ${SLOT_TEXT - 1});
  for (let i = 0; i < s.length; i++) text[base + i] = s.charCodeAt(i) & 127;
  text[base + s.length] = 0;
}
function start(d, post) {
  const S = ${SLOT_INTS}, A = ${SLOT_ARGS}, T = ${SLOT_TEXT};
  const ctl = new Int32Array(d.ctl), a = new Float64Array(d.args), text = new Uint8Array(d.text);
  let fns;
  try {
    const inst = new WebAssembly.Instance(d.module, { env: { memory: d.memory } });
    fns = d.names.map((n) => inst.exports[n]);
  } catch (e) {
    post({ error: 'could not instantiate the kernels in a worker: ' + (e && e.message) });
    return;
  }
  const b = d.slot * S, o = d.slot * A, tb = d.slot * T;
  const clock = typeof performance === 'object' ? () => performance.now() : () => Date.now();
  let last = Atomics.load(ctl, b + ${SEQ});
  post({ ready: true });
  for (;;) {
    // Poll first (the next job of a training step usually follows within microseconds), then
    // sleep in Atomics.wait with ASLEEP set, so that the caller knows to notify. Sleep at once when
    // this thread was descheduled while polling, or the caller has seen the machine busy.
    let s = Atomics.load(ctl, b + ${SEQ});
    if (s === last) {
      const t0 = clock();
      let prev = t0;
      for (let i = 1; s === last; i++) {
        s = Atomics.load(ctl, b + ${SEQ});
        if (i % ${SPIN_CHECK} === 0) {
          if (Atomics.load(ctl, b + ${SPIN_OK}) === 0) {
            ctl[b + ${SLEPT_BUSY}]++;
            break;
          }
          const t = clock();
          if (t - prev > ${PREEMPTED_MS}) {
            ctl[b + ${PREEMPTED}]++;
            break;
          }
          if (t - t0 > ${WORKER_SPIN_MS}) {
            ctl[b + ${SLEPT_IDLE}]++;
            break;
          }
          prev = t;
        }
      }
    }
    if (s === last) {
      Atomics.store(ctl, b + ${ASLEEP}, 1);
      Atomics.wait(ctl, b + ${SEQ}, last);
      Atomics.store(ctl, b + ${ASLEEP}, 0);
      continue;
    }
    last = s;
    const id = Atomics.load(ctl, b + ${KERNEL});
    if (id === ${STOP}) break;
    let status = 0;
    try {
      const r = fns[id](a[o], a[o + 1], a[o + 2], a[o + 3], a[o + 4], a[o + 5], a[o + 6], a[o + 7], a[o + 8], a[o + 9],
        a[o + 10], a[o + 11], a[o + 12], a[o + 13]);
      ctl[b + ${RESULT}] = typeof r === 'number' ? r : 0;
    } catch (e) {
      status = 1;
      writeText(text, tb, (d.names[id] || 'kernel ' + id) + ': ' + (e && e.message));
    }
    Atomics.store(ctl, b + ${STATUS}, status);
    Atomics.store(ctl, b + ${DONE}, s);
    if (Atomics.load(ctl, b + ${WAITING}) !== 0) Atomics.notify(ctl, b + ${DONE});
  }
}
if (NODE) {
  const wt = require('node:worker_threads');
  start(wt.workerData, (m) => wt.parentPort.postMessage(m));
} else {
  self.onmessage = (e) => {
    self.onmessage = null;
    start(e.data, (m) => self.postMessage(m));
  };
}
`;

/**
 * The supervisor: starts the compute workers (from `d.source`), tells its creator when all are
 * ready, and watches them — it is the only thread that is always idle, so it receives their
 * 'error' / 'exit' events even while the caller is blocked in a kernel. Messages from the creator:
 * { kill: i } terminates worker i (tests and diagnostics), { stop: true } ends every worker and then
 * answers { stopped: true }.
 */
export const SUPERVISOR_SOURCE = `'use strict';
const NODE = typeof process === 'object' && !!(process.versions && process.versions.node);
function supervise(d, post, onMessage, spawn) {
  const S = ${SLOT_INTS}, T = ${SLOT_TEXT};
  const ctl = new Int32Array(d.ctl), text = new Uint8Array(d.text);
  const workers = [];
  let ready = 0, stopping = false, ended = 0, failed = false;
  const dead = (i, why) => {
    if (stopping) return;
    const s = String(why).slice(0, T - 1);
    for (let j = 0; j < s.length; j++) text[i * T + j] = s.charCodeAt(j) & 127;
    text[i * T + s.length] = 0;
    Atomics.store(ctl, i * S + ${DONE}, ${DEAD});
    Atomics.notify(ctl, i * S + ${DONE});
    if (ready < d.count && !failed) { failed = true; post({ error: 'worker ' + (i + 1) + ': ' + why }); }
  };
  const ends = () => {
    ended++;
    if (stopping && ended === d.count) post({ stopped: true });
  };
  for (let i = 0; i < d.count; i++) {
    const w = spawn(Object.assign({}, d, { slot: i }), {
      message: (m) => {
        if (m && m.error) dead(i, m.error);
        else if (m && m.ready && ++ready === d.count) post({ ready: true });
      },
      error: (e) => dead(i, 'worker ' + (i + 1) + ' failed: ' + ((e && e.message) || e)),
      exit: (code) => { dead(i, 'worker ' + (i + 1) + ' exited (code ' + code + ')'); ends(); },
    });
    workers.push(w);
  }
  onMessage((m) => {
    if (m && typeof m.kill === 'number' && workers[m.kill]) workers[m.kill].terminate();
    if (m && m.stop) {
      stopping = true;
      for (const w of workers) w.terminate();
      if (!NODE) post({ stopped: true });
    }
  });
}
if (NODE) {
  const wt = require('node:worker_threads');
  supervise(
    wt.workerData,
    (m) => wt.parentPort.postMessage(m),
    (f) => wt.parentPort.on('message', f),
    (data, on) => {
      const w = new wt.Worker(data.source, { eval: true, workerData: data });
      w.on('message', on.message);
      w.on('error', on.error);
      w.on('exit', on.exit);
      return w;
    },
  );
} else {
  self.onmessage = (e) => {
    const d = e.data;
    const url = URL.createObjectURL(new Blob([d.source], { type: 'text/javascript' }));
    const handlers = [];
    self.onmessage = (ev) => { for (const h of handlers) h(ev.data); };
    supervise(
      d,
      (m) => self.postMessage(m),
      (f) => handlers.push(f),
      (data, on) => {
        const w = new Worker(url);
        w.onmessage = (ev) => on.message(ev.data);
        w.onerror = (ev) => { ev.preventDefault(); on.error(ev.message || 'error'); };
        const { source, ...rest } = data;
        w.postMessage(rest);
        return w;
      },
    );
  };
}
`;
