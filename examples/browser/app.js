/**
 * The demo page: builds a model from the controls, trains it in a Web Worker (demo-fit.js), plots
 * the logs, draws what the model learned (decision boundary or a sheet of test digits), reads digits
 * drawn in the box, compares the wasm and JS backends, and keeps models in IndexedDB.
 *
 * `window.__demo` exposes the page's state to the end-to-end test (test/e2e/demo.test.ts).
 */
import { adam, dense, init, loadModel, sequential } from '/dist/index.js';
import { drawBoundary, drawDigitSheet, drawPoints } from './boundary.js';
import { trainingCharts } from './chart.js';
import { mnistSet, TOY_EXTENT, TOY_SETS, toySet } from './data.js';
import { digitPad, drawInput } from './digit-pad.js';
import { fitLive, TRAINER } from './fit-live.js';
import { renderSpeed } from './speed.js';

/** Where Save and Load keep the model. */
export const STORE_URL = 'indexeddb://demo';
/** MNIST test digits loaded for validation. */
export const MNIST_TEST_COUNT = 1000;
/** Seed of the data and the weights. */
export const SEED = 1;
/** Defaults applied when the data set changes: [hidden layers, activation, learning rate, epochs]. */
const DEFAULTS = {
  toy: { preset: '32,32', activation: 'relu', lr: '0.01', epochs: 200 },
  mnist: { preset: '128', activation: 'relu', lr: '0.003', epochs: 5 },
};

const $ = (id) => document.getElementById(id);
const demo = {
  ready: false,
  running: false,
  runs: 0,
  boundaryDraws: 0,
  lastRun: undefined,
  prediction: null,
  speed: {},
  errors: [],
  trainer: TRAINER,
  get chartPoints() {
    return charts.points;
  },
};
window.__demo = demo;

const charts = trainingCharts($('chart-loss'), $('chart-acc'));
const backends = {};
let backendName = 'wasm';
/** The page's model, the data it was trained on, and the data set picked for the next run. */
let model;
let modelSet;
let job;

async function backend(name) {
  backends[name] ??= init({ backend: name });
  return backends[name];
}

/**
 * Runs `paint` at the next frame, once however often it is asked for before then (the latest `paint`
 * under each key wins): a toy set logs hundreds of epochs a second, the screen shows sixty frames.
 */
const frameJobs = new Map();
function later(key, paint) {
  if (frameJobs.size === 0) {
    requestAnimationFrame(() => {
      const jobs = [...frameJobs.values()];
      frameJobs.clear();
      for (const j of jobs) j();
    });
  }
  frameJobs.set(key, paint);
}

function status(text, kind = '') {
  $('status').textContent = text;
  $('status').className = `status ${kind}`;
}

function fail(e) {
  const message = e instanceof Error ? e.message : String(e);
  demo.errors.push(message);
  status(message, 'error');
}

// ---- controls --------------------------------------------------------------------------------

function datasetKind() {
  return $('dataset').value === 'mnist' ? 'mnist' : 'toy';
}

function applyDefaults() {
  const d = DEFAULTS[datasetKind()];
  $('preset').value = d.preset;
  $('activation').value = d.activation;
  $('lr').value = d.lr;
  $('epochs').value = String(d.epochs);
  $('mnist-size-row').hidden = datasetKind() !== 'mnist';
}

for (const b of document.querySelectorAll('[data-backend]')) {
  b.addEventListener('click', () => {
    backendName = b.dataset.backend;
    for (const o of document.querySelectorAll('[data-backend]')) o.setAttribute('aria-checked', String(o === b));
  });
}

$('dataset').addEventListener('change', () => {
  applyDefaults();
  preview();
});

async function loadSet() {
  const name = $('dataset').value;
  if (name !== 'mnist') return toySet(name, SEED);
  const n = Number($('mnist-size').value);
  status(`Loading ${n.toLocaleString('en')} MNIST digits…`);
  return mnistSet(n, MNIST_TEST_COUNT);
}

function buildModel(set, b) {
  const hidden = $('preset').value.split(',').map(Number);
  const activation = $('activation').value;
  const layers = hidden.map((units, i) => dense({ units, activation, ...(i === 0 ? { inputShape: [set.inputs] } : {}) }));
  layers.push(dense({ units: set.classes, activation: 'softmax' }));
  const m = sequential(layers, { seed: SEED, backend: b });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: adam({ learningRate: Number($('lr').value) }), metrics: ['accuracy'] });
  return m;
}

function describe(set, m) {
  return `${set.label}, ${[m.inputUnits, ...m.layers.map((l) => l.outUnits)].join('-')}`;
}

// ---- training --------------------------------------------------------------------------------

async function start() {
  if (job) return;
  try {
    $('start').disabled = true;
    const set = await loadSet();
    const b = await backend(backendName);
    const m = buildModel(set, b);
    model?.dispose();
    model = m;
    modelSet = set;
    const epochs = Math.max(1, Math.min(1000, Math.round(Number($('epochs').value) || 1)));
    const batchSize = Number($('batch').value);
    charts.reset();
    showView();
    demo.running = true;
    $('stop').disabled = false;
    $('save').disabled = true;
    status(`Training ${describe(set, m)} on ${set.train.labels.length.toLocaleString('en')} samples (${b.name})…`);
    const t0 = performance.now();
    let last;
    job = fitLive(m, set.train.x, set.train.labels, {
      epochs,
      batchSize,
      seed: SEED,
      validationData: [set.test.x, set.test.labels],
      onBatchEnd: (batch, logs, epoch) => charts.batch(epoch + (batch + 1) / logs.batches, logs.loss, logs.accuracy),
      onEpochEnd: (epoch, logs) => {
        last = logs;
        charts.epoch(epoch + 1, logs);
        recordSpeed(b, set, m, batchSize, logs.samplesPerSecond);
        later('epoch-info', () => {
          $('epoch-info').textContent =
            `epoch ${epoch + 1}/${epochs} · val accuracy ${(100 * logs.valAccuracy).toFixed(1)} % · ` +
            `${Math.round(logs.samplesPerSecond).toLocaleString('en')} samples/s`;
        });
      },
      onWeights: (flat) => {
        if (model !== m) return;
        m.setFlatWeights(flat);
        viewChanged();
      },
    });
    const history = await job.done;
    const seconds = (performance.now() - t0) / 1000;
    demo.lastRun = { dataset: set.name, backend: b.name, history, seconds };
    demo.runs++;
    const acc = last?.valAccuracy;
    status(
      `Done: ${describe(set, m)}, ${history.epoch.length} epochs in ${seconds.toFixed(1)} s` +
        (acc === undefined ? '.' : `, validation accuracy ${(100 * acc).toFixed(1)} %.`),
      'ok',
    );
    $('save').disabled = false;
  } catch (e) {
    fail(e);
  } finally {
    job = undefined;
    demo.running = false;
    $('start').disabled = false;
    $('stop').disabled = true;
    viewChanged();
  }
}

$('start').addEventListener('click', start);
$('stop').addEventListener('click', () => {
  job?.stop();
  status('Stopping after this batch…');
});

// ---- pictures --------------------------------------------------------------------------------

/**
 * Before training (or after picking another data set): the chosen toy set's points alone, or the
 * trained model's picture when it was trained on the chosen set. MNIST is fetched only on Train.
 */
function preview() {
  if (job) return;
  const name = $('dataset').value;
  if (model && modelSet?.name === name) {
    showView();
    viewChanged();
    return;
  }
  const canvas = $('view');
  if (name === 'mnist') {
    $('view-title').textContent = 'MNIST digits';
    $('view-hint').textContent = 'press Train to load them and fit a model';
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#0f172a';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    return;
  }
  const set = toySet(name, SEED);
  $('view-title').textContent = `${set.label}: the data`;
  $('view-hint').textContent = 'press Train to fit a model and watch its decision boundary';
  drawPoints(canvas, set, TOY_EXTENT);
}

function showView() {
  const mnist = modelSet?.kind === 'mnist';
  $('view-title').textContent = mnist ? 'Test digits, as the model reads them' : 'Decision boundary';
  $('view-hint').textContent = mnist ? 'green: right · red: wrong (true label)' : 'filled dots: training points · rings: validation';
}

let viewQueued = false;
function viewChanged() {
  if (viewQueued) return;
  viewQueued = true;
  requestAnimationFrame(() => {
    viewQueued = false;
    if (!model || !modelSet) return;
    const canvas = $('view');
    if (modelSet.kind === 'mnist') drawDigitSheet(canvas, model, modelSet);
    else drawBoundary(canvas, model, modelSet, TOY_EXTENT);
    demo.boundaryDraws++;
    readDigit();
  });
}

// ---- the digit box ---------------------------------------------------------------------------

const pad = digitPad($('pad'), readDigit);
$('clear').addEventListener('click', () => pad.clear());

function bars(probs) {
  const ol = $('bars');
  ol.replaceChildren();
  let best = 0;
  if (probs) for (let j = 1; j < 10; j++) if (probs[j] > probs[best]) best = j;
  for (let d = 0; d < 10; d++) {
    const li = document.createElement('li');
    const p = probs ? probs[d] : 0;
    li.className = probs && d === best ? 'best' : '';
    li.innerHTML = `<span class="digit-label">${d}</span><span class="bar"><span style="width:${(100 * p).toFixed(1)}%"></span></span><span class="pct">${probs ? `${(100 * p).toFixed(1)}%` : ''}</span>`;
    ol.append(li);
  }
}

function readDigit() {
  const input = pad.read();
  drawInput($('seen'), input);
  if (!input) {
    demo.prediction = null;
    bars(null);
    $('digit-hint').textContent =
      modelSet?.kind === 'mnist' ? 'Draw a digit 0–9 in the box.' : 'Train on MNIST, then draw a digit 0–9 in the box.';
    return;
  }
  if (model?.inputUnits !== 784) {
    demo.prediction = null;
    bars(null);
    $('digit-hint').textContent = 'Train on MNIST (or load an MNIST model) to read this digit.';
    return;
  }
  const probs = Array.from(model.predictOne(input));
  demo.prediction = probs;
  bars(probs);
  const best = probs.indexOf(Math.max(...probs));
  $('digit-hint').textContent = `Looks like a ${best} (${(100 * probs[best]).toFixed(0)} % sure).`;
}

// ---- speed -----------------------------------------------------------------------------------

function recordSpeed(b, set, m, batchSize, samplesPerSecond) {
  demo.speed[b.name] = { samplesPerSecond, what: `${describe(set, m)}, batch ${batchSize}` };
  later('speed', () => renderSpeed($('speed'), $('ratio'), demo.speed));
}

// ---- IndexedDB -------------------------------------------------------------------------------

function storeNotice(text, kind) {
  const el = $('store-notice');
  el.hidden = false;
  el.textContent = text;
  el.className = `notice ${kind}`;
  demo.store = { text, kind };
}

/** What this build of simdnn says when it has no browser stores (it tries to load Node's file system). */
const NO_STORES = /node:|needs Node|module specifier|dynamically imported module|not supported|unsupported|unknown (scheme|store)/i;

/** Save and Load need simdnn's browser stores; without them the notice says so plainly. */
function storeFailed(action, e) {
  const message = e instanceof Error ? e.message : String(e);
  if (NO_STORES.test(message)) {
    storeNotice(
      `${action} needs IndexedDB support in simdnn (model.save('${STORE_URL}') / loadModel('${STORE_URL}')), ` +
        `which this build does not have yet. The library said: ${message}`,
      'warn',
    );
  } else {
    storeNotice(`${action} ${STORE_URL} failed: ${message}`, 'error');
  }
}

$('save').addEventListener('click', async () => {
  if (!model) return;
  try {
    await model.save(STORE_URL);
    storeNotice(`Saved ${describe(modelSet, model)} to ${STORE_URL}.`, 'ok');
  } catch (e) {
    storeFailed('Saving', e);
  }
});

/** The data set a loaded model fits: MNIST for 784 inputs, else a toy set with its class count. */
function setFor(m) {
  const current = $('dataset').value;
  if (m.inputUnits === 784 && m.outputUnits === 10) return 'mnist';
  if (m.inputUnits !== 2) return undefined;
  if (current !== 'mnist' && TOY_SETS[current].classes === m.outputUnits) return current;
  return Object.keys(TOY_SETS).find((k) => TOY_SETS[k].classes === m.outputUnits);
}

$('load').addEventListener('click', async () => {
  if (job) return;
  let m;
  try {
    m = await loadModel(STORE_URL, { backend: await backend(backendName) });
  } catch (e) {
    storeFailed('Loading', e);
    return;
  }
  try {
    const name = setFor(m);
    if (!name) throw new Error(`the saved model maps ${m.inputUnits} inputs to ${m.outputUnits} outputs: no data set of this page fits it`);
    if (name !== $('dataset').value) {
      $('dataset').value = name;
      applyDefaults();
    }
    const set = modelSet?.name === name ? modelSet : await loadSet();
    model?.dispose();
    model = m;
    modelSet = set;
    showView();
    viewChanged();
    storeNotice(`Loaded ${describe(modelSet, model)} from ${STORE_URL}.`, 'ok');
    $('save').disabled = false;
  } catch (e) {
    m.dispose();
    fail(e);
  }
});

// ---- start up --------------------------------------------------------------------------------

async function boot() {
  applyDefaults();
  preview();
  bars(null);
  renderSpeed($('speed'), $('ratio'), demo.speed);
  drawInput($('seen'), null);
  const b = await backend('wasm');
  const simd = b.simd === 'relaxed' ? 'relaxed SIMD (FMA)' : 'SIMD';
  const isolated = globalThis.crossOriginIsolated ? 'cross-origin isolated' : 'not isolated';
  $('badges').innerHTML =
    `<span class="badge on">wasm · ${simd}</span><span class="badge">Web Worker · ${TRAINER}</span>` +
    `<span class="badge">${isolated}</span>`;
  $('start').disabled = false;
  status('Ready: pick a data set and press Train.');
  demo.ready = true;
}

boot().catch(fail);
