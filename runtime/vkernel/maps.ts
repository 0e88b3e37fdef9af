// V-kernel maps of linear models (docs/theory.md 9.2, 9.4) on grids: map.vkernel, V(z, z) at every
// grid point and time, and map.vkernel_time_correlation, V(z, z') with z' = node.ref (NTK models:
// vkernel/ntk-map.ts). Arrays: V [n_t, ...grid, D, D] and V_se (its Monte-Carlo standard error),
// grid_x (grid_y), t. V = c_t c_t' Cov[W phi(z), W phi(z')] (denoiser: c = d alpha / s2) or
// d d' M Cov M (score).

import type { IrMap } from '../../compiler/ir/types.js';
import { lookup, emptyResult, type NodeImpl } from '../nodes/types.js';
import { linearState } from '../models/linear-node.js';
import { covFromRows, kernelRow, population, vFactor } from './population.js';
import { gridKernel } from './grid-kernel.js';
import { ntkVkernelMap } from './ntk-map.js';
import { ntkState } from '../models/ntk.js';
import { mlpState } from '../models/mlp/node.js';
import { mlpVkernelMap } from '../models/mlp/theory.js';
import { gridArrays, gridPoints, vkernelArrays } from '../nodes/maps.js';
import { congruence } from '../linalg/congruence.js';

export const runVkernelMap: NodeImpl<IrMap> = (node, ctx) => {
  if (!node.model) throw new Error('internal: a vkernel map needs a model');
  const model = lookup(ctx, node.model, 'model');
  if (model.type === 'ntk') return ntkVkernelMap(node, ntkState(model), ctx);
  if (model.type === 'mlp') return mlpVkernelMap(node, mlpState(model), ctx);
  if (model.type !== 'linear')
    throw new Error(`V-kernel maps support linear models; '${node.model}' is a ${model.type} model`);
  const state = linearState(model);
  const D = state.dim;
  const pop = population(state, node.mc_samples, node.seed);
  // Grid points in C order and the per-axis coordinates (the posterior maps' layout).
  const { axes: coordArrays, points: xs, count: G } = gridPoints(node.grid);
  const nt = node.t.length;
  const V = new Float64Array(nt * G * D * D);
  const se = new Float64Array(nt * G * D * D);
  const ref = node.quantity === 'vkernel_time_correlation' ? node.ref : null;
  if (node.quantity === 'vkernel_time_correlation' && !ref) throw new Error('internal: time correlation without ref');
  const shape = state.schedule.shape;
  const param = state.spec.parametrization;
  const N = pop.N;
  // Kernel rows for CHUNK grid points at a time ([CHUNK, N] floats: 20 MB at N = 1e4).
  const CHUNK = Math.max(1, Math.min(G, Math.floor(2.5e6 / N)));
  const refRow = ref ? kernelRow(pop, Float64Array.from(ref.x), ref.t) : null;
  ctx.progress?.start(`${node.name}: ${nt} times x ${G} points`, nt);
  for (let k = 0; k < nt; k++) {
    const t = node.t[k];
    const tb = ref ? ref.t : t;
    const c = vFactor(state.schedule, param, t) * vFactor(state.schedule, param, tb);
    const rows = gridKernel(pop, xs, G, t, coordArrays);
    for (let g0 = 0; g0 < G; g0 += CHUNK) {
      ctx.checkInterrupted?.();
      const C = Math.min(CHUNK, G - g0);
      const K = rows(g0, C);
      for (let g = 0; g < C; g++) {
        const est = refRow ? covFromRows(pop, K, g * N, refRow, 0, 1) : covFromRows(pop, K, g * N, K, g * N, 1);
        const o = (k * G + g0 + g) * D * D;
        for (let i = 0; i < D * D; i++) {
          V[o + i] = c * est.cov[i];
          se[o + i] = Math.abs(c) * est.se[i];
        }
        if (param === 'score' && shape) sandwich(shape, V, se, o, D);
      }
    }
    ctx.progress?.tick(k + 1);
  }
  ctx.progress?.end();
  const result = emptyResult();
  Object.assign(result.arrays, vkernelArrays(nt, coordArrays, D, V, se));
  Object.assign(result.arrays, gridArrays(coordArrays, node.t));
  result.scalars.mc_samples = node.mc_samples;
  result.notes.push('first order in 1/P (docs/theory.md 9.2), ridge-bias terms included');
  return { value: { kind: 'map' }, result };
};

/** V <- M V M for the score parametrization of an anisotropic process (SE scaled alike). */
function sandwich(M: number[][], V: Float64Array, se: Float64Array, o: number, D: number): void {
  congruence(M, V.slice(o, o + D * D), 0, D, V, o);
  congruence(M, se.slice(o, o + D * D), 0, D, se, o);
  for (let i = o; i < o + D * D; i++) se[i] = Math.abs(se[i]);
}
