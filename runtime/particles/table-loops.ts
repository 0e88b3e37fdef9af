// The JS loops of tabulated velocity fields (particles/table.ts): Heun steps, and of Euler steps
// the particles the WebAssembly module (particles.wat tstep1, tstep2) leaves, or all of them
// where the module is off. The module computes with the same float64 operations in the same
// order as eulerStep1 and eulerStep2 here, so both give the same bits. 1D: blocks of BLOCK1
// particles run every step (a block's state in L1, the tables of all evaluations in L2); 2D: all
// particles one step at a time (one evaluation's grid in L2). A particle outside a table takes
// that step exactly (exactSteps1, exactSteps2: the exact loops' float64 rows); the tables are
// bounded (table.ts), so only those steps can make a state non-finite.

import { fillAxis, type AxisBasis } from '../bases.js';
import type { StepPlan } from './steps.js';
import type { AxisTable } from './table-axes.js';

/** Particles per block of the 1D JS loop. */
const BLOCK1 = 512;

/** Periodic axes: a coordinate beyond this many nodes is evaluated exactly (the wrap would lose digits). */
export const WRAP_LIMIT = 2 ** 40;

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
export function eulerStep1(
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
export function exactSteps1(
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
export function exactRow1(b: AxisBasis, Wv: Float64Array): (y: number, e: number) => number {
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
export function eulerStep2(
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
export function exactSteps2(
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
export function exactRow2(
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
