// A trained mlp network as the denoiser mu(x, t) the PF-ODE loops integrate (particles/member.ts
// integrateBlocked): each block of particles is one forward pass, its output turned into the
// denoiser: score s -> mu = (x + s2 s) / alpha, noise eps -> mu = (x - sigma eps) / alpha.

import * as tf from '../../tf.js';
import type { Schedule } from '../../schedule.js';
import type { MlpArch } from './config.js';
import { inputs } from './embed.js';
import { forward, toTensors, type MlpParams, type MlpTensors } from './network.js';

/** interface MlpDenoiser { atTime(t) -> (x [n, dim], n, out [n, dim]); dispose() } */
export interface MlpDenoiser {
  atTime(t: number): (x: Float64Array, n: number, out: Float64Array) => void;
  dispose(): void;
}

/** Network outputs f [n, dim] at (x, t), float32. */
export function evalNetwork(
  arch: MlpArch,
  net: MlpTensors,
  schedule: Schedule,
  x: ArrayLike<number>,
  t: number | ArrayLike<number>,
  n: number,
): Float32Array {
  const u = inputs(arch, schedule, x, t, n);
  return tf.tidy(() => forward(arch, net, tf.tensor2d(u, [n, arch.dim + arch.embed])).f.dataSync() as Float32Array);
}

/** mlpDenoiser(arch, params, schedule, init?): MlpDenoiser   (init: a centred network's initial parameters) */
export function mlpDenoiser(arch: MlpArch, params: MlpParams, schedule: Schedule, init?: MlpParams): MlpDenoiser {
  const net = toTensors(arch, params, false);
  const net0 = init ? toTensors(arch, init, false) : null;
  const D = arch.dim;
  return {
    atTime(t) {
      const al = schedule.alpha(t);
      const s2 = schedule.s2(t);
      const sd = Math.sqrt(s2);
      return (x, n, out) => {
        const f = evalNetwork(arch, net, schedule, x, t, n);
        if (net0) {
          const f0 = evalNetwork(arch, net0, schedule, x, t, n);
          for (let i = 0; i < n * D; i++) f[i] -= f0[i];
        }
        for (let i = 0; i < n * D; i++) {
          out[i] =
            arch.output === 'denoiser'
              ? f[i]
              : arch.output === 'score'
                ? (x[i] + s2 * f[i]) / al
                : (x[i] - sd * f[i]) / al;
        }
      };
    },
    dispose: () => tf.dispose([...net.W, ...net.b, ...(net0 ? [...net0.W, ...net0.b] : [])]),
  };
}
