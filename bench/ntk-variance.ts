// Pointwise variance of trained NTK models against the V-kernel (docs/theory-checks.md 6).
// The trained variance is computed exactly per design: given the DSM inputs (x_i, t_i) the model
// is linear in the targets x0_i, so Var = E_design[sum_i H_i(z)^2 C_i] + Var_design[H(z) ybar]
// (docs/theory.md 8; vkernel/ntk-exact.ts): no target draws, far less noise than sampling models.
//   npx tsx bench/ntk-variance.ts [P] [designs] [tau] [N] [design seed] [population] [modes] [resample seed]
// population 'continuum' (default): designs are P DSM draws, as trained members get them.
// population 'design': the N-point Nystrom design is the whole population (uniform over its atoms)
// and designs are P draws from it with replacement. The V-kernel is then the exact first-order
// (large-P) limit for that population, with no Nystrom error: P Var_trained -> P V as P grows
// checks the implementation, and the P at which the ratio reaches 1 shows the finite-P regime.
// Columns: lev(z) = lambda k_tau(z, z) / P at the evaluation point; lev(train) = the leverage
// (self-influence, ntk-exact.ts) of the training samples, averaged with the weights H_i(z)^2 C_i
// with which they carry the target-noise variance at z; F_eff = trace of the hat matrix.
// The second table sets the first-order V-kernel beside the corrected one, V + V2 / P^2 with the
// design term's next order V2 of vkernel/ntk-second-order.ts in the top `modes` (default 40) modes;
// |V2| / (P V1) is the size of that correction relative to the first-order design term. In the
// 'design' population the excess of the design term over its first order is also measured
// directly: P^2 (Var_design - V1 / P) with the first-order fluctuation sum_J (n_J / P) r_J as a
// control variate (its variance V1 / P is exact), which must tend to V2 as P grows.
import { makeSchedule } from '../runtime/schedule.js';
import { deriveSeed } from '../runtime/rng.js';
import { posterior } from '../runtime/posterior.js';
import { dsmSamples } from '../runtime/models/dsm.js';
import { targets } from '../runtime/models/linear.js';
import { embed, makeNtkState, type NtkNode } from '../runtime/models/ntk.js';
import {
  modeValues,
  ntkFiniteMean,
  ntkMean,
  ntkMuCov,
  ntkPopulation,
  ntkRow,
  weightedKernelRow,
  type NtkPopulation,
} from '../runtime/vkernel/ntk.js';
import { designMoments, ensembleVariance, resampledDesign, type Design } from '../runtime/vkernel/ntk-exact.js';
import { ntkSecondOrder } from '../runtime/vkernel/ntk-second-order.js';

const vp = makeSchedule({ kind: 'forward', name: 'vp', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 });
const two = { points: Float64Array.from([-1, 1]), weights: Float64Array.from([0.5, 0.5]), M: 2, dim: 1 };
const arg = (i: number, d: number) => Number(process.argv[i] ?? d);
const [P, designs, tau, N, seed] = [arg(2, 128), arg(3, 100), arg(4, 1), arg(5, 400), arg(6, 1)];
const population = process.argv[7] ?? 'continuum';
const modes = arg(8, 40);
// Designs at different P share their first draws (one uniform stream per design): a separate seed
// gives independent designs.
const resampleSeed = arg(9, seed);
if (population !== 'continuum' && population !== 'design')
  throw new Error(`population must be 'continuum' or 'design', got '${population}'`);
const node: NtkNode = {
  kind: 'model',
  name: 'n',
  data: 'd',
  forward: 'f',
  type: 'ntk',
  depth: 1,
  samples: P,
  tau,
  lr: 1,
  design: N,
  t_range: [1e-2, 1],
  seed: 3,
};
const st = makeNtkState(node, two, vp);
const pop = ntkPopulation(st, N, seed);
const pts: [number, number][] = [
  [0, 0.05],
  [0.3, 0.1],
  [0, 0.3],
  [0.8, 0.05],
  [0.8, 0.3],
];
const Q = pts.length;
const e = 3;
const U = new Float64Array(Q * e);
pts.forEach(([x, t], q) => embed([x], t, 1, node.t_range, U, q * e));
const noiseT = pts.map(() => [] as number[]);
// Per point: mubar and the influence r_J over the population's atoms (control variate, 'design' only).
const mubarAt = pts.map(([x, t]) => ntkMean(pop, Float64Array.of(x), t)[0]);
const rAt = pts.map(([x, t]) => ntkRow(pop, Float64Array.of(x), t).phi);
const cvTerms = pts.map(() => [] as number[]);
const cvD = pts.map(() => [] as number[]);
// The second-order fluctuation delta^T beta delta as a further control variate: E[2 L Q2] =
// 2 E_J[r_J beta_JJ] / P^2 exactly (the multinomial's third cumulant), so subtracting 2 L Q2 minus
// that mean removes the largest part of the noise of 2 L D without a bias.
const second = pts.map(([x, t]) => ntkSecondOrder(pop, node.lr * tau, Float64Array.of(x), t, modes)[0]);
const means = pts.map(() => [] as number[]);
const levNum = new Float64Array(Q);
const levDen = new Float64Array(Q);
let fEff = 0;
let levMax = 0;
for (let m = 0; m < designs; m++) {
  const d =
    population === 'continuum' ? continuumDesign(m) : resampledDesign(pop, P, deriveSeed(resampleSeed, 'resample', m));
  const { mean, noise, self, H } = designMoments(d, node.depth, (node.lr * tau) / P, U, Q);
  for (let a = 0; a < d.n; a++) {
    fEff += self[a] / designs;
    levMax = Math.max(levMax, self[a] / d.mult[a]);
  }
  for (let q = 0; q < Q; q++) {
    noiseT[q].push(noise[q]);
    means[q].push(mean[q]);
    if (d.index) {
      let L = 0;
      d.index.forEach((j, a) => (L += (d.mult[a] / P) * rAt[q][j]));
      const D = mean[q] - mubarAt[q] - L;
      const delta = new Float64Array(N).fill(-1 / N);
      d.index.forEach((j, a) => (delta[j] += d.mult[a] / P));
      const { beta } = second[q];
      let Q2 = 0;
      for (let i = 0; i < N; i++) {
        let s = 0;
        for (let j = 0; j < N; j++) s += beta[i * N + j] * delta[j];
        Q2 += delta[i] * s;
      }
      let eLQ2 = 0;
      for (let j = 0; j < N; j++) eLQ2 += (rAt[q][j] * beta[j * N + j]) / N;
      cvTerms[q].push(2 * L * D + D * D - 2 * L * Q2 + (2 * eLQ2) / (P * P));
      cvD[q].push(D);
    }
  }
  // lev(train): the samples' leverage weighted by H_a(z)^2 C_a / m_a, their share of the noise term.
  for (let q = 0; q < Q; q++)
    for (let a = 0; a < d.n; a++) {
      const w = (H[q * d.n + a] ** 2 * d.C[a]) / d.mult[a];
      levNum[q] += (w * self[a]) / d.mult[a];
      levDen[q] += w;
    }
}
console.log(
  `P = ${P}, tau = ${tau}, ${designs} designs, Nystrom design N = ${N} (seed ${seed}), population: ${population}`,
);
console.log(
  `F_eff = trace of the hat matrix = ${fEff.toFixed(2)} (F_eff / P = ${(fEff / P).toFixed(3)}); largest sample leverage over the designs ${levMax.toFixed(2)}`,
);
console.log(
  '| (x, t) | lev(z) | lev(train) | kappa(z) / P | rho(z) | trained (SE) | V-kernel | trained / V-kernel | noise term: trained / V-kernel | design term: trained / V-kernel | trained mean (SE) | continuum mean | first-order finite-P mean |',
);
pts.forEach(([x, t], q) => {
  const ev = ensembleVariance(means[q], noiseT[q]);
  const X = Float64Array.of(x);
  const pred = ntkMuCov(pop, X, t, X, t).cov[0];
  const nP = noisePart(pop, X, t);
  const cols = [
    `(${x}, ${t})`,
    leverage(pop, X, t).toFixed(2),
    (levNum[q] / levDen[q]).toFixed(2),
    (kappa(pop, X, t, false) / P).toFixed(2),
    (kappa(pop, X, t, true) / P).toFixed(2),
  ];
  cols.push(
    `${ev.total.toExponential(2)} (${ev.se.toExponential(1)})`,
    pred.toExponential(2),
    `${(ev.total / pred).toFixed(2)} +- ${(ev.se / pred).toFixed(2)}`,
  );
  cols.push(
    `${ev.noise.toExponential(2)} / ${nP.toExponential(2)}`,
    `${(ev.total - ev.noise).toExponential(2)} / ${(pred - nP).toExponential(2)}`,
  );
  cols.push(
    `${ev.mean.toFixed(4)} (${ev.meanSe.toFixed(4)})`,
    ntkMean(pop, X, t)[0].toFixed(4),
    ntkFiniteMean(pop, X, t)[0].toFixed(4),
  );
  console.log(`| ${cols.join(' | ')} |`);
});

console.log(
  `\nNext order of the design term (vkernel/ntk-second-order.ts, top ${modes} modes); corrected = V-kernel + V2 / P^2:`,
);
console.log(
  `| (x, t) | V2 / V1 | V2 / (P V1) | trained | V-kernel | corrected | trained / V-kernel | trained / corrected | design term: trained / first order / corrected |${population === 'design' ? ' P^2 (Var_design - V1 / P) (SE) | V2 |' : ''}`,
);
pts.forEach(([x, t], q) => {
  const X = Float64Array.of(x);
  const so = second[q];
  const ev = ensembleVariance(means[q], noiseT[q]);
  const pred = ntkMuCov(pop, X, t, X, t).cov[0];
  const corr = pred + so.v2 / (P * P);
  const nP = noisePart(pop, X, t);
  const cols = [
    `(${x}, ${t})`,
    (so.v2 / so.v1).toFixed(1),
    (Math.abs(so.v2) / (P * so.v1)).toFixed(3),
    `${ev.total.toExponential(2)} (${ev.se.toExponential(1)})`,
    pred.toExponential(2),
    corr.toExponential(2),
    `${(ev.total / pred).toFixed(2)} +- ${(ev.se / pred).toFixed(2)}`,
    `${(ev.total / corr).toFixed(2)} +- ${(ev.se / corr).toFixed(2)}`,
    `${(ev.total - ev.noise).toExponential(2)} / ${(pred - nP).toExponential(2)} / ${(corr - nP).toExponential(2)}`,
  ];
  if (population === 'design') {
    const n = cvTerms[q].length;
    const mD = cvD[q].reduce((a, b) => a + b, 0) / n;
    // Per-draw terms of 2 Cov(L, D) + Var(D) (E L = 0), their spread over sqrt(n) the SE.
    const per = cvTerms[q].map((v, i) => v - 2 * mD * cvD[q][i]);
    const mean = per.reduce((a, b) => a + b, 0) / n + mD * mD;
    const sd = Math.sqrt(per.reduce((a, b) => a + (b - (mean - mD * mD)) ** 2, 0) / (n - 1));
    cols.push(
      `${(P * P * mean).toPrecision(3)} (${((P * P * sd) / Math.sqrt(n)).toPrecision(2)})`,
      so.v2.toPrecision(3),
    );
  }
  console.log(`| ${cols.join(' | ')} |`);
});

/** P DSM draws of member m, as models/ntk.ts trains them. */
function continuumDesign(m: number): Design {
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
  return { n: P, Z, lambda, mult: new Float64Array(P).fill(1), ybar, C };
}

/** The V-kernel's target-noise term (1/P) <lambda^2 k_tau(z, .)^2 Cov[x0 | .]> (the rest is the design term). */
function noisePart(p: NtkPopulation, x: Float64Array, t: number): number {
  const w = weightedKernelRow(p, x, t);
  let v = 0;
  for (let j = 0; j < p.N; j++) v += p.N * w[j] * w[j] * p.noise[j];
  return v / p.P;
}

/**
 * The relative variance of the empirical operator in the modes that make up k_tau(z, z):
 * Var[S_hat_kk] / nu_k^2 = kappa_k / P with kappa_k = <lambda^2 e_k^4> - 1 = N sum_j v_jk^4 - 1 on the
 * design (P / kappa_k is about the number of samples that carry mode k), averaged with weights f_k e_k(z)^2.
 * rho(z) (bent = true) weights each mode also by min(1, c nu_k)^2: the filter's second order relative
 * to its first is c nu_k dS for c nu_k < 1 and of order dS once the mode is saturated (h ~ 1/s), so
 * rho is the size of the variance's next order relative to the first, the NTK analogue of F/P.
 */
function kappa(p: NtkPopulation, x: Float64Array, t: number, bent: boolean): number {
  const ev = modeValues(p, x, t);
  const K = ev.length;
  let num = 0;
  let den = 0;
  for (let k = 0; k < K; k++) {
    let s4 = 0;
    for (let j = 0; j < p.N; j++) s4 += p.v[j * K + k] ** 4;
    const w = p.f[k] * ev[k] * ev[k];
    num += w * (p.N * s4 - 1) * (bent ? Math.min(1, node.lr * tau * p.nu[k]) ** 2 : 1);
    den += w;
  }
  return num / den;
}

/** The weight a training sample at z would carry in its own fit: lambda(t) k_tau(z, z) / P. */
function leverage(p: NtkPopulation, x: Float64Array, t: number): number {
  const ev = modeValues(p, x, t);
  let k = 0;
  for (let i = 0; i < ev.length; i++) k += p.f[i] * ev[i] * ev[i];
  return ((vp.alpha(t) ** 2 / vp.s2(t)) * k) / p.P;
}
