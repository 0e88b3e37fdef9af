// Tabulated velocity fields (`eval = "table"`): at one evaluation time a member's model part of the
// velocity, m_e(x) = W_e phi(x) (the weights already contracted with the time factors and the
// velocity matrix, particles/member.ts), is a fixed smooth function of x. It is replaced by its
// cubic-spline interpolant on a uniform grid per space axis, built by separable contractions
// (1D: coefficients = A W_e, A [S, n]; 2D: C_d = A_1 W_{e,d} A_2^T), and each particle-step reads
// the interpolant instead of evaluating the features.
//
// Per axis, A maps a basis' weights to the B-spline coefficients of the interpolant of their sum
// (the interpolation is linear, so it is applied to each basis function once per job):
//   gauss    a clamped cubic spline (exact end derivatives) on nodes from the first centre minus
//            REACH to the last plus REACH, REACH = width sqrt(2 TAU): beyond it every bump is below
//            e^-TAU of its peak (TAU as the exact loops' window). Particles outside the grid are
//            evaluated exactly (the loops' own rows), never clamped.
//   fourier  a periodic cubic spline on `points` nodes per period L: every x maps into one period,
//            so the table covers the whole line (exact evaluation only for non-finite or huge |x|).
//   other    no table (the exact loops run).
// Error: for a clamped or periodic cubic spline |f - s| <= (5/384) s^4 max|f''''| (Hall and
// Meyer 1976); per axis, for a Gaussian of width w, max|f''''| = 3 / w^4 of its peak, so the error
// relative to the field's scale is below (5/128) (s/w)^4 (s = w/4: 1.5e-4; s = w/8: 1e-5), and
// for Fourier features with the highest frequency omega below (5/384)(s omega)^4 of the weights'
// sum. test/runtime-models/tables.test.ts checks this bound and the samples against exact
// evaluation; bench/README.md "Tabulated velocity fields" has the measurements behind the defaults.
//
// 1D: per cell the cubic in Horner form (4 coefficients: one cache line read, 3 multiply-adds per
// particle-step). 2D: the B-spline coefficient grid itself ((S_1 S_2) x 2 outputs, 16 reads and
// 4 + 4 weights per particle-step): per-cell bicubics would hold 16 times the memory, which at
// the grids 2D needs leaves the L2 cache.
//
// Loops: Euler steps go through the WebAssembly module (particles.wat tstep1, tstep2; the 2D
// build through tgrid), all particles one step at a time, with the same float64 operations in the
// same order as the JS loops here, so both give the same bits. Heun steps, and the particles the
// module lists, take the JS loops (1D: blocks of BLOCK1 particles run every step, a block's state
// in L1 and the tables of all evaluations in L2; 2D: all particles one step at a time, so one
// evaluation's grid stays in L2). A particle outside a table takes that step exactly; tables are
// checked to be moderate, so only those exact steps can make a state non-finite.

import type { IrBasis } from '../../compiler/ir/types.js';
import { AXIS_INDEX, BASES, fillAxis, type AxisBasis } from '../bases.js';
import type { StepPlan } from './steps.js';
import { integrateParticles } from './integrate.js';
import { TABLE_FIRST, tableKernel, type TableKernel } from './wasm/simd.js';

/** Bumps below e^-TAU of their peak are outside a Gaussian axis' table (as the exact loops' window). */
const TAU = 24;
/** Particles per block of the 1D JS loop. */
const BLOCK1 = 512;
/** Periodic axes: a coordinate beyond this many nodes is evaluated exactly (the wrap would lose digits). */
const WRAP_LIMIT = 2 ** 40;
/** Nodes a Gaussian axis may add to span the initial draws. */
const MAX_COVER = 4096;
/** Floats of all tables of a member above which it is integrated exactly (2^24: 128 MiB). */
export const MAX_TABLE = 2 ** 24;
/** Table values below this in magnitude cannot overflow a particle-step (else the exact loops run). */
const MODERATE = 1e150;

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

/** Evaluations outside a table on this thread (exact fallbacks), for tableStats. */
let fallbacks = 0;

/**
 * tableStats(x, n, axes, space, Wv, plan, tables): { outside }   runTables, and the share of
 * evaluations that fell outside the tables (benchmarks)
 */
export function tableStats(
  x: Float64Array,
  n: number,
  axes: AxisTable[],
  space: AxisBasis[],
  Wv: Float64Array,
  plan: StepPlan,
  tables: Float64Array,
): { outside: number } {
  fallbacks = 0;
  runTables(x, n, axes, space, Wv, plan, tables);
  return { outside: fallbacks / (n * plan.a.length) };
}

/** Reusable per-thread buffers of the tables (one member at a time per thread). */
export interface TableScratch {
  tables: Float64Array;
}

export function tableScratch(): TableScratch {
  return { tables: new Float64Array(0) };
}

function buffer(scratch: TableScratch, len: number): Float64Array {
  if (scratch.tables.length < len) scratch.tables = new Float64Array(len);
  return scratch.tables;
}

/**
 * integrateTable(x, n, dim, axes, space, Wv, plan, scratch): number
 * As particles/integrate.ts integrateParticles, with the model part of the velocity read from the
 * tables (space: the same factors' exact rows, for particles outside a table).
 */
export function integrateTable(
  x: Float64Array,
  n: number,
  dim: number,
  axes: AxisTable[],
  space: AxisBasis[],
  Wv: Float64Array,
  plan: StepPlan,
  scratch: TableScratch,
): number {
  const E = plan.a.length;
  const len = tableLength(axes, E);
  // Every table value is at most max|W| times the axes' A row sums, and a value read from a table
  // at most 6 times that (a 1D cell's cubic; 2D: once, the B-spline weights summing to 1): below
  // MODERATE, a particle inside the tables always takes a finite step, so only the exact steps of
  // those outside need the non-finite check. Weights that do not bound the tables so, or tables
  // too large, run the exact loops.
  let wmax = 0;
  for (let i = 0; i < Wv.length; i++) wmax = Math.max(wmax, Math.abs(Wv[i]));
  const bound = 6 * wmax * axes.reduce((p, t) => p * t.amax, 1);
  if (len > MAX_TABLE || !(bound < MODERATE)) return integrateParticles(x, n, dim, space, Wv, plan);
  // Euler steps run in WebAssembly SIMD where available (the same bits as the JS loops)
  const lay = plan.heun ? null : simdLayout(n, axes, len);
  const tables = lay ? lay.tables : buffer(scratch, len);
  buildTables(axes, Wv, E, tables, lay ?? undefined);
  return lay ? runSimd(lay, x, n, axes, space, Wv, plan) : runTables(x, n, axes, space, Wv, plan, tables);
}

/** tableLength(axes, E): floats of every evaluation's table */
export function tableLength(axes: AxisTable[], E: number): number {
  return axes.length === 1 ? E * axes[0].cells * 4 : E * axes[0].stored * axes[1].stored * 2;
}

/**
 * buildTables(axes, Wv, E, out, lay?): every evaluation's table into out (1D: cells' cubics; 2D:
 * coefficient grids, through the module when lay is given: the same bits)
 */
export function buildTables(
  axes: AxisTable[],
  Wv: Float64Array,
  E: number,
  out: Float64Array | TableScratch,
  lay?: SimdLayout,
): Float64Array {
  const into = out instanceof Float64Array ? out : buffer(out, tableLength(axes, E));
  if (axes.length === 1) cells1(axes[0], Wv, E, into);
  else grid2(axes[0], axes[1], Wv, E, into, lay);
  return into;
}

export interface SimdLayout {
  kernel: TableKernel;
  /** Views into the module's memory: the state, the tables, the list of particles left to JS. */
  x: Float64Array;
  tables: Float64Array;
  out: Int32Array;
  xp: number;
  tp: number;
  outp: number;
  /** 2D: the build's operands (grid2): T [n1, 2 S2], A_1 [S1, n1], its row spans [S1, 2]. */
  build: { T: Float64Array; A: Float64Array; span: Int32Array; Tp: number; Ap: number; spanp: number } | null;
}

/** The module's memory laid out for one member, or null (no SIMD). */
function simdLayout(n: number, axes: AxisTable[], len: number): SimdLayout | null {
  const up = (b: number) => Math.ceil(b / 16) * 16;
  const dim = axes.length;
  const xp = TABLE_FIRST;
  const tp = up(xp + 8 * n * dim);
  const outp = up(tp + 8 * len);
  let end = outp + 4 * n;
  let Tp = 0;
  let Ap = 0;
  let spanp = 0;
  if (dim === 2) {
    const [t1, t2] = axes;
    Tp = up(end);
    Ap = up(Tp + 16 * t1.n * t2.stored);
    spanp = up(Ap + 8 * t1.stored * t1.n);
    end = spanp + 8 * t1.stored;
  }
  const kernel = tableKernel(end);
  if (!kernel) return null;
  const buf = kernel.memory.buffer;
  return {
    kernel,
    x: new Float64Array(buf, xp, n * dim),
    tables: new Float64Array(buf, tp, len),
    out: new Int32Array(buf, outp, n),
    xp,
    tp,
    outp,
    build:
      dim === 2
        ? {
            T: new Float64Array(buf, Tp, 2 * axes[0].n * axes[1].stored),
            A: new Float64Array(buf, Ap, axes[0].stored * axes[0].n),
            span: new Int32Array(buf, spanp, 2 * axes[0].stored),
            Tp,
            Ap,
            spanp,
          }
        : null,
  };
}

/**
 * Euler steps, all particles one step at a time through the module; the particles it leaves
 * (listed) take the JS loops' step (the same bits), or the exact one outside the tables.
 */
function runSimd(
  lay: SimdLayout,
  x: Float64Array,
  n: number,
  axes: AxisTable[],
  space: AxisBasis[],
  Wv: Float64Array,
  plan: StepPlan,
): number {
  const { kernel, tables, out } = lay;
  const xs = lay.x;
  xs.set(x.subarray(0, xs.length));
  const { steps, h, a } = plan;
  const t1 = axes[0];
  const one = new Int32Array(1);
  const m = new Float64Array(2);
  let bad = -1;
  if (axes.length === 1) {
    const exact = exactRow1(space[0], Wv);
    const stride = t1.cells * 4;
    const wrap = t1.periodic ? WRAP_LIMIT : 0;
    for (let k = 0; k < steps && bad < 0; k++) {
      const hk = h[k];
      const ae = a[k];
      const no = kernel.tstep1(
        lay.xp,
        n,
        lay.tp + 8 * k * stride,
        hk,
        ae,
        t1.lo,
        t1.invS,
        t1.G,
        t1.cells,
        wrap,
        lay.outp,
      );
      for (let j = 0; j < no; j++) {
        const p = out[j];
        if (
          eulerStep1(xs, p, p + 1, t1, tables, k, hk, ae, one) > 0 &&
          !exactSteps1(xs, one, 1, exact, k, hk, a, false)
        )
          bad = k;
      }
    }
  } else {
    const t2 = axes[1];
    const exact = exactRow2(space[0], space[1], Wv);
    const blk = t1.stored * t2.stored * 2;
    const w1 = t1.periodic ? WRAP_LIMIT : 0;
    const w2 = t2.periodic ? WRAP_LIMIT : 0;
    for (let k = 0; k < steps && bad < 0; k++) {
      const hk = h[k];
      const ae = a[k];
      const no = kernel.tstep2(
        lay.xp,
        n,
        lay.tp + 8 * k * blk,
        16 * t2.stored,
        hk,
        ae,
        t1.axis === 0 ? 0 : 1,
        t1.lo,
        t1.invS,
        t1.G,
        t1.cells,
        w1,
        t2.lo,
        t2.invS,
        t2.G,
        t2.cells,
        w2,
        lay.outp,
      );
      for (let j = 0; j < no; j++) {
        const p = out[j];
        if (
          eulerStep2(xs, p, p + 1, t1, t2, tables, k, hk, ae, one, m) > 0 &&
          !exactSteps2(xs, one, 1, exact, t1.axis, k, hk, a, false, m)
        )
          bad = k;
      }
    }
  }
  x.set(xs);
  return bad;
}

/** runTables(x, n, axes, space, Wv, plan, tables): the PF-ODE on built tables (Wv: exact fallback) */
export function runTables(
  x: Float64Array,
  n: number,
  axes: AxisTable[],
  space: AxisBasis[],
  Wv: Float64Array,
  plan: StepPlan,
  tables: Float64Array,
): number {
  return axes.length === 1
    ? table1(x, n, axes[0], space[0], Wv, plan, tables)
    : table2(x, n, axes[0], axes[1], space[0], space[1], Wv, plan, tables);
}

/** 1D: per evaluation, the cells' cubics [cells, 4] in Horner form. */
function cells1(t: AxisTable, Wv: Float64Array, E: number, out: Float64Array): void {
  const { n, stored, cells, A } = t;
  const c = new Float64Array(stored);
  for (let e = 0; e < E; e++) {
    for (let r = 0; r < stored; r++) {
      let v = 0;
      for (let i = 0; i < n; i++) v += A[r * n + i] * Wv[e * n + i];
      c[r] = v;
    }
    const o = e * cells * 4;
    for (let i = 0; i < cells; i++) {
      const c0 = c[i];
      const c1 = c[i + 1];
      const c2 = c[i + 2];
      const c3 = c[i + 3];
      out[o + 4 * i] = (c0 + 4 * c1 + c2) / 6;
      out[o + 4 * i + 1] = (c2 - c0) / 2;
      out[o + 4 * i + 2] = (c0 - 2 * c1 + c2) / 2;
      out[o + 4 * i + 3] = (c3 - c0 + 3 * (c1 - c2)) / 6;
    }
  }
}

function table1(
  x: Float64Array,
  n: number,
  t: AxisTable,
  b: AxisBasis,
  Wv: Float64Array,
  plan: StepPlan,
  P: Float64Array,
): number {
  const exact = exactRow1(b, Wv);
  const { steps, heun, h, a } = plan;
  const block = Math.min(BLOCK1, n);
  const out = new Int32Array(block);
  let bad = steps;
  for (let p0 = 0; p0 < n; p0 += block) {
    const p1 = Math.min(n, p0 + block);
    for (let k = 0; k < steps; k++) {
      const e = heun ? 2 * k : k;
      const no = heun
        ? heunStep1(x, p0, p1, t, P, e, h[k], a[e], a[e + 1], out)
        : eulerStep1(x, p0, p1, t, P, e, h[k], a[e], out);
      if (no > 0 && !exactSteps1(x, out, no, exact, e, h[k], a, heun) && k < bad) bad = k;
    }
  }
  return bad < steps ? bad : -1;
}

/** Table coordinate of y on axis t: in [0, cells) inside the table, anything else outside (NaN too). */
function coord(t: AxisTable, y: number): number {
  const u = (y - t.lo) * t.invS;
  // periodic, outside [0, cells): wrapped into [0, G] (cell G is cell 0 a period on); beyond the wrap limit, outside
  return t.periodic && !(u >= 0 && u < t.cells) && Math.abs(u) < WRAP_LIMIT ? u - t.G * Math.floor(u * (1 / t.G)) : u;
}

/** One Euler step of particles p0..p1 from the cells' cubics; those outside go to `out` (count returned). */
function eulerStep1(
  x: Float64Array,
  p0: number,
  p1: number,
  t: AxisTable,
  P: Float64Array,
  e: number,
  hk: number,
  ae: number,
  out: Int32Array,
): number {
  const last = t.cells;
  const o0 = e * last * 4;
  const lo = t.lo;
  const invS = t.invS;
  const G = t.G;
  const invG = 1 / G;
  const wrap = t.periodic ? WRAP_LIMIT : 0;
  let no = 0;
  for (let p = p0; p < p1; p++) {
    const xp = x[p];
    let u = (xp - lo) * invS;
    if (!(u >= 0 && u < last) && Math.abs(u) < wrap) u -= G * Math.floor(u * invG);
    if (u >= 0 && u < last) {
      const i = u | 0;
      const f = u - i;
      const c = o0 + 4 * i;
      x[p] = xp + hk * (ae * xp + (P[c] + f * (P[c + 1] + f * (P[c + 2] + f * P[c + 3]))));
    } else out[no++] = p;
  }
  return no;
}

/** One Heun step (evaluations e, e + 1); a particle with either point outside goes to `out`. */
function heunStep1(
  x: Float64Array,
  p0: number,
  p1: number,
  t: AxisTable,
  P: Float64Array,
  e: number,
  hk: number,
  ae: number,
  a1: number,
  out: Int32Array,
): number {
  const last = t.cells;
  const o0 = e * last * 4;
  const o1 = o0 + last * 4;
  let no = 0;
  for (let p = p0; p < p1; p++) {
    const xp = x[p];
    let u = coord(t, xp);
    if (!(u >= 0 && u < last)) {
      out[no++] = p;
      continue;
    }
    let i = u | 0;
    let f = u - i;
    let c = o0 + 4 * i;
    const v0 = ae * xp + (P[c] + f * (P[c + 1] + f * (P[c + 2] + f * P[c + 3])));
    const y = xp + hk * v0;
    u = coord(t, y);
    if (!(u >= 0 && u < last)) {
      out[no++] = p;
      continue;
    }
    i = u | 0;
    f = u - i;
    c = o1 + 4 * i;
    x[p] = xp + (hk / 2) * (v0 + a1 * y + (P[c] + f * (P[c + 1] + f * (P[c + 2] + f * P[c + 3]))));
  }
  return no;
}

/** The listed particles take the step exactly (the only ones that can be non-finite): false if one became so. */
function exactSteps1(
  x: Float64Array,
  out: Int32Array,
  no: number,
  exact: (y: number, e: number) => number,
  e: number,
  hk: number,
  a: Float64Array,
  heun: boolean,
): boolean {
  fallbacks += no;
  let ok = true;
  for (let j = 0; j < no; j++) {
    const p = out[j];
    const xp = x[p];
    const v0 = a[e] * xp + exact(xp, e);
    let xn = xp + hk * v0;
    if (heun) xn = xp + (hk / 2) * (v0 + a[e + 1] * xn + exact(xn, e + 1));
    x[p] = xn;
    if (!(Math.abs(xn) < Infinity)) ok = false;
  }
  return ok;
}

/** The exact model part m_e(y) of one factor's loop (particles/integrate.ts run1x1), float64. */
function exactRow1(b: AxisBasis, Wv: Float64Array): (y: number, e: number) => number {
  const nb = b.n;
  const norm = b.norm;
  const v = new Float64Array(nb);
  const win = new Int32Array(2);
  return (y, e) => {
    const sx = fillAxis(b, y, v, win);
    let m = 0;
    const base = e * nb;
    for (let i = win[0]; i <= win[1]; i++) m += Wv[base + i] * v[i];
    return (sx === 0 ? norm : norm * Math.exp(-sx)) * m;
  };
}

/**
 * 2D: per evaluation, C_d = A_1 W_{e,d} A_2^T interleaved [S1, S2, 2]: first T = [W_0 A_2^T, W_1
 * A_2^T] interleaved [n1, S2, 2], then each grid row q as the sum over i of A_1[q, i] times T's row
 * i (contiguous). Entries of A_1 below 1e-17 of its largest are skipped (Gaussian factors: most of
 * each row; changes below 1e-16 relative, far under the interpolation error).
 */
function grid2(t1: AxisTable, t2: AxisTable, Wv: Float64Array, E: number, out: Float64Array, lay?: SimdLayout): void {
  const { n: n1, stored: S1, A: A1 } = t1;
  const { n: n2, stored: S2, A: A2 } = t2;
  const rs = 2 * S2;
  const build = lay?.build;
  const T = build ? build.T : new Float64Array(n1 * rs);
  const blk = S1 * rs;
  const span = bands(A1, S1, n1);
  if (build) {
    build.A.set(A1);
    build.span.set(span);
  }
  for (let e = 0; e < E; e++) {
    for (let d = 0; d < 2; d++) {
      const W = (e * 2 + d) * n1 * n2;
      for (let i = 0; i < n1; i++)
        for (let r = 0; r < S2; r++) {
          let v = 0;
          for (let j = 0; j < n2; j++) v += Wv[W + i * n2 + j] * A2[r * n2 + j];
          T[i * rs + 2 * r + d] = v;
        }
    }
    if (lay && build) {
      lay.kernel.tgrid(lay.tp + 8 * e * blk, build.Tp, build.Ap, build.spanp, S1, n1, rs);
      continue;
    }
    for (let q = 0; q < S1; q++) {
      const row = e * blk + q * rs;
      out.fill(0, row, row + rs);
      for (let i = span[2 * q]; i < span[2 * q + 1]; i++) {
        const ai = A1[q * n1 + i];
        if (ai === 0) continue;
        const ti = i * rs;
        for (let k = 0; k < rs; k++) out[row + k] += ai * T[ti + k];
      }
    }
  }
}

/** Per row of A [S, n], the column range [lo, hi) holding its entries above 1e-17 of A's largest (the entries outside it are below the cut). */
function bands(A: Float64Array, S: number, n: number): Int32Array {
  let big = 0;
  for (let i = 0; i < A.length; i++) big = Math.max(big, Math.abs(A[i]));
  const cut = 1e-17 * big;
  const span = new Int32Array(2 * S);
  for (let q = 0; q < S; q++) {
    let lo = n;
    let hi = 0;
    for (let i = 0; i < n; i++)
      if (Math.abs(A[q * n + i]) > cut) {
        lo = Math.min(lo, i);
        hi = i + 1;
      }
    span[2 * q] = lo;
    span[2 * q + 1] = Math.max(lo, hi);
  }
  return span;
}

function table2(
  x: Float64Array,
  n: number,
  t1: AxisTable,
  t2: AxisTable,
  b1: AxisBasis,
  b2: AxisBasis,
  Wv: Float64Array,
  plan: StepPlan,
  C: Float64Array,
): number {
  const exact = exactRow2(b1, b2, Wv);
  const { steps, heun, h, a } = plan;
  const block = n;
  const out = new Int32Array(block);
  const m = new Float64Array(4);
  let bad = steps;
  for (let p0 = 0; p0 < n; p0 += block) {
    const p1 = Math.min(n, p0 + block);
    for (let k = 0; k < steps; k++) {
      const e = heun ? 2 * k : k;
      const no = heun
        ? heunStep2(x, p0, p1, t1, t2, C, e, h[k], a[e], a[e + 1], out, m)
        : eulerStep2(x, p0, p1, t1, t2, C, e, h[k], a[e], out, m);
      if (no > 0 && !exactSteps2(x, out, no, exact, t1.axis, e, h[k], a, heun, m) && k < bad) bad = k;
    }
  }
  return bad < steps ? bad : -1;
}

/**
 * The coefficient grid's two outputs at table coordinates (u1, u2) (inside) into m[0], m[1]:
 * C [S1, S2, 2] from offset o, cubic B-spline weights per axis.
 */
function lookup2(C: Float64Array, o: number, rs: number, u1: number, u2: number, m: Float64Array): void {
  const i = u1 | 0;
  const j = u2 | 0;
  const f = u1 - i;
  const g = u2 - j;
  const f2 = f * f;
  const f3 = f2 * f;
  const fm = 1 - f;
  const a0 = (fm * fm * fm) / 6;
  const a1 = 0.5 * f3 - f2 + 2 / 3;
  const a3 = f3 / 6;
  const a2 = 1 - a0 - a1 - a3;
  const g2 = g * g;
  const g3 = g2 * g;
  const gm = 1 - g;
  const w0 = (gm * gm * gm) / 6;
  const w1 = 0.5 * g3 - g2 + 2 / 3;
  const w3 = g3 / 6;
  const w2 = 1 - w0 - w1 - w3;
  let c = o + i * rs + 2 * j;
  const r00 = w0 * C[c] + w1 * C[c + 2] + w2 * C[c + 4] + w3 * C[c + 6];
  const r01 = w0 * C[c + 1] + w1 * C[c + 3] + w2 * C[c + 5] + w3 * C[c + 7];
  c += rs;
  const r10 = w0 * C[c] + w1 * C[c + 2] + w2 * C[c + 4] + w3 * C[c + 6];
  const r11 = w0 * C[c + 1] + w1 * C[c + 3] + w2 * C[c + 5] + w3 * C[c + 7];
  c += rs;
  const r20 = w0 * C[c] + w1 * C[c + 2] + w2 * C[c + 4] + w3 * C[c + 6];
  const r21 = w0 * C[c + 1] + w1 * C[c + 3] + w2 * C[c + 5] + w3 * C[c + 7];
  c += rs;
  const r30 = w0 * C[c] + w1 * C[c + 2] + w2 * C[c + 4] + w3 * C[c + 6];
  const r31 = w0 * C[c + 1] + w1 * C[c + 3] + w2 * C[c + 5] + w3 * C[c + 7];
  m[0] = a0 * r00 + a1 * r10 + a2 * r20 + a3 * r30;
  m[1] = a0 * r01 + a1 * r11 + a2 * r21 + a3 * r31;
}

/** One Euler step of particles p0..p1 from the coefficient grids; those outside go to `out`. */
function eulerStep2(
  x: Float64Array,
  p0: number,
  p1: number,
  t1: AxisTable,
  t2: AxisTable,
  C: Float64Array,
  e: number,
  hk: number,
  ae: number,
  out: Int32Array,
  m: Float64Array,
): number {
  const rs = 2 * t2.stored;
  const o = e * t1.stored * rs;
  const c1 = t1.axis;
  const lo1 = t1.lo;
  const is1 = t1.invS;
  const G1 = t1.G;
  const last1 = t1.cells;
  const wrap1 = t1.periodic ? WRAP_LIMIT : 0;
  const ig1 = 1 / G1;
  const ig2 = 1 / t2.G;
  const lo2 = t2.lo;
  const is2 = t2.invS;
  const G2 = t2.G;
  const last2 = t2.cells;
  const wrap2 = t2.periodic ? WRAP_LIMIT : 0;
  let no = 0;
  for (let p = p0; p < p1; p++) {
    const x0 = x[2 * p];
    const x1 = x[2 * p + 1];
    let u1 = ((c1 === 0 ? x0 : x1) - lo1) * is1;
    if (!(u1 >= 0 && u1 < last1) && Math.abs(u1) < wrap1) u1 -= G1 * Math.floor(u1 * ig1);
    let u2 = ((c1 === 0 ? x1 : x0) - lo2) * is2;
    if (!(u2 >= 0 && u2 < last2) && Math.abs(u2) < wrap2) u2 -= G2 * Math.floor(u2 * ig2);
    if (!(u1 >= 0 && u1 < last1 && u2 >= 0 && u2 < last2)) {
      out[no++] = p;
      continue;
    }
    lookup2(C, o, rs, u1, u2, m);
    x[2 * p] = x0 + hk * (ae * x0 + m[0]);
    x[2 * p + 1] = x1 + hk * (ae * x1 + m[1]);
  }
  return no;
}

/** One Heun step (evaluations e, e + 1); a particle with either point outside goes to `out`. */
function heunStep2(
  x: Float64Array,
  p0: number,
  p1: number,
  t1: AxisTable,
  t2: AxisTable,
  C: Float64Array,
  e: number,
  hk: number,
  ae: number,
  a1: number,
  out: Int32Array,
  m: Float64Array,
): number {
  const rs = 2 * t2.stored;
  const o0 = e * t1.stored * rs;
  const o1 = o0 + t1.stored * rs;
  const c1 = t1.axis;
  const lo1 = t1.lo;
  const is1 = t1.invS;
  const G1 = t1.G;
  const last1 = t1.cells;
  const wrap1 = t1.periodic ? WRAP_LIMIT : 0;
  const ig1 = 1 / G1;
  const ig2 = 1 / t2.G;
  const lo2 = t2.lo;
  const is2 = t2.invS;
  const G2 = t2.G;
  const last2 = t2.cells;
  const wrap2 = t2.periodic ? WRAP_LIMIT : 0;
  let no = 0;
  for (let p = p0; p < p1; p++) {
    const x0 = x[2 * p];
    const x1 = x[2 * p + 1];
    let u1 = ((c1 === 0 ? x0 : x1) - lo1) * is1;
    if (!(u1 >= 0 && u1 < last1) && Math.abs(u1) < wrap1) u1 -= G1 * Math.floor(u1 * ig1);
    let u2 = ((c1 === 0 ? x1 : x0) - lo2) * is2;
    if (!(u2 >= 0 && u2 < last2) && Math.abs(u2) < wrap2) u2 -= G2 * Math.floor(u2 * ig2);
    if (!(u1 >= 0 && u1 < last1 && u2 >= 0 && u2 < last2)) {
      out[no++] = p;
      continue;
    }
    lookup2(C, o0, rs, u1, u2, m);
    const v0 = ae * x0 + m[0];
    const v1 = ae * x1 + m[1];
    const y0 = x0 + hk * v0;
    const y1 = x1 + hk * v1;
    u1 = ((c1 === 0 ? y0 : y1) - lo1) * is1;
    if (!(u1 >= 0 && u1 < last1) && Math.abs(u1) < wrap1) u1 -= G1 * Math.floor(u1 * ig1);
    u2 = ((c1 === 0 ? y1 : y0) - lo2) * is2;
    if (!(u2 >= 0 && u2 < last2) && Math.abs(u2) < wrap2) u2 -= G2 * Math.floor(u2 * ig2);
    if (!(u1 >= 0 && u1 < last1 && u2 >= 0 && u2 < last2)) {
      out[no++] = p;
      continue;
    }
    lookup2(C, o1, rs, u1, u2, m);
    x[2 * p] = x0 + (hk / 2) * (v0 + a1 * y0 + m[0]);
    x[2 * p + 1] = x1 + (hk / 2) * (v1 + a1 * y1 + m[1]);
  }
  return no;
}

/** The listed particles take the step exactly (the only ones that can be non-finite): false if one became so. */
function exactSteps2(
  x: Float64Array,
  out: Int32Array,
  no: number,
  exact: (y1: number, y2: number, e: number, out: Float64Array) => void,
  c1: number,
  e: number,
  hk: number,
  a: Float64Array,
  heun: boolean,
  m: Float64Array,
): boolean {
  fallbacks += no;
  let ok = true;
  for (let j = 0; j < no; j++) {
    const p = out[j];
    const x0 = x[2 * p];
    const x1 = x[2 * p + 1];
    exact(c1 === 0 ? x0 : x1, c1 === 0 ? x1 : x0, e, m);
    const v0 = a[e] * x0 + m[0];
    const v1 = a[e] * x1 + m[1];
    let n0 = x0 + hk * v0;
    let n1 = x1 + hk * v1;
    if (heun) {
      exact(c1 === 0 ? n0 : n1, c1 === 0 ? n1 : n0, e + 1, m);
      n0 = x0 + (hk / 2) * (v0 + a[e + 1] * n0 + m[0]);
      n1 = x1 + (hk / 2) * (v1 + a[e + 1] * n1 + m[1]);
    }
    x[2 * p] = n0;
    x[2 * p + 1] = n1;
    if (!(Math.abs(n0) + Math.abs(n1) < Infinity)) ok = false;
  }
  return ok;
}

/**
 * The exact model part of a two-factor loop (particles/integrate.ts run2x2), float64: out = the
 * outputs for data axes 0, 1 at y1 (read by factor 1) and y2 (factor 2).
 */
function exactRow2(
  b1: AxisBasis,
  b2: AxisBasis,
  Wv: Float64Array,
): (y1: number, y2: number, e: number, out: Float64Array) => void {
  const n1 = b1.n;
  const n2 = b2.n;
  const Fs = n1 * n2;
  const v1 = new Float64Array(n1);
  const v2 = new Float64Array(n2);
  const w1 = new Int32Array(2);
  const w2 = new Int32Array(2);
  const norm = b1.norm * b2.norm;
  return (y1, y2, e, out) => {
    const sx = fillAxis(b1, y1, v1, w1) + fillAxis(b2, y2, v2, w2);
    const scale = sx === 0 ? norm : norm * Math.exp(-sx);
    let m0 = 0;
    let m1 = 0;
    const base = e * 2 * Fs;
    for (let i = w1[0]; i <= w1[1]; i++) {
      let r0 = 0;
      let r1 = 0;
      for (let j = w2[0]; j <= w2[1]; j++) {
        r0 += Wv[base + i * n2 + j] * v2[j];
        r1 += Wv[base + Fs + i * n2 + j] * v2[j];
      }
      m0 += v1[i] * r0;
      m1 += v1[i] * r1;
    }
    out[0] = scale * m0;
    out[1] = scale * m1;
  };
}
