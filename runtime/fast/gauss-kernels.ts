// Fused per-particle PF-ODE loops specialized to Gaussian space factors (Fig. 2: one factor in
// 1D; Fig. 3: two factors in 2D), Euler only: the general loops of fast/particles.ts with the
// row recurrences of fast/axis.ts inlined and the 1D dot product accumulated while the row is
// generated (no row buffer). Measured about 2x faster than calling fillAxis per row.
//
// API
//   gauss1(x, n, b, Wv, plan): number        1D, returns -1 or the first non-finite step
//   gauss2(x, n, b1, b2, Wv, plan): number   2D, b1 on x[.., b1.axis], b2 on x[.., b2.axis]

import type { AxisBasis } from './axis.js';
import type { StepPlan } from './steps.js';

export function gauss1(x: Float64Array, n: number, b: AxisBasis, Wv: Float64Array, plan: StepPlan): number {
  const nb = b.n;
  const last = nb - 1;
  const { lo, invH, a, ea, q, K, norm } = b;
  const { steps, h, a: av } = plan;
  let bad = steps;
  for (let p = 0; p < n; p++) {
    let xp = x[p];
    for (let k = 0; k < steps; k++) {
      const d = (xp - lo) * invH;
      const i0 = d <= 0 ? 0 : d >= last ? last : (d + 0.5) | 0;
      const f = d - i0;
      const base = k * nb + i0;
      let m = Wv[base];
      const top = i0 + K < last ? K : last - i0;
      const bot = i0 - K > 0 ? K : i0;
      const E = Math.exp(2 * a * f);
      let g = 1;
      let r = ea * E;
      for (let j = 1; j <= top; j++) {
        g *= r;
        r *= q;
        m += Wv[base + j] * g;
      }
      g = 1;
      r = ea / E;
      for (let j = 1; j <= bot; j++) {
        g *= r;
        r *= q;
        m += Wv[base - j] * g;
      }
      xp += h[k] * (av[k] * xp + norm * Math.exp(-a * f * f) * m);
      if (!(Math.abs(xp) < Infinity)) {
        if (k < bad) bad = k;
        break;
      }
    }
    x[p] = xp;
  }
  return bad < steps ? bad : -1;
}

export function gauss2(
  x: Float64Array,
  n: number,
  b1: AxisBasis,
  b2: AxisBasis,
  Wv: Float64Array,
  plan: StepPlan,
): number {
  const n1 = b1.n;
  const n2 = b2.n;
  const Fs = n1 * n2;
  const ax1 = b1.axis;
  const norm = b1.norm * b2.norm;
  const row2 = new Float64Array(n2);
  const { steps, h, a: av } = plan;
  let bad = steps;
  for (let p = 0; p < n; p++) {
    let x0 = x[2 * p];
    let x1 = x[2 * p + 1];
    for (let k = 0; k < steps; k++) {
      // factor 2: the row into row2[lo2..hi2]
      const u2 = ax1 === 0 ? x1 : x0;
      const d2 = (u2 - b2.lo) * b2.invH;
      const j0 = d2 <= 0 ? 0 : d2 >= n2 - 1 ? n2 - 1 : (d2 + 0.5) | 0;
      const f2 = d2 - j0;
      const hi2 = j0 + b2.K < n2 - 1 ? j0 + b2.K : n2 - 1;
      const lo2 = j0 - b2.K > 0 ? j0 - b2.K : 0;
      const E2 = Math.exp(2 * b2.a * f2);
      row2[j0] = 1;
      let g = 1;
      let r = b2.ea * E2;
      for (let j = j0 + 1; j <= hi2; j++) {
        g *= r;
        r *= b2.q;
        row2[j] = g;
      }
      g = 1;
      r = b2.ea / E2;
      for (let j = j0 - 1; j >= lo2; j--) {
        g *= r;
        r *= b2.q;
        row2[j] = g;
      }
      // factor 1, generated on the fly, times the contraction of each weight row with row2
      const u1 = ax1 === 0 ? x0 : x1;
      const d1 = (u1 - b1.lo) * b1.invH;
      const i0 = d1 <= 0 ? 0 : d1 >= n1 - 1 ? n1 - 1 : (d1 + 0.5) | 0;
      const f1 = d1 - i0;
      const hi1 = i0 + b1.K < n1 - 1 ? i0 + b1.K : n1 - 1;
      const lo1 = i0 - b1.K > 0 ? i0 - b1.K : 0;
      const E1 = Math.exp(2 * b1.a * f1);
      const base = k * 2 * Fs;
      let m0 = 0;
      let m1 = 0;
      let g1 = 1;
      let r1 = b1.ea * E1;
      for (let i = i0; i <= hi1; i++) {
        const o0 = base + i * n2;
        const o1 = o0 + Fs;
        let s0 = 0;
        let s1 = 0;
        for (let j = lo2; j <= hi2; j++) {
          s0 += Wv[o0 + j] * row2[j];
          s1 += Wv[o1 + j] * row2[j];
        }
        m0 += g1 * s0;
        m1 += g1 * s1;
        g1 *= r1;
        r1 *= b1.q;
      }
      g1 = b1.ea / E1;
      r1 = g1 * b1.q;
      for (let i = i0 - 1; i >= lo1; i--) {
        const o0 = base + i * n2;
        const o1 = o0 + Fs;
        let s0 = 0;
        let s1 = 0;
        for (let j = lo2; j <= hi2; j++) {
          s0 += Wv[o0 + j] * row2[j];
          s1 += Wv[o1 + j] * row2[j];
        }
        m0 += g1 * s0;
        m1 += g1 * s1;
        g1 *= r1;
        r1 *= b1.q;
      }
      const sc = norm * Math.exp(-(b1.a * f1 * f1 + b2.a * f2 * f2));
      const hk = h[k];
      const ak = av[k];
      x0 += hk * (ak * x0 + sc * m0);
      x1 += hk * (ak * x1 + sc * m1);
      if (!(Math.abs(x0) + Math.abs(x1) < Infinity)) {
        if (k < bad) bad = k;
        break;
      }
    }
    x[2 * p] = x0;
    x[2 * p + 1] = x1;
  }
  return bad < steps ? bad : -1;
}
