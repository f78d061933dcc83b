/**
 * Backprop against central finite differences of an independent float64 forward pass
 * (test/helpers/reference.ts), for every activation and loss of the core, on every backend.
 * Criterion: per tensor, ‖g_backprop − g_fd‖ / max(‖g_backprop‖, ‖g_fd‖) ≤ 1e-3.
 */
import { describe, expect, it } from 'vitest';
import { dense, sequential, sgd } from '../../src/index.js';
import { allBackends, rand } from '../helpers/conformance.js';
import { refForward, refGradFD, relErr, type RefLayer } from '../helpers/reference.js';

const cases: { hidden: string[]; output: string; loss: string }[] = [
  { hidden: ['relu'], output: 'softmax', loss: 'categoricalCrossentropy' },
  { hidden: ['sigmoid'], output: 'softmax', loss: 'categoricalCrossentropy' },
  { hidden: ['tanh', 'relu'], output: 'softmax', loss: 'categoricalCrossentropy' },
  { hidden: ['linear'], output: 'linear', loss: 'meanSquaredError' },
  { hidden: ['tanh'], output: 'sigmoid', loss: 'meanSquaredError' },
  { hidden: ['sigmoid'], output: 'tanh', loss: 'meanSquaredError' },
  { hidden: ['relu'], output: 'relu', loss: 'meanSquaredError' },
  { hidden: ['softmax'], output: 'softmax', loss: 'meanSquaredError' },
];

describe('gradient check: backprop vs float64 finite differences', async () => {
  for (const [tag, backend] of await allBackends()) {
    for (const c of cases) {
      it(`${tag}: ${c.hidden.join('-')} → ${c.output} + ${c.loss}`, () => {
        const nin = 5;
        const widths = [7, 6];
        const nout = 3;
        const rows = 6;
        const layers = [
          ...c.hidden.map((a, i) =>
            dense({
              units: widths[i]!,
              activation: a,
              inputShape: i === 0 ? [nin] : undefined,
              kernelInitializer: 'glorotNormal',
              biasInitializer: 'zeros',
            }),
          ),
          dense({ units: nout, activation: c.output }),
        ];
        const model = sequential(layers, { seed: 7, backend });
        model.compile({ loss: c.loss, optimizer: sgd() });
        // Non-zero biases so that the bias path is exercised.
        const w = model.getWeights().map((t, i) => (i % 2 === 1 ? rand(t.length, 100 + i, -0.5, 0.5) : t));
        model.setWeights(w);
        const x = rand(rows * nin, 3, -1.5, 1.5);
        const y =
          c.loss === 'categoricalCrossentropy'
            ? Array.from({ length: rows }, (_, r) => (r * 7) % nout)
            : { data: rand(rows * nout, 5, c.output === 'sigmoid' || c.output === 'softmax' ? 0 : -1, 1), shape: [rows, nout] };
        const { grads } = model.gradients({ data: x, shape: [rows, nin] }, y as never);

        const ref: RefLayer[] = model.layers.map((l) => ({
          inUnits: l.inUnits,
          units: l.outUnits,
          activation: l.outputActivation()!,
          useBias: true,
        }));
        const yRef = new Float64Array(rows * nout);
        if (Array.isArray(y))
          y.forEach((cls, r) => {
            yRef[r * nout + cls] = 1;
          });
        else yRef.set((y as { data: Float32Array }).data);
        const fd = refGradFD(
          ref,
          model.getWeights().map((t) => Float64Array.from(t)),
          Float64Array.from(x),
          yRef,
          rows,
          c.loss,
        );
        grads.forEach((g, i) => {
          const e = relErr(g, fd[i]!);
          expect(e, `tensor ${i}: relative error ${e}`).toBeLessThanOrEqual(1e-3);
        });
        model.dispose();
      });
    }
  }
});

describe('oracle sanity', () => {
  it('the reference maxout and prelu match hand computation', () => {
    const out = refForward(
      [{ kind: 'maxout', inUnits: 1, units: 1, pieces: 3, activation: 'maxout', useBias: true }],
      [Float64Array.from([1, -1, 2]), Float64Array.from([0, 0, -5])],
      Float64Array.from([2]),
      1,
    );
    expect(Array.from(out)).toEqual([2]); // max(2, −2, −1)
    const pr = refForward(
      [{ kind: 'prelu', inUnits: 2, units: 2, activation: 'prelu', useBias: false }],
      [Float64Array.from([0.25, 0.5])],
      Float64Array.from([-4, -4]),
      1,
    );
    expect(Array.from(pr)).toEqual([-1, -2]);
  });
});
