// The network's input u = (a x, b emb(t)), a = x_scale sqrt(n_0 / dim), b = sqrt(n_0 / embed):
// the first layer's 1/sqrt(n_0) then leaves each block divided by its own fan-in, so at
// initialization x adds x_scale^2 |x|^2 / dim to a first-layer pre-activation's variance and the
// embedding 1/2, whatever embed is (with one fan-in for all n_0 inputs, 8 embedding inputs beside
// one x made the kernel nearly flat in x and the networks learned the points slowly). The time
// coordinate c (t, or log sigma_t) is mapped
// linearly from the training range onto [-1, 1], then embedded as
//   emb(t) = (sin(w_k c), cos(w_k c))_{k < embed/2},  w_k = W_MAX^(k / (embed/2 - 1))  (w_0 = 1)
// Geometric frequencies from 1 to W_MAX rad per unit of c: the slowest varies once over the
// range, the fastest about ten times (W_MAX = 30 over a range of length 2), enough to resolve the
// small-t end where the target changes fastest without making the network a function of
// near-random phases. Computed in float64, stored as float32.

import type { Schedule } from '../../schedule.js';
import type { MlpArch } from './config.js';

export const W_MAX = 30;

/** The embedding frequencies w_k. */
export function frequencies(embed: number): Float64Array {
  const half = embed / 2;
  return Float64Array.from({ length: half }, (_, k) => (half > 1 ? W_MAX ** (k / (half - 1)) : 1));
}

/** The time coordinate c(t) mapped to [-1, 1] over t_range. */
export function timeCoordinate(arch: Pick<MlpArch, 'time' | 't_range'>, schedule: Schedule): (t: number) => number {
  const g = arch.time === 't' ? (t: number) => t : (t: number) => 0.5 * Math.log(schedule.s2(t));
  const lo = g(arch.t_range[0]);
  const hi = g(arch.t_range[1]);
  return (t) => (hi !== lo ? (2 * (g(t) - lo)) / (hi - lo) - 1 : 0);
}

/**
 * inputs(arch, schedule, x [n, dim], t, n, out?): u [n, dim + embed] float32; t is one time for
 * all rows (a number) or one per row.
 */
export function inputs(
  arch: MlpArch,
  schedule: Schedule,
  x: ArrayLike<number>,
  t: number | ArrayLike<number>,
  n: number,
  out = new Float32Array(n * (arch.dim + arch.embed)),
): Float32Array {
  const { dim, embed } = arch;
  const e = dim + embed;
  const w = frequencies(embed);
  const half = embed / 2;
  const coord = timeCoordinate(arch, schedule);
  const row = new Float64Array(embed);
  const a = arch.x_scale * Math.sqrt(e / dim);
  const b = Math.sqrt(e / embed);
  const fill = (c: number) => {
    for (let k = 0; k < half; k++) {
      row[k] = b * Math.sin(w[k] * c);
      row[half + k] = b * Math.cos(w[k] * c);
    }
  };
  if (typeof t === 'number') fill(coord(t));
  for (let i = 0; i < n; i++) {
    if (typeof t !== 'number') fill(coord(t[i]));
    for (let d = 0; d < dim; d++) out[i * e + d] = a * x[i * dim + d];
    for (let k = 0; k < embed; k++) out[i * e + dim + k] = row[k];
  }
  return out;
}
