/**
 * Second-order training: damped Newton with the exact Hessian, Levenberg–Marquardt with the
 * Gauss–Newton matrix, and Hessian-free (CG on Gauss–Newton products), plus the curvature
 * products they are built on. Importing this module registers the optimizers by name, so saved
 * models and the CLI can re-create them from their configs.
 */
import { registerOptimizer } from '../optimizers.js';
import { hessianFree, type HessianFreeOptions } from './hessian-free.js';
import { levenbergMarquardt, type LevenbergMarquardtOptions } from './levenberg-marquardt.js';
import { newton, type NewtonOptions } from './newton.js';

registerOptimizer('newton', (c: NewtonOptions) => newton(c));
registerOptimizer('levenbergMarquardt', (c: LevenbergMarquardtOptions) => levenbergMarquardt(c));
registerOptimizer('hessianFree', (c: HessianFreeOptions) => hessianFree(c));

export { newton, type NewtonOptions, type NewtonConfig } from './newton.js';
export { levenbergMarquardt, type LevenbergMarquardtOptions, type LevenbergMarquardtConfig } from './levenberg-marquardt.js';
export { hessianFree, type HessianFreeOptions, type HessianFreeConfig } from './hessian-free.js';
export { hessian, hessianVectorProduct, gaussNewtonVectorProduct, type HessianOptions } from './hessian.js';
export { DEFAULT_MAX_PARAMS } from './support.js';
