/**
 * The live training charts (uPlot): loss and accuracy against epochs, training (the batch logs, each
 * already a mean over the batches since the previous one) and validation (a dot at each epoch end). uPlot draws on a canvas and wants aligned columns, so
 * every point is one x with a value in some series and null in the others (spanGaps joins them).
 */
import uPlot from '/vendor/uplot/uPlot.esm.js';

/** Chart height in CSS pixels. */
export const CHART_HEIGHT = 190;

const TRAIN = '#6366f1';
const VAL = '#f97316';

/** Validation dots are drawn while there are at most this many (one per epoch); beyond, the line alone. */
export const MAX_DOTS = 40;

/** uPlot `points.show`: true while series `i` holds at most MAX_DOTS values. */
function fewPoints(u, i) {
  let n = 0;
  for (const v of u.data[i]) if (v != null) n++;
  return n <= MAX_DOTS;
}

function makeChart(el, title, percent) {
  const fmt = percent ? (_, v) => (v == null ? '–' : `${(100 * v).toFixed(1)} %`) : (_, v) => (v == null ? '–' : v.toFixed(4));
  const line = (label, stroke, dots) => ({
    label,
    stroke,
    width: 2,
    spanGaps: true,
    points: dots ? { show: fewPoints, size: 6, fill: stroke } : { show: false },
    value: fmt,
  });
  return new uPlot(
    {
      title,
      width: Math.max(200, el.clientWidth),
      height: CHART_HEIGHT,
      scales: {
        x: { time: false },
        y: percent ? { range: (_, min, max) => [Math.max(0, Math.min(min, 0.5)), Math.min(1, Math.max(max, 1))] } : {},
      },
      axes: [
        { label: 'epoch', stroke: '#64748b', grid: { stroke: '#e2e8f0' }, ticks: { stroke: '#e2e8f0' } },
        {
          stroke: '#64748b',
          grid: { stroke: '#e2e8f0' },
          ticks: { stroke: '#e2e8f0' },
          values: percent ? (_, ticks) => ticks.map((t) => `${Math.round(100 * t)}%`) : undefined,
          size: 50,
        },
      ],
      series: [
        { label: 'epoch', value: (_, v) => (v == null ? '–' : v.toFixed(2)) },
        line('train', TRAIN, false),
        line('validation', VAL, true),
      ],
      cursor: { drag: { x: false, y: false } },
      legend: { live: false },
    },
    [[], [], []],
    el,
  );
}

/** Two charts in `lossEl` and `accEl`; returns { reset(), batch(x, loss, acc), epoch(x, logs), points }. */
export function trainingCharts(lossEl, accEl) {
  const loss = makeChart(lossEl, 'Loss', false);
  const acc = makeChart(accEl, 'Accuracy', true);
  let xs;
  let cols;
  const reset = () => {
    xs = [];
    cols = { trainLoss: [], valLoss: [], trainAcc: [], valAcc: [] };
    draw();
  };
  const draw = () => {
    loss.setData([xs, cols.trainLoss, cols.valLoss]);
    acc.setData([xs, cols.trainAcc, cols.valAcc]);
  };
  const push = (x, trainLoss, valLoss, trainAcc, valAcc) => {
    xs.push(x);
    cols.trainLoss.push(trainLoss);
    cols.valLoss.push(valLoss);
    cols.trainAcc.push(trainAcc);
    cols.valAcc.push(valAcc);
  };
  let queued = false;
  const redraw = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      draw();
    });
  };
  const fit = () => {
    loss.setSize({ width: Math.max(200, lossEl.clientWidth), height: CHART_HEIGHT });
    acc.setSize({ width: Math.max(200, accEl.clientWidth), height: CHART_HEIGHT });
  };
  new ResizeObserver(fit).observe(lossEl);
  reset();
  return {
    reset,
    /** A (mean) batch log at fractional epoch x. */
    batch(x, batchLoss, batchAcc) {
      push(x, batchLoss, null, batchAcc ?? null, null);
      redraw();
    },
    /** Epoch logs at epoch x (validation points). */
    epoch(x, logs) {
      push(x, null, logs.valLoss ?? null, null, logs.valAccuracy ?? null);
      redraw();
    },
    /** Points plotted so far (all series). */
    get points() {
      return xs.length;
    },
  };
}
