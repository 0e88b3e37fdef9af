// Feature rows of a Monte-Carlo design, kept sparse, and weighted Grams built from them.
// A product of one-axis bases (features.ts `factored`) gives each design point the outer product
// of its per-factor rows; a Gaussian factor row is negligible outside a window of nearby centres.
// Entries below e^-24 = 4e-11 of the factor row's largest are dropped, the sampler's threshold
// (particles/member.ts): every population quantity is a Monte-Carlo mean whose relative error is
// 1/sqrt(mc_samples), over 1e-4 at any design size, and e^-40 (float64 rounding) kept twice the
// entries per Fig. 3 row (729 against 343) and four times the leverage work. Other trees keep
// every entry.
//
// Gram: Sigma = sum_j w_j phi_j phi_j^T with phi_j = a_j (x) b_j (x) ... is sum_j w_j A_j (x) B_j
// (x) ..., A_j = a_j a_j^T symmetric, so an entry depends only on the unordered index pair of each
// factor: it is accumulated over the packed upper triangles of the factors (Fig. 3: 45^3 products
// per point within the windows, against 1000^2 / 2 for the dense rank-1 update) and unpacked once.
// With WebAssembly SIMD (runtime/linalg/wasm, unless GTV_SIMD=0) the points are taken in groups
// sharing all their windows (Fig. 3: 1481 groups for 10,000 points), whose share of T is one small
// matrix product X^T Y (X: each point's pairs of the leading factors, Y: of the last factor), so each
// loaded value feeds several multiply-adds and T is written once per group instead of per point.
// The products are the same floats as the JS recursion's (((w a) b) c, same order); only the sum
// over points is reordered (within a group, then across groups in window order), so the two
// agree to the usual (N + 1) eps sum_j |terms| bound of a reordered sum.

import type { Factor, FeatureMap } from '../features.js';
import { gramWasm, linalgSimdEnabled } from '../linalg/wasm/simd.js';
import { normalSums } from '../models/linear.js';

const DROP = Math.exp(-24);

export interface DesignRows {
  N: number;
  F: number;
  start: Int32Array;
  col: Int32Array;
  val: Float64Array;
  /** Per-factor rows and windows for the Kronecker Gram; null when the tree is not a product. */
  factors: FactorRows[] | null;
}

export interface FactorRows {
  n: number;
  /** [N, n] full rows. */
  row: Float64Array;
  /** [N, 2] inclusive window. */
  win: Int32Array;
}

/** designRows(features, x, t, N): DesignRows   CSR rows [N, F] (columns increasing) */
export function designRows(features: FeatureMap, x: Float64Array, t: Float64Array, N: number): DesignRows {
  const F = features.F;
  const fac = features.factored;
  if (!fac) {
    const phi = features.evaluate(x, t, N);
    const start = new Int32Array(N + 1);
    for (let j = 0; j < N; j++) start[j + 1] = start[j] + F;
    const col = new Int32Array(N * F);
    for (let i = 0; i < N * F; i++) col[i] = i % F;
    return { N, F, start, col, val: phi, factors: null };
  }
  return productRows(fac.all, x, t, N);
}

/**
 * productRows(factors, x, t, N): DesignRows   the same for the C-order product of some factors
 * (e.g. only the space factors at grid points)
 */
export function productRows(all: Factor[], x: Float64Array, t: Float64Array, N: number): DesignRows {
  const F = all.reduce((s, f) => s * f.size, 1);
  const factors = all.map((f): FactorRows => {
    const row = new Float64Array(N * f.size);
    f.evaluate(x, t, N, row);
    const win = new Int32Array(2 * N);
    for (let j = 0; j < N; j++) {
      const o = j * f.size;
      let big = 0;
      for (let i = 0; i < f.size; i++) big = Math.max(big, Math.abs(row[o + i]));
      let lo = 0;
      let hi = f.size - 1;
      while (lo < hi && Math.abs(row[o + lo]) < DROP * big) lo++;
      while (hi > lo && Math.abs(row[o + hi]) < DROP * big) hi--;
      win[2 * j] = lo;
      win[2 * j + 1] = hi;
    }
    return { n: f.size, row, win };
  });
  // In shared memory: the worker pool reads them (vkernel/leverage.ts), and Fig. 3's dense
  // Fourier rows are 120 MB, too much to copy.
  const start = new Int32Array(new SharedArrayBuffer(4 * (N + 1)));
  for (let j = 0; j < N; j++) {
    let c = 1;
    for (const f of factors) c *= f.win[2 * j + 1] - f.win[2 * j] + 1;
    start[j + 1] = start[j] + c;
  }
  const col = new Int32Array(new SharedArrayBuffer(4 * start[N]));
  const val = new Float64Array(new SharedArrayBuffer(8 * start[N]));
  for (let j = 0; j < N; j++) {
    // C-order expansion of the windows, the first factor slowest (as features.ts productOf).
    let o = start[j];
    col[o] = 0;
    val[o] = 1;
    let len = 1;
    for (const f of factors) {
      const lo = f.win[2 * j];
      const w = f.win[2 * j + 1] - lo + 1;
      const ro = j * f.n;
      for (let a = len - 1; a >= 0; a--) {
        const ca = col[o + a] * f.n;
        const va = val[o + a];
        for (let b = w - 1; b >= 0; b--) {
          col[o + a * w + b] = ca + lo + b;
          val[o + a * w + b] = va * f.row[ro + lo + b];
        }
      }
      len *= w;
    }
  }
  return { N, F, start, col, val, factors };
}

/** rowDot(rows, j, v, off): number             phi_j . v[off .. off + F) */
export function rowDot(rows: DesignRows, j: number, v: Float64Array, off: number): number {
  let s = 0;
  for (let q = rows.start[j]; q < rows.start[j + 1]; q++) s += rows.val[q] * v[off + rows.col[q]];
  return s;
}

/** weightedGram(rows, w): Float64Array         sum_j w_j phi_j phi_j^T [F, F] */
export function weightedGram(rows: DesignRows, w: Float64Array): Float64Array {
  return rows.factors ? kroneckerGram(rows.factors, rows.N, rows.F, w) : denseGram(rows, w);
}

function denseGram(rows: DesignRows, w: Float64Array): Float64Array {
  const { N, F, start, col, val } = rows;
  // Full rows (every tree that is not a product) are the ridge normal matrix's rank-1 sum.
  if (start[N] === N * F) {
    const { G } = normalSums(val, N, F, w, new Float64Array(0), 0);
    for (let a = 0; a < F; a++) for (let b = 0; b < a; b++) G[a * F + b] = G[b * F + a];
    return G;
  }
  const S = new Float64Array(F * F);
  for (let j = 0; j < N; j++) {
    if (w[j] === 0) continue;
    for (let p = start[j]; p < start[j + 1]; p++) {
      const va = w[j] * val[p];
      const ra = col[p] * F;
      for (let q = p; q < start[j + 1]; q++) S[ra + col[q]] += va * val[q];
    }
  }
  for (let a = 0; a < F; a++) for (let b = 0; b < a; b++) S[a * F + b] = S[b * F + a];
  return S;
}

/** Packed index of the pair (i <= k) in an n x n upper triangle, row by row. */
const packed = (n: number, i: number, k: number) => i * n - (i * (i - 1)) / 2 + (k - i);

function kroneckerGram(factors: FactorRows[], N: number, F: number, w: Float64Array): Float64Array {
  const m = factors.map((f) => (f.n * (f.n + 1)) / 2);
  if (linalgSimdEnabled()) return unpack(factors, m, groupedGram(factors, N, w, m), F);
  const K = factors.length;
  // T is C-order over the factors' packed triangles: index ((p_0 m_1 + p_1) m_2 + p_2) ...
  const T = new Float64Array(m.reduce((s, v) => s * v, 1));
  // Per factor, at the current point: its nonzero packed pairs (index, value).
  const pIdx = m.map((v) => new Int32Array(v));
  const pVal = m.map((v) => new Float64Array(v));
  const pLen = new Int32Array(K);
  const last = K - 1;
  const rec = (a: number, off: number, s: number): void => {
    const idx = pIdx[a];
    const val = pVal[a];
    const len = pLen[a];
    if (a === last) {
      const o = off * m[a];
      for (let q = 0; q < len; q++) T[o + idx[q]] += s * val[q];
      return;
    }
    for (let q = 0; q < len; q++) rec(a + 1, off * m[a] + idx[q], s * val[q]);
  };
  for (let j = 0; j < N; j++) {
    if (w[j] === 0) continue;
    for (let a = 0; a < K; a++) {
      const f = factors[a];
      const lo = f.win[2 * j];
      const hi = f.win[2 * j + 1];
      const ro = j * f.n;
      let c = 0;
      for (let i = lo; i <= hi; i++) {
        const vi = f.row[ro + i];
        const base = packed(f.n, i, i) - i;
        for (let k = i; k <= hi; k++) {
          pIdx[a][c] = base + k;
          pVal[a][c++] = vi * f.row[ro + k];
        }
      }
      pLen[a] = c;
    }
    rec(0, 0, w[j]);
  }
  return unpack(factors, m, T, F);
}

/** Points per wasm call: a group's X stays small (Fig. 3: 64 x 784 floats at most). */
const GROUP_POINTS = 64;

/** T of kroneckerGram by groups of points sharing their windows, each group's share in wasm. */
function groupedGram(factors: FactorRows[], N: number, w: Float64Array, m: number[]): Float64Array {
  const K = factors.length;
  const last = K - 1;
  const order = windowOrder(factors, N);
  const acc = gramWasm(m.reduce((s, v) => s * v, 1));
  // the group's packed pair indices per factor (the same for all its points) and their count
  const idx = factors.map((f) => new Int32Array((f.n * (f.n + 1)) / 2));
  const len = new Int32Array(K);
  const pairVal = factors.map((f) => new Float64Array((f.n * (f.n + 1)) / 2));
  let X = new Float64Array(0);
  let Y = new Float64Array(0);
  let ro = new Int32Array(0);
  let c = 0;
  while (c < N) {
    const first = order[c];
    let end = c + 1;
    while (end < N && end - c < GROUP_POINTS && sameWindows(factors, first, order[end])) end++;
    let nr = 1;
    for (let a = 0; a < K; a++) {
      const f = factors[a];
      const lo = f.win[2 * first];
      const hi = f.win[2 * first + 1];
      let q = 0;
      for (let i = lo; i <= hi; i++) for (let k = i; k <= hi; k++) idx[a][q++] = packed(f.n, i, k);
      len[a] = q;
      if (a < last) nr *= q;
    }
    const nc = len[last];
    if (ro.length < nr) ro = new Int32Array(nr);
    if (X.length < GROUP_POINTS * nr) X = new Float64Array(GROUP_POINTS * nr);
    if (Y.length < GROUP_POINTS * nc) Y = new Float64Array(GROUP_POINTS * nc);
    // ro: C-order radix offsets of the leading factors' pairs, times the last factor's m
    ro[0] = 0;
    let n = 1;
    for (let a = 0; a < last; a++) {
      for (let r = n - 1; r >= 0; r--)
        for (let q = len[a] - 1; q >= 0; q--) ro[r * len[a] + q] = ro[r] * m[a] + idx[a][q];
      n *= len[a];
    }
    for (let r = 0; r < nr; r++) ro[r] *= m[last];
    let g = 0;
    for (let e = c; e < end; e++) {
      const j = order[e];
      if (w[j] === 0) continue;
      // X[g, :] = w_j times the leading factors' pair products, in the JS recursion's order
      const xo = g * nr;
      X[xo] = w[j];
      let len0 = 1;
      for (let a = 0; a < K; a++) {
        const f = factors[a];
        const lo = f.win[2 * j];
        const hi = f.win[2 * j + 1];
        const ro0 = j * f.n;
        const pv = a === last ? Y : pairVal[a];
        let q = a === last ? g * nc : 0;
        for (let i = lo; i <= hi; i++) {
          const vi = f.row[ro0 + i];
          for (let k = i; k <= hi; k++) pv[q++] = vi * f.row[ro0 + k];
        }
        if (a === last) break;
        const l = len[a];
        for (let r = len0 - 1; r >= 0; r--) {
          const v = X[xo + r];
          const o = xo + r * l;
          for (let p = l - 1; p >= 0; p--) X[o + p] = v * pv[p];
        }
        len0 *= l;
      }
      g++;
    }
    if (g > 0) acc.add(X, nr, Y, nc, g, ro, idx[last]);
    c = end;
  }
  return acc.result();
}

function sameWindows(factors: FactorRows[], a: number, b: number): boolean {
  for (const f of factors) if (f.win[2 * a] !== f.win[2 * b] || f.win[2 * a + 1] !== f.win[2 * b + 1]) return false;
  return true;
}

/** Points sorted by their per-factor windows (identity order when the rows are not a product). */
export function groupOrder(rows: DesignRows): Int32Array {
  return rows.factors ? windowOrder(rows.factors, rows.N) : Int32Array.from({ length: rows.N }, (_, j) => j);
}

function windowOrder(factors: FactorRows[], N: number): Int32Array {
  const key = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    let k = 0;
    for (const f of factors) k = (k * f.n + f.win[2 * j]) * f.n + f.win[2 * j + 1];
    key[j] = k;
  }
  return Int32Array.from({ length: N }, (_, j) => j).sort((a, b) => key[a] - key[b] || a - b);
}

/** Sigma[f, f'] = T[pair(i_0, i'_0), pair(i_1, i'_1), ...] over the C-order digits of f and f'. */
function unpack(factors: FactorRows[], m: number[], T: Float64Array, F: number): Float64Array {
  const K = factors.length;
  // pairOff[a][i * n + k]: factor a's packed pair of (i, k) times its radix weight in T.
  const weight = new Array<number>(K);
  let acc = 1;
  for (let a = K - 1; a >= 0; a--) {
    weight[a] = acc;
    acc *= m[a];
  }
  const pairOff = factors.map((f, a) => {
    const o = new Float64Array(f.n * f.n);
    for (let i = 0; i < f.n; i++)
      for (let k = 0; k < f.n; k++) o[i * f.n + k] = packed(f.n, Math.min(i, k), Math.max(i, k)) * weight[a];
    return o;
  });
  const digits = factors.map(() => new Int32Array(F));
  for (let f = 0; f < F; f++) {
    let r = f;
    for (let a = K - 1; a >= 0; a--) {
      digits[a][f] = r % factors[a].n;
      r = (r - digits[a][f]) / factors[a].n;
    }
  }
  const S = new Float64Array(F * F);
  // Row f's offsets into T for every g, as a Kronecker sum over the factors (C order): about
  // 2F additions per row instead of K table look-ups per entry.
  const off = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    off[0] = 0;
    let len = 1;
    for (let a = 0; a < K; a++) {
      const n = factors[a].n;
      const row = digits[a][f] * n;
      const po = pairOff[a];
      for (let r = len - 1; r >= 0; r--) {
        const o = off[r];
        for (let q = n - 1; q >= 0; q--) off[r * n + q] = o + po[row + q];
      }
      len *= n;
    }
    const so = f * F;
    for (let g = 0; g < F; g++) S[so + g] = T[off[g]];
  }
  return S;
}

/**
 * The rows as Phi^T C reads them: per-factor rows with the points grouped by equal windows for
 * product features (no sparse rows needed), else the sparse rows. Plain typed arrays, so worker
 * threads can share them (vkernel/omega.ts).
 */
export type TransposeSource =
  | { kind: 'product'; factors: FactorRows[]; order: Int32Array }
  | { kind: 'sparse'; start: Int32Array; col: Int32Array; val: Float64Array };

export function transposeSource(rows: DesignRows): TransposeSource {
  return rows.factors
    ? { kind: 'product', factors: rows.factors, order: groupOrder(rows) }
    : { kind: 'sparse', start: rows.start, col: rows.col, val: rows.val };
}

/**
 * Phi^T C [K, F] (row k = sum_j C[j, k] phi_j) for C [N, K]. For product features each phi_j is
 * (leading factors' window rows) (x) (last factor's window row), so the points sharing all their
 * windows contribute one small product X^T Y, X [g, leading window] and Y [g, last window x K]
 * (the last row times C[j, :]): in WebAssembly SIMD (linalg/wasm gramWasm) or JS loops. A loop
 * over sparse rows streamed Fig. 3's 1e7 dense Fourier entries (120 MB) per call.
 */
export function transposeTimes(src: TransposeSource, N: number, F: number, C: Float64Array, K: number): Float64Array {
  return src.kind === 'product' ? groupedTransposeTimes(src, N, F, C, K) : sparseTransposeTimes(src, N, F, C, K);
}

/** Phi^T C over sparse rows; columns of C in pairs, so each row entry is read once for both. */
function sparseTransposeTimes(
  rows: { start: Int32Array; col: Int32Array; val: Float64Array },
  N: number,
  F: number,
  c: Float64Array,
  D: number,
): Float64Array {
  const { start, col, val } = rows;
  const om = new Float64Array(D * F);
  for (let j = 0; j < N; j++) {
    const q0 = start[j];
    const q1 = start[j + 1];
    for (let a = 0; a < D; a += 2) {
      const c0 = c[j * D + a];
      const r0 = a * F;
      if (a + 1 < D) {
        const c1 = c[j * D + a + 1];
        for (let q = q0; q < q1; q++) ((om[r0 + col[q]] += c0 * val[q]), (om[r0 + F + col[q]] += c1 * val[q]));
      } else for (let q = q0; q < q1; q++) om[r0 + col[q]] += c0 * val[q];
    }
  }
  return om;
}

/** n rounded up to a multiple of 4 (the wasm Gram kernel's row padding). */
const up4 = (n: number) => Math.ceil(n / 4) * 4;

/**
 * What groupedTransposeTimes reads of the design, point by point in `order`, so that a virtual
 * model's pass reads it in sequence: X, the leading factors' window-row products (C order), at
 * off[e], each row padded with zeros to a multiple of 4; L, the last factor's window row, at
 * e * S (S its widest window). Cached per design: the effective SDE's virtual models each
 * multiply the same design by their own coefficients.
 */
const designCache = new WeakMap<object, { X: Float64Array; off: Int32Array; L: Float64Array; S: number }>();

function designInOrder(
  pr: { factors: FactorRows[]; order: Int32Array },
  N: number,
): { X: Float64Array; off: Int32Array; L: Float64Array; S: number } {
  const hit = designCache.get(pr);
  if (hit) return hit;
  const { factors, order } = pr;
  const K = factors.length;
  const last = factors[K - 1];
  const off = new Int32Array(N + 1);
  let S = 0;
  for (let e = 0; e < N; e++) {
    const j = order[e];
    let len = 1;
    for (let a = 0; a < K - 1; a++) len *= factors[a].win[2 * j + 1] - factors[a].win[2 * j] + 1;
    off[e + 1] = off[e] + up4(len);
    S = Math.max(S, last.win[2 * j + 1] - last.win[2 * j] + 1);
  }
  const X = new Float64Array(off[N]);
  const L = new Float64Array(N * S);
  for (let e = 0; e < N; e++) {
    const j = order[e];
    const xo = off[e];
    X[xo] = 1;
    let len = 1;
    for (let a = 0; a < K - 1; a++) {
      const f = factors[a];
      const lo = f.win[2 * j];
      const w = f.win[2 * j + 1] - lo + 1;
      const r0 = j * f.n + lo;
      for (let r = len - 1; r >= 0; r--) {
        const v = X[xo + r];
        for (let q = w - 1; q >= 0; q--) X[xo + r * w + q] = v * f.row[r0 + q];
      }
      len *= w;
    }
    const lo = last.win[2 * j];
    L.set(last.row.subarray(j * last.n + lo, j * last.n + last.win[2 * j + 1] + 1), e * S);
  }
  const out = { X, off, L, S };
  designCache.set(pr, out);
  return out;
}

/** Phi^T C for product features, one X^T Y per group of points with equal windows. */
function groupedTransposeTimes(
  pr: { factors: FactorRows[]; order: Int32Array },
  N: number,
  F: number,
  c: Float64Array,
  D: number,
): Float64Array {
  const { factors, order } = pr;
  const K = factors.length;
  const last = factors[K - 1];
  const wasm = linalgSimdEnabled() ? gramWasm(D * F) : null;
  const om = wasm ? null : new Float64Array(D * F);
  const lead = factors.slice(0, K - 1).reduce((s, f) => s * f.n, 1);
  const rows = designInOrder(pr, N);
  const Y = new Float64Array(GROUP_POINTS * up4(last.n * D));
  const ro = new Int32Array(lead);
  const co = new Int32Array(last.n * D);
  let e = 0;
  while (e < N) {
    const first = order[e];
    let end = e + 1;
    while (end < N && end - e < GROUP_POINTS && sameWindows(factors, first, order[end])) end++;
    // ro: the leading factors' window combinations in C order, as flat offsets (times last.n)
    ro[0] = 0;
    let nr = 1;
    for (let a = 0; a < K - 1; a++) {
      const f = factors[a];
      const lo = f.win[2 * first];
      const w = f.win[2 * first + 1] - lo + 1;
      for (let r = nr - 1; r >= 0; r--) for (let q = w - 1; q >= 0; q--) ro[r * w + q] = ro[r] * f.n + lo + q;
      nr *= w;
    }
    for (let r = 0; r < nr; r++) ro[r] *= last.n;
    const loL = last.win[2 * first];
    const wL = last.win[2 * first + 1] - loL + 1;
    const nc = wL * D;
    for (let a = 0; a < D; a++) for (let l = 0; l < wL; l++) co[a * wL + l] = a * F + loL + l;
    const g = end - e;
    // X [g, nr4]: the group's leading window rows' products (designInOrder); Y [g, nc4]: c_j (x)
    // the last window row; both padded with zeros
    const nr4 = up4(nr);
    const nc4 = up4(nc);
    const X = rows.X.subarray(rows.off[e], rows.off[e] + g * nr4);
    const { L, S } = rows;
    for (let k = 0; k < g; k++) {
      const j = order[e + k];
      const lo = (e + k) * S;
      for (let a = 0; a < D; a++) {
        const cj = c[j * D + a];
        for (let l = 0; l < wL; l++) Y[k * nc4 + a * wL + l] = cj * L[lo + l];
      }
      for (let q = nc; q < nc4; q++) Y[k * nc4 + q] = 0;
    }
    if (wasm) wasm.addPadded(X, nr, Y, nc, g, ro, co);
    else
      for (let k = 0; k < g; k++)
        for (let r = 0; r < nr; r++) {
          const x = X[k * nr4 + r];
          const o = ro[r];
          for (let q = 0; q < nc; q++) om![o + co[q]] += x * Y[k * nc4 + q];
        }
    e = end;
  }
  return wasm ? wasm.result() : om!;
}
