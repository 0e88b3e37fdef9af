// The axes of tabulated velocity fields (particles/table.ts): per space factor, the uniform grid
// and the matrix A that maps the basis' weights to the B-spline coefficients of the cubic-spline
// interpolant of their sum (the interpolation is linear, so A is the spline of each basis
// function, made once per job):
//   gauss    a clamped cubic spline (exact end derivatives) on nodes from the first centre minus
//            REACH to the last plus REACH, REACH = width sqrt(2 TAU): beyond it every bump is below
//            e^-TAU of its peak (TAU as the exact loops' window); in 1D the nodes also span the
//            initial draws. Particles outside the grid are evaluated exactly, never clamped.
//   fourier  a periodic cubic spline on `points` nodes per period L: every x maps into one period,
//            so the table covers the whole line (exact evaluation only for non-finite or huge |x|).
//   other    no table (the exact loops run).
// Error: for a clamped or periodic cubic spline |f - s| <= (5/384) s^4 max|f''''| (Hall and
// Meyer 1976); per axis, for a Gaussian of width w, max|f''''| = 3 / w^4 of its peak, so the error
// relative to the field's scale is below (5/128) (s/w)^4 (s = w/4: 1.5e-4; s = w/8: 1e-5), and
// for Fourier features with the highest frequency omega below (5/384)(s omega)^4 of the weights'
// sum. test/runtime-models/tables.test.ts checks this bound.

import type { IrBasis } from '../../compiler/ir/types.js';
import { AXIS_INDEX, BASES } from '../bases.js';

/** Bumps below e^-TAU of their peak are outside a Gaussian axis' table (as the exact loops' window). */
const TAU = 24;

/** Nodes a Gaussian axis may add to span the initial draws. */
const MAX_COVER = 4096;

/** Floats of all tables of a member above which it is integrated exactly (2^24: 128 MiB). */
export const MAX_TABLE = 2 ** 24;

/**
 * One axis of a table:
 *   nodes lo + k s, k = 0..G-1 (periodic: G per period, wrapped)
 *   cells: clamped G - 1 (cell i spans nodes i, i + 1); periodic G + 1 (cell G = cell 0, one
 *          period on, so a rounded wrap of exactly G needs no test)
 *   A [stored = cells + 3, n]: B-spline coefficients c_{-1}.. of the interpolant of each basis
 *          function (cell i reads stored rows i..i+3)
 */
export interface AxisTable {
  axis: number;
  periodic: boolean;
  n: number;
  lo: number;
  s: number;
  invS: number;
  G: number;
  cells: number;
  stored: number;
  A: Float64Array;
  /** max over rows of sum |A[r, :]| (bounds the tables by the weights). */
  amax: number;
}

/**
 * The default nodes per axis (`table_points` left out), across the basis' `over` interval:
 * Gaussian 8 per feature width in 1D (s = w / 8) and 4 in 2D (s = w / 4, where the grid costs
 * G^2 per output), Fourier 256 per period in 1D and 96 in 2D. Measured (bench/README.md "Tabulated
 * velocity fields"): the table's ensemble-mean histogram then differs from exact evaluation, same
 * draws, by under 1% of the half-split noise floor of the paper's cells.
 */
export function defaultPoints(b: IrBasis, dim: number): number {
  if (b.basis === 'fourier') return dim === 1 ? 256 : 96;
  const w = b.width;
  const span = b.over[1] - b.over[0];
  const perWidth = dim === 1 ? 8 : 4;
  return Math.max(2, Math.ceil((span / w) * perWidth) + 1);
}

/**
 * axisTable(b, points, cover = 0): the table of one space basis, or null (no table for its kind).
 * A Gaussian axis' nodes also span [-cover, cover] (where the initial draws lie).
 */
export function axisTable(b: IrBasis, points: number, cover = 0): AxisTable | null {
  if (b.axes.length !== 1) return null;
  const axis = AXIS_INDEX[b.axes[0]];
  if (b.basis === 'gauss') return gaussTable(b, axis, points, cover);
  if (b.basis === 'fourier') return fourierTable(b, axis, points);
  return null;
}

function gaussTable(b: IrBasis, axis: number, points: number, cover: number): AxisTable {
  const n = b.n;
  const [o0, o1] = b.over;
  const s = (o1 - o0) / Math.max(1, points - 1);
  const reach = b.width * Math.sqrt(2 * TAU);
  // the initial draws' span is a convenience (fewer exact steps), so it stops at MAX_COVER nodes
  const extra = Math.floor(MAX_COVER / 2);
  const padLo = Math.ceil(Math.max(reach, Math.min(o0 + cover, extra * s)) / s);
  const padHi = Math.ceil(Math.max(reach, Math.min(cover - o1, extra * s)) / s);
  const G = Math.max(2, points) + padLo + padHi;
  const lo = o0 - padLo * s;
  const row = BASES.gauss.row!(b);
  const f = new Float64Array(G * n);
  for (let k = 0; k < G; k++) row(lo + k * s, f, k * n);
  // centres as gaussRow places them (n = 1: at over[0])
  const h = n > 1 ? (o1 - o0) / (n - 1) : 0;
  const w2 = b.width * b.width;
  const deriv = (k: number, out: Float64Array) => {
    const u = lo + k * s;
    for (let i = 0; i < n; i++) out[i] = (-(u - (o0 + i * h)) / w2) * f[k * n + i];
  };
  const d0 = new Float64Array(n);
  const d1 = new Float64Array(n);
  deriv(0, d0);
  deriv(G - 1, d1);
  const cells = G - 1;
  const stored = cells + 3;
  const A = new Float64Array(stored * n);
  clampedSpline(f, d0, d1, G, n, s, A);
  return { axis, periodic: false, n, lo, s, invS: 1 / s, G, cells, stored, A, amax: rowSumMax(A, stored, n) };
}

function fourierTable(b: IrBasis, axis: number, points: number): AxisTable {
  const n = b.n;
  const L = b.over[1] - b.over[0];
  const G = Math.max(4, points);
  const s = L / G;
  const lo = b.over[0];
  const row = BASES.fourier.row!(b);
  const f = new Float64Array(G * n);
  for (let k = 0; k < G; k++) row(lo + k * s, f, k * n);
  const cells = G + 1;
  const stored = cells + 3;
  const A = new Float64Array(stored * n);
  periodicSpline(f, G, n, A);
  return { axis, periodic: true, n, lo, s, invS: 1 / s, G, cells, stored, A, amax: rowSumMax(A, stored, n) };
}

function rowSumMax(A: Float64Array, rows: number, n: number): number {
  let best = 0;
  for (let r = 0; r < rows; r++) {
    let v = 0;
    for (let i = 0; i < n; i++) v += Math.abs(A[r * n + i]);
    best = Math.max(best, v);
  }
  return best;
}

/**
 * Clamped cubic spline coefficients, column by column: f [G, n] node values, d0/d1 [n] end
 * derivatives -> A [(G + 2), n], rows c_{-1}..c_G. Equations (c_{j-1} + 4 c_j + c_{j+1}) / 6 = f_j,
 * with c_{-1} = c_1 - 2 s d0 and c_G = c_{G-2} + 2 s d1 eliminated at the ends (Thomas algorithm).
 */
function clampedSpline(
  f: Float64Array,
  d0: Float64Array,
  d1: Float64Array,
  G: number,
  n: number,
  s: number,
  A: Float64Array,
): void {
  // diagonal 4/6, off-diagonals 1/6 (first row's upper and last row's lower: 2/6)
  const cp = new Float64Array(G);
  const rhs = new Float64Array(G);
  const c = new Float64Array(G);
  for (let col = 0; col < n; col++) {
    for (let j = 0; j < G; j++) rhs[j] = 6 * f[j * n + col];
    rhs[0] += 2 * s * d0[col];
    rhs[G - 1] -= 2 * s * d1[col];
    // forward sweep on the rows scaled by 6: [4 2; 1 4 1; ...; 2 4]
    let denom = 4;
    cp[0] = 2 / denom;
    rhs[0] /= denom;
    for (let j = 1; j < G; j++) {
      const lower = j === G - 1 ? 2 : 1;
      denom = 4 - lower * cp[j - 1];
      cp[j] = 1 / denom;
      rhs[j] = (rhs[j] - lower * rhs[j - 1]) / denom;
    }
    c[G - 1] = rhs[G - 1];
    for (let j = G - 2; j >= 0; j--) c[j] = rhs[j] - cp[j] * c[j + 1];
    A[col] = c[1] - 2 * s * d0[col];
    for (let j = 0; j < G; j++) A[(j + 1) * n + col] = c[j];
    A[(G + 1) * n + col] = c[G - 2] + 2 * s * d1[col];
  }
}

/**
 * Periodic cubic spline coefficients: c_j = sum_k K_{(j - k) mod G} f_k with the periodized
 * inverse of (1, 4, 1)/6, K_m = sqrt 3 (z^m + z^(G - m)) / (1 - z^G), z = sqrt 3 - 2. A [G + 4, n]
 * holds c_{-1}..c_{G+2} (indices mod G).
 */
function periodicSpline(f: Float64Array, G: number, n: number, A: Float64Array): void {
  const z = Math.sqrt(3) - 2;
  const zG = z ** G;
  const K = Float64Array.from({ length: G }, (_, m) => (Math.sqrt(3) * (z ** m + z ** (G - m))) / (1 - zG));
  const c = new Float64Array(G * n);
  for (let j = 0; j < G; j++)
    for (let k = 0; k < G; k++) {
      const w = K[(j - k + G) % G];
      for (let col = 0; col < n; col++) c[j * n + col] += w * f[k * n + col];
    }
  for (let r = 0; r < G + 4; r++) {
    const j = (((r - 1) % G) + G) % G;
    for (let col = 0; col < n; col++) A[r * n + col] = c[j * n + col];
  }
}

/**
 * The tables of a job's space factors in order, or null when some factor has no table or the
 * factors are not one per data axis (1D: one; 2D: two on different axes).
 */
export function tableAxes(leaves: IrBasis[], dim: number, points: number | null, cover: number[]): AxisTable[] | null {
  if (leaves.length !== dim || (dim !== 1 && dim !== 2)) return null;
  const axes: AxisTable[] = [];
  for (const b of leaves) {
    const a = AXIS_INDEX[b.axes[0]];
    const t = axisTable(b, points ?? defaultPoints(b, dim), dim === 1 ? (cover[a] ?? 0) : 0);
    if (!t || t.axis >= dim) return null;
    axes.push(t);
  }
  if (dim === 2 && axes[0].axis === axes[1].axis) return null;
  // per evaluation; the member's E evaluations are checked in integrateTable
  if (tableLength(axes, 1) > MAX_TABLE) return null;
  return axes;
}

/** tableLength(axes, E): floats of every evaluation's table */
export function tableLength(axes: AxisTable[], E: number): number {
  return axes.length === 1 ? E * axes[0].cells * 4 : E * axes[0].stored * axes[1].stored * 2;
}
