/**
 * A box to draw a digit in (mouse, pen or touch, through pointer events) and its conversion to an
 * MNIST-like input, following the preprocessing of the original set: the ink's bounding box is
 * scaled (aspect kept, area-averaged) to fit FIT × FIT pixels, then placed in a 28 × 28 frame so
 * that its centre of mass lands on the frame's centre.
 */

/** MNIST frame side. */
export const SIDE = 28;
/** Side of the box the digit's bounding box is scaled into (MNIST: 20). */
export const FIT = 20;
/** Pen width as a share of the pad's side. */
export const PEN_WIDTH = 0.075;

/**
 * Makes `canvas` a drawing pad. `onChange()` is called while drawing (at most once a frame) and
 * when a stroke ends. Returns { clear(), read() → Float32Array(784) of [0, 1] or null when empty }.
 */
export function digitPad(canvas, onChange) {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  let drawing = false;
  let last;
  let pending = false;
  let inked = false;
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * canvas.width, ((e.clientY - r.top) / r.height) * canvas.height];
  };
  const changed = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      onChange();
    });
  };
  const segment = (a, b) => {
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = PEN_WIDTH * canvas.width;
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
    inked = true;
  };
  canvas.addEventListener('pointerdown', (e) => {
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    drawing = true;
    last = at(e);
    segment(last, last);
    changed();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    const p = at(e);
    segment(last, p);
    last = p;
    changed();
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    changed();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  return {
    clear() {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      inked = false;
      onChange();
    },
    read() {
      return inked ? toMnist(ctx.getImageData(0, 0, canvas.width, canvas.height)) : null;
    },
  };
}

/** Ink (alpha, 0..1) of an RGBA image → the 28 × 28 MNIST-style input, or null when blank. */
export function toMnist(image) {
  const { width: w, height: h, data } = image;
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (data[4 * (y * w + x) + 3] > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  // Scale the bounding box so its longer side is FIT pixels: target pixel (u, v) averages the
  // source pixels whose centres fall in its footprint (a box filter).
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = Math.max(bw, bh) / FIT;
  const tw = Math.max(1, Math.round(bw / scale));
  const th = Math.max(1, Math.round(bh / scale));
  const fitted = new Float32Array(tw * th);
  const sum = new Float32Array(tw * th);
  const count = new Float32Array(tw * th);
  for (let y = y0; y <= y1; y++) {
    const v = Math.min(th - 1, Math.floor((y - y0 + 0.5) / scale));
    for (let x = x0; x <= x1; x++) {
      const u = Math.min(tw - 1, Math.floor((x - x0 + 0.5) / scale));
      sum[v * tw + u] += data[4 * (y * w + x) + 3] / 255;
      count[v * tw + u]++;
    }
  }
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let v = 0; v < th; v++) {
    for (let u = 0; u < tw; u++) {
      const a = count[v * tw + u] > 0 ? sum[v * tw + u] / count[v * tw + u] : 0;
      fitted[v * tw + u] = a;
      mass += a;
      mx += a * (u + 0.5);
      my += a * (v + 0.5);
    }
  }
  // Shift so the centre of mass sits at the frame's centre (14, 14).
  const ox = Math.round(SIDE / 2 - mx / mass);
  const oy = Math.round(SIDE / 2 - my / mass);
  const out = new Float32Array(SIDE * SIDE);
  for (let v = 0; v < th; v++) {
    for (let u = 0; u < tw; u++) {
      const X = u + ox;
      const Y = v + oy;
      if (X >= 0 && X < SIDE && Y >= 0 && Y < SIDE) out[Y * SIDE + X] = fitted[v * tw + u];
    }
  }
  return out;
}

/** Draws a 28 × 28 input on a small canvas (what the network sees). */
export function drawInput(canvas, input) {
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(SIDE, SIDE);
  for (let i = 0; i < SIDE * SIDE; i++) {
    const v = Math.round(255 * (input ? input[i] : 0));
    img.data[4 * i] = v;
    img.data[4 * i + 1] = v;
    img.data[4 * i + 2] = v;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
