// Pointwise variance of trained NTK models against the V-kernel (docs/theory-checks.md 6).
// The trained variance is computed exactly per design: given the DSM inputs (x_i, t_i) the model
// is linear in the targets x0_i, so Var = E_design[sum_i H_i(z)^2 C_i] + Var_design[H(z) ybar]
// (docs/theory.md 8): no target draws, far less noise than sampling models.
//   npx tsx bench/ntk-variance.ts [P] [designs] [tau] [N] [design seed]
import { makeSchedule } from '../runtime/schedule.js';
import { deriveSeed } from '../runtime/rng.js';
import { posterior } from '../runtime/posterior.js';
import { dsmSamples } from '../runtime/models/dsm.js';
import { targets } from '../runtime/models/linear.js';
import { embed, flowGain, makeNtkState, ntkTheta, symEig, type NtkNode } from '../runtime/models/ntk.js';
import { ntkFiniteMean, ntkMean, ntkMuCov, ntkPopulation } from '../runtime/vkernel/ntk.js';
import { modeValues, weightedKernelRow, type NtkPopulation } from '../runtime/vkernel/ntk.js';

const vp = makeSchedule({ kind: 'forward', name: 'vp', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 });
const two = { points: Float64Array.from([-1, 1]), weights: Float64Array.from([0.5, 0.5]), M: 2, dim: 1 };
const [P, designs, tau, N] = [Number(process.argv[2] ?? 128), Number(process.argv[3] ?? 100), Number(process.argv[4] ?? 1), Number(process.argv[5] ?? 400)];
const node: NtkNode = { kind: 'model', name: 'n', data: 'd', forward: 'f', type: 'ntk', depth: 1, samples: P, tau, lr: 1, design: N, t_range: [1e-2, 1], seed: 3 };
const st = makeNtkState(node, two, vp);
const pts: [number, number][] = [[0, 0.05], [0.3, 0.1], [0, 0.3], [0.8, 0.05], [0.8, 0.3]];
const e = 3;
const noiseT = pts.map(() => [] as number[]);
const means = pts.map(() => [] as number[]);
for (let m = 0; m < designs; m++) {
  const s = dsmSamples(two, vp, P, node.t_range, deriveSeed(node.seed, 'member', m));
  const { lambda } = targets(s, vp, 'denoiser');
  const Z = new Float64Array(P * e);
  const ybar = new Float64Array(P);
  const C = new Float64Array(P);
  for (let i = 0; i < P; i++) {
    embed(s.x, s.t[i], 1, node.t_range, Z, i * e, i);
    const post = posterior(two, vp, s.t[i], s.x.subarray(i, i + 1), ['mean', 'cov']);
    ybar[i] = post.mean![0];
    C[i] = post.cov![0];
  }
  const sl = lambda.map(Math.sqrt);
  const K = new Float64Array(P * P);
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) K[i * P + j] = sl[i] * sl[j] * ntkTheta(Z, i * e, Z, j * e, e, 1);
  const { values, vectors } = symEig(K, P);
  const nuMax = Math.max(...values);
  const c = tau / P;
  pts.forEach(([x, t], q) => {
    const u = new Float64Array(e);
    embed([x], t, 1, node.t_range, u, 0);
    const a = new Float64Array(P);
    for (let i = 0; i < P; i++) a[i] = ntkTheta(u, 0, Z, i * e, e, 1) * sl[i];
    // H = a U g U^T Lambda^{1/2}
    const H = new Float64Array(P);
    for (let k = 0; k < P; k++) {
      const g = flowGain(values[k], c, nuMax);
      if (!g) continue;
      let p = 0;
      for (let i = 0; i < P; i++) p += a[i] * vectors[i * P + k];
      for (let i = 0; i < P; i++) H[i] += g * p * vectors[i * P + k] * sl[i];
    }
    let mu = 0;
    let nv = 0;
    for (let i = 0; i < P; i++) {
      mu += H[i] * ybar[i];
      nv += H[i] * H[i] * C[i];
    }
    noiseT[q].push(nv);
    means[q].push(mu);
  });
}
const pop = ntkPopulation(st, N, Number(process.argv[6] ?? 1));
console.log(`P = ${P}, tau = ${tau}, ${designs} designs, Nystrom design N = ${N} (seed ${process.argv[6] ?? 1})`);
console.log('| (x, t) | leverage lambda k(z, z) / P | trained (SE) | ridge-form V-kernel | V-kernel | trained / V-kernel | trained mean (SE) | continuum mean | first-order finite-P mean |');
pts.forEach(([x, t], q) => {
  const mm = means[q];
  const n = mm.length;
  const avg = mm.reduce((a, b) => a + b, 0) / n;
  const per = mm.map((m, i) => noiseT[q][i] + ((m - avg) ** 2 * n) / (n - 1));
  const tot = per.reduce((a, b) => a + b, 0) / n;
  const se = Math.sqrt(per.reduce((a, b) => a + (b - tot) ** 2, 0) / (n - 1) / n);
  const X = Float64Array.of(x);
  const pred = ntkMuCov(pop, X, t, X, t).cov[0];
  const lev = leverage(pop, X, t);
  // The trained mean's SE: the spread of the per-design means H(z) E[x0 | z_i] over designs.
  const mse = Math.sqrt(mm.reduce((a, b) => a + (b - avg) ** 2, 0) / (n - 1) / n);
  const cols = [`(${x}, ${t})`, lev.toFixed(2), `${tot.toExponential(2)} (${se.toExponential(1)})`, ridgeForm(pop, X, t).toExponential(2), pred.toExponential(2)];
  cols.push(`${(tot / pred).toFixed(2)} +- ${(se / pred).toFixed(2)}`, `${avg.toFixed(4)} (${mse.toFixed(4)})`, ntkMean(pop, X, t)[0].toFixed(4), ntkFiniteMean(pop, X, t)[0].toFixed(4));
  console.log(`| ${cols.join(' | ')} |`);
});

/** docs/theory.md 9.2's design term (exact for ridge filters), as the V-kernel had it before the filter's derivative. */
function ridgeForm(p: NtkPopulation, x: Float64Array, t: number): number {
  const w = weightedKernelRow(p, x, t);
  let v = 0;
  let g = 0;
  for (let j = 0; j < p.N; j++) {
    v += p.N * w[j] * w[j] * (p.noise[j] + p.resid[j] ** 2);
    g += w[j] * p.resid[j];
  }
  return (v - g * g) / p.P;
}

/** The weight a training sample at z would carry in its own fit: lambda(t) k_tau(z, z) / P. */
function leverage(p: NtkPopulation, x: Float64Array, t: number): number {
  const e = modeValues(p, x, t);
  let k = 0;
  for (let i = 0; i < e.length; i++) k += p.f[i] * e[i] * e[i];
  return ((vp.alpha(t) ** 2 / vp.s2(t)) * k) / p.P;
}
