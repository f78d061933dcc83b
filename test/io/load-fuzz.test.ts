/**
 * Property-based fuzz of loading (fast-check, seeded, bounded): random mutations of a saved spec
 * (fields dropped, replaced, retyped; huge numbers, NaN, wrong shapes) and of its weight bytes
 * (truncated, extended, flipped). Every case either loads a valid model or throws an Error in our
 * own words — never engine text — and no case leaves anything in the heap or grows it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { dense, dropout, fromJSON, loadModel, maxout, prelu, sequential } from '../../src/index.js';
import { allBackends } from '../helpers/conformance.js';
import { INTERNAL } from '../helpers/io.js';

type Json = Record<string, unknown>;
type Key = string | number;

/** Every path to a value in `v` (objects and arrays included). */
function paths(v: unknown, at: Key[] = [], out: Key[][] = []): Key[][] {
  if (at.length) out.push(at);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) paths(v[i], [...at, i], out);
  } else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

/** A copy of `v` with the value at `path` deleted (`drop`) or replaced. */
function mutated(v: unknown, path: Key[], drop: boolean, value: unknown): unknown {
  const copy = structuredClone(v) as Json;
  let o = copy as Record<Key, unknown>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<Key, unknown>;
  const last = path[path.length - 1]!;
  if (drop) {
    if (Array.isArray(o)) o.splice(last as number, 1);
    else delete o[last];
  } else o[last] = value;
  return copy;
}

/** Values a damaged file may hold where another was (JSON's and, for fromJSON, NaN and ±Infinity). */
const junk = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1, 2, 0.5, 1e9, 1e12, 2 ** 31, -(2 ** 53), 1e308, Number.NaN, Number.POSITIVE_INFINITY),
  fc.integer({ min: -1000, max: 10_000_000 }),
  fc.constantFrom('', 'relu', 'linear', 'dense', 'maxout', 'softmax', 'sgd', 'newton', 'mse', 'constant', 'kernel', 'bias', 'x'),
  fc.array(fc.integer({ min: -2, max: 5000 }), { maxLength: 3 }),
  fc.constantFrom({}, { type: 'sgd' }, { name: 'constant', value: 1 }, [[2, 8]], { l2: 1 }),
);

describe('loading fuzz: valid or a clear error, and never a heap leak', async () => {
  const [, [, wasm]] = await allBackends();
  const backend = wasm!;
  const heap = backend.heap;
  const model = sequential(
    [
      dense({ units: 6, activation: 'tanh', inputShape: [4] }),
      prelu(),
      dropout({ rate: 0.25, seed: 3 }),
      maxout({ units: 4, pieces: 2 }),
      dense({ units: 3, activation: 'softmax' }),
    ],
    { backend, seed: 5 },
  );
  model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam', metrics: ['accuracy'], regularization: { l2: 0.5 } });
  const { spec, weights } = model.toJSON();
  const base = JSON.parse(JSON.stringify(spec)) as Json;
  const allPaths = paths(base);
  const bytes = new Uint8Array(weights);
  const dir = mkdtempSync(join(tmpdir(), 'simdnn-fuzz-'));
  afterAll(() => {
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const stats = { loaded: 0, refused: 0 };

  /** One case: loads (then freed) or throws our own kind of error; the heap ends where it began. */
  async function outcome(load: () => unknown): Promise<void> {
    const inUse = heap.bytesInUse;
    const size = heap.byteLength;
    try {
      const m = (await load()) as { dispose(): void };
      m.dispose();
      stats.loaded++;
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).message).not.toMatch(INTERNAL);
      expect((e as Error).message).toMatch(/^(fromJSON|loadModel): /);
      stats.refused++;
    }
    expect(heap.bytesInUse).toBe(inUse);
    expect(heap.byteLength).toBe(size);
  }

  it('mutated specs through fromJSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(allPaths.length - 1), fc.boolean(), junk), { minLength: 1, maxLength: 3 }),
        async (edits) => {
          let s: unknown = base;
          for (const [i, drop, value] of edits) {
            const p = paths(s);
            if (p.length === 0) break;
            s = mutated(s, p[i % p.length]!, drop, value);
          }
          await outcome(() => fromJSON(s, weights, { backend }));
        },
      ),
      { numRuns: 200, seed: 42 },
    );
  });

  it('mutated weight bytes through fromJSON', async () => {
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), n: fc.nat(bytes.length) }),
      fc.record({ kind: fc.constant('extend' as const), n: fc.integer({ min: 1, max: 64 }) }),
      fc.record({ kind: fc.constant('flip' as const), n: fc.nat(bytes.length - 1), bit: fc.nat(7) }),
    );
    await fc.assert(
      fc.asyncProperty(edit, async (e) => {
        let w: Uint8Array;
        if (e.kind === 'truncate') w = bytes.slice(0, e.n);
        else if (e.kind === 'extend') {
          w = new Uint8Array(bytes.length + e.n);
          w.set(bytes);
        } else {
          w = bytes.slice();
          w[e.n]! ^= 1 << e.bit;
        }
        await outcome(() => fromJSON(base, w, { backend }));
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('mutated model.json files through loadModel', async () => {
    await model.save(dir);
    await fc.assert(
      fc.asyncProperty(fc.nat(allPaths.length - 1), fc.boolean(), junk, async (i, drop, value) => {
        const s = mutated(base, allPaths[i]!, drop, value);
        writeFileSync(join(dir, 'model.json'), JSON.stringify(s));
        await outcome(() => loadModel(dir, { backend }));
      }),
      { numRuns: 200, seed: 11 },
    );
    console.log(`load fuzz: ${stats.loaded} loaded, ${stats.refused} refused with a clear error`);
  });
});
