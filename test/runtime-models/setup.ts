// Shared small problems for the model tests: the Fig. 2 data {-1, 0, 1} under the VP schedule.
import type { IrFeatureTree } from '../../compiler/ir/types.js';
import { makeSchedule } from '../../runtime/schedule.js';
import { makeLinearState, type LinearNode } from '../../runtime/models/linear-node.js';
import type { NtkNode } from '../../runtime/models/ntk.js';
import { linalgSimdEnabled, setLinalgSimd } from '../../runtime/linalg/wasm/simd.js';

export const vp = makeSchedule({ kind: 'forward', name: 'vp', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 });
export const three = {
  points: Float64Array.from([-1, 0, 1]),
  weights: Float64Array.from([1, 1, 1].map((v) => v / 3)),
  M: 3,
  dim: 1,
};

export function fig2Tree(nx: number, nt: number, eps: number): IrFeatureTree {
  const dx = 3 / (nx - 1);
  const dt = (1 - eps) / (nt - 1);
  return {
    op: 'product',
    factors: [
      { op: 'basis', basis: 'gauss', axes: ['x'], n: nx, over: [-1.5, 1.5], width: dx / 2, seed: 0 },
      { op: 'basis', basis: 'gauss', axes: ['t'], n: nt, over: [eps, 1], width: dt / 2, seed: 0 },
    ],
  };
}

export function linearNode(
  P: number,
  eps: number,
  seed = 1,
  parametrization: 'denoiser' | 'score' = 'denoiser',
): LinearNode {
  return {
    kind: 'model',
    name: 'lin',
    data: 'd',
    forward: 'f',
    type: 'linear',
    features: 'phi',
    samples: P,
    ridge: 0.1,
    parametrization,
    t_range: [eps, 1],
    seed,
  };
}

export function fig2State(nx: number, nt: number, P: number, eps: number, seed = 1) {
  return makeLinearState(linearNode(P, eps, seed), fig2Tree(nx, nt, eps), three, vp);
}

/** One Gaussian-bump factor on one axis. */
export const gauss = (axis: 'x' | 'y' | 't', n: number, over: [number, number], width: number): IrFeatureTree => ({
  op: 'basis',
  basis: 'gauss',
  axes: [axis],
  n,
  over,
  width,
  seed: 0,
});

/** The linear-algebra SIMD switch's setting from the environment (GTV_SIMD=0 turns it off). */
export const LINALG_SIMD_DEFAULT = process.env.GTV_SIMD !== '0';

/** The WebAssembly linear-algebra kernels can run here (whatever GTV_SIMD says). */
export function linalgWasmHere(): boolean {
  setLinalgSimd(true);
  const on = linalgSimdEnabled();
  setLinalgSimd(LINALG_SIMD_DEFAULT);
  return on;
}

/** f() with the linear-algebra SIMD switch set to `on`, restored afterwards. */
export function withLinalgSimd<T>(on: boolean, f: () => T): T {
  setLinalgSimd(on);
  try {
    return f();
  } finally {
    setLinalgSimd(LINALG_SIMD_DEFAULT);
  }
}

/** An NTK model node (depth 1, lr 1, t_range [0.01, 1]) with the fields a test sets. */
export function ntkNode(fields: Pick<NtkNode, 'samples' | 'tau' | 'design' | 'seed'>): NtkNode {
  return {
    kind: 'model',
    name: 'n',
    data: 'd',
    forward: 'f',
    type: 'ntk',
    depth: 1,
    lr: 1,
    t_range: [1e-2, 1],
    ...fields,
  };
}
