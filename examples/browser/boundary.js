/**
 * Pictures of what the model has learned: the decision boundary of a 2-D toy set (the model's
 * class probabilities on a GRID × GRID lattice, each cell tinted by its most likely class, stronger
 * where the model is sure) and, for MNIST, a sheet of test digits with the model's reading of each.
 */

/** Class colours (toy sets have at most four classes). */
export const CLASS_COLORS = ['#3b82f6', '#f97316', '#10b981', '#a855f7'];
/** Lattice points per side where the boundary is evaluated. */
export const GRID = 96;
/** Test digits shown on the MNIST sheet (COLS × ROWS). */
export const SHEET_COLS = 8;
export const SHEET_ROWS = 5;

const rgb = (hex) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));

/** The lattice as model input rows [GRID², 2] over [-extent, extent]² (row 0 at the top). */
function lattice(extent) {
  const data = new Float32Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const i = r * GRID + c;
      data[2 * i] = -extent + ((c + 0.5) / GRID) * 2 * extent;
      data[2 * i + 1] = extent - ((r + 0.5) / GRID) * 2 * extent;
    }
  }
  return { data, shape: [GRID * GRID, 2] };
}

let cachedLattice;
let cachedExtent;

/** Draws the boundary of `model` on `canvas` and the set's points (train filled, validation hollow). */
export function drawBoundary(canvas, model, set, extent) {
  if (cachedExtent !== extent) {
    cachedLattice = lattice(extent);
    cachedExtent = extent;
  }
  const { data: p } = model.predict(cachedLattice, { batchSize: 1024 });
  const k = set.classes;
  const colors = CLASS_COLORS.slice(0, k).map(rgb);
  const small = new OffscreenCanvas(GRID, GRID);
  const sctx = small.getContext('2d');
  const img = sctx.createImageData(GRID, GRID);
  for (let i = 0; i < GRID * GRID; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
    // Confidence above chance, 0..1: pale where the classes tie, saturated where one wins.
    const sure = Math.max(0, (p[i * k + best] - 1 / k) / (1 - 1 / k));
    const mix = 0.18 + 0.5 * sure;
    for (let ch = 0; ch < 3; ch++) img.data[4 * i + ch] = Math.round(255 * (1 - mix) + colors[best][ch] * mix);
    img.data[4 * i + 3] = 255;
  }
  sctx.putImageData(img, 0, 0);
  const ctx = canvas.getContext('2d');
  const { width: w, height: h } = canvas;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(small, 0, 0, w, h);
  drawDots(ctx, set, extent);
}

/** The set's points alone, on a plain background (before a model is trained). */
export function drawPoints(canvas, set, extent) {
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#f1f5f9';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  drawDots(ctx, set, extent);
}

/** Training points filled, validation points as rings, in their class colours. */
function drawDots(ctx, set, extent) {
  const { width: w, height: h } = ctx.canvas;
  const toPx = (vx, vy) => [((vx + extent) / (2 * extent)) * w, ((extent - vy) / (2 * extent)) * h];
  const radius = Math.max(2.5, w / 150);
  const dots = (split, hollow) => {
    const { data } = split.x;
    for (let i = 0; i < split.labels.length; i++) {
      const [px, py] = toPx(data[2 * i], data[2 * i + 1]);
      ctx.beginPath();
      ctx.arc(px, py, radius, 0, 2 * Math.PI);
      if (hollow) {
        ctx.lineWidth = radius * 0.7;
        ctx.strokeStyle = CLASS_COLORS[split.labels[i]];
        ctx.stroke();
      } else {
        ctx.fillStyle = CLASS_COLORS[split.labels[i]];
        ctx.fill();
        ctx.lineWidth = radius * 0.45;
        ctx.strokeStyle = 'rgba(255,255,255,0.9)';
        ctx.stroke();
      }
    }
  };
  dots(set.train, false);
  dots(set.test, true);
}

/** Draws the first SHEET_COLS × SHEET_ROWS test digits with the model's label (green right, red wrong). */
export function drawDigitSheet(canvas, model, set) {
  const ctx = canvas.getContext('2d');
  const { width: w, height: h } = canvas;
  ctx.fillStyle = '#0f172a';
  ctx.fillRect(0, 0, w, h);
  const n = Math.min(SHEET_COLS * SHEET_ROWS, set.test.labels.length);
  const cellW = w / SHEET_COLS;
  const cellH = h / SHEET_ROWS;
  const side = Math.min(cellW, cellH * 0.78);
  const digit = new OffscreenCanvas(28, 28);
  const dctx = digit.getContext('2d');
  const img = dctx.createImageData(28, 28);
  const out = new Float32Array(10);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.font = `600 ${Math.round(cellH * 0.16)}px system-ui, sans-serif`;
  for (let s = 0; s < n; s++) {
    const row = set.test.x.data.subarray(s * 784, (s + 1) * 784);
    for (let i = 0; i < 784; i++) {
      const v = Math.round(255 * row[i]);
      img.data[4 * i] = v;
      img.data[4 * i + 1] = v;
      img.data[4 * i + 2] = v;
      img.data[4 * i + 3] = 255;
    }
    dctx.putImageData(img, 0, 0);
    const cx = (s % SHEET_COLS) * cellW;
    const cy = Math.floor(s / SHEET_COLS) * cellH;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(digit, cx + (cellW - side) / 2, cy + 2, side, side);
    const p = model.predictOne(row, out);
    let best = 0;
    for (let j = 1; j < 10; j++) if (p[j] > p[best]) best = j;
    const right = best === set.test.labels[s];
    ctx.fillStyle = right ? '#34d399' : '#f87171';
    ctx.fillText(`${best}${right ? '' : ` (${set.test.labels[s]})`}`, cx + cellW / 2, cy + side + (cellH - side) / 2 + 1);
  }
}
