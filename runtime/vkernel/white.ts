// The white-noise (factorized) approximation of a linear model's V-kernel (docs/theory.md 9.2):
//   V(z, z') ~ (lambda_t / P) D_t C(x, t) k(z, z') D_t'   (C, lambda slowly varying over k's width)
// made white in time by replacing k(z, z') with delta(t - t') times its time integral at fixed x:
//   Q(x, t) = (lambda_t / P) D_t C(x, t) D_t kbar(x, t),   kbar(x, t) = int k((x, t), (x, t')) dt'
// the intensity of the white noise whose displacement over a correlation time matches the
// correlated field's (the path is frozen at x over that time). In the denoiser parametrization
// (docs/theory.md 9.4) the same form reads Q = c_t^2 (lambda~_t / P) Cov[x0 | x, t] kbar~, c_t = d alpha / s2.
//
// kbar is smooth in x, so it is tabulated on a grid (per axis, dim <= 2) once per time step and
// interpolated (multi-linear, clamped at the edges) at the particles; C is exact at the particles.
// Product features are contracted over their time factors first (factoredKbar: Fig. 3 on a 49 x 49
// table, 31 times: 19 s -> 1.4 s CPU, same table to 2e-15). Other trees with a time split
// (features.ts TimeSplit: rff over t, concatenations) take their space parts once per grid point
// and time parts once per node (splitKbar: rff([x, y, t], n = 400) on 49 x 49, 31 times:
// 11-14 s -> 0.5-0.6 s CPU, same table to 2e-15; bench/white-sde.ts); only trees without one
// evaluate phi at every (grid point, node) (denseKbar).

import type { Population } from './population.js';
import { choleskySolve, dot4 } from '../linalg/cholesky.js';
import { productRows } from './design-rows.js';

export interface GridAxis {
  lo: number;
  hi: number;
  n: number;
}

export interface WhiteTable {
  axes: GridAxis[];
  /** [times, grid points] (C-order over axes). */
  q: Float64Array;
  points: number;
}

/** Trapezoid nodes over t_range: enough to resolve time features narrower than 1/100 of it. */
const T_NODES = 201;

/**
 * whiteIntensity(pop, axes, times): WhiteTable   q(x, t_k) = (lambda_{t_k} / P) kbar(x, t_k) on
 * the grid for every sampling time (the C-independent factor of Q)
 */
export function whiteIntensity(pop: Population, axes: GridAxis[], times: Float64Array): WhiteTable {
  const { P, state } = pop;
  const { features, schedule, spec } = state;
  const dim = axes.length;
  const G = axes.reduce((s, a) => s * a.n, 1);
  const xs = new Float64Array(G * dim);
  for (let g = 0; g < G; g++) {
    let r = g;
    for (let a = dim - 1; a >= 0; a--) {
      const i = r % axes[a].n;
      r = Math.floor(r / axes[a].n);
      xs[g * dim + a] = axes[a].n === 1 ? axes[a].lo : axes[a].lo + ((axes[a].hi - axes[a].lo) * i) / (axes[a].n - 1);
    }
  }
  const lambdaAt = (t: number) => {
    const al = schedule.alpha(t);
    const s2 = schedule.s2(t);
    return spec.parametrization === 'denoiser' ? (al * al) / s2 : s2;
  };
  const kbar = features.factored
    ? factoredKbar(pop, xs, G, times)
    : features.split
      ? splitKbar(pop, xs, G, times)
      : denseKbar(pop, xs, G, times);
  const q = new Float64Array(times.length * G);
  for (let k = 0; k < times.length; k++) {
    const c = lambdaAt(times[k]) / P;
    // kbar is a smoothed projector row: positive wherever the features reach; clamp the
    // round-off negatives far outside them.
    for (let g = 0; g < G; g++) q[k * G + g] = c * Math.max(0, kbar[k * G + g]);
  }
  return { axes, q, points: G };
}

/** interpolate(table, k, x, n, out)               q at n particles for time index k */
export function interpolate(table: WhiteTable, k: number, x: Float64Array, n: number, out: Float64Array): void {
  const { axes, q, points } = table;
  const dim = axes.length;
  const base = k * points;
  const idx = new Int32Array(dim);
  const frac = new Float64Array(dim);
  for (let p = 0; p < n; p++) {
    for (let a = 0; a < dim; a++) {
      const ax = axes[a];
      const pos = ax.n === 1 ? 0 : ((x[p * dim + a] - ax.lo) / (ax.hi - ax.lo)) * (ax.n - 1);
      const c = Math.min(Math.max(pos, 0), Math.max(ax.n - 1, 0));
      const i = Math.min(Math.floor(c), Math.max(ax.n - 2, 0));
      idx[a] = i;
      frac[a] = ax.n === 1 ? 0 : c - i;
    }
    let v = 0;
    for (let corner = 0; corner < 1 << dim; corner++) {
      let w = 1;
      let flat = 0;
      for (let a = 0; a < dim; a++) {
        const up = (corner >> a) & 1;
        w *= up ? frac[a] : 1 - frac[a];
        flat = flat * axes[a].n + Math.min(idx[a] + up, axes[a].n - 1);
      }
      if (w !== 0) v += w * q[base + flat];
    }
    out[p] = v;
  }
}

/** Trapezoid weights over t_range at T_NODES nodes. */
function nodes(pop: Population): { t: number[]; w: number[] } {
  const [t0, t1] = pop.state.spec.t_range;
  const h = (t1 - t0) / (T_NODES - 1);
  const t = Array.from({ length: T_NODES }, (_, k) => t0 + k * h);
  return { t, w: t.map((_, k) => (k === 0 || k === T_NODES - 1 ? h / 2 : h)) };
}

/** kbar [times, G] point by point: u(x) = SigmaG^{-1} int phi(x, t') dt', then phi(x, t_k) . u(x). */
function denseKbar(pop: Population, xs: Float64Array, G: number, times: Float64Array): Float64Array {
  const { F, state } = pop;
  const { features } = state;
  // Accumulated [G, F] as phi comes, then transposed into the solve's [F, G].
  const ug = new Float64Array(G * F);
  const nd = nodes(pop);
  nd.t.forEach((tn, k) => {
    const phi = features.evaluate(xs, new Float64Array(G).fill(tn), G);
    const w = nd.w[k];
    for (let i = 0; i < G * F; i++) ug[i] += w * phi[i];
  });
  const u = transpose(ug, G, F);
  choleskySolve(pop.cholSigmaG, F, u, G);
  const uT = transpose(u, F, G);
  const out = new Float64Array(times.length * G);
  for (let k = 0; k < times.length; k++) {
    const phi = features.evaluate(xs, new Float64Array(G).fill(times[k]), G);
    for (let g = 0; g < G; g++) {
      let s = 0;
      for (let f = 0; f < F; f++) s += phi[g * F + f] * uT[g * F + f];
      out[k * G + g] = s;
    }
  }
  return out;
}

/**
 * kbar for time-split features phi_f(x, t) = sum_r S_r(x)_f T_r(t)_f (features.ts TimeSplit):
 * int phi(x, t') dt' = sum_r S_r(x) Tbar_r with Tbar_r the trapezoid sum of T_r over the nodes
 * (the same rule as denseKbar, summed in another order), and phi(x, t_k) . u(x) =
 * sum_{r,f} T_r(t_k)_f [S_r(x)_f u_f(x)], a [times, R F] x [R F, G] product: the space parts
 * once per grid point and the time parts once per time, instead of phi at every (grid point, node).
 */
function splitKbar(pop: Population, xs: Float64Array, G: number, times: Float64Array): Float64Array {
  const { F } = pop;
  const split = pop.state.features.split!;
  const R = split.R;
  const RF = R * F;
  const Tr = new Float64Array(RF);
  const Tbar = new Float64Array(RF);
  const nd = nodes(pop);
  nd.t.forEach((tn, k) => {
    split.time(tn, Tr);
    const w = nd.w[k];
    for (let i = 0; i < RF; i++) Tbar[i] += w * Tr[i];
  });
  const S = new Float64Array(G * RF);
  split.space(xs, G, S);
  const u = new Float64Array(F * G);
  for (let g = 0; g < G; g++) {
    for (let f = 0; f < F; f++) {
      let v = 0;
      for (let r = 0; r < R; r++) v += S[g * RF + r * F + f] * Tbar[r * F + f];
      u[f * G + g] = v;
    }
  }
  choleskySolve(pop.cholSigmaG, F, u, G);
  // S becomes Z_g = [S_r(x_g)_f u_f(x_g)]_{r,f}.
  for (let g = 0; g < G; g++)
    for (let r = 0; r < R; r++) for (let f = 0; f < F; f++) S[g * RF + r * F + f] *= u[f * G + g];
  const out = new Float64Array(times.length * G);
  for (let k = 0; k < times.length; k++) {
    split.time(times[k], Tr);
    for (let g = 0; g < G; g++) out[k * G + g] = dot4(Tr, 0, S, g * RF, RF);
  }
  return out;
}

function transpose(a: Float64Array, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
  return out;
}

/**
 * kbar for product features phi(x, t) = E_t psi(x) (psi: the S space features): with
 * Ybar = SigmaG^{-1} int E_t' dt' [F, S] (the same trapezoid rule), kbar(x, t_k) = psi(x)^T M_k psi(x),
 * M_k = E_{t_k}^T Ybar [S, S]: F^2 work per quadrature node and nnz(psi)^2 per grid point, instead
 * of a triangular solve per grid point.
 */
function factoredKbar(pop: Population, xs: Float64Array, G: number, times: Float64Array): Float64Array {
  const { F, SigmaGinv } = pop;
  const fac = pop.state.features.factored!;
  const S = fac.spaceSize;
  const Ybar = new Float64Array(F * S);
  const nd = nodes(pop);
  nd.t.forEach((tn, k) => {
    const Y = fac.contractTime(SigmaGinv, F, tn);
    for (let i = 0; i < F * S; i++) Ybar[i] += nd.w[k] * Y[i];
  });
  const YbarT = new Float64Array(S * F);
  for (let f = 0; f < F; f++) for (let s = 0; s < S; s++) YbarT[s * F + f] = Ybar[f * S + s];
  const psi = productRows(fac.space, xs, new Float64Array(G), G);
  const out = new Float64Array(times.length * G);
  for (let k = 0; k < times.length; k++) {
    // contractTime(Ybar^T, S, t) = Ybar^T E_t = M_k^T.
    const Mt = fac.contractTime(YbarT, S, times[k]);
    for (let g = 0; g < G; g++) {
      let v = 0;
      for (let p = psi.start[g]; p < psi.start[g + 1]; p++) {
        const ro = psi.col[p];
        let s = 0;
        for (let q = psi.start[g]; q < psi.start[g + 1]; q++) s += Mt[psi.col[q] * S + ro] * psi.val[q];
        v += psi.val[p] * s;
      }
      out[k * G + g] = v;
    }
  }
  return out;
}
