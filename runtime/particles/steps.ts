// The PF-ODE of a linear model as plain per-evaluation coefficients (docs/theory.md 5.2), so the time
// loop needs no Schedule object (workers get numbers, not functions).

import type { Schedule } from '../schedule.js';
import type { Parametrization } from '../models/linear.js';

/**
 * interface StepPlan {
 *   steps, heun, h [steps] (t_k - t_{k+1} > 0)
 *   t [E]            evaluation times: euler t_k (k < steps); heun t_k, t_{k+1} at 2k, 2k + 1
 *   a [E], G [E, D, D]   the velocity at evaluation e is v = a x + G mu, mu = W phi(x, t_e):
 *                       denoiser: a = beta - d/s2, G = (d alpha / s2) I  (S = s2 M, D = d M:
 *                                 M cancels in D S^{-1})
 *                       score:    a = beta,        G = d M
 * }
 * // Euler: x <- x + h v(x, t_k). Heun: x1 = x + h v0, x <- x + (h/2)(v0 + v(x1, t_{k+1})).
 */
export interface StepPlan {
  steps: number;
  heun: boolean;
  h: Float64Array;
  t: Float64Array;
  a: Float64Array;
  G: Float64Array;
  /** s2 at each step's start time (error messages). */
  s2: Float64Array;
}

/** stepPlan(schedule, times, solver, parametrization, dim): StepPlan */
export function stepPlan(
  sc: Schedule,
  times: Float64Array,
  solver: 'euler' | 'heun',
  parametrization: Parametrization,
  dim: number,
): StepPlan {
  const steps = times.length - 1;
  const heun = solver === 'heun';
  const E = heun ? 2 * steps : steps;
  const h = new Float64Array(steps);
  const s2 = new Float64Array(steps);
  const t = new Float64Array(E);
  const a = new Float64Array(E);
  const G = new Float64Array(E * dim * dim);
  for (let k = 0; k < steps; k++) {
    h[k] = times[k] - times[k + 1];
    s2[k] = sc.s2(times[k]);
    if (heun) {
      t[2 * k] = times[k];
      t[2 * k + 1] = times[k + 1];
    } else t[k] = times[k];
  }
  for (let e = 0; e < E; e++) {
    const te = t[e];
    const beta = sc.beta(te);
    const d = sc.d(te);
    const off = e * dim * dim;
    if (parametrization === 'denoiser') {
      const c = d / sc.s2(te);
      a[e] = beta - c;
      for (let i = 0; i < dim; i++) G[off + i * dim + i] = c * sc.alpha(te);
    } else {
      a[e] = beta;
      for (let i = 0; i < dim; i++)
        for (let j = 0; j < dim; j++) G[off + i * dim + j] = sc.shape ? d * sc.shape[i][j] : i === j ? d : 0;
    }
  }
  return { steps, heun, h, t, a, G, s2 };
}
