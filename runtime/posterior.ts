// Posterior quantities of a weighted point set under a forward process (docs/theory.md 3.2, 3.4),
// batched over query points, in float64.
//
// Every output is a Float64Array.
//
// Why float64 in JS rather than float32 tensors: at small t the Mahalanobis distances are
// divided by S_t ~ 1e-5..1e-8, so float32 logits lose the weight ratios in boundary regions and
// float32 cancellation in (x - alpha mu) is amplified by 1/S_t in the score and C. M and dim are
// small (data sets of a few to a few thousand points), so the loops are cheap; Sigma_0 is
// accumulated around mu_bar (two passes) instead of E[mu mu^T] - mu_bar mu_bar^T for the same
// reason.
//
// S_t = s2(t) M for every IR process (see schedule.ts), so with L = chol(M) the Mahalanobis
// distance is |L^{-1}(x - alpha mu)|^2 / s2: the anisotropic case whitens once and then shares
// the isotropic loop.

import type { Schedule } from './schedule.js';
import { cholesky, solveLower } from './linalg/cholesky.js';
import { spdInverse } from './linalg/spd-inverse.js';

/** interface PointSet { points: Float64Array [M*dim]; weights: Float64Array [M]; M; dim } */
export interface PointSet {
  points: Float64Array;
  weights: Float64Array;
  M: number;
  dim: number;
}

export type PosteriorField = 'weights' | 'mean' | 'cov' | 'score' | 'C' | 'trC' | 'ratio';
export type PosteriorOut = Partial<Record<PosteriorField, Float64Array>>;

/**
 * posterior(data, schedule, t, x, want): PosteriorOut
 * x: Float64Array [N*dim] query points (row-major). `want` lists the outputs to compute:
 *   weights  [N*M]          w_m(x,t), log-sum-exp over Mahalanobis distances + log pi_m
 *   mean     [N*dim]        posterior mean mu_bar = sum_m w_m mu_m
 *   cov      [N*dim*dim]    Sigma_0 = sum_m w_m (mu_m - mu_bar)(mu_m - mu_bar)^T
 *   score    [N*dim]        s = S_t^{-1}(alpha_t mu_bar - x)
 *   C        [N*dim*dim]    proxy-score covariance alpha_t^2 S_t^{-1} Sigma_0 S_t^{-1}
 *   trC      [N]            tr C
 *   ratio    [N]            Fig. 1 ratio tr C / (tr C + |s|^2) (0 where both vanish)
 */
export function posterior(
  data: PointSet,
  schedule: Schedule,
  t: number,
  x: Float64Array,
  want: PosteriorField[],
): PosteriorOut {
  const { M, dim } = data;
  const N = x.length / dim;
  const alpha = schedule.alpha(t);
  const s2 = schedule.s2(t);
  if (!schedule.shape && want.length === 1 && want[0] === 'score') return { score: isotropicScore(data, alpha, s2, x) };
  const L = schedule.shape ? cholesky(schedule.shape) : null;
  const Minv = schedule.shape ? spdInverse(schedule.shape) : null;

  // Whitened scaled means alpha L^{-1} mu_m, and log prior weights.
  const wm = new Float64Array(M * dim);
  for (let m = 0; m < M; m++) for (let a = 0; a < dim; a++) wm[m * dim + a] = alpha * data.points[m * dim + a];
  if (L) for (let m = 0; m < M; m++) solveLower(L, dim, wm, m * dim);
  const logPi = data.weights.map((w) => Math.log(w));

  const need = new Set<PosteriorField>(want);
  const needMean = ['mean', 'cov', 'score', 'C', 'trC', 'ratio'].some((f) => need.has(f as PosteriorField));
  const needCov = need.has('cov') || need.has('C') || need.has('trC') || need.has('ratio');
  const needScore = need.has('score') || need.has('ratio');
  const needC = need.has('C') || need.has('trC') || need.has('ratio');

  const keepWeights = need.has('weights');
  const out: PosteriorOut = {};
  const weights = new Float64Array(keepWeights ? N * M : M);
  const mean = needMean ? new Float64Array(N * dim) : null;
  const cov = needCov ? new Float64Array(N * dim * dim) : null;
  const score = needScore ? new Float64Array(N * dim) : null;
  const C = needC ? new Float64Array(N * dim * dim) : null;
  const trC = need.has('trC') || need.has('ratio') ? new Float64Array(N) : null;
  const ratio = need.has('ratio') ? new Float64Array(N) : null;

  const y = new Float64Array(dim);
  const logits = new Float64Array(M);
  const dev = new Float64Array(dim);
  const tmp = new Float64Array(dim * dim);
  const inv2s2 = 0.5 / s2;
  const c2 = (alpha * alpha) / (s2 * s2);

  for (let i = 0; i < N; i++) {
    for (let a = 0; a < dim; a++) y[a] = x[i * dim + a];
    if (L) solveLower(L, dim, y);
    let maxLogit = -Infinity;
    for (let m = 0; m < M; m++) {
      let d2 = 0;
      for (let a = 0; a < dim; a++) {
        const diff = y[a] - wm[m * dim + a];
        d2 += diff * diff;
      }
      const l = logPi[m] - d2 * inv2s2;
      logits[m] = l;
      if (l > maxLogit) maxLogit = l;
    }
    const wOff = keepWeights ? i * M : 0;
    let z = 0;
    for (let m = 0; m < M; m++) {
      const e = Math.exp(logits[m] - maxLogit);
      weights[wOff + m] = e;
      z += e;
    }
    const invZ = 1 / z;
    for (let m = 0; m < M; m++) weights[wOff + m] *= invZ;

    if (!mean) continue;
    const mo = i * dim;
    for (let m = 0; m < M; m++) {
      const w = weights[wOff + m];
      for (let a = 0; a < dim; a++) mean[mo + a] += w * data.points[m * dim + a];
    }
    if (cov) {
      const co = i * dim * dim;
      for (let m = 0; m < M; m++) {
        const w = weights[wOff + m];
        if (w === 0) continue;
        for (let a = 0; a < dim; a++) dev[a] = data.points[m * dim + a] - mean[mo + a];
        for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) cov[co + a * dim + b] += w * dev[a] * dev[b];
      }
      if (C) {
        // C = alpha^2/s2^2 Minv Sigma_0 Minv (Minv = I when isotropic).
        if (Minv) {
          tmp.fill(0);
          for (let a = 0; a < dim; a++)
            for (let b = 0; b < dim; b++)
              for (let k = 0; k < dim; k++) tmp[a * dim + b] += Minv[a * dim + k] * cov[co + k * dim + b];
          for (let a = 0; a < dim; a++)
            for (let b = 0; b < dim; b++) {
              let v = 0;
              for (let k = 0; k < dim; k++) v += tmp[a * dim + k] * Minv[k * dim + b];
              C[co + a * dim + b] = c2 * v;
            }
        } else for (let k = 0; k < dim * dim; k++) C[co + k] = c2 * cov[co + k];
        if (trC) {
          let tr = 0;
          for (let a = 0; a < dim; a++) tr += C[co + a * dim + a];
          trC[i] = tr;
        }
      }
    }
    if (score) {
      for (let a = 0; a < dim; a++) dev[a] = (alpha * mean[mo + a] - x[mo + a]) / s2;
      for (let a = 0; a < dim; a++) {
        let v = 0;
        if (Minv) for (let k = 0; k < dim; k++) v += Minv[a * dim + k] * dev[k];
        else v = dev[a];
        score[mo + a] = v;
      }
    }
    if (ratio && trC && score) {
      let s2n = 0;
      for (let a = 0; a < dim; a++) s2n += score[mo + a] * score[mo + a];
      const den = trC[i] + s2n;
      ratio[i] = den > 0 ? trC[i] / den : 0;
    }
  }
  if (keepWeights) out.weights = weights;
  if (need.has('mean') && mean) out.mean = mean;
  if (need.has('cov') && cov) out.cov = cov;
  if (need.has('score') && score) out.score = score;
  if (need.has('C') && C) out.C = C;
  if (need.has('trC') && trC) out.trC = trC;
  if (ratio) out.ratio = ratio;
  return out;
}

/**
 * The hot path of PF-ODE sampling with the exact score (isotropic, score only): the same
 * arithmetic as the general loop, without the bookkeeping, about 2x faster.
 */
function isotropicScore(data: PointSet, alpha: number, s2: number, x: Float64Array): Float64Array {
  const { M, dim, points } = data;
  const N = x.length / dim;
  const am = points.map((v) => alpha * v);
  const logPi = data.weights.map((w) => Math.log(w));
  const inv2s2 = 0.5 / s2;
  const logits = new Float64Array(M);
  const mean = new Float64Array(dim);
  const out = new Float64Array(N * dim);
  for (let i = 0; i < N; i++) {
    const o = i * dim;
    let maxLogit = -Infinity;
    for (let m = 0; m < M; m++) {
      let d2 = 0;
      for (let a = 0; a < dim; a++) {
        const diff = x[o + a] - am[m * dim + a];
        d2 += diff * diff;
      }
      const l = logPi[m] - d2 * inv2s2;
      logits[m] = l;
      if (l > maxLogit) maxLogit = l;
    }
    let z = 0;
    mean.fill(0);
    for (let m = 0; m < M; m++) {
      const w = Math.exp(logits[m] - maxLogit);
      z += w;
      for (let a = 0; a < dim; a++) mean[a] += w * points[m * dim + a];
    }
    for (let a = 0; a < dim; a++) out[o + a] = (alpha * (mean[a] / z) - x[o + a]) / s2;
  }
  return out;
}
