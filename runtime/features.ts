// Feature maps phi(x, t) of linear models (docs/theory.md 9.1, 13.2-13.3), evaluated in float64 on the
// JS side: the hot loops are short per-particle recurrences that tfjs' wasm backend would run as
// many slow element-wise ops (measured: exp at ~0.09 G/s, cos at ~0.03 G/s on this machine).
//
// The bases themselves (conventions, rows): bases.ts.

import type { IrBasis, IrFeatureTree } from '../compiler/ir/types.js';
import { AXIS_INDEX, BASES, isTimeBasis, productLeaves, type JointSplit } from './bases.js';

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
 * interface TimeSplit {      phi(x, t)[f] = sum_{r < R} space(x)[r, f] time(t)[r, f]
 *   R                        number of terms
 *   space(x, n, out)         out [n, R, size] at n points x [n, dim]
 *   time(t, out)             out [R, size] at the scalar t
 * }
 * Every feature is a sum of R products of a space part and a time part, so integrals and sums
 * over t at fixed x (vkernel/white.ts) need the space parts once and the time parts once per t,
 * not phi at every (x, t). Exact in exact arithmetic; the split rows are independent roundings.
 */
export interface TimeSplit {
  R: number;
  size: number;
  space(x: Float64Array, n: number, out: Float64Array): void;
  time(t: number, out: Float64Array): void;
}

/**
 * interface FeatureMap {
 *   F                        total feature count
 *   evaluate(x, t, n)        n points (x row-major [n, dim], t [n]) -> [n, F] row-major
 *   factored                 the FACTORED form, or null when the tree is not a product of
 *                            factors that each depend on space only or on t only
 *   split                    the TIME SPLIT form, or null when some basis has none (a joint
 *                            basis over t and space without a `split` in bases.ts)
 * }
 */
export interface FeatureMap {
  F: number;
  dim: number;
  evaluate(x: Float64Array, t: Float64Array, n: number): Float64Array;
  factored: Factored | null;
  split: TimeSplit | null;
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
    split: splitNode(tree, dim),
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

// --- time split

/** The TimeSplit of any tree node, or null when a basis in it has none. */
function splitNode(tree: IrFeatureTree, dim: number): TimeSplit | null {
  if (tree.op === 'basis') return splitBasis(tree, dim);
  const kids: TimeSplit[] = [];
  for (const k of tree.op === 'product' ? tree.factors : tree.parts) {
    const s = splitNode(k, dim);
    if (!s) return null;
    kids.push(s);
  }
  return tree.op === 'product' ? splitProduct(kids) : splitConcat(kids);
}

/**
 * Products of sums: term (r_1, .., r_k) (C-order) is the C-order product of the kids' terms r_j,
 * in space and in time alike, so R = prod R_j.
 */
function splitProduct(kids: TimeSplit[]): TimeSplit {
  const sizes = kids.map((k) => k.size);
  const Rs = kids.map((k) => k.R);
  const size = sizes.reduce((s, v) => s * v, 1);
  const R = Rs.reduce((s, v) => s * v, 1);
  const expand = (parts: Float64Array[], n: number, out: Float64Array) => {
    const pick = new Int32Array(kids.length);
    for (let p = 0; p < n; p++) {
      for (let r = 0; r < R; r++) {
        let q = r;
        for (let j = kids.length - 1; j >= 0; j--) {
          pick[j] = q % Rs[j];
          q = (q - pick[j]) / Rs[j];
        }
        const o = (p * R + r) * size;
        out[o] = 1;
        let len = 1;
        for (let j = 0; j < kids.length; j++) {
          const fj = sizes[j];
          const src = parts[j];
          const so = (p * Rs[j] + pick[j]) * fj;
          for (let a = len - 1; a >= 0; a--) {
            const va = out[o + a];
            for (let b = fj - 1; b >= 0; b--) out[o + a * fj + b] = va * src[so + b];
          }
          len *= fj;
        }
      }
    }
  };
  return {
    R,
    size,
    space(x, n, out) {
      expand(
        kids.map((k) => {
          const buf = new Float64Array(n * k.R * k.size);
          k.space(x, n, buf);
          return buf;
        }),
        n,
        out,
      );
    },
    time(t, out) {
      expand(
        kids.map((k) => {
          const buf = new Float64Array(k.R * k.size);
          k.time(t, buf);
          return buf;
        }),
        1,
        out,
      );
    },
  };
}

/** Concatenation: R = max R_j, a part's missing terms zero in space and time. */
function splitConcat(kids: TimeSplit[]): TimeSplit {
  const size = kids.reduce((s, k) => s + k.size, 0);
  const R = Math.max(...kids.map((k) => k.R));
  const place = (n: number, out: Float64Array, fill: (k: TimeSplit, buf: Float64Array) => void) => {
    out.fill(0);
    let off = 0;
    for (const k of kids) {
      const buf = new Float64Array(n * k.R * k.size);
      fill(k, buf);
      for (let p = 0; p < n; p++)
        for (let r = 0; r < k.R; r++)
          for (let b = 0; b < k.size; b++) out[(p * R + r) * size + off + b] = buf[(p * k.R + r) * k.size + b];
      off += k.size;
    }
  };
  return {
    R,
    size,
    space: (x, n, out) => place(n, out, (k, buf) => k.space(x, n, buf)),
    time: (t, out) => place(1, out, (k, buf) => k.time(t, buf)),
  };
}

/**
 * One basis: space-only or time-only ones are one term (the other part 1); a joint basis over t
 * and space takes its bases.ts split; a tensor-product basis over t and space is one term, the
 * product of its space axes' rows times that of its t axes'.
 */
function splitBasis(b: IrBasis, dim: number): TimeSplit | null {
  const def = BASES[b.basis];
  const cols = b.axes.map((a) => AXIS_INDEX[a]);
  if (isTimeBasis(b) || !cols.includes(-1)) {
    const f = compileBasis(b, dim);
    const size = f.size;
    return {
      R: 1,
      size,
      space(x, n, out) {
        if (f.time) out.fill(1, 0, n * size);
        else f.evaluate(x, new Float64Array(n), n, out);
      },
      time(t, out) {
        if (f.time) f.evaluate(new Float64Array(dim), Float64Array.from([t]), 1, out);
        else out.fill(1, 0, size);
      },
    };
  }
  if (def.joint) return def.split ? jointSplit(def.split(b, cols.length, cols.indexOf(-1)), cols, dim, b.n) : null;
  return tensorSplit(def.row(b), b.n, cols, dim);
}

function jointSplit(js: JointSplit, cols: number[], dim: number, size: number): TimeSplit {
  const spaceCols = cols.filter((c) => c >= 0);
  const u = new Float64Array(spaceCols.length);
  const R = js.R;
  return {
    R,
    size,
    space(x, n, out) {
      for (let p = 0; p < n; p++) {
        for (let a = 0; a < spaceCols.length; a++) u[a] = x[p * dim + spaceCols[a]];
        js.space(u, out, p * R * size);
      }
    },
    time: (t, out) => js.time(t, out, 0),
  };
}

/** The C-order tensor product of a one-axis row over cols, split into its space and t axes. */
function tensorSplit(
  one: (u: number, out: Float64Array, off: number) => void,
  nb: number,
  cols: number[],
  dim: number,
): TimeSplit {
  const k = cols.length;
  const size = nb ** k;
  const vals = new Float64Array(k * nb);
  // Rows of the axes the part does not read are ones.
  const fillRows = (read: (a: number) => number | null, out: Float64Array, off: number) => {
    for (let a = 0; a < k; a++) {
      const u = read(a);
      if (u === null) vals.fill(1, a * nb, (a + 1) * nb);
      else one(u, vals, a * nb);
    }
    for (let flat = 0; flat < size; flat++) {
      let r = flat;
      let v = 1;
      for (let a = k - 1; a >= 0; a--) {
        v *= vals[a * nb + (r % nb)];
        r = Math.floor(r / nb);
      }
      out[off + flat] = v;
    }
  };
  return {
    R: 1,
    size,
    space(x, n, out) {
      for (let p = 0; p < n; p++) fillRows((a) => (cols[a] < 0 ? null : x[p * dim + cols[a]]), out, p * size);
    },
    time: (t, out) => fillRows((a) => (cols[a] < 0 ? t : null), out, 0),
  };
}
