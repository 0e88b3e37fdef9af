// Node implementation for `map.score_error`: learned minus exact score on a grid (design.md section 2).
//
// Per model type (s = exact score of the data, docs/theory.md 3.2):
//   true    values = 0, rms = 0 (the model IS the exact score).
//   naive   s_hat = s + sqrt(kappa/h)(s_tilde - s) has mean s (docs/theory.md 7): values = 0; its spread
//           depends on the sampler's step h, which a map does not have, so the step-free part is
//           returned: noise_scale = sqrt(kappa tr C(x, t)), the RMS error of one step of length h
//           being noise_scale / sqrt(h).
//   linear  values = s_avg - s with s_avg the ensemble-mean score of the trained models, from the
//           population mean weights Wavg (first order in 1/P, vkernel/population.ts) estimated with
//           node.mc_samples design points; rms = sqrt(|s_avg - s|^2 + tr Cov[s_hat]), the RMS
//           error of ONE trained model, with Cov[s_hat] from the same population (docs/theory.md 9.2):
//             denoiser: s_hat = M^{-1}(alpha mu_hat - x)/s2, Cov = (alpha/s2)^2 M^{-1} Cov[W phi] M^{-1}
//             score:    s_hat = W phi,                       Cov = Cov[W phi]
//           Both are Monte-Carlo estimates of the infinite-ensemble quantities, so no member count
//           is needed.
//   ntk     as linear, with the continuum (large-P) mean denoiser mubar_tau and the
//           NTK population variance (vkernel/ntk.ts), both on the model's Nystrom design.
// Output layout in docs/outputs.md.

import type { IrMap } from '../../compiler/ir/types.js';
import type { ResultArray } from '../results.js';
import { posterior } from '../posterior.js';
import { spdInverse } from '../linalg/spd-inverse.js';
import { checkFinite, RuntimeError } from '../errors.js';
import { gridArrays, gridDims, gridPoints } from '../nodes/maps.js';
import { emptyResult, lookup, type NodeImpl, type ModelValue } from '../nodes/types.js';
import { linearState } from '../models/linear-node.js';
import { covFromRows, population } from '../vkernel/population.js';
import { gridKernel } from '../vkernel/grid-kernel.js';
import { ntkState } from '../models/ntk.js';
import { ntkMean, ntkModelPopulation, ntkRows, rowOf, rowsCov } from '../vkernel/ntk.js';

/** Grid points per block of NTK rows (as the V-kernel maps, vkernel/ntk-map.ts). */
const ROW_BLOCK = 32;

interface ErrorFields {
  /** Mean error [n_t * count * dim]. */
  mean: Float64Array;
  /** Second field [n_t * count] (rms or noise_scale), with its output name and doc. */
  spread: { name: string; data: Float64Array; doc: string };
  notes: string[];
  /** Design points of the population estimate (linear: the map's mc_samples; ntk: the model's design). */
  mcSamples?: number;
}

export const runScoreError: NodeImpl<IrMap> = (node, ctx) => {
  if (!node.model) throw new Error('internal: a score_error map needs a model');
  const model = lookup(ctx, node.model, 'model');
  const { axes, points, count } = gridPoints(node.grid);
  const dim = model.data.dim;
  ctx.progress?.start(`${node.name}: ${node.t.length} times x ${count} points`, node.t.length);
  const fields = errorFields(
    node,
    model,
    points,
    count,
    () => ctx.checkInterrupted(),
    (k) => ctx.progress?.tick(k),
  );
  ctx.progress?.end();
  checkFinite(fields.mean, { quantity: `map '${node.name}' (score_error)`, step: null, t: null });
  checkFinite(fields.spread.data, {
    quantity: `map '${node.name}' (score_error ${fields.spread.name})`,
    step: null,
    t: null,
  });
  const gridShape = node.grid.axes.map((a) => a.n);
  const gdims = ['t', ...gridDims(gridShape.length)];
  const result = emptyResult();
  const arrays: Record<string, ResultArray> = {
    values: {
      shape: [node.t.length, ...gridShape, dim],
      dtype: 'float64',
      data: fields.mean,
      doc: 'ensemble-mean learned minus exact score s_avg - s [n_t, grid..., dim]',
      dims: [...gdims, 'dim'],
    },
    [fields.spread.name]: {
      shape: [node.t.length, ...gridShape],
      dtype: 'float64',
      data: fields.spread.data,
      doc: fields.spread.doc,
      dims: gdims,
    },
  };
  Object.assign(result.arrays, arrays, gridArrays(axes, node.t));
  if (fields.mcSamples !== undefined) result.scalars.mc_samples = fields.mcSamples;
  result.notes.push(...fields.notes);
  return { value: { kind: 'map' }, result };
};

function errorFields(
  node: IrMap,
  model: ModelValue,
  points: Float64Array,
  count: number,
  check: () => void,
  tick: (k: number) => void,
): ErrorFields {
  const nt = node.t.length;
  const dim = model.data.dim;
  const mean = new Float64Array(nt * count * dim);
  const spread = new Float64Array(nt * count);
  switch (model.type) {
    case 'true':
      return {
        mean,
        spread: { name: 'rms', data: spread, doc: RMS_DOC },
        notes: ['the true model has no score error'],
      };
    case 'naive':
      node.t.forEach((t, k) => {
        check();
        const trC = posterior(model.data, model.schedule, t, points, ['trC']).trC!;
        for (let g = 0; g < count; g++) spread[k * count + g] = Math.sqrt(model.kappa! * trC[g]);
        tick(k + 1);
      });
      return {
        mean,
        spread: {
          name: 'noise_scale',
          data: spread,
          doc: 'sqrt(kappa tr C(x, t)) [n_t, grid...]; the RMS score error of a naive step of length h is this / sqrt(h)',
        },
        notes: ['naive: unbiased estimator, so the mean error is 0'],
      };
    case 'linear':
      linearFields(model, { node, points, count, mean, spread, check, tick });
      return {
        mean,
        spread: { name: 'rms', data: spread, doc: RMS_DOC },
        notes: [
          'linear: population theory, first order in 1/P (docs/theory.md 9.2), Monte Carlo over mc_samples design points',
        ],
        mcSamples: node.mc_samples,
      };
    case 'ntk':
      ntkFields(model, { node, points, count, mean, spread, check, tick });
      return {
        mean,
        spread: { name: 'rms', data: spread, doc: RMS_DOC },
        notes: [
          'ntk: continuum (large-P) mean and first-order variance on the Nystrom design of `design` points (docs/theory.md 10)',
        ],
        mcSamples: ntkState(model).spec.design,
      };
    case 'mlp':
      throw new Error('score_error maps need a linear or ntk model (the compiler refuses mlp models)');
    default: {
      const unhandled: never = model.type;
      throw new Error(`internal: unhandled model ${JSON.stringify(unhandled)}`);
    }
  }
}

const RMS_DOC = 'RMS error of one trained model sqrt(|s_avg - s|^2 + tr Cov[s_hat]) [n_t, grid...]';

/** One score_error evaluation: the grid, the output fields to fill and the progress hooks. */
interface FieldsJob {
  node: IrMap;
  points: Float64Array;
  count: number;
  mean: Float64Array;
  spread: Float64Array;
  check: () => void;
  tick: (k: number) => void;
}

function linearFields(model: ModelValue, { node, points, count, mean, spread, check, tick }: FieldsJob): void {
  const state = linearState(model);
  const D = state.dim;
  const schedule = state.schedule;
  const denoiser = state.spec.parametrization === 'denoiser';
  const pop = population(state, node.mc_samples, node.seed);
  const gridAxes = gridPoints(node.grid).axes;
  const Minv = schedule.shape ? spdInverse(schedule.shape) : null;
  const out = new Float64Array(count * D);
  node.t.forEach((t, k) => {
    check();
    state.evaluator.atTime(pop.Wavg, t)(points, count, out);
    const s = posterior(state.data, schedule, t, points, ['score']).score!;
    const al = schedule.alpha(t);
    const s2 = schedule.s2(t);
    const avg = denoiser ? denoiserScore(out, points, al, s2, Minv, D) : out;
    // Kernel rows for a block of grid points at a time ([block, N] floats, 20 MB at N = 1e4).
    const rows = gridKernel(pop, points, count, t, gridAxes);
    const block = Math.max(1, Math.min(count, Math.floor(2.5e6 / pop.N)));
    for (let g0 = 0; g0 < count; g0 += block) {
      const C = Math.min(block, count - g0);
      const K = rows(g0, C);
      for (let g = g0; g < g0 + C; g++) {
        const sq = storeError(mean, (k * count + g) * D, D, (a) => avg[g * D + a] - s[g * D + a]);
        const o = (g - g0) * pop.N;
        const cov = covFromRows(pop, K, o, K, o, 1).cov;
        spread[k * count + g] = Math.sqrt(sq + traceOfScoreCov(cov, denoiser ? al / s2 : 1, denoiser ? Minv : null, D));
      }
    }
    tick(k + 1);
  });
}

function ntkFields(model: ModelValue, { node, points, count, mean, spread, check, tick }: FieldsJob): void {
  const state = ntkState(model);
  if (state.schedule.shape) throw new RuntimeError('NTK models support isotropic forward processes only');
  const D = state.dim;
  // The model's own population (its `design` points, seeded by the model), shared with its
  // V-kernel maps, so every map of one model sees the same Nystrom basis.
  const pop = ntkModelPopulation(state);
  node.t.forEach((t, k) => {
    check();
    const s = posterior(state.data, state.schedule, t, points, ['score']).score!;
    const al = state.schedule.alpha(t);
    const s2 = state.schedule.s2(t);
    // Rows in blocks of points: each block reads the population's modes once (vkernel/ntk.ts).
    for (let g0 = 0; g0 < count; g0 += ROW_BLOCK) {
      const g1 = Math.min(count, g0 + ROW_BLOCK);
      const rows = ntkRows(pop, points.subarray(g0 * D, g1 * D), new Float64Array(g1 - g0).fill(t));
      for (let g = g0; g < g1; g++) {
        const x = points.subarray(g * D, (g + 1) * D);
        const m = ntkMean(pop, x, t);
        const sq = storeError(mean, (k * count + g) * D, D, (a) => (al * m[a] - x[a]) / s2 - s[g * D + a]);
        const row = rowOf(rows, g - g0);
        const cov = rowsCov(pop, row, row).cov;
        spread[k * count + g] = Math.sqrt(sq + traceOfScoreCov(cov, al / s2, null, D));
      }
    }
    tick(k + 1);
  });
}

/** Writes error(a) for a < D at mean[at..] and returns its squared norm. */
function storeError(mean: Float64Array, at: number, D: number, error: (a: number) => number): number {
  let sq = 0;
  for (let a = 0; a < D; a++) {
    const e = error(a);
    mean[at + a] = e;
    sq += e * e;
  }
  return sq;
}

/** M^{-1}(alpha mu - x)/s2 for every point (M = I when Minv is null). */
function denoiserScore(
  mu: Float64Array,
  x: Float64Array,
  al: number,
  s2: number,
  Minv: Float64Array | null,
  D: number,
): Float64Array {
  const r = new Float64Array(mu.length);
  for (let i = 0; i < mu.length; i++) r[i] = (al * mu[i] - x[i]) / s2;
  return Minv ? applyRows(Minv, r, D) : r;
}

function applyRows(A: Float64Array, v: Float64Array, D: number): Float64Array {
  const r = new Float64Array(v.length);
  for (let p = 0; p < v.length / D; p++)
    for (let a = 0; a < D; a++) {
      let acc = 0;
      for (let b = 0; b < D; b++) acc += A[a * D + b] * v[p * D + b];
      r[p * D + a] = acc;
    }
  return r;
}

/** tr(c^2 A C A^T) with A = Minv (or I), C = Cov[W phi] [D, D]. */
function traceOfScoreCov(C: Float64Array, c: number, Minv: Float64Array | null, D: number): number {
  let tr = 0;
  for (let a = 0; a < D; a++) {
    if (!Minv) {
      tr += C[a * D + a];
      continue;
    }
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) tr += Minv[a * D + i] * C[i * D + j] * Minv[a * D + j];
  }
  return c * c * Math.max(0, tr);
}
