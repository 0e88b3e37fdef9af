// The lazy-regime (NTK) theory of an mlp model: the NTK V-kernel maps and effective SDE of
// vkernel/ntk.ts with the network's own kernel (vkernel/kernel-source.ts) in place of the arccos
// kernel of an ntk model:
//   ntk = empirical   the empirical NTK of member 0's network at initialization (its init seed,
//                     deriveSeed(member seed 0, 'init')), output-averaged (models/mlp/ntk-rows.ts)
//   ntk = analytic    the infinite-width NTK of the same architecture (models/mlp/ntk-analytic.ts)
// Training time: the trainer's loss (1/2B) sum_i w_i |f - y_i|^2 (train.ts) makes full-batch
// gradient descent at rate lr the Euler discretization of df/dn = -(lr/P) Theta Lambda (f - Y), the
// flow of models/ntk.ts with lr tau = lr x steps: the NTK model's (lr, tau) is (lr, steps).
// Mini-batches have the same expected step; their gradient noise is not in the theory. adam has no
// such time: the theory then treats it as gradient descent with the same lr and steps (a stated
// approximation: adam's per-parameter normalisation changes both the speed and the kernel of the
// flow). The theory's initial function is zero: exact for centred networks (center = true); for
// uncentred ones the spread of the initial function across members is missing from it.

import type { NtkNode, NtkState } from '../ntk.js';
import type { NodeContext, NodeOutput } from '../../nodes/types.js';
import type { IrMap, IrSample } from '../../../compiler/ir/types.js';
import { deriveSeed } from '../../rng.js';
import { ntkPopulation, type NtkPopulation } from '../../vkernel/ntk.js';
import { ntkVkernelMap } from '../../vkernel/ntk-map.js';
import type { NtkKernelSpec } from '../../vkernel/kernel-source.js';
import { ntkEffectiveSde } from '../../samplers/ntk-members.js';
import { initParams } from './network.js';
import { memberSeed, type MlpState } from './node.js';

type SdeNode = Extract<IrSample, { method: 'effective_sde' }>;

/** The ntk model node the theory of an mlp model is (its design, seed, P, t_range; lr tau = lr x steps). */
export function theoryNode(state: MlpState): NtkNode {
  const s = state.spec;
  return {
    kind: 'model',
    name: s.name,
    data: s.data,
    forward: s.forward,
    type: 'ntk',
    depth: s.depth,
    samples: s.samples,
    tau: s.steps,
    lr: s.lr,
    design: s.design,
    t_range: s.t_range,
    seed: s.seed,
  };
}

/** The seed of the network whose empirical NTK the theory uses: member 0's initialization. */
export function theoryInitSeed(state: MlpState): number {
  return deriveSeed(memberSeed(state.spec, 0), 'init');
}

/** The theory's kernel (header). */
export function theoryKernel(state: MlpState): NtkKernelSpec {
  const forward = state.forward;
  const { config } = state;
  if (state.spec.ntk === 'analytic') return { kind: 'mlp-analytic', arch: config, forward };
  const p = initParams(config, theoryInitSeed(state));
  return { kind: 'mlp-empirical', arch: config, forward, W: p.W, b: p.b };
}

interface Theory {
  state: NtkState;
  pop: NtkPopulation;
  notes: string[];
}

const theories = new WeakMap<MlpState, Theory>();

/** The theory of an mlp model: its NTK state and population (built once per model), and its notes. */
export function mlpTheory(state: MlpState): Theory {
  let th = theories.get(state);
  if (th) return th;
  const s = state.spec;
  if (s.samples === 0)
    throw new Error(
      `the NTK theory of \`${s.name}\` needs a fixed training set (samples = P): online training has no P`,
    );
  if (s.output !== 'denoiser')
    throw new Error(`the NTK theory of \`${s.name}\` is for output = "denoiser" (the NTK model's), not "${s.output}"`);
  if (state.schedule.shape) throw new Error('mlp models support isotropic forward processes only');
  const ntkState: NtkState = {
    spec: theoryNode(state),
    data: state.data,
    schedule: state.schedule,
    dim: state.dim,
    train: () => {
      throw new Error('internal: the NTK theory of an mlp model trains no NTK members');
    },
  };
  const pop = ntkPopulation(ntkState, s.design, deriveSeed(s.seed, 'design'), theoryKernel(state));
  const notes = [
    s.ntk === 'analytic'
      ? `theory kernel: the infinite-width NTK of the architecture (width -> infinity, depth ${s.depth}, relu)`
      : `theory kernel: the empirical NTK of member 0 at initialization (init seed ${theoryInitSeed(state)}), averaged over the ${state.dim} output blocks`,
    `theory training time: lr x steps = ${s.lr * s.steps} (gradient flow of the trainer's loss)`,
  ];
  if (s.optimizer === 'adam')
    notes.push(
      'APPROXIMATION: adam is treated as gradient descent with the same lr and steps; its per-parameter step normalisation has no NTK time (lint GTV0807)',
    );
  if (s.batch < s.samples)
    notes.push(
      `mini-batches of ${s.batch} < P = ${s.samples}: the expected step is the theory's; the gradient noise is not in it`,
    );
  if (s.weight_decay > 0) notes.push('weight decay is not in the theory');
  if (!s.center)
    notes.push(
      'the networks are not centred: the theory takes the initial function as zero, so its spread across members is missing (center = true removes it)',
    );
  th = { state: ntkState, pop, notes };
  theories.set(state, th);
  return th;
}

/** vkernel / vkernel_time_correlation maps of an mlp model. */
export function mlpVkernelMap(node: IrMap, state: MlpState, ctx?: NodeContext): NodeOutput {
  const th = mlpTheory(state);
  const out = ntkVkernelMap(node, th.state, ctx, th.pop);
  out.result.notes.push(...th.notes);
  return out;
}

/** effective_sde of an mlp model (gaussian_field). */
export function mlpEffectiveSde(node: SdeNode, state: MlpState, ctx?: NodeContext): NodeOutput {
  const th = mlpTheory(state);
  const out = ntkEffectiveSde(node, th.state, ctx, th.pop);
  out.result.notes.push(...th.notes);
  return out;
}
