// Scratch: the V-kernel's terms at one point, for bench/ntk-variance.ts.
import type { NtkPopulation } from './ntk.js';
import { ntkRow, weightedKernelRow } from './ntk.js';

export function ntkVarianceTerms(pop: NtkPopulation) {
  const { N, P, nu, state } = pop;
  const { lr, tau } = state.spec;
  let df1 = 0;
  let df2 = 0;
  for (const n of nu) {
    const f = -Math.expm1(-lr * tau * n);
    df1 += f;
    df2 += f * f;
  }
  df1 /= P;
  df2 /= P;
  const fn = (x: Float64Array, t: number) => {
    const w = weightedKernelRow(pop, x, t);
    let noise = 0;
    let rr = 0;
    let g = 0;
    let mean = 0;
    for (let j = 0; j < N; j++) {
      noise += w[j] * w[j] * pop.noise[j];
      rr += w[j] * w[j] * pop.resid[j] * pop.resid[j];
      g += w[j] * pop.resid[j];
      mean += w[j] * pop.ybar[j];
    }
    noise *= N / P;
    const design = (N * rr - g * g) / P;
    const r = ntkRow(pop, x, t);
    let infl = 0;
    for (let j = 0; j < N; j++) infl += r.phi[j] * r.phi[j];
    return { noise, design, mean, corrected: noise + infl / N / P };
  };
  return Object.assign(fn, { df1, df2 });
}
