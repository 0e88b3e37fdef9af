// NTK V-kernel map rows (vkernel/ntk.ts, the loops of vkernel/ntk-map.ts's tasks) and the
// population's design influence, not a test:  npx tsx bench/ntk-map.ts [reps] [N] [points]
// One thread, one process run, on a realistic population: seven points on an arc in 2D (as
// examples/ntk-training-time.gtv), N = 1000 design points (the default `design`), tau = 10.
// `old` is the code before the block form, copied below: per point it streams v [N, K] twice and
// infl [N, K, D] once from memory, and the influence reads M [K, K] once per design point and
// coordinate. `new` is what a map task runs: ntkRows on blocks of 32 points, then rowsCov per
// point (and single points through ntkMuCov, a block of one, as other callers use it). V at
// (z, z) for the same points (default 256, a 16 x 16 grid) at t = 0.05. Process CPU ms per point,
// old and new alternately, median of `reps` runs (default 5) after a warm-up, and the median of
// the per-run ratios; first the largest relative difference of the covariances between the two,
// and whether they and the influence are bitwise equal.
import os from 'node:os';
import { makeSchedule } from '../runtime/schedule.js';
import { embed, makeNtkState, ntkTheta, type NtkNode } from '../runtime/models/ntk.js';
import {
  designInfluence,
  flowDividedDifference,
  modeValues,
  modeValuesBlock,
  ntkMuCov,
  ntkPopulation,
  ntkRows,
  rowOf,
  rowsCov,
  type NtkPopulationData,
} from '../runtime/vkernel/ntk.js';

const REPS = Number(process.argv[2] ?? 5);
const N = Number(process.argv[3] ?? 1000);
const G = Number(process.argv[4] ?? 256);
const BLOCK = 32;
const load = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
console.log(`${new Date().toISOString()}  load average before: ${load()}  (shared machine)`);

const vp = makeSchedule({ kind: 'forward', name: 'vp', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 });
const M = 7;
const arc = Float64Array.from({ length: 2 * M }, (_, i) => {
  const a = (Math.PI * Math.floor(i / 2)) / (M - 1);
  return i % 2 === 0 ? Math.cos(a) : Math.sin(a);
});
const data = { points: arc, weights: new Float64Array(M).fill(1 / M), M, dim: 2 };
const node: NtkNode = {
  kind: 'model',
  name: 'n',
  data: 'd',
  forward: 'f',
  type: 'ntk',
  depth: 1,
  samples: 256,
  tau: 10,
  lr: 1,
  design: N,
  t_range: [1e-2, 1],
  seed: 6,
};
const c0 = process.cpuUsage();
const pop = ntkPopulation(makeNtkState(node, data, vp), N, 1);
const built = process.cpuUsage(c0);
const K = pop.nu.length;
console.log(`population N = ${N}, K = ${K}, D = 2: built in ${((built.user + built.system) / 1e6).toFixed(1)} s CPU`);

const side = Math.ceil(Math.sqrt(G));
const points = Float64Array.from({ length: 2 * G }, (_, i) => {
  const g = Math.floor(i / 2);
  return -1.5 + (3 * (i % 2 === 0 ? g % side : Math.floor(g / side))) / (side - 1);
});
const t = 0.05;

// ---- the per-point code before the block form (vkernel/ntk.ts at 17f40c2), verbatim ----
function oldModeValues(pop: NtkPopulationData, x: Float64Array, t: number): Float64Array {
  const { N, D, nu, v } = pop;
  const e = D + 2;
  const K = nu.length;
  const u = new Float64Array(e);
  embed(x, t, D, pop.tRange, u, 0);
  const out = new Float64Array(K);
  for (let j = 0; j < N; j++) {
    const tj = Math.sqrt(pop.lambda[j]) * ntkTheta(u, 0, pop.Z, j * e, e, pop.depth);
    if (tj === 0) continue;
    const row = j * K;
    for (let k = 0; k < K; k++) out[k] += tj * v[row + k];
  }
  const s = Math.sqrt(N);
  for (let k = 0; k < K; k++) out[k] /= nu[k] * s;
  return out;
}
function oldKernelRowOf(pop: NtkPopulationData, ek: Float64Array): Float64Array {
  const { N, v, f } = pop;
  const K = f.length;
  const fe = Float64Array.from(ek, (x, k) => x * f[k]);
  const row = new Float64Array(N);
  const s = Math.sqrt(N);
  for (let j = 0; j < N; j++) {
    let acc = 0;
    for (let k = 0; k < K; k++) acc += fe[k] * v[j * K + k];
    row[j] = (Math.sqrt(pop.lambda[j]) * acc) / s;
  }
  return row;
}
function oldNtkRow(pop: NtkPopulationData, x: Float64Array, t: number) {
  const { N, D, infl, inflMean } = pop;
  const ek = oldModeValues(pop, x, t);
  const K = ek.length;
  const mean = new Float64Array(D);
  for (let k = 0; k < K; k++) for (let d = 0; d < D; d++) mean[d] += ek[k] * inflMean[k * D + d];
  const phi = new Float64Array(N * D);
  for (let j = 0; j < N; j++)
    for (let d = 0; d < D; d++) {
      let s = 0;
      const o = j * K * D + d;
      for (let k = 0; k < K; k++) s += ek[k] * infl[o + k * D];
      phi[j * D + d] = s - mean[d];
    }
  return { w: oldKernelRowOf(pop, ek), phi };
}
function oldMuCov(pop: NtkPopulationData, x: Float64Array, t: number): Float64Array {
  const { N, D, P } = pop;
  const ra = oldNtkRow(pop, x, t);
  const rb = ra;
  const cov = new Float64Array(D * D);
  for (let j = 0; j < N; j++) {
    const w = ra.w[j] * rb.w[j] * N * N;
    for (let a = 0; a < D; a++)
      for (let b = 0; b < D; b++) {
        const term = w * pop.noise[j * D * D + a * D + b] + ra.phi[j * D + a] * rb.phi[j * D + b];
        cov[a * D + b] += term / N;
      }
  }
  for (let i = 0; i < D * D; i++) cov[i] /= P;
  return cov;
}
function oldInfluence(
  N: number,
  D: number,
  K: number,
  lambda: Float64Array,
  ybar: Float64Array,
  nu: Float64Array,
  v: Float64Array,
  c: number,
) {
  const f = Float64Array.from(nu, (n) => -Math.expm1(-c * n));
  // e_k(z_j) = sqrt(N / lambda_j) v_jk;  a_k = (1/N) sum_j lambda_j ybar_j e_k(z_j)
  const a = new Float64Array(K * D);
  for (let j = 0; j < N; j++) {
    const w = Math.sqrt(lambda[j] / N);
    for (let d = 0; d < D; d++) {
      const y = w * ybar[j * D + d];
      for (let k = 0; k < K; k++) a[k * D + d] += y * v[j * K + k];
    }
  }
  const meanModes = Float64Array.from(a, (x, i) => f[Math.floor(i / D)] * x);
  const M = flowDividedDifference(nu, c);
  // Ma_kd = M_kl a_l: m_k(z_j) = sum_l M_kl a_l e_l(z_j) needs the product per design point.
  const infl = new Float64Array(N * K * D);
  const inflMean = new Float64Array(K * D);
  const mubar = new Float64Array(N * D);
  const ea = new Float64Array(K * D);
  for (let j = 0; j < N; j++) {
    const sc = Math.sqrt(N / lambda[j]);
    // ea_l = a_l e_l(z_j)
    for (let l = 0; l < K; l++) for (let d = 0; d < D; d++) ea[l * D + d] = a[l * D + d] * sc * v[j * K + l];
    for (let k = 0; k < K; k++) {
      const ek = sc * v[j * K + k];
      const row = k * K;
      for (let d = 0; d < D; d++) {
        let m = 0;
        for (let l = 0; l < K; l++) m += M[row + l] * ea[l * D + d];
        const val = lambda[j] * ek * (f[k] * ybar[j * D + d] + m);
        infl[(j * K + k) * D + d] = val;
        inflMean[k * D + d] += val / N;
        mubar[j * D + d] += ek * meanModes[k * D + d];
      }
    }
  }
  return { f, meanModes, infl, inflMean, mubar };
}
// ---- end of the old code ----

function oldMap(): Float64Array {
  const out = new Float64Array(G * 4);
  for (let g = 0; g < G; g++) out.set(oldMuCov(pop, points.subarray(2 * g, 2 * g + 2), t), 4 * g);
  return out;
}
function newMap(): Float64Array {
  const out = new Float64Array(G * 4);
  for (let g0 = 0; g0 < G; g0 += BLOCK) {
    const g1 = Math.min(G, g0 + BLOCK);
    const rows = ntkRows(pop, points.subarray(2 * g0, 2 * g1), new Float64Array(g1 - g0).fill(t));
    for (let g = g0; g < g1; g++) {
      const r = rowOf(rows, g - g0);
      out.set(rowsCov(pop, r, r).cov, 4 * g);
    }
  }
  return out;
}
function newMapSingle(): void {
  for (let g = 0; g < G; g++) {
    // one array for both points, so that ntkMuCov computes one row (as the old copy above does)
    const x = points.subarray(2 * g, 2 * g + 2);
    ntkMuCov(pop, x, t, x, t);
  }
}
function oldModes(): void {
  for (let g = 0; g < G; g++) oldModeValues(pop, points.subarray(2 * g, 2 * g + 2), t);
}
function newModes(): void {
  for (let g0 = 0; g0 < G; g0 += BLOCK) {
    const g1 = Math.min(G, g0 + BLOCK);
    modeValuesBlock(pop, points.subarray(2 * g0, 2 * g1), new Float64Array(g1 - g0).fill(t));
  }
}
function newModesSingle(): void {
  for (let g = 0; g < G; g++) modeValues(pop, points.subarray(2 * g, 2 * g + 2), t);
}

/** CPU ms of one call. */
function cpuMs(run: () => void): number {
  const c = process.cpuUsage();
  run();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

/**
 * Old and new alternately, `REPS` times after one warm-up of each (other jobs' load then hits
 * both alike): median CPU ms per call / `per` of each, and the median of the per-pair ratios.
 */
function compare(old: () => void, neu: () => void, per = G): [number, number, number] {
  old();
  neu();
  const o: number[] = [];
  const n: number[] = [];
  for (let r = 0; r < REPS; r++) {
    o.push(cpuMs(old) / per);
    n.push(cpuMs(neu) / per);
  }
  return [median(o), median(n), median(o.map((x, i) => x / n[i]))];
}

const a = oldMap();
const b = newMap();
let rel = 0;
let same = true;
for (let i = 0; i < a.length; i++) {
  rel = Math.max(rel, Math.abs(a[i] - b[i]) / Math.max(Math.abs(a[i]), 1e-300));
  same &&= Object.is(a[i], b[i]);
}
console.log(
  `${G} points at t = ${t}: max relative difference new vs old ${rel.toExponential(2)}, bitwise equal: ${same}`,
);

const c = node.lr * node.tau;
const inflArgs = [N, 2, K, pop.lambda, pop.ybar, pop.nu, pop.v, c] as const;
const oldI = oldInfluence(...inflArgs);
const newI = designInfluence(...inflArgs);
const inflSame = (['infl', 'inflMean', 'mubar'] as const).every((key) =>
  oldI[key].every((x, i) => Object.is(x, newI[key][i])),
);
console.log(`population influence: new vs old bitwise equal: ${inflSame}`);

const rows: [string, number, number, number][] = [];
rows.push(['V at (z, z): rows + covariance, blocks of 32', ...compare(oldMap, newMap)]);
rows.push(['V at (z, z), new single point (block of 1)', ...compare(oldMap, newMapSingle)]);
rows.push(['e_k(z) alone, blocks of 32', ...compare(oldModes, newModes)]);
rows.push(['e_k(z) alone, new single point (block of 1)', ...compare(oldModes, newModesSingle)]);
const [io, inew, ir] = compare(
  () => oldInfluence(...inflArgs),
  () => designInfluence(...inflArgs),
  1,
);
rows.push([`population influence (ms per population, not per point)`, io, inew, ir]);
console.log(`\n| step | old ms / point | new ms / point | old / new |\n| --- | --- | --- | --- |`);
for (const [name, o, n, r] of rows) console.log(`| ${name} | ${o.toFixed(2)} | ${n.toFixed(2)} | ${r.toFixed(2)} |`);
console.log(`\nload average after: ${load()}`);
