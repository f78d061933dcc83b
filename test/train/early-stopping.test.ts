/** The earlyStopping callback: stopping and restoring on a real fit, patience/minDelta/mode/baseline on a script, bad options. */
import { describe, expect, it } from 'vitest';
import { adam, dense, earlyStopping, sequential, type Sequential } from '../../src/index.js';
import { wasmBackend } from '../helpers/backend.js';
import { rand } from '../helpers/conformance.js';
import { blobs } from '../helpers/data.js';

describe('early stopping', () => {
  it('stops when the validation loss rises and restores the weights of the best epoch', async () => {
    const b = await wasmBackend();
    // A small noisy set (random labels) and a big net at a high learning rate: it memorises the
    // training rows and the validation loss rises after a few epochs.
    const n = 60;
    const x = { data: rand(n * 10, 5, -1, 1), shape: [n, 10] as [number, number] };
    const y = Array.from(rand(n, 9, 0, 3), (v) => Math.floor(v));
    const vx = { data: rand(40 * 10, 6, -1, 1), shape: [40, 10] as [number, number] };
    const vy = Array.from(rand(40, 10, 0, 3), (v) => Math.floor(v));
    const build = (): Sequential =>
      sequential(
        [
          dense({ units: 128, activation: 'relu', inputShape: [10] }),
          dense({ units: 128, activation: 'relu' }),
          dense({ units: 3, activation: 'softmax' }),
        ],
        { seed: 3, backend: b },
      ).compile({ loss: 'categoricalCrossentropy', optimizer: adam({ learningRate: 0.01 }) });

    const m = build();
    const snapshots: Float32Array[][] = [];
    const es = earlyStopping({ patience: 3, restoreBestWeights: true });
    const h = await m.fit(x, y, {
      epochs: 100,
      batchSize: 10,
      validationData: [vx, vy],
      yieldEvery: 'never',
      callbacks: [es, { onEpochEnd: () => void snapshots.push(m.getWeights()) }],
    });
    const val = h.history.valLoss!;
    const best = val.indexOf(Math.min(...val));
    // The validation loss did rise, training stopped `patience` epochs after the best one …
    expect(val.at(-1)!).toBeGreaterThan(val[best]!);
    expect(h.epoch.length).toBeLessThan(100);
    expect(es.stoppedEpoch).toBe(h.epoch.length - 1);
    expect(es.bestEpoch).toBe(best);
    expect(h.epoch.length - 1 - best).toBe(3);
    // … and the weights are those of the best epoch, which score its validation loss again.
    expect(es.restored).toBe(true);
    expect(m.getWeights().map((t) => Array.from(t))).toEqual(snapshots[best]!.map((t) => Array.from(t)));
    expect(m.evaluate(vx, vy).loss).toBeCloseTo(val[best]!, 5);

    // Without restoreBestWeights the last epoch's weights stay.
    const m2 = build();
    const h2 = await m2.fit(x, y, {
      epochs: 100,
      batchSize: 10,
      validationData: [vx, vy],
      yieldEvery: 'never',
      callbacks: [earlyStopping({ patience: 3 })],
    });
    expect(m2.evaluate(vx, vy).loss).toBeCloseTo(h2.history.valLoss!.at(-1)!, 5);
    expect(m2.evaluate(vx, vy).loss).toBeGreaterThan(Math.min(...h2.history.valLoss!));
    m.dispose();
    m2.dispose();
  });

  /** Drives the callback with a scripted sequence of monitored values on a stand-in model. */
  function script(values: number[], options: Parameters<typeof earlyStopping>[0], key = 'valLoss') {
    let w = 0;
    const model = {
      stopTraining: false,
      getWeights: () => [Float32Array.of(w)],
      setWeights: (ws: Float32Array[]) => {
        w = ws[0]![0]!;
      },
    };
    const es = earlyStopping(options);
    es.setContext!({ model } as never);
    es.onTrainBegin!();
    let epochs = 0;
    for (let e = 0; e < values.length && !model.stopTraining; e++) {
      w = e;
      es.onEpochEnd!(e, { loss: 1, seconds: 0, samplesPerSecond: 0, [key]: values[e] });
      epochs++;
    }
    es.onTrainEnd!({} as never);
    return { es, epochs, weights: w };
  }

  it('patience counts epochs without improvement; minDelta, mode, baseline and restore all apply', () => {
    // patience 0 (and 1): stop at the first epoch that does not improve.
    expect(script([3, 2, 2.5, 1], {}).epochs).toBe(3);
    expect(script([3, 2, 2.5, 1], { patience: 1 }).epochs).toBe(3);
    // patience 2: two non-improving epochs in a row.
    expect(script([3, 2, 2.5, 1.5, 2, 2.1, 0], { patience: 2 }).epochs).toBe(6);
    // minDelta: 2 → 1.95 is not an improvement of more than 0.1.
    const md = script([3, 2, 1.95, 1.9, 1], { minDelta: 0.1, patience: 2 });
    expect(md.epochs).toBe(4);
    expect(md.es.bestEpoch).toBe(1);
    // mode 'auto' maximises accuracies; 'max' explicitly; 'min' on an accuracy stops at once.
    expect(script([0.5, 0.6, 0.7, 0.65], { monitor: 'valAccuracy' }, 'valAccuracy').es.options.mode).toBe('max');
    expect(earlyStopping().options.mode).toBe('min');
    expect(script([0.5, 0.6, 0.7, 0.65], { monitor: 'valAccuracy' }, 'valAccuracy').epochs).toBe(4);
    expect(script([0.5, 0.6, 0.7], { monitor: 'valAccuracy', mode: 'min' }, 'valAccuracy').epochs).toBe(2);
    expect(script([5, 4, 3], { monitor: 'custom', mode: 'max' }, 'custom').epochs).toBe(2);
    // baseline: improvements that do not beat it still use up the patience.
    expect(script([5, 4, 3, 2, 1], { baseline: 2.5, patience: 2 }).epochs).toBe(2);
    expect(script([2, 1.5, 1, 0.5], { baseline: 2.5, patience: 2 }).epochs).toBe(4);
    // restoreBestWeights: the weights of the best epoch, also when all epochs ran.
    expect(script([3, 1, 2, 2.5], { patience: 2, restoreBestWeights: true }).weights).toBe(1);
    expect(script([3, 2, 1, 1.5], { patience: 5, restoreBestWeights: true }).weights).toBe(2);
    expect(script([3, 2, 1, 1.5], { patience: 5 }).weights).toBe(3);
  });

  it('a monitored key that never appears is an error naming the available keys', async () => {
    const b = await wasmBackend();
    const { x, y } = blobs(30);
    const m = sequential([dense({ units: 3, activation: 'softmax', inputShape: [4] })], { backend: b }).compile({
      loss: 'crossentropy',
      metrics: ['accuracy'],
    });
    await expect(m.fit(x, y, { epochs: 3, callbacks: [earlyStopping()], yieldEvery: 'never' })).rejects.toThrow(
      "earlyStopping: monitor 'valLoss' is not in the epoch logs (validation keys need validationSplit or validationData in fit); available: loss, seconds, samplesPerSecond, accuracy.",
    );
    await expect(m.fit(x, y, { epochs: 3, callbacks: [earlyStopping({ monitor: 'auc' })], yieldEvery: 'never' })).rejects.toThrow(
      /monitor 'auc' is not in the epoch logs; available: loss, .*accuracy/,
    );
    m.dispose();
  });

  it('bad options are refused', () => {
    expect(() => earlyStopping({ patience: -1 })).toThrow('patience must be an integer ≥ 0');
    expect(() => earlyStopping({ patience: 1.5 })).toThrow('patience must be an integer ≥ 0');
    expect(() => earlyStopping({ minDelta: -0.1 })).toThrow('minDelta must be a finite number ≥ 0');
    expect(() => earlyStopping({ mode: 'up' as never })).toThrow("earlyStopping: mode must be one of 'auto', 'min', 'max', got 'up'.");
    expect(() => earlyStopping({ baseline: NaN })).toThrow('baseline must be a finite number');
    expect(() => earlyStopping({ monitor: '' })).toThrow('monitor must be the name of an epoch log');
    expect(() => earlyStopping({ patince: 3 } as never)).toThrow("unknown option 'patince'");
  });
});
