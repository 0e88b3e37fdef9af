// The NTK V-kernel map (map.vkernel / map.vkernel_time_correlation of an NTK model, continuum
// form of vkernel/ntk.ts) as numbered tasks for the worker pool (kind 'ntkmap'): task m is one
// block of grid points at one time. Each entry depends only on its point, so any thread count
// gives the same bytes. The design is the model's `design` points (reported as mc_samples), not
// the map's mc_samples, drawn once per model from its seed.

import type { IrMap } from '../../compiler/ir/types.js';
import { runParallel, shared, type Task } from '../pool/pool.js';
import { emptyResult, type NodeContext, type NodeOutput } from '../nodes/types.js';
import { gridArrays, gridPoints, vkernelArrays } from '../nodes/maps.js';
import type { NtkState } from '../models/ntk.js';
import { vFactor } from './population.js';
import {
  reportFirstOrder,
  ntkModelPopulation,
  ntkRow,
  ntkRows,
  rowOf,
  rowsCov,
  type NtkPopulation,
  type NtkPopulationData,
  type NtkRow,
} from './ntk.js';

/** Grid points per task, one block of vkernel/ntk.ts ntkRows. */
const BLOCK = 32;

export interface NtkMapJob {
  pop: NtkPopulationData;
  /** Grid points [G, D]. */
  points: Float64Array;
  G: number;
  ts: Float64Array;
  /** The time-correlation map's reference point's row (shared), or null (V at (z, z)). */
  ref: NtkRow | null;
  /** V = c_k Cov per time index. */
  c: Float64Array;
  V: Float64Array;
  se: Float64Array;
}

/** The population's plain data, its arrays in shared memory. */
export function sharedPopulation(pop: NtkPopulation): NtkPopulationData {
  return {
    N: pop.N,
    D: pop.D,
    P: pop.P,
    Z: shared(pop.Z),
    lambda: shared(pop.lambda),
    noise: shared(pop.noise),
    ybar: shared(pop.ybar),
    resid: shared(pop.resid),
    nu: shared(pop.nu),
    v: shared(pop.v),
    f: shared(pop.f),
    meanModes: shared(pop.meanModes),
    infl: shared(pop.infl),
    inflMean: shared(pop.inflMean),
    depth: pop.depth,
    tRange: pop.tRange,
    ...(pop.kernel ? { kernel: pop.kernel } : {}),
  };
}

/** Number of tasks of the job. */
export function mapTasks(job: NtkMapJob): number {
  return job.ts.length * Math.ceil(job.G / BLOCK);
}

/** Task m: entries of V and se written in place; returns -1. */
export function runMapTask(job: NtkMapJob, m: number): number {
  const { pop, G, points } = job;
  const D = pop.D;
  const per = Math.ceil(G / BLOCK);
  const k = Math.floor(m / per);
  const g0 = (m % per) * BLOCK;
  const g1 = Math.min(G, g0 + BLOCK);
  const c = job.c[k];
  const rows = ntkRows(pop, points.subarray(g0 * D, g1 * D), new Float64Array(g1 - g0).fill(job.ts[k]));
  for (let g = g0; g < g1; g++) {
    const row = rowOf(rows, g - g0);
    const est = rowsCov(pop, row, job.ref ?? row);
    for (let i = 0; i < D * D; i++) {
      job.V[(k * G + g) * D * D + i] = c * est.cov[i];
      job.se[(k * G + g) * D * D + i] = Math.abs(c) * est.se[i];
    }
  }
  return -1;
}

export const ntkMapTask: Task<NtkMapJob, null> = {
  kind: 'ntkmap',
  prepare: () => null,
  run: (job, _prep, m) => runMapTask(job, m),
};

/** The map node's V-kernel (and its standard error) on its grid. */
export function ntkVkernelMap(
  node: IrMap,
  state: NtkState,
  ctx?: NodeContext,
  pop: NtkPopulation = ntkModelPopulation(state),
): NodeOutput {
  const D = state.dim;
  const { axes, points, count: G } = gridPoints(node.grid);
  const nt = node.t.length;
  const ref = node.quantity === 'vkernel_time_correlation' ? node.ref : null;
  const data = sharedPopulation(pop);
  // the reference point's row, once for every task
  const refRow = ref ? ntkRow(data, Float64Array.from(ref.x), ref.t) : null;
  const job: NtkMapJob = {
    pop: data,
    points: shared(points),
    G,
    ts: Float64Array.from(node.t),
    ref: refRow ? { w: shared(refRow.w), phi: shared(refRow.phi) } : null,
    c: Float64Array.from(
      node.t,
      (t) => vFactor(state.schedule, 'denoiser', t) * vFactor(state.schedule, 'denoiser', ref ? ref.t : t),
    ),
    V: new Float64Array(new SharedArrayBuffer(8 * nt * G * D * D)),
    se: new Float64Array(new SharedArrayBuffer(8 * nt * G * D * D)),
  };
  runParallel(ntkMapTask, job, mapTasks(job), {
    check: () => ctx?.checkInterrupted(),
    done: () => undefined,
    nonFinite: () => {
      throw new Error('internal: an NTK map task reported a non-finite state');
    },
  });
  const V = job.V.slice();
  const se = job.se.slice();
  const result = emptyResult();
  Object.assign(result.arrays, vkernelArrays(nt, axes, D, V, se));
  Object.assign(result.arrays, gridArrays(axes, node.t));
  result.arrays.nu = {
    shape: [pop.nu.length],
    dtype: 'float64',
    data: pop.nu,
    doc: 'Nystrom eigenvalues of the lambda-weighted NTK operator (ascending)',
    dims: ['mode'],
  };
  result.scalars.mc_samples = pop.N;
  result.scalars.eigenpairs = pop.nu.length;
  result.notes.push(
    `NTK V-kernel, continuum form (docs/theory.md 10) on a ${pop.N}-point Nystrom design, target-noise and random-design terms (gradient-flow filter derivative)`,
  );
  reportFirstOrder(pop, result);
  return { value: { kind: 'map' }, result };
}
