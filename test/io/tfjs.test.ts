/**
 * The TF.js layers format both ways, with TF.js itself (@tensorflow/tfjs, cpu backend) as the
 * oracle: simdnn → toTfjs → tf.loadLayersModel predicts the same; a model TF.js built and trained →
 * saved to memory → fromTfjs predicts the same and trains on; a Keras model as tensorflowjs_converter
 * writes it loads in both; what TF.js cannot represent is refused with an error naming it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, dropout, fromTfjs, maxout, prelu, Rng, sequential, sgd, toTfjs, type Backend, type Sequential } from '../../src/index.js';
import { tfjsActivationNames } from '../../src/io/tfjs/index.js';
import { wasmBackend } from '../helpers/backend.js';

const TOL = 1e-5;
const FIXTURE = join(import.meta.dirname, '../fixtures/tfjs/keras-converted');

/** Rows × cols of uniform values in (−2, 2) from a seeded generator. */
function matrix(rows: number, cols: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.uniform() * 4 - 2));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Every tensor of the model replaced by seeded values in (−1, 1) (PReLU slopes in (0, 0.5)). */
function randomize(m: Sequential, seed: number): void {
  const rng = new Rng(seed);
  const names = m.network.params.map((p) => p.spec.name);
  m.setWeights(m.getWeights().map((w, i) => w.map(() => (names[i] === 'alpha' ? rng.uniform() * 0.5 : rng.uniform() * 2 - 1))));
}

async function tfjsPredict(artifacts: tf.io.ModelArtifacts, x: number[][]): Promise<Float32Array> {
  const m = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const out = m.predict(tf.tensor2d(x)) as tf.Tensor;
  const data = (await out.data()) as Float32Array;
  out.dispose();
  m.dispose();
  return data;
}

/** What a TF.js save handler receives. */
async function saveToMemory(m: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await m.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

const measured: Record<string, number> = {};

/** The parts of a converted model.json the error cases edit. */
interface KerasJson {
  format?: string;
  modelTopology: { model_config: { class_name: string; config: { layers: { class_name: string; config: Record<string, unknown> }[] } } };
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
}

describe('TF.js layers format', () => {
  let backend: Backend;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    backend = await wasmBackend();
  });

  describe('simdnn → toTfjs → tf.loadLayersModel', () => {
    const x = matrix(32, 4, 7);
    it('TF.js Dense takes exactly the registry activations with a tfjs name', () => {
      expect(tfjsActivationNames().sort()).toEqual(['elu', 'linear', 'relu', 'sigmoid', 'softmax', 'softplus', 'tanh']);
    });
    for (const activation of ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'softplus']) {
      it(`dense with ${activation} predicts the same in TF.js`, async () => {
        const m = sequential([dense({ units: 6, activation, inputShape: [4] }), dense({ units: 3, activation })], { backend });
        m.compile({ loss: 'meanSquaredError' });
        randomize(m, 11);
        const art = toTfjs(m);
        const d = maxAbsDiff(await tfjsPredict(art, x), m.predict(x).data);
        measured[`export dense ${activation}`] = d;
        expect(d).toBeLessThanOrEqual(TOL);
        m.dispose();
      });
    }
    it('dense + prelu + dropout (+ a dense without bias) predicts the same, also through model.json', async () => {
      const m = sequential(
        [
          dense({ units: 8, inputShape: [4], name: 'hidden' }),
          prelu(),
          dropout({ rate: 0.3 }),
          dense({ units: 2, activation: 'sigmoid', useBias: false }),
        ],
        { backend, name: 'net' },
      );
      m.compile({ loss: 'meanSquaredError' });
      randomize(m, 12);
      const art = toTfjs(m);
      expect(art.format).toBe('layers-model');
      expect(art.generatedBy).toBe('simdnn');
      expect(art.convertedBy).toBeNull();
      const layers = art.modelTopology.config.layers;
      expect(layers.map((l) => l.class_name)).toEqual(['Dense', 'PReLU', 'Dropout', 'Dense']);
      expect(layers[0]!.config.batch_input_shape).toEqual([null, 4]);
      expect(layers[1]!.config.shared_axes).toBeNull();
      expect(layers[2]!.config.rate).toBe(0.3);
      expect(layers[3]!.config.use_bias).toBe(false);
      expect(art.weightSpecs.map((w) => w.name)).toEqual(['hidden/kernel', 'hidden/bias', 'prelu_1/alpha', 'dense_3/kernel']);
      const d = maxAbsDiff(await tfjsPredict(art, x), m.predict(x).data);
      measured['export dense+prelu+dropout'] = d;
      expect(d).toBeLessThanOrEqual(TOL);

      // The model.json form, as a file would hold it, loaded through an IOHandler.
      const json = JSON.parse(JSON.stringify(art.modelJson));
      expect(json.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: art.weightSpecs }]);
      const handler: tf.io.IOHandler = {
        load: async () => ({
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest[0].weights,
          weightData: art.weightData.slice(0),
        }),
      };
      const viaJson = await tf.loadLayersModel(handler);
      const out = viaJson.predict(tf.tensor2d(x)) as tf.Tensor;
      expect(maxAbsDiff((await out.data()) as Float32Array, m.predict(x).data)).toBeLessThanOrEqual(TOL);

      // And back into simdnn: the same function.
      const back = fromTfjs(json, art.weightData, { backend });
      expect(back.layers.map((l) => l.type)).toEqual(['dense', 'prelu', 'dropout', 'dense']);
      expect(maxAbsDiff(back.predict(x).data, m.predict(x).data)).toBe(0);
      back.dispose();
      m.dispose();
    });
    it('refuses activations TF.js lacks and maxout, naming them and the fix', () => {
      for (const activation of ['hardTanh', 'abs', 'leakyRelu']) {
        const m = sequential([dense({ units: 3, activation, inputShape: [2] })], { backend });
        m.compile({ loss: 'meanSquaredError' });
        expect(() => toTfjs(m)).toThrow(new RegExp(`toTfjs: layers\\[0\\].*'${activation}'.*TF\\.js's Dense does not have`));
        if (activation === 'leakyRelu') expect(() => toTfjs(m)).toThrow(/prelu\(\)/);
        m.dispose();
      }
      const e = sequential([dense({ units: 3, activation: 'elu', alpha: 0.5, inputShape: [2] })], { backend });
      e.compile({ loss: 'meanSquaredError' });
      expect(() => toTfjs(e)).toThrow(/elu with alpha 0.5/);
      e.dispose();
      const mo = sequential([maxout({ units: 3, pieces: 2, inputShape: [2] }), dense({ units: 1 })], { backend });
      mo.compile({ loss: 'meanSquaredError' });
      expect(() => toTfjs(mo)).toThrow(/layers\[0\] is a maxout layer, which TF\.js has no layer for/);
      mo.dispose();
    });
  });

  describe('TF.js → fromTfjs → simdnn', () => {
    it('a model TF.js built and trained predicts the same in simdnn and trains on', async () => {
      const x = matrix(64, 3, 21);
      const y = x.map((r) => [Math.sin(r[0]!) + 0.5 * r[1]! * r[2]!]);
      const t = tf.sequential();
      t.add(tf.layers.dense({ units: 16, activation: 'tanh', inputShape: [3] }));
      t.add(tf.layers.prelu({}));
      t.add(tf.layers.dropout({ rate: 0.1 }));
      t.add(tf.layers.dense({ units: 8, activation: 'relu' }));
      t.add(tf.layers.dense({ units: 1 }));
      t.compile({ loss: 'meanSquaredError', optimizer: tf.train.sgd(0.05) });
      await t.fit(tf.tensor2d(x), tf.tensor2d(y), { epochs: 5, batchSize: 16, verbose: 0 });
      const art = await saveToMemory(t);
      const expected = (await (t.predict(tf.tensor2d(x)) as tf.Tensor).data()) as Float32Array;

      const m = fromTfjs(art, { optimizer: sgd({ learningRate: 0.05 }), backend });
      expect(m.layers.map((l) => l.type)).toEqual(['dense', 'prelu', 'dropout', 'dense', 'dense']);
      const d = maxAbsDiff(m.predict(x).data, expected);
      measured['import tf.sequential trained'] = d;
      expect(d).toBeLessThanOrEqual(TOL);
      expect(m.loss.name).toBe('meanSquaredError');

      const before = m.evaluate(x, y).loss;
      await m.fit(x, y, { epochs: 40, batchSize: 16, yieldEvery: 'never' });
      const after = m.evaluate(x, y).loss;
      measured['import further fit: loss before'] = before;
      measured['import further fit: loss after'] = after;
      expect(after).toBeLessThan(before * 0.9);
      m.dispose();
      t.dispose();
    });
    it('an InputLayer model, a model.json with weights by file name, and weights listed out of order', async () => {
      const t = tf.sequential({
        layers: [tf.layers.inputLayer({ inputShape: [5] }), tf.layers.dense({ units: 3, activation: 'softmax' })],
      });
      const art = await saveToMemory(t);
      const x = matrix(10, 5, 3);
      const expected = (await (t.predict(tf.tensor2d(x)) as tf.Tensor).data()) as Float32Array;
      const m = fromTfjs(art, { loss: 'categoricalCrossentropy', metrics: ['accuracy'], backend });
      expect(m.loss.name).toBe('categoricalCrossentropy');
      expect(maxAbsDiff(m.predict(x).data, expected)).toBeLessThanOrEqual(TOL);
      m.dispose();

      // model.json + { 'weights.bin': bytes }, with the bias listed (and stored) before the kernel.
      const specs = art.weightSpecs!;
      const data = art.weightData as ArrayBuffer;
      const kernelBytes = specs[0]!.shape.reduce((a, b) => a * b, 1) * 4;
      const swapped = new Uint8Array(data.byteLength);
      swapped.set(new Uint8Array(data, kernelBytes), 0);
      swapped.set(new Uint8Array(data, 0, kernelBytes), data.byteLength - kernelBytes);
      const json = {
        ...art,
        weightSpecs: undefined,
        weightData: undefined,
        weightsManifest: [{ paths: ['weights.bin'], weights: [specs[1], specs[0]] }],
      };
      const m2 = fromTfjs(json, { 'weights.bin': swapped.buffer }, { backend });
      expect(maxAbsDiff(m2.predict(x).data, expected)).toBeLessThanOrEqual(TOL);
      m2.dispose();
      t.dispose();
    });
    it('the Keras-converted form (tensorflowjs_converter) loads, in simdnn as in TF.js', async () => {
      const json = JSON.parse(readFileSync(join(FIXTURE, 'model.json'), 'utf8'));
      const bin = readFileSync(join(FIXTURE, 'group1-shard1of1.bin'));
      const weights = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
      const x = matrix(20, 3, 5);
      const expected = await tfjsPredict(
        { modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: weights },
        x,
      );
      const m = fromTfjs(json, weights, { backend });
      expect(m.layers.map((l) => l.type)).toEqual(['dense', 'dense', 'prelu', 'dropout', 'dense']);
      expect(m.inputUnits).toBe(3);
      const d = maxAbsDiff(m.predict(x).data, expected);
      measured['import keras-converted fixture'] = d;
      expect(d).toBeLessThanOrEqual(TOL);
      m.dispose();

      // Keras 3 spellings: batch_shape, a DTypePolicy object, weights under a scope with ':0'.
      const k3 = JSON.parse(JSON.stringify(json));
      const l0 = k3.modelTopology.model_config.config.layers[0].config;
      l0.batch_shape = l0.batch_input_shape;
      delete l0.batch_input_shape;
      delete k3.modelTopology.model_config.config.layers[1].config.batch_input_shape;
      for (const l of k3.modelTopology.model_config.config.layers) {
        l.module = 'keras.layers';
        l.registered_name = null;
        l.config.dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
      }
      for (const w of k3.weightsManifest[0].weights) w.name = `sequential/${w.name}:0`;
      const m3 = fromTfjs(k3, [weights], { backend });
      expect(maxAbsDiff(m3.predict(x).data, expected)).toBeLessThanOrEqual(TOL);
      m3.dispose();

      // Legacy Keras: the Sequential's config is the layer list itself.
      const legacy = JSON.parse(JSON.stringify(json));
      legacy.modelTopology.model_config.config = legacy.modelTopology.model_config.config.layers;
      const m4 = fromTfjs(legacy, weights, { backend });
      expect(maxAbsDiff(m4.predict(x).data, expected)).toBeLessThanOrEqual(TOL);
      m4.dispose();
    });
    it('unknown layers, activations and mismatched weights are errors naming them', () => {
      const json = JSON.parse(readFileSync(join(FIXTURE, 'model.json'), 'utf8'));
      const bin = readFileSync(join(FIXTURE, 'group1-shard1of1.bin'));
      const weights = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
      const edit = (f: (j: KerasJson) => void): KerasJson => {
        const j = JSON.parse(JSON.stringify(json)) as KerasJson;
        f(j);
        return j;
      };
      const layers = (j: KerasJson) => j.modelTopology.model_config.config.layers;
      expect(() =>
        fromTfjs(
          edit((j) => (layers(j)[1].config.activation = 'selu')),
          weights,
          { backend },
        ),
      ).toThrow(/fromTfjs: layers\[1\] \(Dense 'dense'\) has activation 'selu', which simdnn cannot read; use one of linear, relu/);
      expect(() =>
        fromTfjs(
          edit((j) => layers(j).splice(2, 0, { class_name: 'BatchNormalization', config: { name: 'bn' } })),
          weights,
          { backend },
        ),
      ).toThrow(/layers\[2\] is a 'BatchNormalization' layer, which simdnn cannot read; it reads InputLayer, Dense, Dropout, PReLU/);
      expect(() =>
        fromTfjs(
          edit((j) => (j.modelTopology.model_config.class_name = 'Functional')),
          weights,
          { backend },
        ),
      ).toThrow(/Sequential models only/);
      expect(() =>
        fromTfjs(
          edit((j) => (j.format = 'graph-model')),
          weights,
          { backend },
        ),
      ).toThrow(/not graph models/);
      expect(() =>
        fromTfjs(
          edit((j) => (layers(j)[3].config.shared_axes = [1])),
          weights,
          { backend },
        ),
      ).toThrow(/PReLU 'p_re_lu'.*shared_axes/);
      expect(() => fromTfjs(json, weights.slice(0, weights.byteLength - 4), { backend })).toThrow(
        /228 bytes but the weight list describes 232/,
      );
      expect(() =>
        fromTfjs(
          edit((j) => (j.weightsManifest[0].weights[2].name = 'dense_1/gamma')),
          weights,
          { backend },
        ),
      ).toThrow(/no weight 'dense_1\/kernel' for layers\[1\] \(dense 'dense_1'\); the next weight in the manifest is 'dense_1\/gamma'/);
      expect(() =>
        fromTfjs(
          edit((j) => (layers(j)[2].config.units = 3)),
          weights,
          { backend },
        ),
      ).toThrow(/needs \[5,3\]/);
      expect(() => fromTfjs(json, undefined, { backend })).toThrow(/weights are missing.*group1-shard1of1\.bin/);
      // Without the InputLayer the first Dense's batch_input_shape suffices; without both the width is unknown.
      const noInput = (j: KerasJson): void => {
        layers(j).shift();
      };
      fromTfjs(edit(noInput), weights, { backend }).dispose();
      expect(() =>
        fromTfjs(
          edit((j) => {
            noInput(j);
            delete layers(j)[0].config.batch_input_shape;
          }),
          weights,
          { backend },
        ),
      ).toThrow(/input width is unknown.*batch_input_shape/);
      const nan = new Float32Array(weights.slice(0));
      nan[3] = Number.NaN;
      expect(() => fromTfjs(json, nan.buffer, { backend })).toThrow(/weight 'dense\/kernel' element 3 is NaN/);
    });
  });

  it('reports the measured differences', () => {
    console.log(
      Object.entries(measured)
        .map(([k, v]) => `${k}: ${v.toExponential(2)}`)
        .join('\n'),
    );
  });
});
