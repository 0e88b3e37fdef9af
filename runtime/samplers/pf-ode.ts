// PF-ODE sampling (docs/theory.md 5): x_T ~ N(0, S_T), integrated down to t_min with any score.

import * as tf from '../tf.js';
import type { Schedule } from '../schedule.js';
import { pfOdeVelocity, type ScoreFn } from '../integrate.js';
import { chunkSize, pfOdeBytesPerParticle } from '../memory.js';
import { integrateChunk, runChunked } from './common.js';
import { spdInverse } from '../linalg/spd-inverse.js';
import type { PointSet } from '../posterior.js';
import { exactBlocks, exactField, exactPfOdeTask, stepTable, type ExactJob } from '../particles/exact-score.js';
import { runParallel } from '../pool/pool.js';
import { NonFiniteError } from '../errors.js';

export interface PfOdeOptions {
  schedule: Schedule;
  dim: number;
  draws: number;
  times: Float64Array;
  solver: 'euler' | 'heun';
  seed: number;
  score: ScoreFn;
  /**
   * The point set when `score` is its exact score under `schedule`: the particles then run on
   * float64 loops (particles/exact-score.ts) instead of tensors; ignored in compat mode.
   */
  exact?: PointSet | null;
  compat?: { n: number; range: [number, number] } | null;
  budget: number;
  /** Data-set size, for the memory estimate of the exact score. */
  M?: number;
  /** Called between chunks (interruption). */
  check?: () => void;
  /** Called after every step of every chunk; may throw to stop (the caller's tfjs scope frees the state). */
  onStep?: (step: number) => void;
}

/** Particles per chunk for these options (exported so callers can size progress bars). */
export function pfOdeChunk(o: Pick<PfOdeOptions, 'draws' | 'dim' | 'M' | 'solver' | 'budget'>): number {
  return chunkSize(o.draws, pfOdeBytesPerParticle(o.dim, o.M ?? 1, o.solver), o.budget, 'PF-ODE particles');
}

/**
 * samplePfOde(opts: PfOdeOptions): Float32Array   [draws, dim] samples at t_min
 * opts.score    any batched ScoreFn (the exact score from nodes/basic.ts, or a model's)
 * opts.compat   the reference code's grid lookup (docs/theory.md 5.2), only when the IR asks for it
 * opts.budget   bytes; particles are chunked to fit, with identical results for any budget
 */
export function samplePfOde(o: PfOdeOptions): Float32Array {
  // The grid lookup evaluates the score on a tensor grid: it stays on the tensor path.
  if (o.exact && !o.compat) return sampleExactPfOde(o, o.exact);
  const score = o.compat ? gridLookupScore(o.score, o.schedule, o.dim, o.compat.n, o.compat.range) : o.score;
  const velocity = pfOdeVelocity(o.schedule, score);
  const per = pfOdeChunk(o);
  return runChunked(
    o.draws,
    per,
    o.dim,
    (start, count) =>
      integrateChunk(o.schedule, o.dim, o.seed, start, count, o.times, velocity, {
        solver: o.solver,
        schedule: o.schedule,
        quantity: 'PF-ODE state',
        onStep: o.onStep,
      }),
    o.check ?? (() => {}),
  );
}

/** Particles per pool task: small enough that interruption and progress stay prompt. */
const EXACT_BLOCK = 4096;

/**
 * The exact-score PF-ODE on float64 loops (particles/exact-score.ts) over the worker pool:
 * blocks of particles whose initial draws depend only on (seed, row), so neither the chunking nor
 * the thread count changes a byte. Progress: the blocks done, as a share of the steps.
 */
function sampleExactPfOde(o: PfOdeOptions, data: PointSet): Float32Array {
  const { schedule, dim } = o;
  const field = exactField(data, schedule);
  const table = stepTable(schedule, o.times);
  const sd = Math.sqrt(schedule.s2(schedule.T));
  const steps = o.times.length - 1;
  const check = o.check ?? (() => {});
  return runChunked(
    o.draws,
    pfOdeChunk(o),
    dim,
    (start, count) => {
      const job: ExactJob = {
        field,
        times: o.times,
        table,
        solver: o.solver,
        seed: o.seed,
        sd,
        start,
        count,
        block: EXACT_BLOCK,
        out: new Float32Array(new SharedArrayBuffer(4 * count * dim)),
      };
      const blocks = exactBlocks(job);
      let ticked = 0;
      runParallel(exactPfOdeTask, job, blocks, {
        check,
        done: (n) => {
          for (const due = Math.floor((steps * n) / blocks); ticked < due; ticked++) o.onStep?.(ticked);
        },
        nonFinite: (_m, step) => {
          const t = o.times[step];
          throw new NonFiniteError({ quantity: 'PF-ODE state', step, t, s2: schedule.s2(t) });
        },
      });
      return job.out;
    },
    check,
  );
}

/**
 * gridLookupScore(score, schedule, dim, n, range): ScoreFn
 * The code's quirk: the denoiser mu_hat = (x + S_t s)/alpha_t is evaluated on a grid of n
 * points per axis over `range`, and every particle uses the value at the first grid node >= x
 * per coordinate (right neighbour, clipped to the grid) rather than its own position.
 */
export function gridLookupScore(
  score: ScoreFn,
  schedule: Schedule,
  dim: number,
  n: number,
  range: [number, number],
): ScoreFn {
  const [lo, hi] = range;
  const dx = (hi - lo) / (n - 1);
  const axis = Array.from({ length: n }, (_, i) => lo + i * dx);
  // All grid points in C order (first axis slowest).
  const total = n ** dim;
  const pts = new Float32Array(total * dim);
  for (let g = 0; g < total; g++) {
    let r = g;
    for (let a = dim - 1; a >= 0; a--) {
      pts[g * dim + a] = axis[r % n];
      r = Math.floor(r / n);
    }
  }
  return (x, t) =>
    tf.tidy(() => {
      const grid = tf.tensor2d(pts, [total, dim]);
      const sGrid = score(grid, t);
      // mu_hat on the grid: (x + S_t s) / alpha_t
      const S = schedule.S(t, dim);
      const muGrid = tf.div(tf.add(grid, tf.matMul(sGrid, tf.tensor2d(S))), schedule.alpha(t));
      // searchsorted(side='left') on a uniform grid: ceil((x - lo)/dx), clipped to [0, n-1].
      const idx = tf.clipByValue(tf.ceil(tf.div(tf.sub(x, lo), dx)), 0, n - 1);
      const strides = tf.tensor1d(Array.from({ length: dim }, (_, a) => n ** (dim - 1 - a)));
      const flat = tf.cast(tf.sum(tf.mul(idx, strides), 1), 'int32');
      const mu = tf.gather(muGrid, flat) as tf.Tensor2D;
      const Sinv = tf.tensor2d(Float32Array.from(spdInverse(S)), [dim, dim]);
      return tf.matMul(tf.sub(tf.mul(mu, schedule.alpha(t)), x), Sinv) as tf.Tensor2D;
    });
}
