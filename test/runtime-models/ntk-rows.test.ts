// The NTK V-kernel's per-point rows in blocks (vkernel/ntk.ts modeValuesBlock, ntkRows) against
// single points and against a slow reference written here from the definitions in the header of
// vkernel/ntk.ts, on small populations: synthetic ones (odd K, D = 1, 2, 3, so every path of the
// blocked loops runs) and a real one, through the time-correlation map too.
import { expect } from 'chai';
import { embed, makeNtkState, ntkTheta } from '../../runtime/models/ntk.js';
import {
  modeValues,
  modeValuesBlock,
  ntkModelPopulation,
  ntkMuCov,
  ntkRow,
  ntkRows,
  rowOf,
  weightedKernelRow,
  type NtkPopulationData,
} from '../../runtime/vkernel/ntk.js';
import { ntkVkernelMap } from '../../runtime/vkernel/ntk-map.js';
import { vFactor } from '../../runtime/vkernel/population.js';
import { normals } from '../../runtime/rng.js';
import type { IrMap } from '../../compiler/ir/types.js';
import { ntkNode, vp } from './setup.js';

/**
 * Rounding tolerance, relative to the largest entry of the quantity: the reference sums over j
 * backwards and forms k_tau(z, z_j) from e_k(z_j) = sqrt(N / lambda_j) v_jk, so it differs from
 * the implementation by rounding only (at most 3e-14 here).
 */
const TOL = 1e-12;

/** max |a - b| / max |b|. */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  expect(a.length).to.equal(b.length);
  expect(m, 'a non-zero reference').to.be.above(0);
  return d / m;
}

function bitwiseEqual(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

/** A population of random plain data (N design points, K modes): the formulas hold for any. */
function synthetic(N: number, K: number, D: number, seed: number): NtkPopulationData {
  const z = normals(seed, N * (D + 3 + D * D + 2 * K + K * D));
  let at = 0;
  const take = (n: number) => z.subarray(at, (at += n));
  const e = D + 2;
  const tRange: [number, number] = [1e-2, 1];
  const Z = new Float64Array(N * e);
  const xs = take(N * D);
  const lt = take(N);
  for (let j = 0; j < N; j++) embed(xs, 0.01 + 0.99 / (1 + Math.exp(-lt[j])), D, tRange, Z, j * e, j * D);
  const lambda = Float64Array.from(take(N), (x) => Math.exp(x));
  const A = take(N * D * D);
  const noise = new Float64Array(N * D * D);
  for (let j = 0; j < N; j++)
    for (let a = 0; a < D; a++)
      for (let b = 0; b < D; b++) {
        let s = 0;
        for (let c = 0; c < D; c++) s += A[j * D * D + a * D + c] * A[j * D * D + b * D + c];
        noise[j * D * D + a * D + b] = s;
      }
  const v = Float64Array.from(take(N * K));
  const nu = Float64Array.from({ length: K }, (_, k) => 2 ** -(k / 2));
  const f = Float64Array.from(nu, (n) => -Math.expm1(-3 * n));
  const infl = Float64Array.from(take(N * K * D));
  const inflMean = new Float64Array(K * D);
  for (let j = 0; j < N; j++) for (let i = 0; i < K * D; i++) inflMean[i] += infl[j * K * D + i] / N;
  const meanModes = Float64Array.from(take(K * D));
  return {
    N,
    D,
    P: 32,
    Z,
    lambda,
    noise,
    ybar: new Float64Array(N * D),
    resid: new Float64Array(N * D),
    nu,
    v,
    f,
    meanModes,
    infl,
    inflMean,
    depth: 2,
    tRange,
  };
}

interface RefRow {
  ek: Float64Array;
  /** lambda_j k_tau(z, z_j) / N */
  w: Float64Array;
  /** phi(z; z_j) - <phi(z; .)> */
  phi: Float64Array;
  /** lambda_j k_tau(z, z_j), phi(z; z_j) before centring */
  lk: Float64Array;
  raw: Float64Array;
}

/** The slow reference: the definitions of vkernel/ntk.ts's header, design sums taken backwards. */
function refRow(pop: NtkPopulationData, x: ArrayLike<number>, t: number): RefRow {
  const { N, D, nu, v, lambda, f, infl } = pop;
  const K = nu.length;
  const e = D + 2;
  const u = new Float64Array(e);
  embed(x, t, D, pop.tRange, u, 0);
  const ek = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let j = N - 1; j >= 0; j--)
      s += Math.sqrt(lambda[j]) * ntkTheta(u, 0, pop.Z, j * e, e, pop.depth) * v[j * K + k];
    ek[k] = s / (nu[k] * Math.sqrt(N));
  }
  const lk = new Float64Array(N);
  const raw = new Float64Array(N * D);
  for (let j = 0; j < N; j++) {
    let k_ = 0;
    for (let k = K - 1; k >= 0; k--) k_ += f[k] * ek[k] * Math.sqrt(N / lambda[j]) * v[j * K + k];
    lk[j] = lambda[j] * k_;
    for (let d = 0; d < D; d++) {
      let p = 0;
      for (let k = K - 1; k >= 0; k--) p += ek[k] * infl[(j * K + k) * D + d];
      raw[j * D + d] = p;
    }
  }
  const mean = new Float64Array(D);
  for (let j = N - 1; j >= 0; j--) for (let d = 0; d < D; d++) mean[d] += raw[j * D + d] / N;
  return {
    ek,
    w: Float64Array.from(lk, (x) => x / N),
    phi: Float64Array.from(raw, (p, i) => p - mean[i % D]),
    lk,
    raw,
  };
}

/**
 * Cov[mu_hat(za), mu_hat(zb)] = (1/P) { <lambda^2 k(za, .) C k(., zb)> + <phi_a phi_b> - <phi_a><phi_b> }
 * and its SE (the spread of the per-point terms over sqrt(N), over P).
 */
function refCov(pop: NtkPopulationData, a: RefRow, b: RefRow): { cov: Float64Array; se: Float64Array } {
  const { N, D, P } = pop;
  const ma = new Float64Array(D);
  const mb = new Float64Array(D);
  for (let j = 0; j < N; j++)
    for (let d = 0; d < D; d++) {
      ma[d] += a.raw[j * D + d] / N;
      mb[d] += b.raw[j * D + d] / N;
    }
  const cov = new Float64Array(D * D);
  const se = new Float64Array(D * D);
  for (let p = 0; p < D; p++)
    for (let q = 0; q < D; q++) {
      const terms = Array.from(
        { length: N },
        (_, j) =>
          a.lk[j] * pop.noise[j * D * D + p * D + q] * b.lk[j] +
          (a.raw[j * D + p] - ma[p]) * (b.raw[j * D + q] - mb[q]),
      );
      const m = terms.reduceRight((s, x) => s + x, 0) / N;
      const m2 = terms.reduceRight((s, x) => s + x * x, 0) / N;
      cov[p * D + q] = m / P;
      se[p * D + q] = Math.sqrt(Math.max(0, m2 - m * m) / N) / P;
    }
  return { cov, se };
}

/** B points in [-1.5, 1.5]^D at times in t_range. */
function points(B: number, D: number, seed: number): { xs: Float64Array; ts: Float64Array } {
  const z = normals(seed, B * (D + 1));
  return {
    xs: Float64Array.from(z.subarray(0, B * D), (x) => Math.tanh(x) * 1.5),
    ts: Float64Array.from(z.subarray(B * D), (x) => 0.01 + 0.99 / (1 + Math.exp(-x))),
  };
}

describe('NTK V-kernel rows in blocks of points (vkernel/ntk.ts ntkRows)', function () {
  this.timeout(120000);

  // B = 11 holds two groups of four and three single points in modeValuesBlock, five pairs and
  // one single point in the D = 2 rows; K = 13 leaves one mode after the pairs of modes.
  for (const D of [1, 2, 3]) {
    it(`a block equals its points one at a time bit for bit and the reference to ${TOL} (synthetic, D = ${D}, N = 37, K = 13)`, () => {
      const pop = synthetic(37, 13, D, 10 + D);
      const B = 11;
      const { xs, ts } = points(B, D, 20 + D);
      const E = modeValuesBlock(pop, xs, ts);
      const rows = ntkRows(pop, xs, ts);
      for (let b = 0; b < B; b++) {
        const x = xs.subarray(b * D, (b + 1) * D);
        const one = ntkRow(pop, x, ts[b]);
        const blk = rowOf(rows, b);
        expect(bitwiseEqual(E.subarray(b * 13, (b + 1) * 13), modeValues(pop, x, ts[b])), `e_k, point ${b}`).to.equal(
          true,
        );
        expect(bitwiseEqual(blk.w, one.w), `w, point ${b}`).to.equal(true);
        expect(bitwiseEqual(blk.phi, one.phi), `phi, point ${b}`).to.equal(true);
        expect(bitwiseEqual(weightedKernelRow(pop, x, ts[b]), one.w), `weightedKernelRow, point ${b}`).to.equal(true);
        const ref = refRow(pop, x, ts[b]);
        expect(relDiff(E.subarray(b * 13, (b + 1) * 13), ref.ek), `e_k, point ${b}`).to.be.at.most(TOL);
        expect(relDiff(blk.w, ref.w), `w, point ${b}`).to.be.at.most(TOL);
        expect(relDiff(blk.phi, ref.phi), `phi, point ${b}`).to.be.at.most(TOL);
        // a pair of distinct points (ntkMuCov computes them as one block of two)
        const y = xs.subarray(((b + 1) % B) * D, (((b + 1) % B) + 1) * D);
        const ty = ts[(b + 1) % B];
        const got = ntkMuCov(pop, x, ts[b], y, ty);
        const want = refCov(pop, ref, refRow(pop, y, ty));
        expect(relDiff(got.cov, want.cov), `cov, pair ${b}`).to.be.at.most(TOL);
        expect(relDiff(got.se, want.se), `se, pair ${b}`).to.be.at.most(TOL);
      }
    });
  }

  it(`the time-correlation map of a real population equals the reference covariance to ${TOL} (D = 2, 49 grid points: a full and a partial block)`, () => {
    const M = 7;
    const arc = Float64Array.from({ length: 2 * M }, (_, i) => {
      const a = (Math.PI * Math.floor(i / 2)) / (M - 1);
      return i % 2 === 0 ? Math.cos(a) : Math.sin(a);
    });
    const data = { points: arc, weights: new Float64Array(M).fill(1 / M), M, dim: 2 };
    const spec = ntkNode({ samples: 64, tau: 10, design: 80, seed: 6 });
    const state = makeNtkState(spec, data, vp);
    const pop = ntkModelPopulation(state);
    const ref = { x: [0, 0.5], t: 0.1 };
    const ts = [0.05, 0.2];
    const node = {
      kind: 'map',
      name: 'v',
      data: 'd',
      forward: 'f',
      quantity: 'vkernel_time_correlation',
      model: 'n',
      grid: { axes: [0, 1].map(() => ({ lo: -1.5, hi: 1.5, n: 7 })) },
      t: ts,
      ref,
      mc_samples: 100,
      seed: 1,
    } as unknown as IrMap;
    const { arrays } = ntkVkernelMap(node, state).result;
    const V = arrays.V.data as Float64Array;
    const se = arrays.V_se.data as Float64Array;
    const rb = refRow(pop, ref.x, ref.t);
    const axis = (i: number) => -1.5 + (3 * i) / 6;
    ts.forEach((t, k) => {
      const c = vFactor(vp, 'denoiser', t) * vFactor(vp, 'denoiser', ref.t);
      for (let g = 0; g < 49; g++) {
        const want = refCov(pop, refRow(pop, [axis(Math.floor(g / 7)), axis(g % 7)], t), rb);
        const at = (k * 49 + g) * 4;
        expect(
          relDiff(
            V.subarray(at, at + 4),
            want.cov.map((x) => c * x),
          ),
          `V, t ${t}, point ${g}`,
        ).to.be.at.most(TOL);
        expect(
          relDiff(
            se.subarray(at, at + 4),
            want.se.map((x) => Math.abs(c) * x),
          ),
          `se, t ${t}, point ${g}`,
        ).to.be.at.most(TOL);
      }
    });
  });
});
