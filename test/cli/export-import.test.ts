/**
 * `simdnn export` (ONNX, TF.js) and `simdnn import`: a CSV model trained with the CLI, exported,
 * imported back and run from the .onnx file directly predicts as the original; the TF.js directory
 * loads in @tensorflow/tfjs with the same outputs; bad usage exits 2 naming the problem.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { blobs, cli, csvColumns, regression } from '../helpers/cli.js';

const lines = (s: string): string[] => s.trimEnd().split('\n');
const rows = (s: string): number[][] => lines(s).map((l) => l.split(',').map(Number));

function maxAbsDiff(a: number[][], b: number[][]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    expect(a[i]!.length).toBe(b[i]!.length);
    for (let j = 0; j < a[i]!.length; j++) m = Math.max(m, Math.abs(a[i]![j]! - b[i]![j]!));
  }
  return m;
}

/** A TF.js layers model from the files of a written directory, as tf.io.fromMemory takes them. */
async function loadTfjsDir(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  const group = json.weightsManifest[0];
  const bin = await readFile(join(dir, group.paths[0]));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: group.weights, weightData }));
}

describe('simdnn export / import', () => {
  it('a blobs classifier: onnx and tfjs out, both back in, the same predictions everywhere', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'simdnn-cli-'));
    const dir = join(tmp, 'model');
    const t = await cli('train', '--data', blobs, '--label', 'kind', '--layers', '16', '--epochs', '10', '--save', dir, '--quiet');
    expect(t.code, t.stderr).toBe(0);
    const names = await cli('predict', dir, blobs);
    expect(names.code, names.stderr).toBe(0);
    const probs = rows((await cli('predict', dir, blobs, '--output', 'probabilities')).stdout);
    expect(probs).toHaveLength(240);

    const onnx = join(tmp, 'model.onnx');
    const eo = await cli('export', dir, '--format', 'onnx', '--out', onnx);
    expect(eo.code, eo.stderr).toBe(0);
    expect(eo.stderr).toContain('folded into the weights');
    const tfDir = join(tmp, 'tfjs');
    const et = await cli('export', dir, '--format', 'tfjs', '--out', tfDir, '--quiet');
    expect(et.code, et.stderr).toBe(0);
    expect(et.stderr).toBe('');

    const fromOnnx = join(tmp, 'from-onnx');
    const fromTf = join(tmp, 'from-tfjs');
    const io = await cli('import', onnx, '--out', fromOnnx);
    expect(io.code, io.stderr).toBe(0);
    const it_ = await cli('import', join(tfDir, 'model.json'), '--out', fromTf);
    expect(it_.code, it_.stderr).toBe(0);
    // The metadata became dataset.json again (the standardisation stays folded into the weights).
    for (const d of [fromOnnx, fromTf]) {
      const info = JSON.parse(await readFile(join(d, 'dataset.json'), 'utf8'));
      expect(info).toEqual({ label: 'kind', labelType: 'class', columns: ['f1', 'f2', 'f3', 'f4'], classes: ['alpha', 'beta', 'gamma'] });
    }

    for (const m of [onnx, fromOnnx, fromTf]) {
      const p = await cli('predict', m, blobs);
      expect(p.code, `${m}: ${p.stderr}`).toBe(0);
      expect(p.stdout, m).toBe(names.stdout);
      const pr = await cli('predict', m, blobs, '--output', 'probabilities');
      expect(maxAbsDiff(rows(pr.stdout), probs), m).toBeLessThan(1e-4);
    }
    // evaluate works on an imported model (the loss of training came along in the metadata).
    const ev = await cli('evaluate', fromTf, '--data', blobs, '--json');
    expect(ev.code, ev.stderr).toBe(0);
    expect(JSON.parse(lines(ev.stdout).at(-1)!).accuracy).toBeGreaterThan(0.9);

    // TF.js reads the directory and computes the same function on the raw CSV features.
    const cols = await csvColumns(blobs);
    const x = cols.f1!.map((_, i) => ['f1', 'f2', 'f3', 'f4'].map((c) => cols[c]![i]!));
    const tm = await loadTfjsDir(tfDir);
    const y = tm.predict(tf.tensor2d(x)) as tf.Tensor;
    expect(maxAbsDiff(y.arraySync() as number[][], probs)).toBeLessThan(1e-4);
    const meta = JSON.parse(await readFile(join(tfDir, 'model.json'), 'utf8')).userDefinedMetadata;
    expect(meta.simdnn.classes).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('an .onnx file without metadata predicts raw outputs and argmax indices', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'simdnn-cli-'));
    const dir = join(tmp, 'model');
    const t = await cli('train', '--data', blobs, '--label', 'kind', '--layers', '8', '--epochs', '5', '--save', dir, '--quiet');
    expect(t.code, t.stderr).toBe(0);
    const onnx = join(tmp, 'bare.onnx');
    expect((await cli('export', dir, '--format', 'onnx', '--out', onnx)).code).toBe(0);
    // The same model with the metadata entry renamed: no dataset info, as any other producer's file.
    const bytes = await readFile(onnx);
    const at = bytes.indexOf(Buffer.from('simdnn.dataset'));
    expect(at).toBeGreaterThan(0);
    bytes.write('simdnn.datasex', at);
    await writeFile(onnx, bytes);
    // No label column known either: --label names the column to ignore.
    const idx = await cli('predict', onnx, blobs, '--label', 'kind');
    expect(idx.code, idx.stderr).toBe(0);
    const want = await cli('predict', dir, blobs, '--output', 'indices');
    expect(lines(idx.stdout)).toEqual(lines(want.stdout));
    const raw = await cli('predict', onnx, blobs, '--label', 'kind', '--output', 'probabilities');
    expect(rows(raw.stdout)[0]).toHaveLength(3);
  });

  it('a regression: the target standardisation folds into the last layer (values in its units)', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'simdnn-cli-'));
    const dir = join(tmp, 'model');
    const t = await cli('train', '--data', regression, '--layers', '8', '--epochs', '5', '--save', dir, '--quiet');
    expect(t.code, t.stderr).toBe(0);
    const want = rows((await cli('predict', dir, regression)).stdout);
    const onnx = join(tmp, 'r.onnx');
    expect((await cli('export', dir, '--format', 'onnx', '--out', onnx)).code).toBe(0);
    const got = await cli('predict', onnx, regression);
    expect(got.code, got.stderr).toBe(0);
    const scale = Math.max(1, ...want.map((r) => Math.abs(r[0]!)));
    expect(maxAbsDiff(rows(got.stdout), want) / scale).toBeLessThan(1e-4);
  });

  it('bad usage exits 2 with the problem named; help lists the flags', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'simdnn-cli-'));
    const dir = join(tmp, 'model');
    const t = await cli(
      'train',
      '--data',
      blobs,
      '--label',
      'kind',
      '--layers',
      '4',
      '--activation',
      'maxout',
      '--epochs',
      '1',
      '--save',
      dir,
      '--quiet',
    );
    expect(t.code, t.stderr).toBe(0);
    const cases: [string[], string][] = [
      [['export', dir, '--format', 'keras', '--out', join(tmp, 'x')], "--format must be one of onnx, tfjs, got 'keras'"],
      [['export', dir, '--out', join(tmp, 'x')], '--format is required'],
      [['export', dir, '--format', 'onnx'], '--out is required'],
      [['export', dir, '--format', 'tfjs', '--out', join(tmp, 'tf')], 'maxout layer, which TF.js has no layer for'],
      [['export', dir, '--format', 'tfjs', '--out', blobs], 'is a file; the TF.js format is a directory'],
      [['export', dir, '--format', 'onnx', '--out', tmp], 'is a directory; the ONNX format is one file'],
      [['export'], 'missing <dir>'],
      [['import', blobs, '--out', join(tmp, 'i')], 'expected an .onnx file or a TF.js model.json'],
      [['import', join(tmp, 'm.onnx')], '--out is required'],
    ];
    for (const [args, msg] of cases) {
      const r = await cli(...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(msg);
    }
    // A maxout model still exports to ONNX (simdnn's own maxout graph) and reads back.
    const onnx = join(tmp, 'maxout.onnx');
    const e = await cli('export', dir, '--format', 'onnx', '--out', onnx);
    expect(e.code, e.stderr).toBe(0);
    expect((await cli('predict', onnx, blobs)).stdout).toBe((await cli('predict', dir, blobs)).stdout);

    const help = await cli('export', '--help');
    expect(help.stdout).toContain('--format onnx|tfjs');
    expect(help.stdout).toContain('--out <path>');
    expect((await cli('import', '--help')).stdout).toContain('Usage: simdnn import <file.onnx|model.json> --out <dir>');
    expect((await cli('--help')).stdout).toMatch(/simdnn export .*\n.*simdnn import/);
  });
});
