// Optimizer steps: elementwise over n parameters, in place on w (and the optimizer state).
import { loadPart, storePart } from './vmath';

/**
 * SGD with momentum and L2 weight decay, fused:
 *   v ← momentum·v − lr·(g + l2·w);   w ← w + v.
 * With momentum = 0 this is plain SGD (v holds the last step). w, g, v: n floats each.
 */
export function sgd_f32(w: usize, g: usize, v: usize, n: i32, lr: f32, momentum: f32, l2: f32): void {
  const lrv = f32x4.splat(lr);
  const mv = f32x4.splat(momentum);
  const l2v = f32x4.splat(l2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wv = v128.load(w + o);
    const gv = f32x4.add(v128.load(g + o), f32x4.mul(l2v, wv));
    const vv = f32x4.sub(f32x4.mul(mv, v128.load(v + o)), f32x4.mul(lrv, gv));
    v128.store(v + o, vv);
    v128.store(w + o, f32x4.add(wv, vv));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    const wv = loadPart(w + o, r, 0);
    const gv = f32x4.add(loadPart(g + o, r, 0), f32x4.mul(l2v, wv));
    const vv = f32x4.sub(f32x4.mul(mv, loadPart(v + o, r, 0)), f32x4.mul(lrv, gv));
    storePart(v + o, vv, r);
    storePart(w + o, f32x4.add(wv, vv), r);
  }
}
