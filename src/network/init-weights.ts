/**
 * θ drawn from a seed: each tensor filled by its layer's initializer (registries/initializers.ts)
 * from one seeded `Rng`, tensor after tensor in θ's order, so the same seed gives the same weights
 * everywhere. A new model's compile calls this; a loaded model never does (its θ comes from the
 * file), so the inference entry does not carry the initializers' math.
 */
import { getInitializer } from '../registries/initializers.js';
import { Rng } from '../random.js';
import type { Network } from './network.js';

/** (Re-)initialises every tensor of `net` from `seed` (default: the network's) with its layer's initializers. */
export function initWeights(net: Network, seed = net.seed): void {
  const rng = new Rng(seed);
  for (const p of net.params) {
    const values = new Float32Array(p.size);
    getInitializer(p.spec.init).fill(values, p.spec.fanIn, p.spec.fanOut, rng);
    net.backend.heap.writeF32(net.theta + 4 * p.offset, values);
  }
}
