/**
 * Levenberg–Marquardt's defaults on standardised multi-input regressions (the generator of
 * bench/lm-robustness.ts: 8, 12 and 13 inputs, 500 rows, d-10-1 tanh with the layer default
 * initializers): every seed reaches the target MSE within the epoch budget; a run that cannot
 * progress stops with a stopReason; every epoch logs mu and gradNorm.
 */
import { describe, expect, it } from 'vitest';
import { PROBLEMS, regressionNet } from '../../bench/lm-robustness.js';
import { dense, init, levenbergMarquardt, sequential } from '../../src/index.js';

await init({ backend: 'wasm' });

const SEEDS = 10;
const EPOCHS = 100;
const TARGET = 0.01;

describe('Levenberg–Marquardt on standardised multi-input regressions', () => {
  it(`reaches MSE ≤ ${TARGET} within ${EPOCHS} epochs for ${SEEDS} seeds × 3 problems, logging mu and gradNorm every epoch`, async () => {
    const misses: string[] = [];
    const hits: number[] = [];
    for (const p of PROBLEMS()) {
      for (let seed = 1; seed <= SEEDS; seed++) {
        const m = regressionNet(p.inputs, seed);
        m.compile({ loss: 'mse', optimizer: levenbergMarquardt() });
        let hit = 0;
        const h = await m.fit(p.x, p.y, {
          epochs: EPOCHS,
          yieldEvery: 'never',
          callbacks: {
            onEpochEnd: (e, logs) => {
              if (logs.loss <= TARGET) {
                hit = e + 1;
                m.stopTraining = true;
              }
            },
          },
        });
        const n = h.epoch.length;
        expect(h.history.mu).toHaveLength(n);
        expect(h.history.gradNorm).toHaveLength(n);
        for (const l of h.logs) {
          expect(l.mu as number).toBeGreaterThan(0);
          expect(Number.isFinite(l.gradNorm)).toBe(true);
        }
        if (hit) hits.push(hit);
        else misses.push(`${p.name}, net seed ${seed}: MSE ${h.history.loss.at(-1)!.toExponential(2)} after ${n} epochs`);
        m.dispose();
      }
    }
    hits.sort((a, b) => a - b);
    console.log(`LM: ${hits.length}/${3 * SEEDS} reach MSE ${TARGET}; median epochs ${hits[hits.length >> 1]}, max ${hits.at(-1)}`);
    expect(misses, misses.join('\n')).toEqual([]);
  });

  it('stops with a stopReason when no step can make progress', async () => {
    // A linear model on exactly linear data: one step reaches the least-squares solution, after
    // which nothing lowers the loss (in float32) and training must stop on its own, saying why.
    const x = Array.from({ length: 40 }, (_, i) => [Math.cos(i), Math.sin(3 * i)]);
    const y = x.map(([a, b]) => [0.5 * a! - 2 * b! + 0.25]);
    const m = sequential([dense({ units: 1, inputShape: [2] })], { seed: 1 });
    m.compile({ loss: 'mse', optimizer: levenbergMarquardt() });
    const h = await m.fit(x, y, { epochs: 200, yieldEvery: 'never' });
    expect(h.epoch.length).toBeLessThan(200);
    const reason = String(h.logs.at(-1)!.stopReason);
    console.log(`linear fit stopped after ${h.epoch.length} epochs: ${reason}`);
    expect(reason).toMatch(/mu exceeded muMax \(1e\+?10\)|fell below minGrad|fell below minStep/);
    expect(h.history.loss.at(-1)!).toBeLessThan(1e-6);
    m.dispose();
  });

  it('stops when μ exceeds muMax: no damped step lowers the loss', async () => {
    const p = PROBLEMS()[0]!;
    const m = regressionNet(p.inputs, 1);
    // muMax = mu and muIncrease 10: the first refused try ends training.
    m.compile({ loss: 'mse', optimizer: levenbergMarquardt({ mu: 1e-3, muMax: 1e-3, maxStepRatio: 1e-9 }) });
    const h = await m.fit(p.x, p.y, { epochs: 5, yieldEvery: 'never' });
    expect(h.epoch.length).toBe(1);
    expect(String(h.logs[0]!.stopReason)).toMatch(/mu exceeded muMax \(0\.001\): no damped step lowers the loss/);
    expect(h.logs[0]!.mu as number).toBeGreaterThan(1e-3);
    m.dispose();
  });
});
