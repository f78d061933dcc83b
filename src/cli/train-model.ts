/** `simdnn train`: the model built from the flags (or a search candidate) — layers, output layer, optimizer, loss. */
import {
  sequential,
  dense,
  dropout,
  maxout,
  prelu,
  sgd,
  momentum,
  nesterov,
  adam,
  newton,
  levenbergMarquardt,
  hessianFree,
  getLoss,
  type Optimizer,
  type EpochTrainer,
  type Sequential,
  type Layer,
  type Params,
} from '../index.js';
import { UsageError } from './args.js';
import { ADAM_DEFAULT_LR, TRAIN_DEFAULTS } from './defaults.js';

/** Everything `simdnn train` builds a model from; search candidates override some of it. */
export interface ModelSpec {
  hidden: number[];
  activations: string[];
  /** Linear pieces per unit of the maxout layers (--pieces). */
  pieces: number;
  init?: string;
  optimizer: string;
  lr?: number;
  momentum: number;
  l1: number;
  l2: number;
  dropout: number;
}

/** What the data fixes about every model of a run: input width, output layer, loss, seed. */
export interface Task {
  nIn: number;
  out: { act: string; units: number };
  loss: string;
  isClass: boolean;
  seed: number;
}

/**
 * The optimizers of --optimizer: name → factory from the flags. lr undefined means the
 * optimizer's own default (sgd/momentum/nesterov: TRAIN_DEFAULTS.lr; adam: ADAM_DEFAULT_LR).
 */
export const CLI_OPTIMIZERS: Record<string, (o: { lr?: number; momentum: number }) => Optimizer | EpochTrainer> = {
  sgd: (o) => sgd({ learningRate: o.lr ?? TRAIN_DEFAULTS.lr, momentum: o.momentum }),
  momentum: (o) => momentum({ learningRate: o.lr ?? TRAIN_DEFAULTS.lr, momentum: o.momentum }),
  nesterov: (o) => nesterov({ learningRate: o.lr ?? TRAIN_DEFAULTS.lr, momentum: o.momentum }),
  adam: (o) => adam({ learningRate: o.lr ?? ADAM_DEFAULT_LR }),
  // Second-order methods take whole (full-batch) epochs; --lr and --momentum do not apply.
  newton: () => newton(),
  lm: () => levenbergMarquardt(),
  hf: () => hessianFree(),
};

/** Output layer for a loss and the kind of label: activation and width, as the loss registry pairs them. */
export function outputFor(
  loss: string,
  flag: string | undefined,
  isClass: boolean,
  classes: number,
  targets: number,
  label: string | undefined,
): { act: string; units: number } {
  const def = getLoss(loss);
  if (!isClass) {
    if (def.valueOutput === undefined) {
      throw new UsageError(
        `--loss ${flag ?? loss} needs class labels, but column '${label}' was read as numeric values; use --loss mse or quadratic, or --label-type class`,
      );
    }
    return { act: def.valueOutput, units: targets };
  }
  const out = def.classOutput(Math.max(classes, 2));
  return { act: out.activation, units: out.units };
}

/** The base settings overridden by a search candidate's parameters. */
export function withParams(base: ModelSpec, p: Params): ModelSpec {
  return {
    ...base,
    hidden: p.hidden === undefined ? base.hidden : Array.isArray(p.hidden) ? p.hidden : [p.hidden],
    lr: (p.learningRate as number | undefined) ?? base.lr,
    l1: (p.l1 as number | undefined) ?? base.l1,
    l2: (p.l2 as number | undefined) ?? base.l2,
    dropout: (p.dropout as number | undefined) ?? base.dropout,
    momentum: (p.momentum as number | undefined) ?? base.momentum,
  };
}

/** The compiled model of a spec for the task; a setting the library refuses is a usage error. */
export function buildModel(s: ModelSpec, task: Task): Sequential {
  try {
    const model = sequential(layersOf(s, task), { seed: task.seed });
    model.compile({
      loss: task.loss,
      optimizer: CLI_OPTIMIZERS[s.optimizer]!({ lr: s.lr, momentum: s.momentum }),
      metrics: task.isClass ? ['accuracy'] : [],
      ...(s.l1 > 0 || s.l2 > 0 ? { regularization: { l1: s.l1, l2: s.l2 } } : {}),
    });
    return model;
  } catch (e) {
    throw new UsageError((e as Error).message, 'train');
  }
}

/**
 * The hidden layers (each followed by dropout when the spec has it), then the output layer. A hidden
 * layer is dense with its activation; 'prelu' is dense (linear) then prelu() (a learned slope per
 * unit); 'maxout' is maxout({ units, pieces }).
 */
function layersOf(s: ModelSpec, task: Task): Layer[] {
  const layers: Layer[] = [];
  s.hidden.forEach((units, i) => {
    const activation = s.activations.length === 1 ? s.activations[0] : s.activations[i];
    const common = {
      ...(s.init ? { kernelInitializer: s.init } : {}),
      ...(i === 0 ? { inputShape: [task.nIn] } : {}),
    };
    if (activation === 'maxout') layers.push(maxout({ units, pieces: s.pieces, ...common }));
    else if (activation === 'prelu') layers.push(dense({ units, activation: 'linear', ...common }), prelu());
    else layers.push(dense({ units, activation, ...common }));
    if (s.dropout > 0) layers.push(dropout({ rate: s.dropout }));
  });
  layers.push(
    dense({
      units: task.out.units,
      activation: task.out.act,
      ...(s.init ? { kernelInitializer: s.init } : {}),
      ...(s.hidden.length === 0 ? { inputShape: [task.nIn] } : {}),
    }),
  );
  return layers;
}
