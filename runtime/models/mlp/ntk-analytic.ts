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
  const dot = (a: Float32Array, i: number, b: Float32Array, j: number) => {
    let s = 0;
    for (let k = 0; k < e; k++) s += a[i * e + k] * b[j * e + k];
    return s / e + 1;
  };
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let kuu = dot(u, i, u, i);
      let kvv = dot(v, j, v, j);
      let kuv = dot(u, i, v, j);
      let theta = kuv;
      for (let l = 2; l <= arch.depth + 1; l++) {
        const norm = Math.sqrt(kuu * kvv);
        const c = Math.min(1, Math.max(-1, kuv / norm));
        const th = Math.acos(c);
        const kdot = (Math.PI - th) / Math.PI;
        kuv = (norm * (Math.sin(th) + (Math.PI - th) * c)) / Math.PI + 1;
        kuu = kuu + 1;
        kvv = kvv + 1;
        theta = theta * kdot + kuv;
      }
      out[i * m + j] = theta;
    }
  return out;
}
