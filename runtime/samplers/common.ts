// Pieces every sampler shares: the initial state x_T ~ N(0, S_T), chunked execution over
// particles, and the standard sample-node result (docs/outputs.md).

import * as tf from '../tf.js';
import type { IrHistogram } from '../../compiler/ir/types.js';
import type { Schedule } from '../schedule.js';
import { integrate, type IntegrateOptions, type VelocityFn } from '../integrate.js';
import { cholesky } from '../linalg/cholesky.js';
import { normals } from '../rng.js';
import { histogram, type Histogram } from '../histogram.js';
import { emptyResult, type NodeOutput } from '../nodes/types.js';
import { chunks } from '../memory.js';
import { keptCount, keptRow } from '../sample-subset.js';

/**
 * initialState(schedule, dim, seed, start, count): tf.Tensor2D
 * rows start..start+count of the initial draws; row i depends only on (seed, i), so chunked
 * and unchunked runs start from identical states.
 */
export function initialState(schedule: Schedule, dim: number, seed: number, start: number, count: number): tf.Tensor2D {
  const T = schedule.T;
  const z = normals(seed, count * dim, start * dim);
  const sd = Math.sqrt(schedule.s2(T));
  const out = new Float32Array(count * dim);
  if (schedule.shape) {
    const L = cholesky(schedule.shape);
    for (let i = 0; i < count; i++)
      for (let a = 0; a < dim; a++) {
        let v = 0;
        for (let b = 0; b <= a; b++) v += L[a * dim + b] * z[i * dim + b];
        out[i * dim + a] = sd * v;
      }
  } else for (let i = 0; i < out.length; i++) out[i] = sd * z[i];
  return tf.tensor2d(out, [count, dim]);
}

/** One chunk of particles: draw x_T (counter-based, so chunks match an unchunked run), integrate to t_min, read back. */
export function integrateChunk(
  schedule: Schedule,
  dim: number,
  seed: number,
  start: number,
  count: number,
  times: Float64Array,
  velocity: VelocityFn,
  opts: IntegrateOptions,
): Float32Array {
  const x0 = initialState(schedule, dim, seed, start, count);
  try {
    const x = integrate(x0, times, velocity, opts);
    const out = x.dataSync() as Float32Array;
    x.dispose();
    return out;
  } finally {
    x0.dispose();
  }
}

/**
 * runChunked(total, perChunk, run(start, count) -> Float32Array [count*dim], dim, check): Float32Array
 */
export function runChunked(
  total: number,
  perChunk: number,
  dim: number,
  run: (start: number, count: number) => Float32Array,
  check: () => void,
): Float32Array {
  const out = new Float32Array(total * dim);
  for (const [s, e] of chunks(total, perChunk)) {
    check();
    out.set(run(s, e - s), s * dim);
  }
  return out;
}

/**
 * sampleOutput(samples, n, dim, spec, t, notes?, pooled?): NodeOutput
 * arrays density ([bins] | [bins, bins]), edges_x, edges_y (2D), samples (the kept rows,
 * sample-subset.ts); scalars n, inside_fraction. `samples` holds all n rows, or (with `pooled`)
 * only the kept ones, and then the value carries none.
 */
export function sampleOutput(
  samples: Float32Array,
  n: number,
  dim: number,
  spec: IrHistogram,
  t: number,
  notes: string[] = [],
  /** The samples' histogram when the caller has it already (ensembles: from their members'). */
  pooled?: Histogram,
): NodeOutput {
  const kept = keptCount(n);
  const subsetOnly = samples.length === kept * dim && kept < n;
  const result = emptyResult();
  result.notes.push(...notes);
  if (dim <= 2) {
    if (subsetOnly && !pooled) throw new Error('internal: a histogram needs all samples or the pooled one');
    const h = pooled ?? histogram(samples, n, dim, spec);
    result.arrays.density = {
      shape: h.shape,
      dtype: 'float64',
      data: h.density,
      doc: dim === 1 ? 'density per bin [bins]' : 'density per bin [bins_x, bins_y] (row = x bin)',
      dims: dim === 1 ? ['bin_x'] : ['bin_x', 'bin_y'],
    };
    result.arrays.edges_x = {
      shape: [spec.bins + 1],
      dtype: 'float64',
      data: h.edges[0],
      doc: 'x bin edges [bins+1]',
      dims: ['edge_x'],
    };
    if (dim === 2)
      result.arrays.edges_y = {
        shape: [spec.bins + 1],
        dtype: 'float64',
        data: h.edges[1],
        doc: 'y bin edges [bins+1]',
        dims: ['edge_y'],
      };
    result.scalars.inside_fraction = h.inside;
  } else result.notes.push(`no histogram for ${dim}D samples`);
  let subset = samples;
  if (!subsetOnly) {
    subset = new Float32Array(kept * dim);
    for (let k = 0; k < kept; k++) {
      const row = keptRow(k, n, kept);
      for (let a = 0; a < dim; a++) subset[k * dim + a] = samples[row * dim + a];
    }
  }
  result.arrays.samples = {
    shape: [kept, dim],
    dtype: 'float32',
    data: subset,
    doc: `${kept} of ${n} samples, evenly strided [n, dim]`,
    dims: ['draw', 'dim'],
  };
  result.scalars.n = n;
  return { value: { kind: 'sample', dim, n, samples: subsetOnly ? null : samples, t }, result };
}
