// Evaluating a trained linear model W phi(x, t) at particles, in float64 JS.
//
// Fast path (features.factored): W [D, F] is contracted with the time factors at t (shared by
// every particle), leaving Wt [D, Fs] over the space factors; per particle only the space factors
// are evaluated (Gaussian rows cost 3 exps by recurrence) and contracted one factor at a time.
// Fallback: the full phi [n, F] at (x, t), then W phi.

import type { FeatureMap, Factor } from '../features.js';

/**
 * type Evaluate = (x, n, out) => void  out [n, D] = W phi(x_p, t) for the n particles x [n, dim]
 */
export type Evaluate = (x: Float64Array, n: number, out: Float64Array) => void;

/**
 * interface LinearEvaluator {
 *   atTime(W, t): Evaluate            everything that depends on t only, done ONCE per time step
 * }
 */
export interface LinearEvaluator {
  atTime(W: Float64Array, t: number): Evaluate;
}

/** linearEvaluator(features, D): LinearEvaluator */
export function linearEvaluator(features: FeatureMap, D: number): LinearEvaluator {
  const fac = features.factored;
  const F = features.F;
  if (!fac) {
    return {
      atTime(W, t) {
        return (x, n, out) => {
          const phi = features.evaluate(x, new Float64Array(n).fill(t), n);
          for (let p = 0; p < n; p++) {
            for (let d = 0; d < D; d++) {
              let s = 0;
              for (let f = 0; f < F; f++) s += W[d * F + f] * phi[p * F + f];
              out[p * D + d] = s;
            }
          }
        };
      },
    };
  }
  const space = fac.space;
  const Fs = fac.spaceSize;
  return {
    atTime(W, t) {
      const Wt = fac.contractTime(W, D, t);
      return (x, n, out) => contractSpace(space, Wt, D, Fs, x, n, out);
    },
  };
}

/** out[p, d] = sum over space indices of Wt[d, i1..ik] prod_j phi_j(x_p)[i_j]. */
function contractSpace(
  space: Factor[],
  Wt: Float64Array,
  D: number,
  Fs: number,
  x: Float64Array,
  n: number,
  out: Float64Array,
): void {
  const k = space.length;
  const vals = space.map((f) => {
    const buf = new Float64Array(n * f.size);
    f.evaluate(x, new Float64Array(0), n, buf);
    return buf;
  });
  if (k === 0) {
    for (let p = 0; p < n; p++) for (let d = 0; d < D; d++) out[p * D + d] = Wt[d];
    return;
  }
  if (k === 1) {
    const f1 = space[0].size;
    const v = vals[0];
    for (let p = 0; p < n; p++) {
      for (let d = 0; d < D; d++) {
        let s = 0;
        const w = d * f1;
        for (let i = 0; i < f1; i++) s += Wt[w + i] * v[p * f1 + i];
        out[p * D + d] = s;
      }
    }
    return;
  }
  if (k === 2) {
    const f1 = space[0].size;
    const f2 = space[1].size;
    const v1 = vals[0];
    const v2 = vals[1];
    for (let p = 0; p < n; p++) {
      const o1 = p * f1;
      const o2 = p * f2;
      for (let d = 0; d < D; d++) {
        let s = 0;
        for (let i = 0; i < f1; i++) {
          const row = d * Fs + i * f2;
          let r = 0;
          for (let j = 0; j < f2; j++) r += Wt[row + j] * v2[o2 + j];
          s += v1[o1 + i] * r;
        }
        out[p * D + d] = s;
      }
    }
    return;
  }
  // General k: contract the last factor first, shrinking the tensor each time.
  const sizes = space.map((f) => f.size);
  for (let p = 0; p < n; p++) {
    for (let d = 0; d < D; d++) {
      let cur = Wt.subarray(d * Fs, (d + 1) * Fs);
      let len = Fs;
      for (let j = k - 1; j >= 0; j--) {
        const fj = sizes[j];
        const next = new Float64Array(len / fj);
        const v = vals[j];
        for (let a = 0; a < next.length; a++) {
          let s = 0;
          for (let b = 0; b < fj; b++) s += cur[a * fj + b] * v[p * fj + b];
          next[a] = s;
        }
        cur = next;
        len = next.length;
      }
      out[p * D + d] = cur[0];
    }
  }
}
