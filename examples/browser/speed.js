/**
 * The speed card: the training samples per second of the last run on each backend, as bars side by
 * side, and their ratio when both ran the same model.
 */

/** Backends shown, in order, with their labels. */
export const BACKENDS = [
  ['wasm', 'wasm SIMD'],
  ['js', 'pure JS'],
];

/** "3.2× faster" or "1.5× slower" (a busy machine can make anything happen). */
function ratioText(r) {
  return r >= 1 ? `${r.toFixed(1)}× faster` : `${(1 / r).toFixed(1)}× slower`;
}

/** Fills `rowsEl` and `ratioEl` from speed = { wasm?: { samplesPerSecond, what }, js?: … }. */
export function renderSpeed(rowsEl, ratioEl, speed) {
  const max = Math.max(1, ...BACKENDS.map(([k]) => speed[k]?.samplesPerSecond ?? 0));
  rowsEl.replaceChildren(
    ...BACKENDS.map(([k, label]) => {
      const s = speed[k];
      const div = document.createElement('div');
      div.className = `speed-row ${k}`;
      div.innerHTML =
        `<div class="speed-head"><span>${label}</span><strong>${s ? Math.round(s.samplesPerSecond).toLocaleString('en') : '—'}</strong></div>` +
        `<div class="bar"><span style="width:${s ? ((100 * s.samplesPerSecond) / max).toFixed(1) : 0}%"></span></div>` +
        `<div class="hint">${s ? s.what : 'not run yet: pick this backend and train'}</div>`;
      return div;
    }),
  );
  const w = speed.wasm;
  const j = speed.js;
  ratioEl.textContent =
    w && j
      ? w.what === j.what
        ? `WebAssembly SIMD trains ${ratioText(w.samplesPerSecond / j.samplesPerSecond)} on the same model.`
        : 'The two figures come from different models: train the same one on both backends to compare.'
      : '';
}
