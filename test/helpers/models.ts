/** XOR and the small 2-8-2 tanh/softmax model that learns it, shared by the façade, fit and network tests. */
import { dense, sequential, sgd, type Backend } from '../../src/index.js';

export const XOR_X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
export const XOR_Y = [0, 1, 1, 0];

export function xorModel(backend: Backend, seed = 1) {
  const m = sequential([dense({ units: 8, activation: 'tanh', inputShape: [2] }), dense({ units: 2, activation: 'softmax' })], {
    seed,
    backend,
  });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: sgd({ learningRate: 0.5, momentum: 0.9 }), metrics: ['accuracy'] });
  return m;
}
