// One ensemble member end to end, from plain data only (so a worker thread can run it): its
// weights (given, trained in closed form here, or drawn here as a Gaussian-field virtual model),
// the PF-ODE from its own initial draws, its samples and histogram written into the shared output
// arrays. The result depends only on the job and the member index, never on the thread that runs
// it.
//
// Fast path: features that are a product of time factors and at most two one-axis space factors
// (particles/integrate.ts). Anything else is integrated through models/linear-eval.ts in blocks.

import type { IrFeatureTree, IrHistogram } from '../../compiler/ir/types.js';
import { compileFeatures, type FeatureMap } from '../features.js';
import { linearEvaluator, type LinearEvaluator } from '../models/linear-eval.js';
import { factoredGram, ridgeFit } from '../models/linear.js';
import { histogram } from '../histogram.js';
import { drawOmegaWeights, type OmegaField } from '../vkernel/omega.js';
import { normals, normalsInto } from '../rng.js';
import { firstKeptAtOrAfter, keptRow } from '../sample-subset.js';
import { axisBasis, isTimeBasis, productLeaves, type AxisBasis } from '../bases.js';
import { integrateParticles } from './integrate.js';
import { integrateTable, tableScratch, type TableScratch } from './table.js';
import { tableAxes, type AxisTable } from './table-axes.js';
import { productTrainer, type ProductTrainer } from './train.js';
import type { StepPlan } from './steps.js';
import type { Task } from '../pool/pool.js';

/**
 * Gaussian bumps more than e^-TAU below a row's largest are dropped in sampling: e^-24 = 4e-11,
 * over three orders below the float32 resolution of the samples (test/runtime-models/
 * speed-equivalence.test.ts holds the result to a direct, untruncated evaluation).
 */
const SAMPLE_TAU = 24;

export interface TrainInputs {
  kind: 'train';
  P: number;
  ridge: number;
  /** Per member, member-major: x [P, dim], t [P], lambda [P], Y [P, dim]. */
  x: Float64Array;
  t: Float64Array;
  lambda: Float64Array;
  Y: Float64Array;
}

/** Gaussian-field virtual models (vkernel/omega.ts), drawn in the thread that samples them. */
export interface OmegaInputs {
  kind: 'omega';
  field: OmegaField;
  mean: Float64Array;
  /** Virtual-model seed per member. */
  seeds: Float64Array;
}

/** What every ensemble member's sampling needs (linear here, NTK in particles/ntk-member.ts). */
export interface MemberSampling {
  dim: number;
  draws: number;
  plan: StepPlan;
  /** x_T = sd L z (L = chol M, or null for M = I). */
  init: { sd: number; L: Float64Array | null };
  /** Initial-state seed per member. */
  seeds: Float64Array;
  histogram: IrHistogram | null;
  binCount: number;
  /**
   * Outputs: samples [members, draws, dim] member-major when keep is null, else only the `keep`
   * rows of the members' draws the result writes (sample-subset.ts), [keep, dim]; density
   * [members, binCount].
   */
  samples: Float32Array;
  keep: number | null;
  density: Float64Array;
}

/**
 * interface MemberJob   everything a member needs (typed arrays may live in SharedArrayBuffers)
 */
export interface MemberJob extends MemberSampling {
  tree: IrFeatureTree;
  weights: { kind: 'given'; W: Float64Array } | TrainInputs | OmegaInputs;
  /**
   * Tabulated velocity fields (particles/table.ts): nodes per axis, null for the features'
   * default; undefined evaluates the features at every particle-step.
   */
  table?: { points: number | null };
}

export interface Prepared {
  features: FeatureMap;
  evaluator: LinearEvaluator;
  /** The space factors for the fused loop, or null (generic path). */
  space: AxisBasis[] | null;
  /** Structured training (particles/train.ts), or null (models/linear.ts ridgeFit). */
  trainer: ProductTrainer | null;
  /** The space factors' tables (job.table set and every factor has one), or null. */
  tables: AxisTable[] | null;
  scratch: TableScratch;
}

/** prepareJob(job): Prepared       per-thread compiled state (features, fast-path factors) */
export function prepareJob(job: MemberJob): Prepared {
  const features = compileFeatures(job.tree, job.dim);
  const space = fastFactors(job.tree, job.dim, features);
  const leaves = space && job.table ? productLeaves(job.tree)!.filter((b) => !isTimeBasis(b)) : null;
  return {
    features,
    evaluator: linearEvaluator(features, job.dim),
    space,
    trainer: productTrainer(job.tree, job.dim),
    tables: leaves ? tableAxes(leaves, job.dim, job.table!.points, initialReach(job)) : null,
    scratch: tableScratch(),
  };
}

function fastFactors(tree: IrFeatureTree, dim: number, features: FeatureMap): AxisBasis[] | null {
  if (!features.factored) return null;
  const leaves = productLeaves(tree);
  if (!leaves) return null;
  const space = leaves.filter((b) => !isTimeBasis(b)).map((b) => axisBasis(b, dim, SAMPLE_TAU));
  if (space.length > 2 || space.some((b) => b === null)) return null;
  return space as AxisBasis[];
}

/** Per axis, 6 sd of the initial draws (the 1D tables span it: a draw starts outside with probability 2e-9). */
function initialReach(job: MemberSampling): number[] {
  const { dim } = job;
  const { sd, L } = job.init;
  return Array.from({ length: dim }, (_, a) => {
    let v = 0;
    for (let b = 0; b <= a; b++) v += L ? L[a * dim + b] ** 2 : a === b ? 1 : 0;
    return 6 * sd * Math.sqrt(v);
  });
}

/** memberWeights(job, prep, m): W [D, F] */
export function memberWeights(job: MemberJob, prep: Prepared, m: number): Float64Array {
  const D = job.dim;
  const F = prep.features.F;
  const w = job.weights;
  if (w.kind === 'given') return w.W.subarray(m * D * F, (m + 1) * D * F);
  if (w.kind === 'omega') return drawOmegaWeights(w.field, w.seeds[m], w.mean);
  const P = w.P;
  const x = w.x.subarray(m * P * D, (m + 1) * P * D);
  const t = w.t.subarray(m * P, (m + 1) * P);
  const lambda = w.lambda.subarray(m * P, (m + 1) * P);
  const Y = w.Y.subarray(m * P * D, (m + 1) * P * D);
  if (prep.trainer) return prep.trainer.fit(x, t, P, lambda, Y, D, w.ridge);
  const s = {
    P,
    dim: D,
    x,
    t,
    x0: new Float64Array(0),
  };
  // Same steps as models/linear.ts trainLinear, with the targets computed by the caller.
  const Phi = prep.features.evaluate(s.x, s.t, P);
  const gram = F > P ? factoredGram(prep.features, s) : undefined;
  return ridgeFit(Phi, P, F, lambda, Y, D, w.ridge, { gram });
}

/** This thread's member state, reused member after member: a fresh 0.8 MB array per member costs page faults. */
let state64: Float64Array = new Float64Array(0);

/** A state array of n entries for the member this thread runs now (valid until the next call). */
export function memberState(n: number): Float64Array {
  if (state64.length < n) state64 = new Float64Array(n);
  return state64.subarray(0, n);
}

/**
 * initialDraws(job, m, x?): the initial state x_T of member m, equal to samplers/common.ts
 * initialState (float32-rounded, then float64), into x when given
 */
export function initialDraws(
  job: MemberSampling,
  m: number,
  x: Float64Array = new Float64Array(job.draws * job.dim),
): Float64Array {
  const { dim, draws } = job;
  const { sd, L } = job.init;
  if (!L) {
    normalsInto(job.seeds[m], x);
    for (let i = 0; i < x.length; i++) x[i] = Math.fround(sd * x[i]);
    return x;
  }
  const z = normals(job.seeds[m], draws * dim);
  for (let i = 0; i < draws; i++)
    for (let a = 0; a < dim; a++) {
      let v = 0;
      for (let b = 0; b <= a; b++) v += L[a * dim + b] * z[i * dim + b];
      x[i * dim + a] = Math.fround(sd * v);
    }
  return x;
}

/**
 * runMember(job, prep, m): number -1, or the step at which the state became non-finite (the
 * caller turns it into a NonFiniteError)
 */
export function runMember(job: MemberJob, prep: Prepared, m: number): number {
  const W = memberWeights(job, prep, m);
  const x = initialDraws(job, m, memberState(job.draws * job.dim));
  const bad = prep.space ? fused(job, prep, W, x) : blocked(job, prep, W, x);
  if (bad >= 0) return bad;
  storeMember(job, m, x);
  return -1;
}

/**
 * Member m's final state x [draws, dim] into the shared samples, and its histogram. x is rounded
 * to float32 in place first (it is not used afterwards), so the histogram reads the stored
 * values without a float32 copy.
 */
export function storeMember(job: MemberSampling, m: number, x: Float64Array): void {
  const { dim, draws, keep } = job;
  const n = draws * dim;
  for (let i = 0; i < n; i++) x[i] = Math.fround(x[i]);
  if (keep === null) job.samples.set(x.subarray(0, n), m * n);
  else {
    const total = job.seeds.length * draws;
    for (let k = firstKeptAtOrAfter(m * draws, total, keep); k < keep; k++) {
      const r = keptRow(k, total, keep) - m * draws;
      if (r >= draws) break;
      for (let a = 0; a < dim; a++) job.samples[k * dim + a] = x[r * dim + a];
    }
  }
  if (job.histogram) job.density.set(histogram(x, draws, dim, job.histogram).density, m * job.binCount);
}

/** The fused loop (or the tables) on the step weights. */
function fused(job: MemberJob, prep: Prepared, W: Float64Array, x: Float64Array): number {
  const Wv = stepWeights(job, prep, W);
  if (prep.tables) return integrateTable(x, job.draws, job.dim, prep.tables, prep.space!, Wv, job.plan, prep.scratch);
  return integrateParticles(x, job.draws, job.dim, prep.space!, Wv, job.plan);
}

/** stepWeights(job, prep, W): Wv [E, D, Fs], Wv_e = G_e (W contracted with the time factors at t_e) */
export function stepWeights(job: MemberJob, prep: Prepared, W: Float64Array): Float64Array {
  const D = job.dim;
  const fac = prep.features.factored!;
  const Fs = fac.spaceSize;
  const { plan } = job;
  const E = plan.t.length;
  const Wv = new Float64Array(E * D * Fs);
  for (let e = 0; e < E; e++) {
    const Wt = fac.contractTime(W, D, plan.t[e]);
    for (let i = 0; i < D; i++) {
      const o = (e * D + i) * Fs;
      for (let j = 0; j < D; j++) {
        const g = plan.G[(e * D + i) * D + j];
        if (g === 0) continue;
        for (let f = 0; f < Fs; f++) Wv[o + f] += g * Wt[j * Fs + f];
      }
    }
  }
  return Wv;
}

const BLOCK = 2048;

/** Generic features: mu = W phi(x, t_e) by the evaluator, a block of particles at a time. */
function blocked(job: MemberJob, prep: Prepared, W: Float64Array, x: Float64Array): number {
  return integrateBlocked(job.plan, job.dim, job.draws, (t) => prep.evaluator.atTime(W, t), x);
}

/**
 * The plan's PF-ODE for any model mu(x, t_e) given per evaluation time by `at` (called once per
 * evaluation time), in place on x [draws, D]: -1, or the step at which x became non-finite.
 */
export function integrateBlocked(
  plan: StepPlan,
  D: number,
  draws: number,
  at: (t: number) => (x: Float64Array, n: number, out: Float64Array) => void,
  x: Float64Array,
): number {
  const mu = new Float64Array(BLOCK * D);
  const u = new Float64Array(BLOCK * D);
  const y = new Float64Array(BLOCK * D);
  const evals = Array.from(plan.t, at);
  const velocity = (e: number, xb: Float64Array, n: number, out: Float64Array) => {
    evals[e](xb, n, mu);
    const a = plan.a[e];
    for (let p = 0; p < n; p++)
      for (let i = 0; i < D; i++) {
        let s = a * xb[p * D + i];
        for (let j = 0; j < D; j++) s += plan.G[(e * D + i) * D + j] * mu[p * D + j];
        out[p * D + i] = s;
      }
  };
  for (let k = 0; k < plan.steps; k++) {
    const h = plan.h[k];
    for (let start = 0; start < draws; start += BLOCK) {
      const n = Math.min(BLOCK, draws - start);
      const xb = x.subarray(start * D, (start + n) * D);
      if (!plan.heun) {
        velocity(k, xb, n, u);
        for (let i = 0; i < n * D; i++) xb[i] += h * u[i];
      } else {
        velocity(2 * k, xb, n, u);
        for (let i = 0; i < n * D; i++) y[i] = xb[i] + h * u[i];
        velocity(2 * k + 1, y, n, y);
        for (let i = 0; i < n * D; i++) xb[i] += (h / 2) * (u[i] + y[i]);
      }
      for (let i = 0; i < n * D; i++) if (!Number.isFinite(xb[i])) return k;
    }
  }
  return -1;
}

/** Ensemble member m of a linear-model ensemble, as a pool task. */
export const memberTask: Task<MemberJob, Prepared> = { kind: 'member', prepare: prepareJob, run: runMember };
