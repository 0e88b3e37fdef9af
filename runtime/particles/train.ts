// Closed-form ridge training (models/linear.ts ridgeFit, same objective and forms) for features
// that are a product of one-axis bases, using their structure; all of it float64.
//   primal (F <= P): each sample's feature vector is the outer product of its per-factor rows, and
//     a Gaussian row is negligible outside a window of nearby centres, so the rank-1 update of
//     Phi^T Lambda Phi touches only the product of the windows (Fig. 2: 81 of 256 features).
//   dual (F > P): Phi Phi^T is the Hadamard product of the per-factor Grams (O(P^2 sum F_a)).
//   Both: Cholesky with split dot products (linalg/cholesky.ts).
// Dropped bumps are below e^-40 = 4e-18 of their row's largest: under float64 rounding of the
// sums they would join, so the solve sees the same matrix up to rounding (conditioning allowing).

import type { IrFeatureTree } from '../../compiler/ir/types.js';
import { axisBasis, fillAxis, productLeaves, type AxisBasis } from '../bases.js';
import { choleskyInPlace, choleskyInWasm, choleskySolve } from '../linalg/cholesky.js';
import { dualGramWasm, linalgSimdEnabled, sparseNormalWasm } from '../linalg/wasm/simd.js';
import { scaleDual, scalePrimal, singular, type RidgeTargets } from '../models/ridge-system.js';

const TRAIN_TAU = 40;

/**
 * interface ProductTrainer { F; fit(x [P, dim], t [P], P, lambda [P], Y [P, D], D, gamma): W [D, F] }
 */
export interface ProductTrainer {
  F: number;
  fit(
    x: Float64Array,
    t: Float64Array,
    P: number,
    lambda: Float64Array,
    Y: Float64Array,
    D: number,
    gamma: number,
  ): Float64Array;
}

/**
 * productTrainer(tree, dim): ProductTrainer | null    null unless a product of one-axis bases
 */
export function productTrainer(tree: IrFeatureTree, dim: number): ProductTrainer | null {
  const leaves = productLeaves(tree);
  if (!leaves) return null;
  const factors = leaves.map((b) => axisBasis(b, dim, TRAIN_TAU));
  if (factors.some((f) => f === null)) return null;
  const fs = factors as AxisBasis[];
  const F = fs.reduce((s, f) => s * f.n, 1);
  const rows = new Rows(fs, dim, F);
  return {
    F,
    fit: (x, t, P, lambda, Y, D, gamma) => {
      const r = { P, lambda, Y, D, gamma };
      return F <= P ? primal(rows, x, t, r) : dual(rows, x, t, r);
    },
  };
}

/** One sample's nonzero features: flat indices (increasing) and values. */
class Rows {
  readonly idx: Int32Array;
  readonly val: Float64Array;
  nnz = 0;
  private bufs: Float64Array[];
  private wins: Int32Array[];

  constructor(
    readonly factors: AxisBasis[],
    readonly dim: number,
    readonly F: number,
  ) {
    this.idx = new Int32Array(F);
    this.val = new Float64Array(F);
    this.bufs = factors.map((f) => new Float64Array(f.n));
    this.wins = factors.map(() => new Int32Array(2));
  }

  /** Factor j's full row at sample p (zeros outside the window) into out [n_j]. */
  factorRow(j: number, x: Float64Array, t: Float64Array, p: number, out: Float64Array): void {
    const f = this.factors[j];
    const buf = this.bufs[j];
    const win = this.wins[j];
    const s = fillAxis(f, f.axis < 0 ? t[p] : x[p * this.dim + f.axis], buf, win);
    const scale = f.norm * Math.exp(-s);
    out.fill(0);
    for (let i = win[0]; i <= win[1]; i++) out[i] = scale * buf[i];
  }

  /** The product of the factors' windows at sample p, in C order. */
  sample(x: Float64Array, t: Float64Array, p: number): void {
    const { factors, bufs, wins, idx, val } = this;
    let scale = 1;
    for (let j = 0; j < factors.length; j++) {
      const f = factors[j];
      scale *= f.norm * Math.exp(-fillAxis(f, f.axis < 0 ? t[p] : x[p * this.dim + f.axis], bufs[j], wins[j]));
    }
    idx[0] = 0;
    val[0] = scale;
    let len = 1;
    for (let j = 0; j < factors.length; j++) {
      const n = factors[j].n;
      const lo = wins[j][0];
      const cnt = wins[j][1] - lo + 1;
      const buf = bufs[j];
      // Expand backwards in place: entry a becomes entries a * cnt .. a * cnt + cnt - 1.
      for (let a = len - 1; a >= 0; a--) {
        const ia = idx[a] * n;
        const va = val[a];
        for (let b = cnt - 1; b >= 0; b--) {
          idx[a * cnt + b] = ia + lo + b;
          val[a * cnt + b] = va * buf[lo + b];
        }
      }
      len *= cnt;
    }
    this.nnz = len;
  }
}

function primal(rows: Rows, x: Float64Array, t: Float64Array, r: RidgeTargets): Float64Array {
  const { P, lambda, Y, D, gamma } = r;
  const F = rows.F;
  const B = new Float64Array(F * D);
  const { idx, val } = rows;
  // G's sums in wasm when it is on (the same bits); the rows are made here either way.
  const wasm = linalgSimdEnabled() ? sparseNormalWasm(F, P, idx.length) : null;
  const sums = wasm ? null : new Float64Array(F * F);
  for (let p = 0; p < P; p++) {
    rows.sample(x, t, p);
    const nnz = rows.nnz;
    const li = lambda[p];
    wasm?.row(p, idx, val, nnz);
    for (let a = 0; a < nnz; a++) {
      const va = li * val[a];
      if (sums) {
        const row = idx[a] * F;
        for (let b = a; b < nnz; b++) sums[row + idx[b]] += va * val[b];
      }
      for (let d = 0; d < D; d++) B[idx[a] * D + d] += va * Y[p * D + d];
    }
  }
  const G: Float64Array = sums ?? wasm!.result(lambda);
  scalePrimal(G, B, F, r);
  if (!choleskyInPlace(G, F)) throw singular('primal', F, gamma);
  choleskySolve(G, F, B, D);
  const W = new Float64Array(D * F);
  for (let a = 0; a < F; a++) for (let d = 0; d < D; d++) W[d * F + a] = B[a * D + d];
  return W;
}

function dual(rows: Rows, x: Float64Array, t: Float64Array, r: RidgeTargets): Float64Array {
  const { P, D, gamma } = r;
  const F = rows.F;
  // Where the factor would be taken in wasm anyway, K is built there too (the same sums).
  const wasm = choleskyInWasm(P) ? dualGramWasm(P, Math.max(...rows.factors.map((f) => f.n))) : null;
  const K = wasm?.K ?? new Float64Array(P * P).fill(1);
  const stride = wasm?.stride ?? P;
  rows.factors.forEach((f, j) => {
    const n = f.n;
    const R = new Float64Array(P * n);
    for (let p = 0; p < P; p++) rows.factorRow(j, x, t, p, R.subarray(p * n, (p + 1) * n));
    if (wasm) return wasm.factor(R, n);
    for (let i = 0; i < P; i++) {
      for (let k = 0; k <= i; k++) {
        let g = 0;
        for (let c = 0; c < n; c++) g += R[i * n + c] * R[k * n + c];
        K[i * P + k] *= g;
      }
    }
  });
  const { sl, R } = scaleDual(K, r, stride);
  if (!(wasm ? wasm.cholesky() : choleskyInPlace(K, P))) throw singular('dual', P, gamma);
  choleskySolve(wasm?.lower() ?? K, P, R, D);
  const W = new Float64Array(D * F);
  const { idx, val } = rows;
  for (let i = 0; i < P; i++) {
    rows.sample(x, t, i);
    for (let d = 0; d < D; d++) {
      const c = R[i * D + d] * sl[i];
      const o = d * F;
      for (let a = 0; a < rows.nnz; a++) W[o + idx[a]] += c * val[a];
    }
  }
  return W;
}
