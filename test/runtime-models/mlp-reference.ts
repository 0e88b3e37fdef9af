// An independent float64 evaluation of an mlp network, written from runtime/models/mlp/config.ts's
// formulas without tfjs: the reference of the mlp tests.
import type { MlpArch } from '../../runtime/models/mlp/config.js';
import { layerGain, layerSizes } from '../../runtime/models/mlp/config.js';

/** The network in float64, written from config.ts's formulas (no tfjs). */
export function forward64(
  a: MlpArch,
  p: { W: ArrayLike<number>[]; b: ArrayLike<number>[] },
  u: ArrayLike<number>,
): number[] {
  const n = layerSizes(a);
  let h = Array.from(u);
  for (let l = 1; l < n.length; l++) {
    const s = Math.sqrt(layerGain(l) / n[l - 1]);
    const g = new Array<number>(n[l]).fill(0);
    for (let j = 0; j < n[l]; j++) {
      let acc = p.b[l - 1][j];
      for (let i = 0; i < n[l - 1]; i++) acc += s * h[i] * p.W[l - 1][i * n[l] + j];
      g[j] = acc;
    }
    h = l === n.length - 1 ? g : g.map((v) => actOf(a.activation, v));
  }
  return h;
}

function actOf(name: MlpArch['activation'], v: number): number {
  if (name === 'relu') return Math.max(0, v);
  if (name === 'silu') return v / (1 + Math.exp(-v));
  return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
}

/** A small relu test architecture (2D, depth 2, log-sigma embedding of 4) of the given width, with overrides. */
export function smallArch(width: number, over: Partial<MlpArch> = {}): MlpArch {
  return {
    dim: 2,
    width,
    depth: 2,
    activation: 'relu',
    time: 'log_sigma',
    embed: 4,
    x_scale: 1,
    output: 'denoiser',
    t_range: [0.05, 1],
    ...over,
  };
}
