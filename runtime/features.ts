// Feature maps phi(x, t) of linear models (docs/theory.md 9.1, 13.2-13.3), evaluated in float64 on the
// JS side: the hot loops are short per-particle recurrences that tfjs' wasm backend would run as
// many slow element-wise ops (measured: exp at ~0.09 G/s, cos at ~0.03 G/s on this machine).
//
// The bases themselves (conventions, rows): bases.ts.

import type { IrBasis, IrFeatureTree } from '../compiler/ir/types.js';
import { AXIS_INDEX, BASES, isTimeBasis, productLeaves } from './bases.js';

/** Factor.evaluate(x, n, out) fills out [n, size] with the factor at the n points. */
export interface Factor {
  size: number;
  /** Depends on t only (true) or on space only (false). */
  time: boolean;
  /** x [n, dim] row-major (ignored by time factors), t [n] (ignored by space factors). */
  evaluate(x: Float64Array, t: Float64Array, n: number, out: Float64Array): void;
}

/**
 * interface Factored {
 *   all: Factor[]            every factor in tree order (phi is their C-order product)
 *   space: Factor[]          space factors, in tree order
 *   spaceSize                product of their sizes
 *   contractTime(W, out, t)  W [out, F] contracted with every time factor at the scalar t
 *                            -> [out, spaceSize]; done once per time step, shared by particles
 * }
 */
export interface Factored {
  /** Every factor in tree order (the product of all of them is phi). */
  all: Factor[];
  space: Factor[];
  spaceSize: number;
  contractTime(W: Float64Array, out: number, t: number): Float64Array;
}

/**
 * interface FeatureMap {
 *   F                        total feature count
 *   evaluate(x, t, n)        n points (x row-major [n, dim], t [n]) -> [n, F] row-major
 *   factored                 the FACTORED form, or null when the tree is not a product of
 *                            factors that each depend on space only or on t only
 * }
 */
export interface FeatureMap {
  F: number;
  dim: number;
  evaluate(x: Float64Array, t: Float64Array, n: number): Float64Array;
  factored: Factored | null;
}

/** compileFeatures(tree, dim): FeatureMap */
export function compileFeatures(tree: IrFeatureTree, dim: number): FeatureMap {
  const node = compileNode(tree, dim);
  return {
    F: node.size,
    dim,
    evaluate: (x, t, n) => {
      const out = new Float64Array(n * node.size);
      node.evaluate(x, t, n, out);
      return out;
    },
    factored: factorize(tree, dim),
  };
}

/** Any tree node as a Factor-like evaluator (the `time` flag is meaningless above basis level). */
function compileNode(tree: IrFeatureTree, dim: number): Factor {
  if (tree.op === 'basis') return compileBasis(tree, dim);
  const kids = (tree.op === 'product' ? tree.factors : tree.parts).map((k) => compileNode(k, dim));
  return tree.op === 'product' ? productOf(kids) : concatOf(kids);
}

function productOf(kids: Factor[]): Factor {
  const sizes = kids.map((k) => k.size);
  const size = sizes.reduce((s, v) => s * v, 1);
  return {
    size,
    time: false,
    evaluate(x, t, n, out) {
      const parts = kids.map((k) => {
        const buf = new Float64Array(n * k.size);
        k.evaluate(x, t, n, buf);
        return buf;
      });
      // C-order expansion in place: after factor j, out[p, 0..len) holds the product of factors
      // 0..j; expanding backwards lets each step overwrite only entries already consumed.
      for (let p = 0; p < n; p++) {
        const o = p * size;
        out[o] = 1;
        let len = 1;
        for (let j = 0; j < kids.length; j++) {
          const fj = sizes[j];
          const src = parts[j];
          const so = p * fj;
          for (let a = len - 1; a >= 0; a--) {
            const va = out[o + a];
            for (let b = fj - 1; b >= 0; b--) out[o + a * fj + b] = va * src[so + b];
          }
          len *= fj;
        }
      }
    },
  };
}

function concatOf(kids: Factor[]): Factor {
  const size = kids.reduce((s, k) => s + k.size, 0);
  return {
    size,
    time: false,
    evaluate(x, t, n, out) {
      let off = 0;
      for (const k of kids) {
        const buf = new Float64Array(n * k.size);
        k.evaluate(x, t, n, buf);
        for (let p = 0; p < n; p++) {
          for (let b = 0; b < k.size; b++) out[p * size + off + b] = buf[p * k.size + b];
        }
        off += k.size;
      }
    },
  };
}

/** The product structure needed by the fast sampler, or null. */
function factorize(tree: IrFeatureTree, dim: number): Factored | null {
  const leaves = productLeaves(tree);
  if (!leaves) return null;
  const isSpace = (b: IrBasis) => b.axes.every((a) => a !== 't');
  if (!leaves.every((b) => isTimeBasis(b) || isSpace(b))) return null;
  const factors = leaves.map((b) => compileBasis(b, dim));
  const sizes = factors.map((f) => f.size);
  const F = sizes.reduce((s, v) => s * v, 1);
  const space = factors.filter((f) => !f.time);
  const spaceSize = space.reduce((s, f) => s * f.size, 1);
  return {
    all: factors,
    space,
    spaceSize,
    contractTime(W, out, t) {
      const tv = new Float64Array([t]);
      const timeVals = factors.map((f) => {
        if (!f.time) return null;
        const buf = new Float64Array(f.size);
        f.evaluate(new Float64Array(0), tv, 1, buf);
        return buf;
      });
      const res = new Float64Array(out * spaceSize);
      const idx = new Int32Array(factors.length);
      for (let flat = 0; flat < F; flat++) {
        // Decompose flat (C-order) into per-factor indices.
        let r = flat;
        for (let j = factors.length - 1; j >= 0; j--) {
          idx[j] = r % sizes[j];
          r = (r - idx[j]) / sizes[j];
        }
        let w = 1;
        let s = 0;
        for (let j = 0; j < factors.length; j++) {
          const tvj = timeVals[j];
          if (tvj) w *= tvj[idx[j]];
          else s = s * sizes[j] + idx[j];
        }
        for (let o = 0; o < out; o++) res[o * spaceSize + s] += W[o * F + flat] * w;
      }
      return res;
    },
  };
}

function compileBasis(b: IrBasis, dim: number): Factor {
  const time = isTimeBasis(b);
  const cols = b.axes.map((a) => {
    const i = AXIS_INDEX[a];
    if (i >= dim) throw new Error(`feature axis '${a}' does not exist in ${dim}-dimensional data`);
    return i;
  });
  const read = (x: Float64Array, t: Float64Array, p: number, axis: number) =>
    cols[axis] < 0 ? t[p] : x[p * dim + cols[axis]];
  const def = BASES[b.basis];
  if (def.joint) {
    const joint = def.joint(b, cols.length);
    const u = new Float64Array(cols.length);
    return {
      size: b.n,
      time,
      evaluate(x, t, n, out) {
        for (let p = 0; p < n; p++) {
          for (let a = 0; a < cols.length; a++) u[a] = read(x, t, p, a);
          joint(u, out, p * b.n);
        }
      },
    };
  }
  const one = def.row(b);
  if (cols.length === 1) {
    const c = cols[0];
    const nb = b.n;
    return {
      size: nb,
      time,
      evaluate(x, t, n, out) {
        if (c < 0) for (let p = 0; p < n; p++) one(t[p], out, p * nb);
        else for (let p = 0; p < n; p++) one(x[p * dim + c], out, p * nb);
      },
    };
  }
  // Tensor product of the one-axis basis over the listed axes, C-order.
  const size = b.n ** cols.length;
  return {
    size,
    time,
    evaluate(x, t, n, out) {
      const vals = new Float64Array(cols.length * b.n);
      for (let p = 0; p < n; p++) {
        for (let a = 0; a < cols.length; a++) one(read(x, t, p, a), vals, a * b.n);
        for (let flat = 0; flat < size; flat++) {
          let r = flat;
          let v = 1;
          for (let a = cols.length - 1; a >= 0; a--) {
            v *= vals[a * b.n + (r % b.n)];
            r = Math.floor(r / b.n);
          }
          out[p * size + flat] = v;
        }
      }
    },
  };
}
