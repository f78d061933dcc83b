/**
 * `simdnn export <dir> --format onnx|tfjs --out <path>` and `simdnn import <file> --out <dir>`:
 * a saved model to ONNX or the TF.js layers format and back (see interchange.ts for what travels
 * with the network). Files are written to a temporary and renamed; a TF.js directory gets its
 * weights.bin first and model.json, which names it, last.
 */
import { mkdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { loadModel, toOnnx, toTfjs, type Sequential } from '../index.js';
import { writeFileAtomic } from '../io/files.js';
import { UsageError, str, type Values } from './args.js';
import { DATASET_FILE, EXPORT_FORMATS } from './defaults.js';
import {
  foldStandardization,
  interchangeInfo,
  isJsonPath,
  isOnnxPath,
  ONNX_DATASET_KEY,
  readOnnxFile,
  readTfjsFile,
  TFJS_METADATA_KEY,
  type InterchangeInfo,
} from './interchange.js';
import { cliIo, datasetInfo, initBackend, scalersOf } from './shared.js';

type Format = (typeof EXPORT_FORMATS)[number];

/** What is at `path`: 'file', 'dir' or undefined when nothing is. */
async function kindOf(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

function requiredOut(values: Values, example: string): string {
  const out = str(values, 'out');
  if (out === undefined || out === '') throw new UsageError(`--out is required: --out ${example}`);
  return out;
}

export async function exportModel(values: Values, [dir]: string[]): Promise<void> {
  const f = str(values, 'format');
  if (f === undefined) throw new UsageError(`--format is required: --format ${EXPORT_FORMATS.join('|')}`);
  if (!(EXPORT_FORMATS as readonly string[]).includes(f)) {
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got '${f}'`);
  }
  const format = f as Format;
  const out = requiredOut(values, format === 'onnx' ? '<file.onnx>' : '<dir>');
  const there = await kindOf(out);
  if (format === 'tfjs' && there === 'file') {
    throw new UsageError(`--out ${out} is a file; the TF.js format is a directory (model.json + weights.bin): give a directory`);
  }
  if (format === 'onnx' && there === 'dir') {
    throw new UsageError(`--out ${out} is a directory; the ONNX format is one file: give a file name, e.g. ${join(out, 'model.onnx')}`);
  }
  const io = cliIo(values.quiet === true);
  await initBackend(values);
  const model = await loadModel(dir);
  try {
    const info = await datasetInfo(dir);
    const scalers = scalersOf(info, model.inputUnits, model.outputUnits, dir);
    const regression = info.labelType !== undefined ? info.labelType === 'value' : model.outputUnits === 1;
    foldStandardization(model, scalers, regression, `${dir}/${DATASET_FILE}`);
    if (scalers.x) io.note('the standardisation of training is folded into the weights: the exported model takes the raw CSV features');
    const meta = interchangeInfo(info, model);
    if (format === 'onnx') await writeOnnx(model, meta, out);
    else await writeTfjs(model, meta, out);
    io.note(`wrote ${format === 'onnx' ? out : `${join(out, 'model.json')} and ${join(out, 'weights.bin')}`}`);
  } finally {
    model.dispose();
  }
}

async function writeOnnx(model: Sequential, meta: InterchangeInfo, out: string): Promise<void> {
  const bytes = toOnnx(model, { metadata: { [ONNX_DATASET_KEY]: JSON.stringify(meta) } });
  await writeFileAtomic(out, bytes);
}

async function writeTfjs(model: Sequential, meta: InterchangeInfo, out: string): Promise<void> {
  let art: ReturnType<typeof toTfjs>;
  try {
    art = toTfjs(model);
  } catch (e) {
    // A model TF.js cannot express (maxout, an activation its Dense lacks): the message names the fix.
    throw new UsageError(`cannot export to TF.js: ${(e as Error).message}`);
  }
  const modelJson = { ...art.modelJson, userDefinedMetadata: { [TFJS_METADATA_KEY]: meta } };
  const [weightsFile] = art.modelJson.weightsManifest[0]!.paths;
  await mkdir(out, { recursive: true });
  await writeFileAtomic(join(out, weightsFile!), new Uint8Array(art.weightData));
  await writeFileAtomic(join(out, 'model.json'), `${JSON.stringify(modelJson, null, 2)}\n`);
}

export async function importModel(values: Values, [file]: string[]): Promise<void> {
  const out = requiredOut(values, '<dir>');
  if (!isOnnxPath(file) && !isJsonPath(file)) {
    throw new UsageError(`${file}: expected an .onnx file or a TF.js model.json`);
  }
  if ((await kindOf(out)) === 'file') throw new UsageError(`--out ${out} is a file; a saved model is a directory`);
  const io = cliIo(values.quiet === true);
  await initBackend(values);
  const { model, info } = isOnnxPath(file) ? await readOnnxFile(file) : await readTfjsFile(file);
  try {
    await model.save(out);
    const { loss: _loss, ...dataset } = info;
    const sidecar = join(out, DATASET_FILE);
    if (Object.keys(dataset).length) await writeFileAtomic(sidecar, `${JSON.stringify(dataset, null, 2)}\n`);
    // A dataset.json left from a model saved here before describes another model (its standardisation would be applied).
    else await unlink(sidecar).catch(() => undefined);
    io.note(`saved ${model.layers.map((l) => l.type).join(' → ')} (${model.inputUnits} → ${model.outputUnits}) to ${out}`);
  } finally {
    model.dispose();
  }
}
