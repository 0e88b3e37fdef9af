// Tabulated velocity fields (`eval = "table"`): at one evaluation time a member's model part of the
// velocity, m_e(x) = W_e phi(x) (the weights already contracted with the time factors and the
// velocity matrix, particles/member.ts), is a fixed smooth function of x. It is replaced by its
// cubic-spline interpolant on a uniform grid per space axis, built by separable contractions
// (1D: coefficients = A W_e, A [S, n]; 2D: C_d = A_1 W_{e,d} A_2^T), and each particle-step reads
// the interpolant instead of evaluating the features. The grids, their splines and the error
// bound: particles/table-axes.ts; the JS loops: particles/table-loops.ts.
// test/runtime-models/tables.test.ts checks the tables against exact evaluation; bench/README.md
// "Tabulated velocity fields" has the measurements behind the defaults.
//
// 1D: per cell the cubic in Horner form (4 coefficients: one cache line read, 3 multiply-adds per
// particle-step). 2D: the B-spline coefficient grid itself ((S_1 S_2) x 2 outputs, 16 reads and
// 4 + 4 weights per particle-step): per-cell bicubics would hold 16 times the memory, which at
// the grids 2D needs leaves the L2 cache.
//
// Loops: Euler steps go through the WebAssembly module (particles.wat tstep1, tstep2; the 2D
// build through tgrid), all particles one step at a time, with the same float64 operations in the
// same order as the JS loops (table-loops.ts), so both give the same bits; Heun steps, and the
// particles the module lists, take the JS loops. A particle outside a table takes that step
// exactly; the tables are bounded by the weights, so only those exact steps can make a state
// non-finite.

import type { AxisBasis } from '../bases.js';
import type { StepPlan } from './steps.js';
import { integrateParticles } from './integrate.js';
import { interleaveRowPairs } from '../simd-module.js';
import { TABLE_FIRST, loopKernel, type LoopKernel } from './wasm/simd.js';
import { MAX_TABLE, tableLength, type AxisTable } from './table-axes.js';
import {
  WRAP_LIMIT,
  eulerStep1,
  eulerStep2,
  exactRow1,
  exactRow2,
  exactSteps1,
  exactSteps2,
  runTables,
} from './table-loops.js';

/** Table values below this in magnitude cannot overflow a particle-step (else the exact loops run). */
const MODERATE = 1e150;

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
  const lay = plan.heun ? null : simdLayout(n, axes, len, E);
  const tables = lay ? lay.tables : buffer(scratch, len);
  buildTables(axes, Wv, E, tables, lay ?? undefined);
  return lay ? runSimd(lay, x, n, axes, space, Wv, plan) : runTables(x, n, axes, space, Wv, plan, tables);
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
  if (axes.length === 1) cells1(axes[0], Wv, E, into, lay);
  else grid2(axes[0], axes[1], Wv, E, into, lay);
  return into;
}

export interface SimdLayout {
  kernel: LoopKernel;
  /** Views into the module's memory: the state, the tables, the list of particles left to JS. */
  x: Float64Array;
  tables: Float64Array;
  out: Int32Array;
  xp: number;
  tp: number;
  outp: number;
  /** 2D: the build's operands (grid2): T [n1, 2 S2], A_1 [S1, n1], its row spans [S1, 2]. */
  build: { T: Float64Array; A: Float64Array; span: Int32Array; Tp: number; Ap: number; spanp: number } | null;
  /** 1D: the build's operands (cells1): A in row pairs [pairs, n, 2], the weights [E, n], coefficients [2 pairs] (pairs: rowPairs). */
  build1: { A: Float64Array; W: Float64Array; c: Float64Array; Ap: number; Wp: number; cp: number } | null;
}

/** The module's memory laid out for one member, or null (no SIMD). */
function simdLayout(n: number, axes: AxisTable[], len: number, E: number): SimdLayout | null {
  const up = (b: number) => Math.ceil(b / 16) * 16;
  const dim = axes.length;
  const xp = TABLE_FIRST;
  const tp = up(xp + 8 * n * dim);
  const outp = up(tp + 8 * len);
  let end = outp + 4 * n;
  let Tp = 0;
  let Ap = 0;
  let spanp = 0;
  let Wp = 0;
  let cp = 0;
  const pairs = pairedRows(axes[0].stored) / 2;
  if (dim === 1) {
    Ap = up(end);
    Wp = Ap + 16 * pairs * axes[0].n;
    cp = up(Wp + 8 * E * axes[0].n);
    end = cp + 16 * pairs;
  } else {
    const [t1, t2] = axes;
    Tp = up(end);
    Ap = up(Tp + 16 * t1.n * t2.stored);
    spanp = up(Ap + 8 * t1.stored * t1.n);
    end = spanp + 8 * t1.stored;
  }
  const kernel = loopKernel(end);
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
    build1:
      dim === 1
        ? {
            A: new Float64Array(buf, Ap, 2 * pairs * axes[0].n),
            W: new Float64Array(buf, Wp, E * axes[0].n),
            c: new Float64Array(buf, cp, 2 * pairs),
            Ap,
            Wp,
            cp,
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

/**
 * 1D: per evaluation, the B-spline coefficients c = A W_e (through the module when lay is given:
 * the same sums in the same order), then the cells' cubics [cells, 4] in Horner form.
 */
function cells1(t: AxisTable, Wv: Float64Array, E: number, out: Float64Array, lay?: SimdLayout): void {
  const { n, stored, cells, A } = t;
  const build = lay?.build1;
  if (build) {
    build.A.set(rowPairs(t));
    build.W.set(Wv.subarray(0, E * n));
  }
  const c = build ? build.c : new Float64Array(stored);
  for (let e = 0; e < E; e++) {
    if (lay && build) lay.kernel.tcoef1(build.cp, build.Ap, build.Wp + 8 * e * n, build.c.length / 2, n);
    else
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

const PAIRED = new WeakMap<AxisTable, Float64Array>();

/** The rows tcoef1 sums, eight at a time: stored rounded up to a multiple of 8. */
const pairedRows = (stored: number) => 8 * Math.ceil(stored / 8);

/** A [stored, n] of a 1D axis with its rows interleaved in pairs [pairs, n, 2], zero rows up to pairedRows; made once per axis. */
function rowPairs(t: AxisTable): Float64Array {
  let paired = PAIRED.get(t);
  if (!paired) {
    const { n, stored, A } = t;
    paired = new Float64Array(pairedRows(stored) * n);
    interleaveRowPairs(A, stored, n, paired);
    PAIRED.set(t, paired);
  }
  return paired;
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
