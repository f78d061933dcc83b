/**
 * The thread pool's life cycle (src/kernels/pool.ts, pool-sources.ts):
 * - Without dispose(), a process that trained with threads still exits by itself (the pool is
 *   unref'd once started).
 * - dispose() ends every worker: a child Node process that trains with 3 threads and disposes
 *   exits by itself (it holds a referenced timer until dispose() has resolved, which happens only
 *   once the supervisor has seen every worker exit); kernels of the disposed backend then throw a
 *   clear error.
 * - A worker killed in the middle of training makes the pending or next kernel call throw an error
 *   that names the worker and what to do — never a hang — and so does every call after it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dense, init, sequential, sgd, type Backend } from '../../src/index.js';
import { threadPoolOf } from '../../src/kernels/threads.js';
import { rand } from '../helpers/conformance.js';

const CHILD = fileURLToPath(new URL('../fixtures/threads-dispose.ts', import.meta.url));

const created: Backend[] = [];
afterAll(async () => {
  await Promise.all(created.map((b) => b.dispose()));
});

describe('dispose', () => {
  it('ends every worker: a process that trained with threads exits by itself after dispose()', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD], { encoding: 'utf8', timeout: 180_000 });
    expect(r.error, String(r.error)).toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { threads: number; jobs: number; after: string };
    expect(out.threads).toBe(3);
    expect(out.jobs).toBeGreaterThan(0);
    expect(out.after).toMatch(/this backend was disposed; call init\(\) again/);
  });

  it('a process that trained with threads and never called dispose() exits by itself too', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, '--no-dispose'], { encoding: 'utf8', timeout: 180_000 });
    expect(r.error, String(r.error)).toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { threads: number; jobs: number };
    expect(out.threads).toBe(3);
    expect(out.jobs).toBeGreaterThan(0);
  });
});

describe('a worker that dies', () => {
  it('killed during training: fit rejects with an error naming the worker, later calls throw too', async () => {
    const b = await init({ backend: 'wasm', threads: 3 });
    created.push(b);
    const m = sequential([dense({ units: 128, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })], {
      seed: 1,
      backend: b,
    });
    m.compile({ loss: 'categoricalCrossentropy', optimizer: sgd({ learningRate: 0.05 }) });
    const rows = 2048;
    const x = { data: rand(rows * 784, 3, 0, 1), shape: [rows, 784] as [number, number] };
    const y = Int32Array.from({ length: rows }, (_, i) => i % 10);
    // The kill is carried out by the supervisor thread while this thread is busy in fit's
    // synchronous steps: the worker may be mid-kernel or waiting for its next job.
    threadPoolOf(b)!.kill(1);
    await expect(m.fit(x, y, { epochs: 50, batchSize: 64, yieldEvery: 'never' })).rejects.toThrow(
      /simdnn: thread worker 2 of 2 has ended \(worker 2 exited \(code 1\)\); this backend cannot run kernels any more\. Call backend\.dispose\(\) and init\(\) again/,
    );
    expect(() => m.predict(x)).toThrow(/thread worker 2 of 2 has ended/);
  });
});
