// One-axis feature rows at one point, for the per-particle hot loops (particles/integrate.ts) and the
// windowed Gram of particles/train.ts: the same bases as features.ts (gauss, fourier, poly on one axis),
// written as plain data plus one switch so the loops stay monomorphic and allocation-free.
//
// API
//   axisBasis(b: IrFeatureTree basis, dim, tau): AxisBasis | null   null for rff / multi-axis bases
//   fillAxis(b, u, buf, win): number
//     buf[win[0]..win[1]] = the row at u divided by norm * exp(-s), s the returned number (entries
//     outside the window are not written and count as 0). Callers with two Gaussian factors take
//     one exp of the summed s instead of one per row.
//
// Gaussian rows (normalized pdfs at evenly spaced centres, docs/theory.md 13.2): with d = (u - c_0)/h,
// i0 the nearest centre and f = d - i0, bump i0 + k is g0 E^k e^{-a k^2} (g0 = norm e^{-a f^2},
// E = e^{2 a f}, a = h^2 / 2 width^2), so a row costs 1 exp plus its share of g0 and walks outwards by two-term
// recurrences (never overflows: every product decreases away from the nearest centre). Bumps
// further than K centres from i0 are dropped, K the least k with a k (k + 1) >= tau: for |f| <= 1/2
// every dropped bump is below e^{-tau} times the row's largest one (callers choose tau; see there).
// Fourier rows cost 1 sin + 1 cos (angle-addition recurrences; error grows like k * 1e-16).

import type { IrFeatureTree } from '../../compiler/ir/types.js';

type Basis = Extract<IrFeatureTree, { op: 'basis' }>;

export const GAUSS = 0;
export const FOURIER = 1;
export const POLY = 2;

export interface AxisBasis {
  kind: number;
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
}

const AXIS: Record<string, number> = { x: 0, y: 1, z: 2, t: -1 };

export function axisBasis(b: Basis, dim: number, tau: number): AxisBasis | null {
  if (b.axes.length !== 1 || b.basis === 'rff') return null;
  const axis = AXIS[b.axes[0]];
  if (axis >= dim) return null;
  const n = b.n;
  const [lo, hi] = b.over;
  const base: AxisBasis = { kind: POLY, axis, n, lo, invH: 0, a: 0, norm: 1, ea: 0, q: 0, K: n, w: 0, nc: 0, ns: 0 };
  if (b.basis === 'poly') return base;
  if (b.basis === 'fourier') {
    return { ...base, kind: FOURIER, w: (2 * Math.PI) / (hi - lo), nc: Math.ceil((n - 1) / 2), ns: Math.floor((n - 1) / 2) };
  }
  const norm = 1 / (b.width * Math.sqrt(2 * Math.PI));
  if (n === 1) return { ...base, kind: GAUSS, invH: 1, a: 1 / (2 * b.width * b.width), norm, ea: 0, q: 0, K: 0 };
  const h = (hi - lo) / (n - 1);
  const a = (h * h) / (2 * b.width * b.width);
  let K = 1;
  while (K < n && a * K * (K + 1) < tau) K++;
  return { ...base, kind: GAUSS, invH: 1 / h, a, norm, ea: Math.exp(-a), q: Math.exp(-2 * a), K };
}

export function fillAxis(b: AxisBasis, u: number, buf: Float64Array, win: Int32Array): number {
  const n = b.n;
  if (b.kind === GAUSS) {
    const d = (u - b.lo) * b.invH;
    let i0 = Math.round(d);
    if (i0 < 0) i0 = 0;
    else if (i0 > n - 1) i0 = n - 1;
    const f = d - i0;
    const a = b.a;
    buf[i0] = 1;
    const top = Math.min(n - 1, i0 + b.K);
    const bot = Math.max(0, i0 - b.K);
    if (top > i0 || bot < i0) {
      const E = Math.exp(2 * a * f);
      const q = b.q;
      let g = 1;
      let r = b.ea * E;
      for (let i = i0 + 1; i <= top; i++) {
        g *= r;
        r *= q;
        buf[i] = g;
      }
      g = 1;
      r = b.ea / E;
      for (let i = i0 - 1; i >= bot; i--) {
        g *= r;
        r *= q;
        buf[i] = g;
      }
    }
    win[0] = bot;
    win[1] = top;
    return a * f * f;
  }
  win[0] = 0;
  win[1] = n - 1;
  if (b.kind === FOURIER) {
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
  let v = 1;
  for (let k = 0; k < n; k++) {
    buf[k] = v;
    v *= u;
  }
  return 0;
}
