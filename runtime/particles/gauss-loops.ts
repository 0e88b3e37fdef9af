// Fused per-particle PF-ODE loops specialized to Gaussian space factors, Euler only (Fig. 2: one
// factor in 1D; Fig. 3: two factors in 2D). With the nearest centre i0, f = d - i0 and
// E = e^{2 a f}, bump i0 + k is g0 E^k e^{-a k^2} (bases.ts), and only |k| <= K matter. The
// weights are laid out per step with K zero entries padded on each side of every axis, so the
// window never needs clipping at the edges: every row is a fixed-length loop.
//   1D: m = g0 sum_k (W[i0 + k] e^{-a k^2}) E^k, two Horner chains (E and 1/E) over a table
//       Wc [steps, n, 2K + 1] made once per member: 2 exps, 1 division, 2K multiply-adds; two
//       particles per pass (measured 1.4x: a particle's steps are one serial chain).
//   2D: both rows (2K + 1 values each) by recurrence, then the padded (2K+1)^2 block of each
//       output contracted with them; for K = 3 (width = spacing / 2, as in Figs. 2-3) the row of
//       factor 2 is held in locals (measured 1.2x). Pairing particles, or looping steps outside
//       particles, measured no faster here: this loop is bound by its ~100 multiply-adds.
// Overflow: a row is only built when g0 = e^{-a f^2} > 0, so |2 a f| < 2 sqrt(745 a) and the
// largest power E^K stays finite for a < 100; wider-than-that bumps go to particles/integrate.ts.

import { gaussBumps, type AxisBasis } from '../bases.js';
import { fexp } from './exp.js';
import type { StepPlan } from './steps.js';

/** gaussLoopsFit(b): boolean               this file handles the factor (a < 100) */
export function gaussLoopsFit(b: AxisBasis): boolean {
  return b.a < 100;
}

/** gauss1(x, n, b, W [steps, n], plan): number        -1 or the first non-finite step */
export function gauss1(x: Float64Array, n: number, b: AxisBasis, Wv: Float64Array, plan: StepPlan): number {
  const nb = b.n;
  const last = nb - 1;
  const { lo, invH, a, K, norm } = b;
  const { steps, h, a: av } = plan;
  const L = 2 * K + 1;
  const Wc = new Float64Array(steps * nb * L);
  for (let k = 0; k < steps; k++)
    for (let i = 0; i < nb; i++)
      for (let o = -K; o <= K; o++) {
        const j = i + o;
        if (j >= 0 && j < nb) Wc[(k * nb + i) * L + K + o] = Wv[k * nb + j] * Math.exp(-a * o * o);
      }
  let bad = steps;
  // Two particles per pass: each particle's steps form one serial dependency chain, so pairing
  // gives the CPU independent work to overlap (measured ~1.5x); an odd last particle pairs with
  // itself (same value computed twice, written once).
  for (let p = 0; p < n; p += 2) {
    const q = p + 1 < n ? p + 1 : p;
    let xa = x[p];
    let xb = x[q];
    for (let k = 0; k < steps; k++) {
      const da = (xa - lo) * invH;
      const db = (xb - lo) * invH;
      const ia = da <= 0 ? 0 : da >= last ? last : (da + 0.5) | 0;
      const ib = db <= 0 ? 0 : db >= last ? last : (db + 0.5) | 0;
      const fa = da - ia;
      const fb = db - ib;
      const ga = fexp(-a * fa * fa);
      const gb = fexp(-a * fb * fb);
      let ma = 0;
      let mb = 0;
      if (ga > 0) ma = norm * ga * horner(Wc, (k * nb + ia) * L + K, K, fexp(2 * a * fa));
      if (gb > 0) mb = norm * gb * horner(Wc, (k * nb + ib) * L + K, K, fexp(2 * a * fb));
      const hk = h[k];
      const ak = av[k];
      xa += hk * (ak * xa + ma);
      xb += hk * (ak * xb + mb);
      if (!(Math.abs(xa) + Math.abs(xb) < Infinity)) {
        if (k < bad) bad = k;
        break;
      }
    }
    x[p] = xa;
    x[q] = xb;
  }
  return bad < steps ? bad : -1;
}

/** sum_{|o| <= K} Wc[c + o] E^o by two Horner chains (E and 1/E). */
function horner(Wc: Float64Array, c: number, K: number, E: number): number {
  const Ei = 1 / E;
  let up = 0;
  let dn = 0;
  for (let o = K; o >= 1; o--) {
    up = (up + Wc[c + o]) * E;
    dn = (dn + Wc[c - o]) * Ei;
  }
  return Wc[c] + up + dn;
}

/** gauss2(x, n, b1, b2, W [steps, 2, n1, n2], plan): number */
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
  const K1 = b1.K;
  const K2 = b2.K;
  const L1 = 2 * K1 + 1;
  const L2 = 2 * K2 + 1;
  const s1 = n2 + 2 * K2; // padded row stride
  const blk = (n1 + 2 * K1) * s1; // one padded output block
  const { steps, h, a: av } = plan;
  const Wp = new Float64Array(steps * 2 * blk);
  for (let e = 0; e < steps; e++)
    for (let d = 0; d < 2; d++)
      for (let i = 0; i < n1; i++)
        for (let j = 0; j < n2; j++)
          Wp[(e * 2 + d) * blk + (i + K1) * s1 + j + K2] = Wv[((e * 2 + d) * n1 + i) * n2 + j];
  const ax1 = b1.axis;
  const norm = b1.norm * b2.norm;
  const r1 = new Float64Array(L1);
  const r2 = new Float64Array(L2);
  let bad = steps;
  for (let p = 0; p < n; p++) {
    let x0 = x[2 * p];
    let x1 = x[2 * p + 1];
    for (let k = 0; k < steps; k++) {
      const u1 = ax1 === 0 ? x0 : x1;
      const u2 = ax1 === 0 ? x1 : x0;
      const d1 = (u1 - b1.lo) * b1.invH;
      const i0 = d1 <= 0 ? 0 : d1 >= n1 - 1 ? n1 - 1 : (d1 + 0.5) | 0;
      const f1 = d1 - i0;
      const d2 = (u2 - b2.lo) * b2.invH;
      const j0 = d2 <= 0 ? 0 : d2 >= n2 - 1 ? n2 - 1 : (d2 + 0.5) | 0;
      const f2 = d2 - j0;
      const g0 = fexp(-(b1.a * f1 * f1 + b2.a * f2 * f2));
      let m0 = 0;
      let m1 = 0;
      if (g0 > 0) {
        r1[K1] = 1;
        r2[K2] = 1;
        gaussBumps(r1, K1, 0, 2 * K1, b1.ea, b1.q, fexp(2 * b1.a * f1));
        gaussBumps(r2, K2, 0, 2 * K2, b2.ea, b2.q, fexp(2 * b2.a * f2));
        // padded (i0 - K1, j0 - K2) is the block's (i0, j0) corner
        let o0 = k * 2 * blk + i0 * s1 + j0;
        let o1 = o0 + blk;
        if (L2 === 7) {
          // the common width = spacing / 2 (K = 3): the row of factor 2 held in registers
          const g0_ = r2[0],
            g1_ = r2[1],
            g2_ = r2[2],
            g3_ = r2[3],
            g4_ = r2[4],
            g5_ = r2[5],
            g6_ = r2[6];
          for (let i = 0; i < L1; i++) {
            const t0 =
              Wp[o0] * g0_ +
              Wp[o0 + 1] * g1_ +
              Wp[o0 + 2] * g2_ +
              Wp[o0 + 3] * g3_ +
              (Wp[o0 + 4] * g4_ + Wp[o0 + 5] * g5_ + Wp[o0 + 6] * g6_);
            const t1 =
              Wp[o1] * g0_ +
              Wp[o1 + 1] * g1_ +
              Wp[o1 + 2] * g2_ +
              Wp[o1 + 3] * g3_ +
              (Wp[o1 + 4] * g4_ + Wp[o1 + 5] * g5_ + Wp[o1 + 6] * g6_);
            m0 += r1[i] * t0;
            m1 += r1[i] * t1;
            o0 += s1;
            o1 += s1;
          }
        } else {
          for (let i = 0; i < L1; i++) {
            let t0 = 0;
            let t1 = 0;
            for (let j = 0; j < L2; j++) {
              const g = r2[j];
              t0 += Wp[o0 + j] * g;
              t1 += Wp[o1 + j] * g;
            }
            m0 += r1[i] * t0;
            m1 += r1[i] * t1;
            o0 += s1;
            o1 += s1;
          }
        }
        const sc = norm * g0;
        m0 *= sc;
        m1 *= sc;
      }
      const hk = h[k];
      const ak = av[k];
      x0 += hk * (ak * x0 + m0);
      x1 += hk * (ak * x1 + m1);
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
