// The fused per-particle PF-ODE of a linear model whose features are a product of one-axis space
// factors (at most two) and time factors: every particle runs all steps while its state stays in
// registers; per evaluation it fills each space factor's row once (bases.ts: one exp per
// Gaussian row, plus one for the product of the rows' scales) and contracts it with the step's weights, which already hold the time factor and
// the velocity matrix (Wv_e = G_e W phi_t(t_e), [D, Fs], particles/member.ts). Nothing is allocated
// per particle or step. When the WebAssembly SIMD loops fit (wasm/simd.ts: all space factors
// Gaussian with the Figs. 2-3 window, or all Fourier) it runs instead; products mixing Gaussian and
// Fourier factors, poly, and more than two factors stay on the JS loops below.

import { fillAxis, type AxisBasis } from '../bases.js';
import { gauss1, gauss2, gaussLoopsFit } from './gauss-loops.js';
import type { StepPlan } from './steps.js';
import { integrateSimd, simdLoopsFit } from './wasm/simd.js';

/**
 * integrateParticles(x, n, dim, space, Wv, plan): number
 * x [n, dim] float64, advanced in place from t_0 to t_steps; returns -1, or the first step at
 * which some particle's state became non-finite (the caller reports it).
 */
export function integrateParticles(
  x: Float64Array,
  n: number,
  dim: number,
  space: AxisBasis[],
  Wv: Float64Array,
  plan: StepPlan,
): number {
  if (simdLoopsFit(space, dim)) return integrateSimd(x, n, dim, space, Wv, plan);
  const gauss = space.every((b) => b.kind === 'gauss' && gaussLoopsFit(b));
  if (space.length === 2 && dim === 2) {
    return gauss && !plan.heun
      ? gauss2(x, n, space[0], space[1], Wv, plan)
      : run2x2(x, n, space[0], space[1], Wv, plan);
  }
  if (space.length === 1 && dim === 1) {
    return gauss && !plan.heun ? gauss1(x, n, space[0], Wv, plan) : run1x1(x, n, space[0], Wv, plan);
  }
  return runGeneral(x, n, dim, space, Wv, plan);
}

/** 2D data, two space factors (the Fig. 3 case), D = 2 outputs fused in one pass. */
function run2x2(x: Float64Array, n: number, b1: AxisBasis, b2: AxisBasis, Wv: Float64Array, plan: StepPlan): number {
  const n1 = b1.n;
  const n2 = b2.n;
  const Fs = n1 * n2;
  const ax1 = b1.axis;
  const ax2 = b2.axis;
  const norm = b1.norm * b2.norm;
  const v1 = new Float64Array(n1);
  const v2 = new Float64Array(n2);
  const w1 = new Int32Array(2);
  const w2 = new Int32Array(2);
  const m = new Float64Array(2);
  /** m = the two outputs of W_e phi at (y0, y1). */
  const mu = (y0: number, y1: number, e: number): void => {
    const sx = fillAxis(b1, ax1 === 0 ? y0 : y1, v1, w1) + fillAxis(b2, ax2 === 0 ? y0 : y1, v2, w2);
    const scale = sx === 0 ? norm : norm * Math.exp(-sx);
    let m0 = 0;
    let m1 = 0;
    const base = e * 2 * Fs;
    for (let i = w1[0]; i <= w1[1]; i++) {
      const row0 = base + i * n2;
      const row1 = row0 + Fs;
      let r0 = 0;
      let r1 = 0;
      for (let j = w2[0]; j <= w2[1]; j++) {
        const g = v2[j];
        r0 += Wv[row0 + j] * g;
        r1 += Wv[row1 + j] * g;
      }
      const g = v1[i];
      m0 += g * r0;
      m1 += g * r1;
    }
    m[0] = scale * m0;
    m[1] = scale * m1;
  };
  const { steps, heun, h, a } = plan;
  let bad = steps;
  for (let p = 0; p < n; p++) {
    let x0 = x[2 * p];
    let x1 = x[2 * p + 1];
    for (let k = 0; k < steps; k++) {
      const e = heun ? 2 * k : k;
      mu(x0, x1, e);
      const u0 = a[e] * x0 + m[0];
      const u1 = a[e] * x1 + m[1];
      const hk = h[k];
      if (!heun) {
        x0 += hk * u0;
        x1 += hk * u1;
      } else {
        const y0 = x0 + hk * u0;
        const y1 = x1 + hk * u1;
        mu(y0, y1, e + 1);
        x0 += (hk / 2) * (u0 + a[e + 1] * y0 + m[0]);
        x1 += (hk / 2) * (u1 + a[e + 1] * y1 + m[1]);
      }
      // NaN fails both comparisons; Infinity fails the second.
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

/** 1D data, one space factor (the Fig. 2 case). */
function run1x1(x: Float64Array, n: number, b: AxisBasis, Wv: Float64Array, plan: StepPlan): number {
  const nb = b.n;
  const norm = b.norm;
  const v = new Float64Array(nb);
  const w = new Int32Array(2);
  /** W_e phi at y. */
  const mu = (y: number, e: number): number => {
    const sx = fillAxis(b, y, v, w);
    let m = 0;
    const base = e * nb;
    for (let i = w[0]; i <= w[1]; i++) m += Wv[base + i] * v[i];
    return (sx === 0 ? norm : norm * Math.exp(-sx)) * m;
  };
  const { steps, heun, h, a } = plan;
  let bad = steps;
  for (let p = 0; p < n; p++) {
    let xp = x[p];
    for (let k = 0; k < steps; k++) {
      const e = heun ? 2 * k : k;
      const u = a[e] * xp + mu(xp, e);
      const hk = h[k];
      if (!heun) xp += hk * u;
      else {
        const y = xp + hk * u;
        xp += (hk / 2) * (u + a[e + 1] * y + mu(y, e + 1));
      }
      if (!(Math.abs(xp) < Infinity)) {
        if (k < bad) bad = k;
        break;
      }
    }
    x[p] = xp;
  }
  return bad < steps ? bad : -1;
}

/** Any dimension, zero to two space factors; one output row at a time. */
function runGeneral(
  x: Float64Array,
  n: number,
  dim: number,
  space: AxisBasis[],
  Wv: Float64Array,
  plan: StepPlan,
): number {
  const k1 = space.length;
  const b1 = space[0];
  const b2 = space[1];
  const n1 = k1 > 0 ? b1.n : 1;
  const n2 = k1 > 1 ? b2.n : 1;
  const Fs = n1 * n2;
  const v1 = new Float64Array(n1).fill(1);
  const v2 = new Float64Array(n2).fill(1);
  const w1 = new Int32Array(2);
  const w2 = new Int32Array(2);
  const xs = new Float64Array(dim);
  const ys = new Float64Array(dim);
  const u = new Float64Array(dim);
  const mu = new Float64Array(dim);
  const { steps, heun, h, a } = plan;
  let bad = steps;

  const norm = (k1 > 0 ? b1.norm : 1) * (k1 > 1 ? b2.norm : 1);
  const velocity = (e: number, at: Float64Array, out: Float64Array) => {
    let sx = 0;
    if (k1 > 0) sx += fillAxis(b1, at[b1.axis], v1, w1);
    if (k1 > 1) sx += fillAxis(b2, at[b2.axis], v2, w2);
    const scale = norm * Math.exp(-sx);
    const lo1 = k1 > 0 ? w1[0] : 0;
    const hi1 = k1 > 0 ? w1[1] : 0;
    const lo2 = k1 > 1 ? w2[0] : 0;
    const hi2 = k1 > 1 ? w2[1] : 0;
    for (let d = 0; d < dim; d++) {
      const base = (e * dim + d) * Fs;
      let s = 0;
      for (let i = lo1; i <= hi1; i++) {
        let r = 0;
        for (let j = lo2; j <= hi2; j++) r += Wv[base + i * n2 + j] * v2[j];
        s += v1[i] * r;
      }
      mu[d] = scale * s;
    }
    for (let d = 0; d < dim; d++) out[d] = a[e] * at[d] + mu[d];
  };

  for (let p = 0; p < n; p++) {
    for (let d = 0; d < dim; d++) xs[d] = x[p * dim + d];
    for (let k = 0; k < steps; k++) {
      const hk = h[k];
      if (!heun) {
        velocity(k, xs, u);
        for (let d = 0; d < dim; d++) xs[d] += hk * u[d];
      } else {
        velocity(2 * k, xs, u);
        for (let d = 0; d < dim; d++) ys[d] = xs[d] + hk * u[d];
        velocity(2 * k + 1, ys, ys);
        for (let d = 0; d < dim; d++) xs[d] += (hk / 2) * (u[d] + ys[d]);
      }
      let s = 0;
      for (let d = 0; d < dim; d++) s += Math.abs(xs[d]);
      if (!(s < Infinity)) {
        if (k < bad) bad = k;
        break;
      }
    }
    for (let d = 0; d < dim; d++) x[p * dim + d] = xs[d];
  }
  return bad < steps ? bad : -1;
}
