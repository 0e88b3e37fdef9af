// The mlp model in one place: its signature (parameters with types, ranges, defaults and docs)
// and its IR fields from the evaluated arguments, or why they are refused. compiler/lower/model.ts
// adds the fields every trained model has (data, forward, t_range, seed); runtime/models/mlp
// trains it.
import type { IrMlpFields } from '../../compiler/ir/types.js';
import { dataRef, forwardRef, nonNegative, positive, tMinModel } from '../params.js';
import type { BuiltinSpec } from '../types.js';

/** The fields of an mlp node the arguments decide. */
export type MlpFields = Omit<IrMlpFields, 't_range' | 'seed'>;

/** Why the lowering refuses an argument (a semantic code's key, the blamed argument, the text). */
export interface MlpRefusal {
  code: 'outOfRange';
  arg: string;
  message: string;
  hint?: string;
}

export const MLP_SPEC: BuiltinSpec & { kind: 'model'; name: 'mlp' } = {
  kind: 'model',
  name: 'mlp',
  doc: 'A multilayer perceptron in NTK parametrization trained by denoising score matching (TensorFlow.js).',
  params: [
    { name: 'width', type: 'count', default: { value: 128 }, doc: 'Units per hidden layer.' },
    { name: 'depth', type: 'count', default: { value: 3 }, doc: 'Hidden layers.' },
    {
      name: 'activation',
      type: 'enum',
      values: ['relu', 'silu', 'gelu'],
      default: { value: 'relu' },
      doc: 'Hidden-layer activation (gelu in its tanh form).',
    },
    {
      name: 'time',
      type: 'enum',
      values: ['log_sigma', 't'],
      default: { value: 'log_sigma' },
      doc: 'Time coordinate fed to the sinusoidal embedding: log sigma_t or t, mapped onto [-1, 1] over t_min .. T.',
    },
    {
      name: 'embed',
      type: 'count',
      default: { value: 16 },
      doc: 'Size of the sinusoidal time embedding (even): sin and cos at embed/2 frequencies from 1 to 30.',
    },
    {
      name: 'x_scale',
      type: 'number',
      range: positive,
      default: { value: 1 },
      doc: "Factor on the data coordinates in the input, whose blocks (x, the embedding) are each scaled by their own fan-in: x adds x_scale^2 |x|^2 / dim to a first-layer pre-activation's variance at initialization, the embedding 1/2. Larger values make the network's kernel vary faster in x.",
    },
    {
      name: 'output',
      type: 'enum',
      values: ['denoiser', 'score', 'noise'],
      default: { value: 'denoiser' },
      doc: 'What the network predicts; the DSM weights make the three the same objective in score units.',
    },
    {
      name: 'samples',
      type: 'count',
      values: ['online'],
      default: { value: 'online' },
      doc: 'P: one fixed set of P denoising samples per network, or "online": fresh samples every batch.',
    },
    {
      name: 'optimizer',
      type: 'enum',
      values: ['adam', 'sgd'],
      default: { value: 'adam' },
      doc: 'adam (beta 0.9, 0.999, eps 1e-8) or plain gradient descent.',
    },
    { name: 'lr', type: 'number', range: positive, default: { value: 1e-3 }, doc: 'Learning rate.' },
    { name: 'steps', type: 'count', default: { value: 2000 }, doc: 'Optimizer steps.' },
    {
      name: 'batch',
      type: 'count',
      default: { value: 256 },
      doc: 'Samples per step (with a fixed set, at most P are used: batch >= P is gradient descent).',
    },
    {
      name: 'weight_decay',
      type: 'number',
      range: nonNegative,
      default: { value: 0 },
      doc: 'Decoupled weight decay: parameters shrink by the factor 1 - lr weight_decay every step.',
    },
    {
      name: 'center',
      type: 'bool',
      default: { value: false },
      doc: 'Train and evaluate f(z; p) - f(z; p_0): the network minus its initial function, which the NTK theory takes as zero.',
    },
    {
      name: 'ntk',
      type: 'enum',
      values: ['empirical', 'analytic'],
      default: { value: 'empirical' },
      doc: "The kernel of the network's theory (vkernel maps, effective_sde): the empirical NTK of member 0 at initialization, or the infinite-width NTK of the architecture (relu only).",
    },
    {
      name: 'design',
      type: 'count',
      default: { value: 1000 },
      doc: "Monte-Carlo design size of the theory's Nystrom eigendecomposition.",
    },
    tMinModel,
    dataRef,
    forwardRef,
  ],
};

/** mlpFields(args): the IR fields, or why the arguments are refused. */
export function mlpFields(args: Record<string, any>): MlpFields | MlpRefusal {
  if (args.ntk === 'analytic' && args.activation !== 'relu')
    return {
      code: 'outOfRange',
      arg: 'ntk',
      message: `the analytic NTK of \`mlp\` is for relu networks, not ${args.activation}`,
      hint: 'use ntk = "empirical" or activation = "relu"',
    };
  if (args.embed % 2 !== 0)
    return {
      code: 'outOfRange',
      arg: 'embed',
      message: `\`embed\` of \`mlp\` must be even (sin and cos pairs), found ${args.embed}`,
      hint: `use ${args.embed + 1}`,
    };
  return {
    type: 'mlp',
    width: args.width,
    depth: args.depth,
    activation: args.activation,
    time: args.time,
    embed: args.embed,
    x_scale: args.x_scale,
    output: args.output,
    samples: args.samples === 'online' ? 0 : args.samples,
    optimizer: args.optimizer,
    lr: args.lr,
    steps: args.steps,
    batch: args.batch,
    weight_decay: args.weight_decay,
    center: args.center,
    ntk: args.ntk,
    design: args.design,
  };
}
