/**
 * The course's activations, losses and layers (issue 3), model-level: backprop against central
 * finite differences of the independent float64 oracle (test/helpers/reference.ts) on every
 * backend, including the PReLU slopes, the maxout pieces and dropout with its (fixed) mask; dropout
 * behaviour (seeded, identical across backends, new mask per step, off at inference); save/load of
 * the new layers; and the errors for bad options.
 * Criterion, as in gradcheck.test.ts: per tensor ‖g − g_fd‖ / max(‖g‖, ‖g_fd‖) ≤ 1e-3.
 */
import { describe, expect, it } from 'vitest';
import {
  adam, constant, Dense, dense, Dropout, dropout, fromJSON, Maxout, maxout, PReLU, prelu, sequential, sgd,
  type Backend, type Layer, type Sequential,
} from '../src/index.js';
import { allBackends, rand } from './helpers/conformance.js';
import { refForward, refGradFD, relErr, type RefLayer } from './helpers/reference.js';

const NIN = 5;
const ROWS = 6;

/** The oracle's description of a model's layers; dropout layers become their current mask. */
function refLayers(model: Sequential, masks: Map<number, Float64Array> = new Map()): RefLayer[] {
  return model.layers.map((l: Layer, i): RefLayer => {
    const base = { inUnits: l.inUnits, units: l.outUnits };
    if (l instanceof Dense) return { ...base, activation: l.activation.name, useBias: l.useBias, alpha: l.alpha };
    if (l instanceof PReLU) return { ...base, kind: 'prelu', activation: 'prelu', useBias: false };
    if (l instanceof Maxout) return { ...base, kind: 'maxout', pieces: l.pieces, activation: 'maxout', useBias: l.useBias };
    if (l instanceof Dropout) return { ...base, kind: 'mask', activation: 'mask', useBias: false, mask: masks.get(i)! };
    throw new Error(`no reference for ${l.type}`);
  });
}

/** Targets as the oracle sees them: one-hot rows, 0/1 for one output, ±1 for hinge with one output. */
function refTargets(y: number[] | { data: Float32Array }, rows: number, cols: number, loss: string): Float64Array {
  const t = new Float64Array(rows * cols);
  if (!Array.isArray(y)) {
    t.set(y.data);
    return t;
  }
  y.forEach((c, r) => {
    if (cols === 1) t[r] = loss === 'hinge' ? (c > 0 ? 1 : -1) : c;
    else t[r * cols + c] = 1;
  });
  return t;
}

/**
 * Builds a model from `layers` with random weights (biases, slopes and all), takes backprop's
 * gradient of the batch-mean loss on a fixed batch, and compares every tensor with the oracle.
 */
function check(backend: Backend, layers: Layer[], loss: string, labels: 'classes' | 'targets' | 'probabilities', seed = 7): void {
  const model = sequential(layers, { seed, backend });
  model.compile({ loss, optimizer: sgd() });
  // Non-zero biases and spread-out slopes so that every path is exercised.
  const w = model.getWeights().map((t, i) => (model.network.params[i]!.spec.name === 'kernel' ? t : rand(t.length, 100 + i, -0.5, 0.5)));
  model.setWeights(w);
  const nout = model.outputUnits;
  const x = rand(ROWS * NIN, 3, -1.5, 1.5);
  const y = labels === 'classes'
    ? Array.from({ length: ROWS }, (_, r) => (r * 7) % Math.max(nout, 2))
    : { data: rand(ROWS * nout, 5, labels === 'probabilities' ? 0 : -1, 1), shape: [ROWS, nout] };
  const { grads } = model.gradients({ data: x, shape: [ROWS, NIN] }, y as never);

  // Dropout masks of this very forward pass (the step counter did not move).
  const masks = new Map<number, Float64Array>();
  const plan = model.network.plan(ROWS, true);
  model.layers.forEach((l, i) => {
    if (l instanceof Dropout) masks.set(i, Float64Array.from(backend.heap.readF32(plan.layers[i]!.mask!, ROWS * l.outUnits)));
  });
  const fd = refGradFD(refLayers(model, masks), model.getWeights().map((t) => Float64Array.from(t)), Float64Array.from(x),
    refTargets(y as never, ROWS, nout, loss), ROWS, loss);
  grads.forEach((g, i) => {
    const e = relErr(g, fd[i]!);
    expect(e, `tensor ${i} (${model.network.params[i]!.spec.name} of layer ${model.network.params[i]!.layer}): relative error ${e}`).toBeLessThanOrEqual(1e-3);
  });
  model.dispose();
}

const hidden = (activation: string, alpha?: number): Dense =>
  dense({ units: 7, activation, alpha, inputShape: [NIN], kernelInitializer: 'glorotNormal' });

describe('gradient check: new activations (hidden and output)', async () => {
  for (const [tag, backend] of await allBackends()) {
    for (const [act, alpha] of [['leakyRelu', undefined], ['leakyRelu', 0.3], ['elu', undefined], ['elu', 0.5],
      ['softplus', undefined], ['hardTanh', undefined], ['abs', undefined]] as [string, number | undefined][]) {
      it(`${tag}: ${act}${alpha === undefined ? '' : ` α=${alpha}`} → softmax + crossentropy`, () => {
        check(backend, [hidden(act, alpha), dense({ units: 3, activation: 'softmax' })], 'categoricalCrossentropy', 'classes');
      });
      it(`${tag}: tanh → ${act} output + quadratic`, () => {
        check(backend, [hidden('tanh'), dense({ units: 3, activation: act, alpha })], 'quadratic', 'targets');
      });
    }
  }
});

describe('gradient check: new losses', async () => {
  for (const [tag, backend] of await allBackends()) {
    it(`${tag}: sigmoid + quadratic (the book's chapter-1 network)`, () => {
      check(backend, [hidden('sigmoid'), dense({ units: 3, activation: 'sigmoid' })], 'quadratic', 'probabilities');
    });
    it(`${tag}: linear + quadratic`, () => {
      check(backend, [hidden('tanh'), dense({ units: 2 })], 'quadratic', 'targets');
    });
    it(`${tag}: one sigmoid unit + binaryCrossentropy (fused from logits), 0/1 labels`, () => {
      check(backend, [hidden('relu'), dense({ units: 1, activation: 'sigmoid' })], 'binaryCrossentropy', 'classes');
    });
    it(`${tag}: three sigmoid units + binaryCrossentropy, soft multi-label targets`, () => {
      check(backend, [hidden('elu'), dense({ units: 3, activation: 'sigmoid' })], 'binaryCrossentropy', 'probabilities');
    });
    it(`${tag}: binary hinge on a linear output, 0/1 labels mapped to ±1`, () => {
      check(backend, [hidden('tanh'), dense({ units: 1 })], 'hinge', 'classes', 11);
    });
    it(`${tag}: binary hinge on a tanh output`, () => {
      check(backend, [hidden('relu'), dense({ units: 1, activation: 'tanh' })], 'hinge', 'classes');
    });
    it(`${tag}: multi-class hinge on a linear output`, () => {
      check(backend, [hidden('leakyRelu'), dense({ units: 4 })], 'hinge', 'classes');
    });
  }
});

describe('gradient check: PReLU slopes, maxout pieces, dropout with a fixed mask', async () => {
  for (const [tag, backend] of await allBackends()) {
    it(`${tag}: dense → prelu → softmax (the slope gradient included)`, () => {
      check(backend, [dense({ units: 7, inputShape: [NIN] }), prelu(), dense({ units: 3, activation: 'softmax' })], 'categoricalCrossentropy', 'classes');
    });
    it(`${tag}: prelu as the output layer + mse`, () => {
      check(backend, [dense({ units: 9, inputShape: [NIN], activation: 'tanh' }), dense({ units: 4 }), prelu()], 'meanSquaredError', 'targets');
    });
    for (const pieces of [2, 3, 4]) {
      it(`${tag}: maxout k=${pieces} → softmax`, () => {
        check(backend, [maxout({ units: 5, pieces, inputShape: [NIN] }), dense({ units: 3, activation: 'softmax' })], 'categoricalCrossentropy', 'classes');
      });
    }
    it(`${tag}: maxout → maxout output + quadratic`, () => {
      check(backend, [maxout({ units: 6, pieces: 2, inputShape: [NIN] }), maxout({ units: 3, pieces: 3 })], 'quadratic', 'targets');
    });
    it(`${tag}: relu → dropout(0.4) → softmax, and dropout on the inputs`, () => {
      check(backend, [hidden('relu'), dropout({ rate: 0.4, seed: 3 }), dense({ units: 3, activation: 'softmax' })], 'categoricalCrossentropy', 'classes');
      check(backend, [dropout({ rate: 0.3, inputShape: [NIN] }), dense({ units: 6, activation: 'tanh' }), dense({ units: 2 })], 'quadratic', 'targets');
    });
  }
});

describe('dropout', async () => {
  const list = await allBackends();
  const x = rand(32 * 20, 9, -1, 1);
  const build = (backend: Backend, seed?: number, modelSeed = 1): Sequential => {
    const m = sequential([dense({ units: 50, activation: 'relu', inputShape: [20] }), dropout({ rate: 0.5, seed }), dense({ units: 3, activation: 'softmax' })], { backend, seed: modelSeed });
    m.compile({ loss: 'categoricalCrossentropy', optimizer: sgd({ learningRate: 0.1 }) });
    return m;
  };
  const maskOf = (m: Sequential, backend: Backend): Float32Array => backend.heap.readF32(m.network.plan(32, true).layers[1]!.mask!, 32 * 50);
  const labels = Array.from({ length: 32 }, (_, r) => r % 3);

  it('the same seed gives identical masks on every backend, a new mask every step', async () => {
    const masks = list.map(([, b]) => {
      const m = build(b, 1234);
      m.gradients({ data: x, shape: [32, 20] }, labels);
      const first = maskOf(m, b);
      m.session.step = 1;
      m.gradients({ data: x, shape: [32, 20] }, labels);
      const second = maskOf(m, b);
      m.dispose();
      return [first, second];
    });
    for (const [first, second] of masks.slice(1)) {
      expect(Array.from(first!)).toEqual(Array.from(masks[0]![0]!));
      expect(Array.from(second!)).toEqual(Array.from(masks[0]![1]!));
    }
    const [first, second] = masks[0]!;
    expect(Array.from(first!)).not.toEqual(Array.from(second!));
    // Inverted dropout: kept units are scaled by 1/(1 − p) = 2, about half are kept.
    expect(new Set(first)).toEqual(new Set([0, 2]));
    const kept = first!.filter((v) => v !== 0).length / first!.length;
    expect(kept).toBeGreaterThan(0.4);
    expect(kept).toBeLessThan(0.6);
  });

  it('the default seed follows the model seed; training with dropout is reproducible across backends', async () => {
    const runs = await Promise.all(list.map(async ([, b]) => {
      const m = build(b, undefined, 5);
      const h = await m.fit({ data: x, shape: [32, 20] }, labels, { epochs: 3, batchSize: 8, yieldEvery: 'never' });
      const w = m.getWeights();
      m.dispose();
      return { loss: h.history.loss, w };
    }));
    for (const r of runs.slice(1)) {
      r.loss.forEach((l, i) => expect(l).toBeCloseTo(runs[0]!.loss[i]!, 4));
      r.w.forEach((t, i) => expect(relErr(t, runs[0]!.w[i]!)).toBeLessThan(1e-4));
    }
    const other = build(list[0]![1], undefined, 6);
    other.setWeights(build(list[0]![1], undefined, 5).getWeights());
    other.gradients({ data: x, shape: [32, 20] }, labels);
    const same = build(list[0]![1], undefined, 5);
    same.gradients({ data: x, shape: [32, 20] }, labels);
    expect(Array.from(maskOf(other, list[0]![1]))).not.toEqual(Array.from(maskOf(same, list[0]![1])));
  });

  for (const [tag, backend] of list) {
    it(`${tag}: off at inference — predict is deterministic and unscaled (equals the model without dropout)`, () => {
      const m = build(backend, 7);
      const plain = sequential([dense({ units: 50, activation: 'relu', inputShape: [20] }), dense({ units: 3, activation: 'softmax' })], { backend });
      plain.compile({ loss: 'categoricalCrossentropy' });
      plain.setWeights(m.getWeights());
      const p1 = m.predict({ data: x, shape: [32, 20] }).data;
      m.session.step = 17;
      const p2 = m.predict({ data: x, shape: [32, 20] }).data;
      expect(Array.from(p2)).toEqual(Array.from(p1));
      expect(Array.from(plain.predict({ data: x, shape: [32, 20] }).data)).toEqual(Array.from(p1));
      expect(m.evaluate({ data: x, shape: [32, 20] }, labels).loss).toBe(plain.evaluate({ data: x, shape: [32, 20] }, labels).loss);
      expect(Array.from(m.predictOne(x.subarray(0, 20)))).toEqual(Array.from(p1.subarray(0, 3)));
      m.dispose();
      plain.dispose();
    });
  }

  it('rate 0 is the identity in training too', () => {
    const [, b] = list[0]!;
    const m = sequential([dropout({ rate: 0, inputShape: [4] }), dense({ units: 2 })], { backend: b });
    m.compile({ loss: 'mse' });
    m.gradients([[1, 2, 3, 4]], [[0, 0]]);
    expect(Array.from(b.heap.readF32(m.network.plan(1, true).layers[0]!.mask!, 4))).toEqual([1, 1, 1, 1]);
  });
});

describe('save and load of the new layers', async () => {
  const [[, js], [, wasm]] = await allBackends();
  it('prelu, maxout, dropout, constant init, regularizers and the optimizer round-trip through toJSON/fromJSON', () => {
    const m = sequential([
      dense({ units: 6, inputShape: [4], kernelRegularizer: { l2: 0.5 }, biasInitializer: constant({ value: 0.1 }) }),
      prelu(),
      dropout({ rate: 0.25, seed: 9 }),
      maxout({ units: 3, pieces: 2, kernelRegularizer: { l1: 0.1 } }),
      dense({ units: 2, activation: 'elu', alpha: 0.5 }),
    ], { backend: js, seed: 4 });
    m.compile({ loss: 'quadratic', optimizer: adam({ learningRate: 0.01 }), regularization: { l2: 2 } });
    expect(Array.from(m.getWeights()[1]!)).toEqual(new Array(6).fill(Math.fround(0.1)));
    expect(Array.from(m.getWeights()[2]!)).toEqual(new Array(6).fill(0.25));
    const { spec, weights } = m.toJSON();
    const back = fromJSON(JSON.parse(JSON.stringify(spec)), weights, { backend: wasm });
    expect(back.layers.map((l) => l.getConfig())).toEqual(m.layers.map((l) => l.getConfig()));
    expect(back.optimizer.config).toEqual(m.optimizer.config);
    expect(back.regularization).toEqual({ l1: 0, l2: 2 });
    const x = [[0.1, -0.2, 0.3, 0.9], [1, 0.5, -1, 0]];
    const p0 = m.predict(x).data;
    const p1 = back.predict(x).data;
    for (let i = 0; i < p0.length; i++) expect(p1[i]).toBeCloseTo(p0[i]!, 5);
    expect(m.summary()).toContain('prelu');
    expect(m.summary()).toContain('maxout');
  });
});

describe('bad layer and activation options are refused with a clear error', async () => {
  const [[, backend]] = await allBackends();
  it('dropout rate outside [0, 1)', () => {
    for (const rate of [1, 1.5, -0.1, NaN]) expect(() => dropout({ rate })).toThrow(/dropout: rate must be in \[0, 1\)/);
    expect(() => dropout({} as never)).toThrow(/rate must be in \[0, 1\)/);
    expect(() => dropout({ rate: 0.5, seed: 1.5 })).toThrow(/seed must be an integer/);
  });
  it('maxout pieces < 2', () => {
    for (const pieces of [1, 0, 2.5]) expect(() => maxout({ units: 3, pieces })).toThrow(/maxout: pieces must be an integer ≥ 2/);
    expect(() => maxout({ units: 0, pieces: 2 })).toThrow(/units must be a positive integer/);
  });
  it('unknown names', () => {
    expect(() => dense({ units: 3, activation: 'leakyrelu' })).toThrow(/unknown activation 'leakyrelu'; use one of: .*leakyRelu/);
    expect(() => dense({ units: 3, activation: 'prelu' })).toThrow(/is a layer.*prelu\(\)/);
    expect(() => dense({ units: 3, activation: 'maxout' })).toThrow(/maxout\(\{ units, pieces \}\)/);
    expect(() => dense({ units: 3, kernelInitializer: 'constant' })).toThrow(/needs a value: use constant\(\{ value/);
    expect(() => dense({ units: 3, kernelInitializer: 'heUniformm' })).toThrow(/unknown initializer 'heUniformm'/);
    expect(() => constant({ value: NaN })).toThrow(/constant: value must be a finite number/);
    expect(() => prelu({ alphaInitializer: { name: 'zeros', value: 1 } })).toThrow(/takes no value/);
  });
  it('negative λ in a layer regularizer', () => {
    expect(() => dense({ units: 3, kernelRegularizer: { l2: -1 } })).toThrow(/kernelRegularizer: l2 must be a finite number ≥ 0/);
    expect(() => maxout({ units: 3, pieces: 2, kernelRegularizer: { l1: -0.5 } })).toThrow(/l1 must be a finite number ≥ 0/);
    expect(() => dense({ units: 3, kernelRegularizer: { l3: 1 } as never })).toThrow(/unknown key 'l3'/);
  });
  it('dropout cannot be the output layer', () => {
    const m = sequential([dense({ units: 3, inputShape: [2] }), dropout({ rate: 0.5 })], { backend });
    expect(() => m.compile({ loss: 'mse' })).toThrow(/a dropout layer cannot be the output layer/);
  });
  it('aliases resolve to the registry names', () => {
    expect(dense({ units: 2, activation: 'leaky_relu' }).activation.name).toBe('leakyRelu');
    expect(dense({ units: 2, activation: 'hard_tanh' }).activation.name).toBe('hardTanh');
    expect(dense({ units: 2, activation: 'leakyRelu' }).alpha).toBe(0.01);
    expect(dense({ units: 2, activation: 'elu' }).alpha).toBe(1);
  });
});

describe('oracle sanity', () => {
  it('the reference maxout and prelu match hand computation', () => {
    const out = refForward([{ kind: 'maxout', inUnits: 1, units: 1, pieces: 3, activation: 'maxout', useBias: true }],
      [Float64Array.from([1, -1, 2]), Float64Array.from([0, 0, -5])], Float64Array.from([2]), 1);
    expect(Array.from(out)).toEqual([2]); // max(2, −2, −1)
    const pr = refForward([{ kind: 'prelu', inUnits: 2, units: 2, activation: 'prelu', useBias: false }],
      [Float64Array.from([0.25, 0.5])], Float64Array.from([-4, -4]), 1);
    expect(Array.from(pr)).toEqual([-1, -2]);
  });
});
