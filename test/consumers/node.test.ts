/**
 * Node consumers of the packed tarball: `import 'simdnn'`, `require('simdnn')` and `'simdnn/node'`
 * resolve to the Node build (the "node" export condition), find the .wasm next to it, and have the
 * file functions (readCsv here) that the browser build refuses; `'simdnn/infer'` (import and
 * require) loads a model directory saved by the main entry and predicts as it does.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, pack, type ConsumerProject } from './project.js';

const run = promisify(execFile);

describe('Node consumers of the packed tarball', () => {
  let work: string;
  let project: ConsumerProject;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'simdnn-node-consumer-'));
    project = await consumerProject(await pack(join(work, 'pack')));
    writeFileSync(join(project.dir, 't.csv'), 'a,b,label\n1,2,x\n3,4,y\n');
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
    if (project) rmSync(project.dir, { recursive: true, force: true });
  });

  const cases: [string, string, string][] = [
    [
      'import',
      'esm.mjs',
      "import { init, readCsv } from 'simdnn';\nimport * as node from 'simdnn/node';\n" +
        "const b = await init();\nconst t = await readCsv('t.csv', { label: 'label' });\n" +
        'console.log(JSON.stringify({ name: b.name, shape: t.x.shape, classes: t.classes, same: node.readCsv === readCsv }));\n',
    ],
    [
      'require',
      'cjs.cjs',
      "const { init, readCsv } = require('simdnn');\n" +
        "init().then(async (b) => { const t = await readCsv('t.csv', { label: 'label' });\n" +
        '  console.log(JSON.stringify({ name: b.name, shape: t.x.shape, classes: t.classes, same: true })); });\n',
    ],
  ];
  for (const [how, file, code] of cases) {
    it(`${how}: the Node build loads the .wasm and reads a CSV file`, async () => {
      writeFileSync(join(project.dir, file), code);
      const { stdout } = await run(process.execPath, [file], { cwd: project.dir, timeout: 120_000 });
      expect(JSON.parse(stdout.trim())).toEqual({ name: 'wasm', shape: [2, 2], classes: ['x', 'y'], same: true });
    }, 180_000);
  }

  const inferCases: [string, string, string][] = [
    [
      'import',
      'infer.mjs',
      "import { init as initMain, sequential, dense } from 'simdnn';\nimport { init, loadModel, InferenceModel } from 'simdnn/infer';\n" +
        'await initMain();\n' +
        "const m = sequential([dense({ units: 5, activation: 'tanh', inputShape: [3] }), dense({ units: 2, activation: 'softmax' })]);\n" +
        "m.compile({ loss: 'categoricalCrossentropy' });\nawait m.save('saved-esm');\n" +
        "const b = await init();\nconst lean = await loadModel('saved-esm');\nconst x = [0.5, -1, 2];\n" +
        'console.log(JSON.stringify({ name: b.name, lean: lean instanceof InferenceModel, same: String(lean.predictOne(x)) === String(m.predictOne(x)) }));\n',
    ],
    [
      'require',
      'infer.cjs',
      // No init() from simdnn/infer: the CJS bundles are separate, and they share the default backend.
      "const main = require('simdnn');\nconst { loadModel, InferenceModel } = require('simdnn/infer');\n" +
        '(async () => {\n  const b = await main.init();\n' +
        "  const m = main.sequential([main.dense({ units: 5, activation: 'tanh', inputShape: [3] }), main.dense({ units: 2, activation: 'softmax' })]);\n" +
        "  m.compile({ loss: 'categoricalCrossentropy' });\n  await m.save('saved-cjs');\n" +
        "  const lean = await loadModel('saved-cjs');\n  const x = [0.5, -1, 2];\n" +
        '  console.log(JSON.stringify({ name: b.name, lean: lean instanceof InferenceModel, same: String(lean.predictOne(x)) === String(m.predictOne(x)) }));\n})();\n',
    ],
  ];
  for (const [how, file, code] of inferCases) {
    it(`${how} 'simdnn/infer': the Node build loads a saved model directory and predicts as the main entry (CJS: with the main entry's init)`, async () => {
      writeFileSync(join(project.dir, file), code);
      const { stdout } = await run(process.execPath, [file], { cwd: project.dir, timeout: 120_000 });
      expect(JSON.parse(stdout.trim())).toEqual({ name: 'wasm', lean: true, same: true });
    }, 180_000);
  }
});
