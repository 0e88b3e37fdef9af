// Node implementations for `data`, `forward`, `model.true` and `model.naive`.

import * as tf from '../tf.js';
import type { IrData, IrForward, IrModel } from '../../compiler/ir/types.js';
import { makeSchedule, type Schedule } from '../schedule.js';
import { posterior, type PointSet } from '../posterior.js';
import type { ScoreFn } from '../integrate.js';
import { checkFinite } from '../errors.js';
import { emptyResult, lookup, type NodeImpl } from './types.js';

export const runData: NodeImpl<IrData> = (node) => {
  const set: PointSet = {
    points: Float64Array.from(node.points.flat()),
    weights: Float64Array.from(node.weights),
    M: node.points.length,
    dim: node.dim,
  };
  const result = emptyResult();
  result.arrays.points = {
    shape: [set.M, set.dim],
    dtype: 'float64',
    data: set.points,
    doc: 'training points [M, dim]',
    dims: ['point', 'dim'],
  };
  result.arrays.weights = {
    shape: [set.M],
    dtype: 'float64',
    data: set.weights,
    doc: 'point weights [M], sum 1',
    dims: ['point'],
  };
  return { value: { kind: 'data', set }, result };
};

export const runForward: NodeImpl<IrForward> = (node) => {
  const schedule = makeSchedule(node);
  const result = emptyResult();
  // A coarse table of the schedule, useful to eyeball a custom alpha_sigma in the outputs.
  const n = 101;
  const t = new Float64Array(n);
  const cols = {
    alpha: new Float64Array(n),
    beta: new Float64Array(n),
    d: new Float64Array(n),
    s2: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    // Avoid t = 0 exactly: beta of alpha_sigma schedules like sqrt(1 - t) is singular at T = 1.
    t[i] = node.T * (1e-6 + ((1 - 2e-6) * i) / (n - 1));
    cols.alpha[i] = schedule.alpha(t[i]);
    cols.beta[i] = schedule.beta(t[i]);
    cols.d[i] = schedule.d(t[i]);
    cols.s2[i] = schedule.s2(t[i]);
  }
  result.arrays.t = {
    shape: [n],
    dtype: 'float64',
    data: t,
    doc: 'times of the schedule table [101]',
    dims: ['table_t'],
  };
  for (const [k, v] of Object.entries(cols)) {
    checkFinite(v, { quantity: `forward process ${k}(t)`, step: null, t: null });
    result.arrays[k] = {
      shape: [n],
      dtype: 'float64',
      data: v,
      doc: `${k}(t) on the table times [101]`,
      dims: ['table_t'],
    };
  }
  return { value: { kind: 'forward', schedule }, result };
};

/** The exact score of the empirical distribution at tensor particles (float64 inside). */
export function exactScore(data: PointSet, schedule: Schedule): ScoreFn {
  return (x, t) => {
    const xs = Float64Array.from(x.dataSync());
    const s = posterior(data, schedule, t, xs, ['score']).score!;
    return tf.tensor2d(Float32Array.from(s), [xs.length / data.dim, data.dim]);
  };
}

export const runClosedFormModel: NodeImpl<Extract<IrModel, { type: 'true' | 'naive' }>> = (node, ctx) => {
  const data = lookup(ctx, node.data, 'data').set;
  const schedule = lookup(ctx, node.forward, 'forward').schedule;
  return {
    value: {
      kind: 'model',
      type: node.type,
      data,
      schedule,
      score: exactScore(data, schedule),
      kappa: node.type === 'naive' ? node.kappa : undefined,
    },
    result: emptyResult(),
  };
};
