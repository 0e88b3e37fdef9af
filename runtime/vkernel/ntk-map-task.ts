// The NTK V-kernel map (vkernel/ntk.ts ntkVkernelMap) as numbered tasks for the worker pool
// (pool/pool.ts, kind 'ntkmap'): task m is one block of grid points at one time. Each entry
// depends only on its point, so any thread count gives the same bytes.
//
// API
//   interface NtkMapJob
//   sharedPopulation(pop): the population's plain data, its arrays in shared memory
//   mapTasks(job): number of tasks
//   runMapTask(job, m): -1 (entries of V and se written in place)

import { shared } from '../pool/pool.js';
import { ntkMuCov, ntkRow, type NtkPopulation, type NtkPopulationData } from './ntk.js';

/** Grid points per task. */
const BLOCK = 32;

export interface NtkMapJob {
  pop: NtkPopulationData;
  /** Grid points [G, D]. */
  points: Float64Array;
  G: number;
  ts: Float64Array;
  /** The time-correlation map's reference point, or null (V at (z, z)). */
  ref: { x: Float64Array; t: number } | null;
  /** V = c_k Cov per time index. */
  c: Float64Array;
  V: Float64Array;
  se: Float64Array;
}

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
  };
}

export function mapTasks(job: NtkMapJob): number {
  return job.ts.length * Math.ceil(job.G / BLOCK);
}

export function runMapTask(job: NtkMapJob, m: number): number {
  const { pop, G, points } = job;
  const D = pop.D;
  const per = Math.ceil(G / BLOCK);
  const k = Math.floor(m / per);
  const g0 = (m % per) * BLOCK;
  const t = job.ts[k];
  const c = job.c[k];
  // The reference row is recomputed per task (one row against BLOCK points).
  const refRow = job.ref ? ntkRow(pop, job.ref.x, job.ref.t) : undefined;
  for (let g = g0; g < Math.min(G, g0 + BLOCK); g++) {
    const x = points.subarray(g * D, (g + 1) * D);
    const xb = job.ref ? job.ref.x : x;
    const tb = job.ref ? job.ref.t : t;
    const est = ntkMuCov(pop, x, t, xb, tb, refRow);
    for (let i = 0; i < D * D; i++) {
      job.V[(k * G + g) * D * D + i] = c * est.cov[i];
      job.se[(k * G + g) * D * D + i] = Math.abs(c) * est.se[i];
    }
  }
  return -1;
}
