// The feature bases of linear models (docs/theory.md 9.1, 13.2-13.3), one entry per IR basis kind:
// what features.ts evaluates (whole rows, float64) and what the per-particle loops evaluate
// (windowed rows from plain parameters, particles/). BASES is a mapped type over the IR's basis
// kinds, so a basis the IR gains and this table lacks is a compile error, never a silent default.
//
// Conventions (IR docs in compiler/ir/types.ts):
//   gauss    normalized pdfs N(u; c_i, width^2), c = linspace(over), one axis per factor (a
//            multi-axis basis is the C-order tensor product of the one-axis basis).
//   fourier  [1, cos(2 pi k u/L) k=1..ceil((n-1)/2), sin(2 pi k u/L) k=1..floor((n-1)/2)],
//            L = over[1] - over[0], the phase on u itself (docs/theory.md 13.3), not u - over[0].
//   poly     u^0 .. u^(n-1).
//   rff      sqrt(2/n) cos(w.u + b), w ~ N(0, I/width^2) over the listed axes, b ~ U(0, 2 pi),
//            drawn from the basis seed (defined on all its axes at once: no one-axis row).
//
// Particle rows (fillAxis): buf[win[0]..win[1]] = the row at u divided by norm * exp(-s), s the
// returned number (entries outside the window are not written and count as 0), so callers with
// two Gaussian factors take one exp of the summed s. Gaussian rows: with d = (u - c_0)/h, i0 the
// nearest centre and f = d - i0, bump i0 + k is g0 E^k e^{-a k^2} (g0 = norm e^{-a f^2},
// E = e^{2 a f}, a = h^2 / 2 width^2), so a row costs 1 exp plus its share of g0 and walks
// outwards by two-term recurrences (gaussBumps; never overflows: every product decreases away
// from the nearest centre). Bumps further than K centres from i0 are dropped, K the least k with
// a k (k + 1) >= tau: for |f| <= 1/2 every dropped bump is below e^{-tau} times the row's largest
// one (callers choose tau). Fourier rows cost 1 sin + 1 cos (angle-addition recurrences; error
// grows like k * 1e-16).

import type { IrAxisName, IrBasis, IrBasisKind, IrFeatureTree } from '../compiler/ir/types.js';
import { deriveSeed, normals, uniforms } from './rng.js';

/** Coordinate read by an axis: 0.. for x, y, z; -1 for t. */
export const AXIS_INDEX: Record<IrAxisName, number> = { x: 0, y: 1, z: 2, t: -1 };

/** A one-axis row at u: writes the basis' n values at out[off..off+n). */
export type RowFn = (u: number, out: Float64Array, off: number) => void;
/** A basis defined on k axes at once: its n values at the point u [k] into out[off..off+n). */
export type JointFn = (u: Float64Array, out: Float64Array, off: number) => void;

/**
 * A joint basis on axes that include t, separated in time: entry i at u is
 * sum_r space(u_s)[r, i] time(t)[r, i] over R terms, u_s the basis' other coordinates in order.
 * `space` writes [R, n] at out[off..off+R n) from u_s [k - 1]; `time` writes [R, n] at t.
 */
export interface JointSplit {
  R: number;
  space: JointFn;
  time: (t: number, out: Float64Array, off: number) => void;
}

/**
 * A one-axis basis as the per-particle loops read it: plain numbers, so the loops stay
 * allocation-free (fields a basis does not use are 0).
 */
export interface AxisBasis {
  kind: IrBasisKind;
  /** Coordinate read: 0.. for x, y, z; -1 for t. */
  axis: number;
  n: number;
  lo: number;
  invH: number;
  a: number;
  /** gauss: the pdf normalization; 1 for the other bases. */
  norm: number;
  ea: number;
  q: number;
  K: number;
  /** fourier: 2 pi / L, cos count, sin count. */
  w: number;
  nc: number;
  ns: number;
  /** The row at u into buf[win[0]..win[1]], returning s (header). */
  fill: (b: AxisBasis, u: number, buf: Float64Array, win: Int32Array) => number;
}

interface BasisCommon {
  /**
   * The per-particle loops' form of the basis on one axis, or null: products holding it are then
   * integrated through the general evaluator (models/linear-eval.ts).
   */
  particles: ((b: IrBasis, axis: number, tau: number) => AxisBasis) | null;
  /**
   * Whether particles/wasm/particles.wat has a row for it (Gaussian windows, Fourier rows); a
   * product of factors without one runs the JS loops of particles/integrate.ts, the declared fallback.
   */
  simd: boolean;
}

/**
 * One basis: either a one-axis `row` (features.ts; several axes take the C-order tensor product of
 * it) or a `joint` evaluation on all its k axes at once.
 */
export type BasisDef = BasisCommon &
  (
    | { row: (b: IrBasis) => RowFn; joint?: undefined; split?: undefined }
    | {
        joint: (b: IrBasis, k: number) => JointFn;
        row?: undefined;
        /** The time-separated form on k axes, t the axis at index tAxis (features.ts TimeSplit). */
        split?: (b: IrBasis, k: number, tAxis: number) => JointSplit;
      }
  );

export const BASES: { readonly [K in IrBasisKind]: BasisDef } = {
  gauss: { row: gaussRow, particles: gaussAxis, simd: true },
  fourier: { row: fourierRow, particles: fourierAxis, simd: true },
  poly: { row: polyRow, particles: polyAxis, simd: false },
  rff: { joint: rffJoint, split: rffSplit, particles: null, simd: false },
};

/** The basis leaves of a tree that is a product (at any depth) of bases, in tree order; else null. */
export function productLeaves(tree: IrFeatureTree): IrBasis[] | null {
  const leaves: IrBasis[] = [];
  const walk = (n: IrFeatureTree): boolean =>
    n.op === 'basis' ? (leaves.push(n), true) : n.op === 'product' && n.factors.every(walk);
  return walk(tree) ? leaves : null;
}

/** Depends on t only. */
export const isTimeBasis = (b: IrBasis): boolean => b.axes.every((a) => a === 't');

/** The per-particle form of a one-axis basis over an existing axis, or null (several axes, no such form, or axis >= dim). */
export function axisBasis(b: IrBasis, dim: number, tau: number): AxisBasis | null {
  const particles = BASES[b.basis].particles;
  if (b.axes.length !== 1 || !particles) return null;
  const axis = AXIS_INDEX[b.axes[0]];
  if (axis >= dim) return null;
  return particles(b, axis, tau);
}

/** The row of a per-particle basis at u (header: window, scale s). */
export function fillAxis(b: AxisBasis, u: number, buf: Float64Array, win: Int32Array): number {
  return b.fill(b, u, buf, win);
}

// --- gauss

/** The shared geometry of a Gaussian row: pdf normalization, centre spacing h and a = h^2 / (2 width^2). */
function gaussGeometry(b: IrBasis): { lo: number; norm: number; h: number; a: number } {
  const [lo, hi] = b.over;
  const norm = 1 / (b.width * Math.sqrt(2 * Math.PI));
  const h = (hi - lo) / (b.n - 1);
  return { lo, norm, h, a: (h * h) / (2 * b.width * b.width) };
}

/**
 * Normalized Gaussian pdfs at evenly spaced centres, the whole row. With d = (u - c_0)/h, the bump
 * i is exp(-a (d - i)^2); consecutive ratios obey a two-term recurrence, so a row costs 3 exps
 * instead of n. Walking outwards from the nearest centre keeps every product decreasing (no
 * overflow); the relative error grows like n * 1e-16.
 */
function gaussRow(b: IrBasis): RowFn {
  const n = b.n;
  const lo = b.over[0];
  const width = b.width;
  if (n === 1) {
    const norm = 1 / (width * Math.sqrt(2 * Math.PI));
    return (u, out, off) => {
      const e = (u - lo) / width;
      out[off] = norm * Math.exp(-0.5 * e * e);
    };
  }
  const { norm, h, a } = gaussGeometry(b);
  const q = Math.exp(-2 * a);
  return (u, out, off) => {
    const d = (u - lo) / h;
    const i0 = Math.min(n - 1, Math.max(0, Math.round(d)));
    const f = d - i0;
    const g0 = norm * Math.exp(-a * f * f);
    out[off + i0] = g0;
    let g = g0;
    let r = Math.exp(-a * (1 - 2 * f));
    for (let i = i0 + 1; i < n; i++) {
      g *= r;
      r *= q;
      out[off + i] = g;
    }
    g = g0;
    r = Math.exp(-a * (1 + 2 * f));
    for (let i = i0 - 1; i >= 0; i--) {
      g *= r;
      r *= q;
      out[off + i] = g;
    }
  };
}

function gaussAxis(b: IrBasis, axis: number, tau: number): AxisBasis {
  const n = b.n;
  const base = { ...zeroAxis(axis, n, b.over[0]), kind: 'gauss' as const, fill: fillGauss };
  if (n === 1) {
    const norm = 1 / (b.width * Math.sqrt(2 * Math.PI));
    return { ...base, invH: 1, a: 1 / (2 * b.width * b.width), norm, ea: 0, q: 0, K: 0 };
  }
  const { norm, h, a } = gaussGeometry(b);
  let K = 1;
  while (K < n && a * K * (K + 1) < tau) K++;
  return { ...base, invH: 1 / h, a, norm, ea: Math.exp(-a), q: Math.exp(-2 * a), K };
}

/**
 * Relative bumps by the two-term recurrence, outwards from buf[i0] (not written): buf[i0 + k] =
 * E^k e^{-a k^2} for k = 1..top - i0 and buf[i0 - k] = E^{-k} e^{-a k^2} for k = 1..i0 - bot
 * (ea = e^{-a}, q = e^{-2a}). The Gaussian row of the particle loops (fillAxis, and the 2D loop's
 * fixed windows in particles/gauss-loops.ts).
 */
export function gaussBumps(
  buf: Float64Array,
  i0: number,
  bot: number,
  top: number,
  ea: number,
  q: number,
  E: number,
): void {
  let g = 1;
  let r = ea * E;
  for (let i = i0 + 1; i <= top; i++) {
    g *= r;
    r *= q;
    buf[i] = g;
  }
  g = 1;
  r = ea / E;
  for (let i = i0 - 1; i >= bot; i--) {
    g *= r;
    r *= q;
    buf[i] = g;
  }
}

function fillGauss(b: AxisBasis, u: number, buf: Float64Array, win: Int32Array): number {
  const n = b.n;
  const d = (u - b.lo) * b.invH;
  let i0 = Math.round(d);
  if (i0 < 0) i0 = 0;
  else if (i0 > n - 1) i0 = n - 1;
  const f = d - i0;
  const a = b.a;
  buf[i0] = 1;
  const top = Math.min(n - 1, i0 + b.K);
  const bot = Math.max(0, i0 - b.K);
  if (top > i0 || bot < i0) gaussBumps(buf, i0, bot, top, b.ea, b.q, Math.exp(2 * a * f));
  win[0] = bot;
  win[1] = top;
  return a * f * f;
}

// --- fourier

function fourierRow(b: IrBasis): RowFn {
  const n = b.n;
  const L = b.over[1] - b.over[0];
  const nc = Math.ceil((n - 1) / 2);
  const ns = Math.floor((n - 1) / 2);
  return (u, out, off) => {
    out[off] = 1;
    const th = (2 * Math.PI * u) / L;
    for (let k = 1; k <= nc; k++) out[off + k] = Math.cos(k * th);
    for (let k = 1; k <= ns; k++) out[off + nc + k] = Math.sin(k * th);
  };
}

function fourierAxis(b: IrBasis, axis: number): AxisBasis {
  const n = b.n;
  const [lo, hi] = b.over;
  return {
    ...zeroAxis(axis, n, lo),
    kind: 'fourier',
    fill: fillFourier,
    w: (2 * Math.PI) / (hi - lo),
    nc: Math.ceil((n - 1) / 2),
    ns: Math.floor((n - 1) / 2),
  };
}

function fillFourier(b: AxisBasis, u: number, buf: Float64Array, win: Int32Array): number {
  win[0] = 0;
  win[1] = b.n - 1;
  buf[0] = 1;
  const th = b.w * u;
  const c1 = Math.cos(th);
  const s1 = Math.sin(th);
  let c = c1;
  let s = s1;
  const nc = b.nc;
  const ns = b.ns;
  for (let k = 1; k <= nc; k++) {
    buf[k] = c;
    if (k <= ns) buf[nc + k] = s;
    const cn = c * c1 - s * s1;
    s = s * c1 + c * s1;
    c = cn;
  }
  return 0;
}

// --- poly

function polyRow(b: IrBasis): RowFn {
  const n = b.n;
  return (u, out, off) => powers(n, u, out, off);
}

/** u^0 .. u^(n-1) into out[off..off+n). */
function powers(n: number, u: number, out: Float64Array, off: number): void {
  let v = 1;
  for (let k = 0; k < n; k++) {
    out[off + k] = v;
    v *= u;
  }
}

function polyAxis(b: IrBasis, axis: number): AxisBasis {
  return { ...zeroAxis(axis, b.n, b.over[0]), kind: 'poly', fill: fillPoly };
}

function fillPoly(b: AxisBasis, u: number, buf: Float64Array, win: Int32Array): number {
  win[0] = 0;
  win[1] = b.n - 1;
  powers(b.n, u, buf, 0);
  return 0;
}

// --- rff

/** The frequencies w [n, k] and phases b [n] drawn from the basis seed. */
function rffDraws(b: IrBasis, k: number): { w: Float64Array; phase: Float64Array; amp: number } {
  const n = b.n;
  const w = normals(deriveSeed(b.seed, 'rff', 'w'), n * k).map((v) => v / b.width);
  const phase = uniforms(deriveSeed(b.seed, 'rff', 'b'), n).map((v) => 2 * Math.PI * v);
  return { w, phase, amp: Math.sqrt(2 / n) };
}

function rffJoint(b: IrBasis, k: number): JointFn {
  const n = b.n;
  const { w, phase, amp } = rffDraws(b, k);
  return (u, out, off) => {
    for (let i = 0; i < n; i++) {
      let s = phase[i];
      for (let a = 0; a < k; a++) s += w[i * k + a] * u[a];
      out[off + i] = amp * Math.cos(s);
    }
  };
}

/**
 * amp cos(a + w_t t) = amp cos(a) cos(w_t t) - amp sin(a) sin(w_t t), a = b + w_s . u_s: R = 2,
 * space rows [amp cos a, -amp sin a], time rows [cos w_t t, sin w_t t]. Equal to rffJoint up to
 * rounding (a few 1e-16 of amp: both sides round the angle and the cos once).
 */
function rffSplit(b: IrBasis, k: number, tAxis: number): JointSplit {
  const n = b.n;
  const { w, phase, amp } = rffDraws(b, k);
  return {
    R: 2,
    space: (u, out, off) => {
      for (let i = 0; i < n; i++) {
        let s = phase[i];
        for (let a = 0, j = 0; a < k; a++) if (a !== tAxis) s += w[i * k + a] * u[j++];
        out[off + i] = amp * Math.cos(s);
        out[off + n + i] = -amp * Math.sin(s);
      }
    },
    time: (t, out, off) => {
      for (let i = 0; i < n; i++) {
        const th = w[i * k + tAxis] * t;
        out[off + i] = Math.cos(th);
        out[off + n + i] = Math.sin(th);
      }
    },
  };
}

/** The fields of an AxisBasis that a basis does not use, zeroed (norm 1, K = n: no window). */
function zeroAxis(axis: number, n: number, lo: number) {
  return { axis, n, lo, invH: 0, a: 0, norm: 1, ea: 0, q: 0, K: n, w: 0, nc: 0, ns: 0 };
}
