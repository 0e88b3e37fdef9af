// Descending sampling time grids (docs/theory.md 2.2 and 2.4).

import type { IrTimeGrid } from '../compiler/ir/types.js';

/**
 * timeGrid(grid: IrTimeGrid, T: number): Float64Array   steps + 1 times, t[0] = T, t[steps] = t_min
 * uniform: t_k = T + (k/N)(t_min - T)                (the code's flip(linspace(eps, T, N+1)))
 * karras:  t_k = (T^(1/rho) + (k/N)(t_min^(1/rho) - T^(1/rho)))^rho
 */
export function timeGrid(grid: IrTimeGrid, T: number): Float64Array {
  const N = grid.steps;
  const out = new Float64Array(N + 1);
  if (grid.spacing === 'uniform') {
    for (let k = 0; k <= N; k++) out[k] = T + (k / N) * (grid.t_min - T);
  } else {
    const a = Math.pow(T, 1 / grid.rho);
    const b = Math.pow(grid.t_min, 1 / grid.rho);
    for (let k = 0; k <= N; k++) out[k] = Math.pow(a + (k / N) * (b - a), grid.rho);
  }
  // Pin the ends exactly: the last time is where samples are compared with p(x | t_min).
  out[0] = T;
  out[N] = grid.t_min;
  return out;
}
