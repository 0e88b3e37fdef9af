// Where the NTK V-kernel machinery (vkernel/ntk.ts populations and Nystrom modes, the virtual
// models of its effective SDE) gets its kernel Theta(z, z'): a plain-data spec (so a worker thread
// rebuilds the kernel from a job) and the source built from it. A point becomes a row of kernel
// inputs once; Theta is then a function of two rows.
//   arccos         the infinite-width ReLU network of models/ntk.ts (rows: its (x, log t, 1) embedding)
//   mlp-analytic   the infinite-width NTK of an mlp architecture (models/mlp/ntk-analytic.ts; rows:
//                  the network's inputs)
//   mlp-empirical  the empirical NTK of one mlp network at given parameters (models/mlp/ntk-rows.ts;
//                  rows: scaled activations and backpropagated errors)
// The arccos source is models/ntk.ts's own arithmetic (ntkTheta on its embedding), so going through
// a source adds no rounding to NTK models' results.

import type { IrForward } from '../../compiler/ir/types.js';
import { makeSchedule } from '../schedule.js';
import { embed, ntkEvaluator, ntkTheta, type NtkKernelRows } from '../models/ntk.js';
import type { LinearEvaluator } from '../models/linear-eval.js';
import type { MlpArch } from '../models/mlp/config.js';
import { inputs } from '../models/mlp/embed.js';
import { analyticTheta } from '../models/mlp/ntk-analytic.js';
import {
  collapse,
  collapsedValues,
  kernelNet,
  kernelRows,
  kernelRowsOfInputs,
  rowTheta,
} from '../models/mlp/ntk-rows.js';

export type NtkKernelSpec =
  | { kind: 'arccos'; dim: number; depth: number; tRange: [number, number] }
  | { kind: 'mlp-analytic'; arch: MlpArch; forward: IrForward }
  | { kind: 'mlp-empirical'; arch: MlpArch; forward: IrForward; W: Float32Array[]; b: Float32Array[] };

/**
 * interface NtkKernelSource { e: row length; rows(xs [B, D], ts [B], B): [B, e]; theta(U, uo, V, vo);
 * evaluator(Z [n, e], coef [n, D], n, D): the model mu(z) = sum_i Theta(z, z_i) coef_i }
 */
export type NtkKernelSource = NtkKernelRows;

const sources = new WeakMap<NtkKernelSpec, NtkKernelSource>();

/** kernelSource(spec): NtkKernelSource     built once per spec object */
export function kernelSource(spec: NtkKernelSpec): NtkKernelSource {
  let s = sources.get(spec);
  if (!s) {
    s = build(spec);
    sources.set(spec, s);
  }
  return s;
}

function build(spec: NtkKernelSpec): NtkKernelSource {
  switch (spec.kind) {
    case 'arccos':
      return arccosSource(spec.dim, spec.depth, spec.tRange);
    case 'mlp-analytic':
      return analyticSource(spec.arch, spec.forward);
    case 'mlp-empirical':
      return empiricalSource(spec);
    default: {
      const unhandled: never = spec;
      throw new Error(`internal: unhandled kernel ${JSON.stringify(unhandled)}`);
    }
  }
}

function arccosSource(dim: number, depth: number, tRange: [number, number]): NtkKernelSource {
  const e = dim + 2;
  return {
    e,
    rows(xs, ts, B) {
      const out = new Float64Array(B * e);
      for (let b = 0; b < B; b++) embed(xs, ts[b], dim, tRange, out, b * e, b * dim);
      return out;
    },
    theta: (U, uo, V, vo) => ntkTheta(U, uo, V, vo, e, depth),
    evaluator: (Z, coef, n) => ntkEvaluator(Z, coef, n, dim, { depth, t_range: tRange }),
  };
}

function analyticSource(arch: MlpArch, forward: IrForward): NtkKernelSource {
  const schedule = makeSchedule(forward);
  const e = arch.dim + arch.embed;
  const source: NtkKernelSource = {
    e,
    rows: (xs, ts, B) => Float64Array.from(inputs(arch, schedule, xs, ts, B)),
    theta: (U, uo, V, vo) => analyticTheta(U, uo, V, vo, e, arch.depth),
    evaluator: (Z, coef, n, dim) => sumEvaluator(source, Z, coef, n, dim),
  };
  return source;
}

function empiricalSource(spec: Extract<NtkKernelSpec, { kind: 'mlp-empirical' }>): NtkKernelSource {
  const schedule = makeSchedule(spec.forward);
  const net = kernelNet(spec.arch, { W: spec.W, b: spec.b });
  return {
    e: net.R,
    rows: (xs, ts, B) => kernelRows(net, schedule, xs, ts, B),
    theta: (U, uo, V, vo) => rowTheta(net, U, uo, V, vo),
    evaluator(Z, coef, n, dim) {
      const G = collapse(net, Z, coef, n);
      const e = dim + spec.arch.embed;
      return {
        atTime(_W, t) {
          return (x, np, out) => {
            const u = inputs(spec.arch, schedule, x, t, np);
            const rows = new Float64Array(np * net.R);
            kernelRowsOfInputs(net, u.subarray(0, np * e), np, rows);
            collapsedValues(net, G, rows, np, out);
          };
        },
      };
    },
  };
}

/** mu(z) = sum_i Theta(z, Z_i) coef_i, point by point. */
function sumEvaluator(
  src: NtkKernelSource,
  Z: Float64Array,
  coef: Float64Array,
  n: number,
  dim: number,
): LinearEvaluator {
  return {
    atTime(_W, t) {
      return (x, np, out) => {
        const ts = new Float64Array(np).fill(t);
        const U = src.rows(x.subarray(0, np * dim), ts, np);
        for (let p = 0; p < np; p++) {
          for (let d = 0; d < dim; d++) out[p * dim + d] = 0;
          for (let i = 0; i < n; i++) {
            const th = src.theta(U, p * src.e, Z, i * src.e);
            for (let d = 0; d < dim; d++) out[p * dim + d] += th * coef[i * dim + d];
          }
        }
      };
    },
  };
}
