// The empirical NTK of an mlp network in float64 without tfjs, point by point, so that the NTK
// V-kernel machinery (vkernel/ntk.ts through vkernel/kernel-source.ts) can evaluate it in any
// thread. A point's kernel row holds what every pair needs (ntk-empirical.ts derives the form):
//   a^l = s_l h^{l-1}  (l = 1 .. L, L = depth + 1: the scaled inputs of each dense layer),
//   delta_k^l = d f_k / d f_l  (k < D outputs, the errors of one backward pass per output),
// and the theory's scalar kernel is the output average of the diagonal blocks,
//   Theta(z, z') = (1/D) sum_k sum_l (delta_k^l . delta_k^l') (a^l . a^l' + 1).
// The cross-output blocks Theta_kk' (k != k') and the differences between diagonal blocks vanish at
// infinite width (both O(width^-1/2) at initialization); the scalar form is what the V-kernel
// machinery takes (one kernel shared by every output, as models/ntk.ts).
//
// A virtual model sum_j Theta(z, z_j) c_j of the effective SDE is linear in the parameter-space
// Jacobian, so it collapses onto parameter-shaped matrices once per model,
//   G_kd^l = sum_j c_jd delta_k^l(z_j) (a^l(z_j), 1)^T   [n_l, n_{l-1} + 1],
//   mu_d(z) = (1/D) sum_k sum_l delta_k^l(z)^T G_kd^l (a^l(z), 1),
// a forward and D backward passes plus D^2 matrix-vector products per point instead of a pass
// over every design point.

import type { Schedule } from '../../schedule.js';
import { layerGain, layerSizes, type MlpArch } from './config.js';
import { inputs } from './embed.js';
import type { MlpParams } from './network.js';

/** A network in float64 with each weight matrix pre-scaled by its layer scale s_l. */
export interface KernelNet {
  arch: MlpArch;
  /** n_0 .. n_L */
  n: number[];
  /** Layer scales s_l and s_l W^l [n_{l-1}, n_l] row-major, l = 1 .. L. */
  s: number[];
  W: Float64Array[];
  b: Float64Array[];
  /** Offsets of a^l and of delta_k^l in a row, and the row length. */
  aOff: number[];
  dOff: (k: number, l: number) => number;
  R: number;
}

/** kernelNet(arch, params): KernelNet */
export function kernelNet(arch: MlpArch, params: MlpParams): KernelNet {
  const n = layerSizes(arch);
  const L = n.length - 1;
  const s = n.slice(1).map((_, i) => Math.sqrt(layerGain(i + 1) / n[i]));
  const W = params.W.map((w, i) => Float64Array.from(w, (v) => s[i] * v));
  const b = params.b.map((v) => Float64Array.from(v));
  const aOff: number[] = [];
  let off = 0;
  for (let l = 0; l < L; l++) {
    aOff.push(off);
    off += n[l];
  }
  const dStart = off;
  const dLen = n.slice(1).reduce((s, v) => s + v, 0);
  const dWithin: number[] = [];
  let w = 0;
  for (let l = 1; l <= L; l++) {
    dWithin.push(w);
    w += n[l];
  }
  return {
    arch,
    n,
    s,
    W,
    b,
    aOff,
    dOff: (k, l) => dStart + k * dLen + dWithin[l - 1],
    R: dStart + arch.dim * dLen,
  };
}

function actAndSlope(name: MlpArch['activation'], g: number): [number, number] {
  switch (name) {
    case 'relu':
      return g > 0 ? [g, 1] : [0, 0];
    case 'silu': {
      const s = 1 / (1 + Math.exp(-g));
      return [g * s, s * (1 + g * (1 - s))];
    }
    case 'gelu': {
      const c = Math.sqrt(2 / Math.PI);
      const th = Math.tanh(c * (g + 0.044715 * g * g * g));
      const inner = c * (1 + 3 * 0.044715 * g * g);
      return [0.5 * g * (1 + th), 0.5 * (1 + th) + 0.5 * g * (1 - th * th) * inner];
    }
    default: {
      const unhandled: never = name;
      throw new Error(`internal: unhandled activation ${JSON.stringify(unhandled)}`);
    }
  }
}

/**
 * kernelRowsOfInputs(net, u [B, n_0], B, out [B, R]): the rows of B points from their network inputs;
 * also the network outputs f [B, D] when asked (the centring of evaluations).
 */
export function kernelRowsOfInputs(
  net: KernelNet,
  u: ArrayLike<number>,
  B: number,
  out: Float64Array,
  f?: Float64Array,
): void {
  const { n, W, b, aOff, R, arch } = net;
  const L = n.length - 1;
  const D = arch.dim;
  // One buffer per layer for the whole block (activations h^0 .. h^L, slopes); the errors are
  // written straight into the rows and read back from them.
  const hs = n.map((m) => new Float64Array(m));
  const slopes = n.slice(1, L).map((m) => new Float64Array(m));
  for (let p = 0; p < B; p++) {
    const o = p * R;
    const h0 = hs[0];
    for (let i = 0; i < n[0]; i++) h0[i] = u[p * n[0] + i];
    for (let l = 1; l <= L; l++) {
      const rows = n[l - 1];
      const cols = n[l];
      const h = hs[l - 1];
      const ao = o + aOff[l - 1];
      for (let i = 0; i < rows; i++) out[ao + i] = net.s[l - 1] * h[i];
      const g = hs[l];
      g.set(b[l - 1]);
      const w = W[l - 1];
      for (let i = 0; i < rows; i++) {
        const hi = h[i];
        if (hi === 0) continue;
        const wo = i * cols;
        for (let j = 0; j < cols; j++) g[j] += hi * w[wo + j];
      }
      if (l < L) {
        const sl = slopes[l - 1];
        if (arch.activation === 'relu')
          for (let j = 0; j < cols; j++) {
            const pos = g[j] > 0;
            sl[j] = pos ? 1 : 0;
            if (!pos) g[j] = 0;
          }
        else
          for (let j = 0; j < cols; j++) {
            const [v, d] = actAndSlope(arch.activation, g[j]);
            g[j] = v;
            sl[j] = d;
          }
      } else if (f) for (let d = 0; d < D; d++) f[p * D + d] = g[d];
    }
    for (let k = 0; k < D; k++) {
      const top = o + net.dOff(k, L);
      for (let j = 0; j < n[L]; j++) out[top + j] = j === k ? 1 : 0;
      for (let l = L; l > 1; l--) {
        const rows = n[l - 1];
        const cols = n[l];
        const w = W[l - 1];
        const sl = slopes[l - 2];
        const dIn = o + net.dOff(k, l);
        const dOut = o + net.dOff(k, l - 1);
        for (let i = 0; i < rows; i++) {
          if (sl[i] === 0) {
            out[dOut + i] = 0;
            continue;
          }
          let s = 0;
          const wo = i * cols;
          for (let j = 0; j < cols; j++) s += w[wo + j] * out[dIn + j];
          out[dOut + i] = s * sl[i];
        }
      }
    }
  }
}

/** kernelRows(net, schedule, xs [B, D], ts [B], B): [B, R] */
export function kernelRows(
  net: KernelNet,
  schedule: Schedule,
  xs: ArrayLike<number>,
  ts: ArrayLike<number>,
  B: number,
): Float64Array {
  const out = new Float64Array(B * net.R);
  kernelRowsOfInputs(net, inputs(net.arch, schedule, xs, ts, B), B, out);
  return out;
}

/** Theta(z, z') from two rows (header). */
export function rowTheta(net: KernelNet, U: Float64Array, uo: number, V: Float64Array, vo: number): number {
  const { n, aOff } = net;
  const L = n.length - 1;
  const D = net.arch.dim;
  let theta = 0;
  for (let l = 1; l <= L; l++) {
    let aa = 1;
    const ao = aOff[l - 1];
    for (let i = 0; i < n[l - 1]; i++) aa += U[uo + ao + i] * V[vo + ao + i];
    let dd = 0;
    for (let k = 0; k < D; k++) {
      const d = net.dOff(k, l);
      for (let i = 0; i < n[l]; i++) dd += U[uo + d + i] * V[vo + d + i];
    }
    theta += dd * aa;
  }
  return theta / D;
}

/**
 * collapse(net, Z [N, R], coef [N, D], N): G [D (k) x D (d)] per layer l, each [n_l, n_{l-1} + 1]
 * (header), flattened as G[(k D + d) L + l - 1].
 */
export function collapse(net: KernelNet, Z: Float64Array, coef: Float64Array, N: number): Float64Array[] {
  const { n, aOff, R } = net;
  const L = n.length - 1;
  const D = net.arch.dim;
  const G: Float64Array[] = [];
  for (let k = 0; k < D; k++)
    for (let d = 0; d < D; d++)
      for (let l = 1; l <= L; l++) {
        const rows = n[l];
        const cols = n[l - 1] + 1;
        const g = new Float64Array(rows * cols);
        const dO = net.dOff(k, l);
        for (let j = 0; j < N; j++) {
          const c = coef[j * D + d];
          if (c === 0) continue;
          const zo = j * R;
          for (let r = 0; r < rows; r++) {
            const e = c * Z[zo + dO + r];
            if (e === 0) continue;
            const go = r * cols;
            const ao = zo + aOff[l - 1];
            for (let i = 0; i < cols - 1; i++) g[go + i] += e * Z[ao + i];
            g[go + cols - 1] += e;
          }
        }
        G.push(g);
      }
  return G;
}

/** mu [B, D] of a collapsed virtual model at B points' rows [B, R] (header). */
export function collapsedValues(net: KernelNet, G: Float64Array[], rows: Float64Array, B: number, out: Float64Array) {
  const { n, aOff, R } = net;
  const L = n.length - 1;
  const D = net.arch.dim;
  for (let p = 0; p < B; p++) {
    const o = p * R;
    for (let d = 0; d < D; d++) {
      let s = 0;
      for (let k = 0; k < D; k++)
        for (let l = 1; l <= L; l++) {
          const g = G[(k * D + d) * L + l - 1];
          const cols = n[l - 1] + 1;
          const dO = o + net.dOff(k, l);
          const ao = o + aOff[l - 1];
          for (let r = 0; r < n[l]; r++) {
            const e = rows[dO + r];
            if (e === 0) continue;
            const go = r * cols;
            let acc = g[go + cols - 1];
            for (let i = 0; i < cols - 1; i++) acc += g[go + i] * rows[ao + i];
            s += e * acc;
          }
        }
      out[p * D + d] = s / D;
    }
  }
}
