// The white-noise (factorized) approximation of a linear model's V-kernel (math.md 9.2):
//   V(z, z') ~ (lambda_t / P) D_t C(x, t) k(z, z') D_t'   (C, lambda slowly varying over k's width)
// made white in time by replacing k(z, z') with delta(t - t') times its time integral at fixed x:
//   Q(x, t) = (lambda_t / P) D_t C(x, t) D_t kbar(x, t),   kbar(x, t) = int k((x, t), (x, t')) dt'
// the intensity of the white noise whose displacement over a correlation time matches the
// correlated field's (the path is frozen at x over that time). In the denoiser parametrization
// (math.md 9.4) the same form reads Q = c_t^2 (lambda~_t / P) Cov[x0 | x, t] kbar~, c_t = d alpha / s2.
//
// kbar is smooth in x, so it is tabulated on a grid (per axis, dim <= 2) once per time step and
// interpolated (multi-linear, clamped at the edges) at the particles; C is exact at the particles.
//
// API
//   whiteIntensity(pop, axes, times): WhiteTable   q(x, t_k) = (lambda_{t_k} / P) kbar(x, t_k) on
//     the grid for every sampling time (the C-independent factor of Q)
//   interpolate(table, k, x, n, out)               q at n particles for time index k

import type { Population } from './population.js';
import { choleskySolve } from '../models/cholesky.js';

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

export function whiteIntensity(pop: Population, axes: GridAxis[], times: Float64Array): WhiteTable {
  const { F, P, state } = pop;
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
  // u(x) = SigmaG^{-1} int phi(x, t') dt'  for every grid point [F, G].
  const [t0, t1] = spec.t_range;
  const u = new Float64Array(F * G);
  const h = (t1 - t0) / (T_NODES - 1);
  for (let k = 0; k < T_NODES; k++) {
    const w = k === 0 || k === T_NODES - 1 ? h / 2 : h;
    const phi = features.evaluate(xs, new Float64Array(G).fill(t0 + k * h), G);
    for (let g = 0; g < G; g++) for (let f = 0; f < F; f++) u[f * G + g] += w * phi[g * F + f];
  }
  choleskySolve(pop.cholSigmaG, F, u, G);
  const q = new Float64Array(times.length * G);
  for (let k = 0; k < times.length; k++) {
    const t = times[k];
    const al = schedule.alpha(t);
    const s2 = schedule.s2(t);
    const lambda = spec.parametrization === 'denoiser' ? (al * al) / s2 : s2;
    const phi = features.evaluate(xs, new Float64Array(G).fill(t), G);
    for (let g = 0; g < G; g++) {
      let kbar = 0;
      for (let f = 0; f < F; f++) kbar += phi[g * F + f] * u[f * G + g];
      // kbar is a smoothed projector row: positive wherever the features reach; clamp the
      // round-off negatives far outside them.
      q[k * G + g] = (lambda / P) * Math.max(0, kbar);
    }
  }
  return { axes, q, points: G };
}

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
