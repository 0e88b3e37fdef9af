// The infinite-width NTK of a relu mlp network of this parametrization (config.ts), as the
// arc-cosine recursion of runtime/models/ntk.ts adapted to its input embedding, 1/n_0 input
// scaling and unit-variance biases:
//   K^1 = u.v / n_0 + 1,                                   Theta^1 = K^1
//   for l = 2 .. depth + 1 (the last is the output layer), with c = K^{l-1}(u,v) / sqrt(K^{l-1}(u,u) K^{l-1}(v,v)), th = acos c:
//   K^l    = sqrt(K^{l-1}(u,u) K^{l-1}(v,v)) (sin th + (pi - th) c) / pi + 1    (2 E[relu relu] + 1)
//   Kdot^l = (pi - th) / pi                                                      (2 E[relu' relu'])
//   Theta^l = Theta^{l-1} Kdot^l + K^l,   Theta = Theta^{depth + 1}, the same for every output.
// silu and gelu have no closed form here.

import type { Schedule } from '../../schedule.js';
import type { MlpArch } from './config.js';
import { inputs } from './embed.js';

/** analyticNtk(arch, schedule, x [n, dim], t [n], xr [m, dim], tr [m]): Theta [n, m] (relu only) */
export function analyticNtk(
  arch: MlpArch,
  schedule: Schedule,
  x: ArrayLike<number>,
  t: ArrayLike<number>,
  n: number,
  xr: ArrayLike<number>,
  tr: ArrayLike<number>,
  m: number,
): Float64Array {
  if (arch.activation !== 'relu')
    throw new Error(`the analytic NTK is implemented for relu only, not ${arch.activation}`);
  const e = arch.dim + arch.embed;
  const u = inputs(arch, schedule, x, t, n);
  const v = inputs(arch, schedule, xr, tr, m);
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) out[i * m + j] = analyticTheta(u, i * e, v, j * e, e, arch.depth);
  return out;
}

/** Theta(u, v) of the recursion above for network inputs u, v (length e) at offsets uo, vo. */
export function analyticTheta(
  u: ArrayLike<number>,
  uo: number,
  v: ArrayLike<number>,
  vo: number,
  e: number,
  depth: number,
): number {
  let kuu = 0;
  let kvv = 0;
  let kuv = 0;
  for (let k = 0; k < e; k++) {
    kuu += u[uo + k] * u[uo + k];
    kvv += v[vo + k] * v[vo + k];
    kuv += u[uo + k] * v[vo + k];
  }
  kuu = kuu / e + 1;
  kvv = kvv / e + 1;
  kuv = kuv / e + 1;
  let theta = kuv;
  for (let l = 2; l <= depth + 1; l++) {
    const norm = Math.sqrt(kuu * kvv);
    const c = Math.min(1, Math.max(-1, kuv / norm));
    const th = Math.acos(c);
    const kdot = (Math.PI - th) / Math.PI;
    kuv = (norm * (Math.sin(th) + (Math.PI - th) * c)) / Math.PI + 1;
    kuu = kuu + 1;
    kvv = kvv + 1;
    theta = theta * kdot + kuv;
  }
  return theta;
}
