// The PF-ODE with the exact score of a weighted point set, on float64 per-particle loops.
//
// Every IR process has S_t = s2(t) M and D_t = d(t) M (schedule.ts), so the velocity
// beta x + D_t S_t^{-1}(alpha mu_bar - x) is beta x + (d/s2)(alpha mu_bar - x): M cancels. The
// posterior weights need the Mahalanobis distance in M, so with L = chol(M) the loops run in
// whitened coordinates y = L^{-1} x, where the points are L^{-1} mu_m and everything is
// isotropic (y' = L^{-1} x' is linear, so Euler and Heun commute with the change of variables).
//
// The weights are a softmax over M with the largest logit subtracted first (log-sum-exp): far
// from every point, or at t_min where s2 ~ 1e-8, all exps but the nearest underflow to 0 and the
// nearest is exactly 1, so the sum never vanishes.
//
// A particle's arithmetic depends only on its own initial draw, so results do not depend on how
// the caller chunks the particles. 1D Euler steps run in WebAssembly SIMD where it is on
// (particles.wat xstep1), with the JS loop's operations in its order: the same bits.

import type { Schedule } from '../schedule.js';
import type { PointSet } from '../posterior.js';
import { cholesky, solveLower } from '../linalg/cholesky.js';
import { normals } from '../rng.js';
import type { Task } from '../pool/pool.js';
import { EXP_TABLES, expNonPositive } from './exp.js';
import { TABLE_FIRST, loopKernel } from './wasm/simd.js';

// Weights below e^-37 = 8.5e-17 of the largest (which is 1, so z >= 1) are skipped: each moves z
// by less than half an ulp and the mean by less than 1e-16 of the largest |point|. Near t_min most
// weights are that small, which saves their exps.
const NEGLIGIBLE = -37;

/** Per-step scalars of v = beta y + c (alpha mu_bar - y), c = d/s2, and 1/(2 s2) for the logits. */
export interface ExactStep {
  alpha: number;
  beta: number;
  c: number;
  inv2s2: number;
}

export function exactStep(schedule: Schedule, t: number): ExactStep {
  const s2 = schedule.s2(t);
  return { alpha: schedule.alpha(t), beta: schedule.beta(t), c: schedule.d(t) / s2, inv2s2: 0.5 / s2 };
}

/**
 * interface ExactField    the data in whitened coordinates
 *   points [M*dim] L^{-1} mu_m; logPi [M]; L [dim*dim] lower factor of M, or null (M = I)
 */
export interface ExactField {
  points: Float64Array;
  logPi: Float64Array;
  M: number;
  dim: number;
  L: Float64Array | null;
}

export function exactField(data: PointSet, schedule: Schedule): ExactField {
  const { M, dim } = data;
  const points = Float64Array.from(data.points);
  const L = schedule.shape ? cholesky(schedule.shape) : null;
  if (L) for (let m = 0; m < M; m++) solveLower(L, dim, points, m * dim);
  return { points, logPi: data.weights.map((w) => Math.log(w)), M, dim, L };
}

/** Whitens rows in place: x[i] <- L^{-1} x[i]. */
export function whiten(f: ExactField, x: Float64Array): void {
  if (f.L) for (let o = 0; o < x.length; o += f.dim) solveLower(f.L, f.dim, x, o);
}

/** Undoes whiten: x[i] <- L x[i]. */
export function unwhiten(f: ExactField, x: Float64Array): void {
  const { L, dim } = f;
  if (!L) return;
  for (let o = 0; o < x.length; o += dim)
    for (let a = dim - 1; a >= 0; a--) {
      let v = 0;
      for (let b = 0; b <= a; b++) v += L[a * dim + b] * x[o + b];
      x[o + a] = v;
    }
}

/**
 * velocities(f, y, n, st, out, scratch): void
 * out[i] = beta y_i + c (alpha mu_bar(y_i) - y_i) for rows i < n of y (whitened); scratch holds M logits.
 */
export function velocities(
  f: ExactField,
  y: Float64Array,
  n: number,
  st: ExactStep,
  out: Float64Array,
  scratch: Float64Array,
): void {
  if (f.dim === 1) velocities1(f, y, n, st, out, scratch);
  else if (f.dim === 2) velocities2(f, y, n, st, out, scratch);
  else velocitiesN(f, y, n, st, out, scratch);
}

function velocities1(
  f: ExactField,
  y: Float64Array,
  n: number,
  st: ExactStep,
  out: Float64Array,
  logits: Float64Array,
): void {
  const { points, logPi, M } = f;
  const { alpha, beta, c, inv2s2 } = st;
  for (let i = 0; i < n; i++) {
    const x = y[i];
    let max = -Infinity;
    for (let m = 0; m < M; m++) {
      const diff = x - alpha * points[m];
      const l = logPi[m] - diff * diff * inv2s2;
      logits[m] = l;
      if (l > max) max = l;
    }
    let z = 0;
    let s = 0;
    for (let m = 0; m < M; m++) {
      const u = logits[m] - max;
      if (u < NEGLIGIBLE) continue;
      const w = expNonPositive(u);
      z += w;
      s += w * points[m];
    }
    out[i] = beta * x + c * ((alpha * s) / z - x);
  }
}

function velocities2(
  f: ExactField,
  y: Float64Array,
  n: number,
  st: ExactStep,
  out: Float64Array,
  logits: Float64Array,
): void {
  const { points, logPi, M } = f;
  const { alpha, beta, c, inv2s2 } = st;
  for (let i = 0; i < n; i++) {
    const x0 = y[2 * i];
    const x1 = y[2 * i + 1];
    let max = -Infinity;
    for (let m = 0; m < M; m++) {
      const d0 = x0 - alpha * points[2 * m];
      const d1 = x1 - alpha * points[2 * m + 1];
      const l = logPi[m] - (d0 * d0 + d1 * d1) * inv2s2;
      logits[m] = l;
      if (l > max) max = l;
    }
    let z = 0;
    let s0 = 0;
    let s1 = 0;
    for (let m = 0; m < M; m++) {
      const u = logits[m] - max;
      if (u < NEGLIGIBLE) continue;
      const w = expNonPositive(u);
      z += w;
      s0 += w * points[2 * m];
      s1 += w * points[2 * m + 1];
    }
    const az = alpha / z;
    out[2 * i] = beta * x0 + c * (az * s0 - x0);
    out[2 * i + 1] = beta * x1 + c * (az * s1 - x1);
  }
}

function velocitiesN(
  f: ExactField,
  y: Float64Array,
  n: number,
  st: ExactStep,
  out: Float64Array,
  logits: Float64Array,
): void {
  const { points, logPi, M, dim } = f;
  const { alpha, beta, c, inv2s2 } = st;
  const s = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    let max = -Infinity;
    for (let m = 0; m < M; m++) {
      let d2 = 0;
      for (let a = 0; a < dim; a++) {
        const diff = y[o + a] - alpha * points[m * dim + a];
        d2 += diff * diff;
      }
      const l = logPi[m] - d2 * inv2s2;
      logits[m] = l;
      if (l > max) max = l;
    }
    let z = 0;
    s.fill(0);
    for (let m = 0; m < M; m++) {
      const u = logits[m] - max;
      if (u < NEGLIGIBLE) continue;
      const w = expNonPositive(u);
      z += w;
      for (let a = 0; a < dim; a++) s[a] += w * points[m * dim + a];
    }
    const az = alpha / z;
    for (let a = 0; a < dim; a++) out[o + a] = beta * y[o + a] + c * (az * s[a] - y[o + a]);
  }
}

/** stepTable(schedule, times): Float64Array [times, 4]: alpha, beta, c = d/s2, 1/(2 s2) per time. */
export function stepTable(schedule: Schedule, times: Float64Array): Float64Array {
  const out = new Float64Array(4 * times.length);
  for (let k = 0; k < times.length; k++) {
    const st = exactStep(schedule, times[k]);
    out.set([st.alpha, st.beta, st.c, st.inv2s2], 4 * k);
  }
  return out;
}

const stepAt = (table: Float64Array, k: number): ExactStep => ({
  alpha: table[4 * k],
  beta: table[4 * k + 1],
  c: table[4 * k + 2],
  inv2s2: table[4 * k + 3],
});

/**
 * integrateExact(f, y, n, times, table, solver, onStep?): number
 * y [n, dim] whitened float64, advanced in place from times[0] down the grid (Euler: velocity at
 * the step's start; Heun: trapezoidal predictor-corrector); table = stepTable(schedule, times);
 * returns -1, or the first step after which some state is non-finite. onStep(k) after every step.
 */
export function integrateExact(
  f: ExactField,
  y: Float64Array,
  n: number,
  times: Float64Array,
  table: Float64Array,
  solver: 'euler' | 'heun',
  onStep?: (step: number) => void,
): number {
  if (f.dim === 1 && solver === 'euler') {
    const bad = integrateExact1(f, y, n, times, table, onStep);
    if (bad !== null) return bad;
  }
  const len = n * f.dim;
  const v = new Float64Array(len);
  const v2 = solver === 'heun' ? new Float64Array(len) : null;
  const pred = solver === 'heun' ? new Float64Array(len) : null;
  const logits = new Float64Array(f.M);
  for (let k = 0; k + 1 < times.length; k++) {
    const h = times[k] - times[k + 1];
    velocities(f, y, n, stepAt(table, k), v, logits);
    let finite = true;
    if (v2 && pred) {
      for (let j = 0; j < len; j++) pred[j] = y[j] + h * v[j];
      velocities(f, pred, n, stepAt(table, k + 1), v2, logits);
      const h2 = h / 2;
      for (let j = 0; j < len; j++) {
        const u = y[j] + h2 * (v[j] + v2[j]);
        y[j] = u;
        if (u - u !== 0) finite = false;
      }
    } else
      for (let j = 0; j < len; j++) {
        const u = y[j] + h * v[j];
        y[j] = u;
        if (u - u !== 0) finite = false;
      }
    if (!finite) return k;
    onStep?.(k);
  }
  return -1;
}

/**
 * integrateExact's 1D Euler steps through the WebAssembly module (particles.wat xstep1: the same
 * bits as the JS loops), or null where the module is off.
 */
function integrateExact1(
  f: ExactField,
  y: Float64Array,
  n: number,
  times: Float64Array,
  table: Float64Array,
  onStep?: (step: number) => void,
): number | null {
  const { T, POW2, INV, LN2_HI, LN2_LO } = EXP_TABLES;
  const M = f.M;
  // the module's memory from TABLE_FIRST: T, POW2, points, log weights, logit pairs [M, 2], states
  const tp = TABLE_FIRST;
  const p2p = tp + 8 * T.length;
  const pp = p2p + 8 * POW2.length;
  const lp = pp + 8 * M;
  const gp = Math.ceil((lp + 8 * M) / 16) * 16;
  const yp = gp + 16 * M;
  const kernel = loopKernel(yp + 8 * n);
  if (!kernel) return null;
  const at = (o: number, len: number) => new Float64Array(kernel.memory.buffer, o, len);
  at(tp, T.length).set(T);
  at(p2p, POW2.length).set(POW2);
  at(pp, M).set(f.points);
  at(lp, M).set(f.logPi);
  const ys = at(yp, n);
  ys.set(y.subarray(0, n));
  let bad = -1;
  for (let k = 0; k + 1 < times.length; k++) {
    const h = times[k] - times[k + 1];
    const [alpha, beta, c, inv2s2] = table.subarray(4 * k, 4 * k + 4);
    const ok = kernel.xstep1(yp, n, M, pp, lp, gp, tp, p2p, INV, LN2_HI, LN2_LO, alpha, beta, c, inv2s2, h);
    if (!ok) {
      bad = k;
      break;
    }
    onStep?.(k);
  }
  y.set(ys);
  return bad;
}

/**
 * One chunk of the exact-score PF-ODE as plain data for the worker pool: particles
 * start..start+count, in blocks of `block`; task m integrates block m and writes its samples
 * (unwhitened, float32) into out [count, dim].
 */
export interface ExactJob {
  field: ExactField;
  times: Float64Array;
  table: Float64Array;
  solver: 'euler' | 'heun';
  seed: number;
  /** sqrt(s2(T)): x_T = sd L z, so the whitened start is sd z. */
  sd: number;
  start: number;
  count: number;
  block: number;
  out: Float32Array;
}

export function exactBlocks(job: Pick<ExactJob, 'count' | 'block'>): number {
  return Math.ceil(job.count / job.block);
}

/** runExactBlock(job, m): number   -1, or the step at which block m's state became non-finite */
export function runExactBlock(job: ExactJob, m: number, onStep?: (step: number) => void): number {
  const { field, block, sd } = job;
  const dim = field.dim;
  const first = m * block;
  const n = Math.min(block, job.count - first);
  const y = normals(job.seed, n * dim, (job.start + first) * dim);
  for (let j = 0; j < y.length; j++) y[j] *= sd;
  const bad = integrateExact(field, y, n, job.times, job.table, job.solver, onStep);
  if (bad >= 0) return bad;
  unwhiten(field, y);
  job.out.set(y, first * dim);
  return -1;
}

export const exactPfOdeTask: Task<ExactJob, null> = {
  kind: 'exact-pf-ode',
  prepare: () => null,
  run: (job, _prep, m) => runExactBlock(job, m),
};
