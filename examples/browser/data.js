/**
 * The demo's data: 2-D toy sets generated from a seed (simdnn's Rng, so a seed gives the same points
 * in every browser) and MNIST read from the server's /mnist/ files with simdnn's parseIdx.
 */
import { parseIdx, Rng } from '/dist/index.js';

/** Points per toy set (train + validation). */
export const TOY_POINTS = 800;
/** Share of a toy set held out for validation. */
export const TOY_VALIDATION = 0.25;
/** Toy inputs lie in [-TOY_EXTENT, TOY_EXTENT]² (the boundary plot covers that square). */
export const TOY_EXTENT = 1.25;

/**
 * Each toy set: its classes and a point generator (rng, i) → [x, y, label].
 * Spirals: three arms r = t, θ = 3.2·t·π + 2πk/3 (+ noise). Circles: a disk inside a ring.
 * XOR: the sign of x·y. Blobs: three Gaussian clusters.
 */
export const TOY_SETS = {
  spirals: {
    label: 'Spirals',
    classes: 3,
    point(rng, i) {
      const k = i % 3;
      const t = 0.08 + 0.92 * rng.uniform();
      const theta = 3.2 * Math.PI * t + (2 * Math.PI * k) / 3 + 0.22 * rng.normal();
      return [t * Math.cos(theta), t * Math.sin(theta), k];
    },
  },
  circles: {
    label: 'Circles',
    classes: 2,
    point(rng, i) {
      const k = i % 2;
      const r = k === 0 ? 0.45 * Math.sqrt(rng.uniform()) : 0.7 + 0.3 * rng.uniform();
      const theta = 2 * Math.PI * rng.uniform();
      return [r * Math.cos(theta) + 0.05 * rng.normal(), r * Math.sin(theta) + 0.05 * rng.normal(), k];
    },
  },
  xor: {
    label: 'XOR',
    classes: 2,
    point(rng) {
      const px = 2 * rng.uniform() - 1;
      const py = 2 * rng.uniform() - 1;
      const nx = px + 0.08 * rng.normal();
      const ny = py + 0.08 * rng.normal();
      return [nx, ny, px * py > 0 ? 0 : 1];
    },
  },
  blobs: {
    label: 'Blobs',
    classes: 3,
    point(rng, i) {
      const k = i % 3;
      const angle = (2 * Math.PI * k) / 3 + Math.PI / 2;
      return [0.55 * Math.cos(angle) + 0.22 * rng.normal(), 0.55 * Math.sin(angle) + 0.22 * rng.normal(), k];
    },
  },
};

/** Splits rows [0, n) into train (first part) and validation (last part). */
function split(x, labels, cols, valShare) {
  const n = labels.length;
  const nVal = Math.round(n * valShare);
  const nTrain = n - nVal;
  return {
    train: { x: { data: x.slice(0, nTrain * cols), shape: [nTrain, cols] }, labels: labels.slice(0, nTrain) },
    test: { x: { data: x.slice(nTrain * cols), shape: [nVal, cols] }, labels: labels.slice(nTrain) },
  };
}

/** A toy set of TOY_POINTS points from `seed`: { kind: 'toy', name, classes, inputs: 2, train, test }. */
export function toySet(name, seed) {
  const set = TOY_SETS[name];
  if (!set) throw new Error(`unknown toy set '${name}'; use one of ${Object.keys(TOY_SETS).join(', ')}`);
  const rng = new Rng(seed);
  const n = TOY_POINTS;
  const x = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  const order = Array.from({ length: n }, (_, i) => i);
  rng.shuffle(order);
  for (let r = 0; r < n; r++) {
    const [px, py, k] = set.point(rng, order[r]);
    x[2 * r] = px;
    x[2 * r + 1] = py;
    labels[r] = k;
  }
  return { kind: 'toy', name, label: set.label, classes: set.classes, inputs: 2, ...split(x, labels, 2, TOY_VALIDATION) };
}

async function fetchIdx(file, limit) {
  const url = `/mnist/${file}?limit=${limit}`;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load ${url}: ${res.status} ${await res.text()}`);
  return parseIdx(new Uint8Array(await res.arrayBuffer()), file);
}

async function mnistSplit(prefix, limit) {
  const [images, labels] = await Promise.all([
    fetchIdx(`${prefix}-images-idx3-ubyte`, limit),
    fetchIdx(`${prefix}-labels-idx1-ubyte`, limit),
  ]);
  const n = images.shape[0];
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;
  return { x: { data: x, shape: [n, 784] }, labels: Int32Array.from(labels.data) };
}

/** The first `trainCount` training digits and `testCount` test digits, pixels scaled to [0, 1]. */
export async function mnistSet(trainCount, testCount) {
  const [train, test] = await Promise.all([mnistSplit('train', trainCount), mnistSplit('t10k', testCount)]);
  return { kind: 'mnist', name: 'mnist', label: 'MNIST', classes: 10, inputs: 784, train, test };
}
