/**
 * The inference entry's cold-start load (Node): a model directory whose weights are read straight
 * into θ (io/files-direct.ts). The spec is checked in full first (before anything is allocated),
 * then θ is allocated, the weights are read into it and checked there — FNV-1a by the `fnv1a_u8`
 * kernel where they lie, then length and finite values with checkModel's errors — and spread to the
 * tensors' aligned offsets. Any failure frees θ again. The browser build swaps in
 * inference-direct.browser.ts (pages have no directories).
 */
import { checkSpec, checkWeightsInPlace, reworded } from './io/checked-model.js';
import { openModelDirect } from './io/files-direct.js';
import { FNV_OFFSET, fnvDigits } from './io/fnv1a.js';
import { getBackend, type Backend } from './kernels/backend.js';
import { ForwardNetwork } from './network/forward.js';

/**
 * The network of the model directory `target`, its θ set from the file; `undefined` when the
 * target is not a directory this path takes, or its weights are not what its spec needs (size,
 * checksum): the ordinary read (loadArtifacts) then retries and words the error.
 */
export function loadDirect(
  target: unknown,
  backend: Backend | undefined,
  metrics: readonly string[],
): { net: ForwardNetwork; name: string } | undefined {
  const d = openModelDirect(target);
  if (!d) return undefined;
  const specWhere = `loadModel: ${d.specPath}`;
  const checked = checkSpec(d.spec, specWhere, { metrics });
  if (d.byteLength !== 4 * checked.paramCount) return undefined;
  let net: ForwardNetwork | undefined;
  try {
    net = new ForwardNetwork(backend ?? getBackend(), checked.layers, checked.spec.inputUnits, checked.spec.seed);
    const { k, heap } = net.backend;
    const theta = net.theta;
    const weightsPath = d.readInto(flatBytes(net), (b) => fnvDigits(k.fnv1a_u8(FNV_OFFSET, theta, b.length)));
    if (weightsPath === undefined) {
      net.dispose();
      return undefined;
    }
    const bytes = new Uint8Array(heap.u8.buffer, theta, d.byteLength);
    checkWeightsInPlace(checked, bytes, specWhere, `loadModel: ${weightsPath}`, d.checksum || undefined);
    spreadFlat(net);
    return { net, name: checked.spec.name };
  } catch (e) {
    net?.dispose();
    throw reworded(e, specWhere);
  }
}

/**
 * θ's first 4·paramCount bytes, where the flat weights (as weights.bin holds them) are read before
 * `spreadFlat`. A view of the heap: valid until the next allocation.
 */
function flatBytes(net: ForwardNetwork): Uint8Array {
  return new Uint8Array(net.backend.heap.u8.buffer, net.theta, 4 * net.paramCount);
}

/**
 * Moves the flat weights at θ's start (flatBytes) to each tensor's aligned offset, in place, and
 * zeroes the padding between tensors. Aligned offsets are never below flat ones (offsetₚ ≥ Σ_{q<p}
 * size_q), so moving the last tensor first never overwrites a tensor not yet moved.
 */
function spreadFlat(net: ForwardNetwork): void {
  const f = net.backend.heap.f32;
  const base = net.theta >>> 2;
  let flat = net.paramCount;
  let end = net.thetaFloats;
  for (let i = net.params.length - 1; i >= 0; i--) {
    const p = net.params[i]!;
    flat -= p.size;
    if (p.offset !== flat) f.copyWithin(base + p.offset, base + flat, base + flat + p.size);
    f.fill(0, base + p.offset + p.size, base + end);
    end = p.offset;
  }
}
