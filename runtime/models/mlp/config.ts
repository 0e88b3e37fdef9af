// What an mlp model is, as plain data (IR fields a worker thread can receive), and the sizes that
// follow from it.
//
// Parametrization (NTK parametrization, Jacot et al. 2018), so that gradient descent at rate lr
// for n steps is the lazy-regime flow of runtime/models/ntk.ts for time lr x n whatever the width:
//   h^0 = u = (a x, b emb(t))   (embed.ts: a, b)            n_0 = dim + embed
//   g^l = sqrt(c_l / n_{l-1}) W^l h^{l-1} + b^l,  h^l = act(g^l)    l = 1..depth, n_l = width
//   f   = sqrt(c_out / n_depth) W^out h^depth + b^out        n_out = dim
// with every W and b ~ N(0, 1) at initialization, c_1 = 1 (the inputs are not post-activation)
// and c_l = c_out = 2 after an activation (He gain). `output` says what f predicts.

/** The architecture of an mlp network (what the empirical and analytic NTK also need). */
export interface MlpArch {
  dim: number;
  width: number;
  depth: number;
  activation: 'relu' | 'silu' | 'gelu';
  /** The time coordinate fed to the embedding: t itself or log sigma_t (sigma_t^2 = s2(t)). */
  time: 't' | 'log_sigma';
  /** Size of the sinusoidal time embedding (even). */
  embed: number;
  /** Factor on the data coordinates in the input (embed.ts): the kernel's resolution in x. */
  x_scale: number;
  /** What the network predicts: the denoiser mu(x, t), the score, or the noise eps. */
  output: 'denoiser' | 'score' | 'noise';
  /** Training time range: the embedding maps it onto [-1, 1]. */
  t_range: [number, number];
}

/** How an mlp network is trained. */
export interface MlpTraining {
  /** A fixed set of this many DSM samples, or 0 for fresh samples every batch ('online'). */
  samples: number;
  optimizer: 'sgd' | 'adam';
  lr: number;
  steps: number;
  batch: number;
  /** Decoupled weight decay: every parameter is multiplied by (1 - lr weight_decay) after each step. */
  weight_decay: number;
  /** Train and evaluate f(z; p) - f(z; p_0) (the initial function removed: the NTK theory's f_0 = 0). */
  center: boolean;
}

export type MlpConfig = MlpArch & MlpTraining;

/** Layer widths n_0 .. n_out. */
export function layerSizes(a: MlpArch): number[] {
  return [a.dim + a.embed, ...Array.from({ length: a.depth }, () => a.width), a.dim];
}

/** The gain c_l of layer l = 1 .. depth + 1 (see the header). */
export function layerGain(l: number): number {
  return l === 1 ? 1 : 2;
}

/** Trainable parameters. */
export function parameterCount(a: MlpArch): number {
  const n = layerSizes(a);
  let c = 0;
  for (let l = 1; l < n.length; l++) c += n[l - 1] * n[l] + n[l];
  return c;
}

/** Multiply-adds of one forward pass per example (the matMuls; elementwise work not counted). */
export function macsPerExample(a: MlpArch): number {
  const n = layerSizes(a);
  let c = 0;
  for (let l = 1; l < n.length; l++) c += n[l - 1] * n[l];
  return c;
}

/** FLOP of one training step (forward 2 macs, backward 4: the input and weight gradients). */
export function flopsPerStep(a: MlpArch, batch: number): number {
  return 6 * macsPerExample(a) * batch;
}
