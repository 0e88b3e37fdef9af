// The white-noise effective SDE of a linear model (docs/theory.md 6.3 note 2, 9.2 factorized form): an
// APPROXIMATION of the Gaussian-field sampler that drops the time correlation of the model noise.
// Euler-Maruyama, Ito (noise evaluated at the pre-point), integrated backward from T to t_min:
//   x <- x + h (beta x + D s_avg) + sqrt(h) Q^{1/2} zeta,   h = t_k - t_{k+1},
// with s_avg the ensemble-mean model (population Wavg) and Q = q(x, t) D C D, q from
// vkernel/white.ts (denoiser: Q = q c_t^2 Cov[x0 | x, t], c_t = d alpha / s2).

import type { Schedule } from '../schedule.js';
import type { Population } from '../vkernel/population.js';
import { interpolate, whiteIntensity, type GridAxis } from '../vkernel/white.js';
import { posterior } from '../posterior.js';
import { deriveSeed, normals } from '../rng.js';
import { NonFiniteError } from '../errors.js';
import { initialState } from './common.js';
import { psdCholesky } from '../linalg/cholesky.js';
import { congruence } from '../linalg/congruence.js';

export interface WhiteNoiseOptions {
  pop: Population;
  draws: number;
  times: Float64Array;
  seed: number;
  /** Grid of the intensity table, one axis per data dimension (dim <= 2). */
  axes: GridAxis[];
}

/** sampleWhiteNoise(o: WhiteNoiseOptions): Float32Array   [draws, dim] samples at t_min */
export function sampleWhiteNoise(o: WhiteNoiseOptions): Float32Array {
  const { pop, draws, times } = o;
  const { schedule: sc, data, evaluator, spec } = pop.state;
  const dim = pop.D;
  const table = whiteIntensity(pop, o.axes, times);
  const init = initialState(sc, dim, o.seed, 0, draws);
  const x = Float64Array.from(init.dataSync());
  init.dispose();
  const mu = new Float64Array(draws * dim);
  const q = new Float64Array(draws);
  const denoiser = spec.parametrization === 'denoiser';
  for (let k = 0; k + 1 < times.length; k++) {
    const t = times[k];
    const h = t - times[k + 1];
    evaluator.atTime(pop.Wavg, t)(x, draws, mu);
    interpolate(table, k, x, draws, q);
    const post = posterior(data, sc, t, x, [denoiser ? 'cov' : 'C']);
    const cov = denoiser ? post.cov! : post.C!;
    const zeta = normals(deriveSeed(o.seed, 'white', k), draws * dim);
    const beta = sc.beta(t);
    const d = sc.d(t);
    const s2 = sc.s2(t);
    const al = sc.alpha(t);
    const c = denoiser ? (d * al) / s2 : d;
    let finite = true;
    for (let p = 0; p < draws; p++) {
      const xp = x.subarray(p * dim, (p + 1) * dim);
      const v = drift(sc, denoiser, xp, mu.subarray(p * dim, (p + 1) * dim), beta, d, s2, al);
      const noise = noiseOf(
        sc,
        denoiser,
        cov.subarray(p * dim * dim, (p + 1) * dim * dim),
        q[p] * c * c,
        zeta.subarray(p * dim, (p + 1) * dim),
      );
      for (let a = 0; a < dim; a++) {
        xp[a] += h * v[a] + Math.sqrt(h) * noise[a];
        if (!Number.isFinite(xp[a])) finite = false;
      }
    }
    if (!finite) throw new NonFiniteError({ quantity: 'white-noise effective SDE state', step: k, t, s2 });
  }
  return Float32Array.from(x);
}

/** beta x + D s_avg (as linear-pfode.ts: D S^{-1} = (d / s2) I because S and D share M). */
function drift(
  sc: Schedule,
  denoiser: boolean,
  x: Float64Array,
  m: Float64Array,
  beta: number,
  d: number,
  s2: number,
  al: number,
): Float64Array {
  const dim = x.length;
  const v = new Float64Array(dim);
  for (let a = 0; a < dim; a++) {
    if (denoiser) v[a] = beta * x[a] + (d / s2) * (al * m[a] - x[a]);
    else {
      let s = m[a];
      if (sc.shape) {
        s = 0;
        for (let b = 0; b < dim; b++) s += sc.shape[a][b] * m[b];
      }
      v[a] = beta * x[a] + d * s;
    }
  }
  return v;
}

/** Q^{1/2} zeta with Q = scale * B, B = Cov[x0|x,t] (denoiser) or M C M (score). */
function noiseOf(sc: Schedule, denoiser: boolean, cov: Float64Array, scale: number, zeta: Float64Array): Float64Array {
  const dim = zeta.length;
  const B = Float64Array.from(cov);
  if (!denoiser && sc.shape) {
    congruence(sc.shape, cov, 0, dim, B, 0);
  }
  const out = new Float64Array(dim);
  if (!(scale > 0)) return out;
  // Cholesky of the small PSD B, skipping null directions (a point mass posterior has B = 0).
  const L = new Float64Array(dim * dim);
  psdCholesky(B, dim, L, 0);
  const sq = Math.sqrt(scale);
  for (let a = 0; a < dim; a++) {
    let v = 0;
    for (let b = 0; b <= a; b++) v += L[a * dim + b] * zeta[b];
    out[a] = sq * v;
  }
  return out;
}
