// Types shared by every node implementation: the values nodes hand to later nodes, and the implementation signature.
//
// An implementation turns one IR node into (a) a NodeValue that later nodes of the same cell read by
// name and (b) a NodeResult (plain arrays and scalars) that the study writer persists. Implementations
// run inside a tfjs scope opened by execute.ts: tensors an implementation leaves behind are disposed when
// the node ends, so a NodeValue that must keep tensors for later nodes calls tf.keep on them and
// frees them in dispose(), which execute.ts calls when the cell ends.

import type { IrCell, IrDocument, IrNode } from '../../compiler/ir/types.js';
import type { NodeResult, Progress } from '../results.js';
import type { Schedule } from '../schedule.js';
import type { PointSet } from '../posterior.js';
import type { ScoreFn } from '../integrate.js';

export interface DataValue {
  kind: 'data';
  set: PointSet;
}

export interface ForwardValue {
  kind: 'forward';
  schedule: Schedule;
}

/** Features are defined by runtime/features.ts; the fields are theirs. */
export interface FeaturesValue {
  kind: 'features';
  count: number;
  dispose?(): void;
  [key: string]: unknown;
}

export interface ModelValue {
  kind: 'model';
  type: 'true' | 'naive' | 'linear' | 'ntk' | 'mlp';
  data: PointSet;
  schedule: Schedule;
  /** Score of the (one) model at particles [n, dim]; for trained models, of a single draw. */
  score: ScoreFn;
  /** naive: the noise-strength constant kappa. */
  kappa?: number;
  /** Model-specific state (trained weights, training design), owned by the model's implementation. */
  extra?: unknown;
  dispose?(): void;
}

export interface SampleValue {
  kind: 'sample';
  dim: number;
  /** Number of samples (all of them, not the capped subset written out). */
  n: number;
  /**
   * Row-major [n, dim]; null for an ensemble whose samples no metric of the cell reads (it keeps
   * only the rows its result writes: samplers/members.ts).
   */
  samples: Float32Array | null;
  /** The time the samples belong to (the grid's t_min). */
  t: number;
  /**
   * Ensemble-like samplers (trained ensembles, NTK ensembles, Gaussian-field effective SDE): the
   * number of members; the draws are stored member-major, n / members per member. Metrics take
   * their standard errors across members when it is set (nodes/metrics.ts), across draws
   * otherwise.
   */
  members?: number;
}

export interface MapValue {
  kind: 'map';
}

export interface MetricValue {
  kind: 'metric';
  value: number;
}

export type NodeValue = DataValue | ForwardValue | FeaturesValue | ModelValue | SampleValue | MapValue | MetricValue;

export interface NodeContext {
  doc: IrDocument;
  cell: IrCell;
  /** Values of the nodes already run in this cell, by name. */
  values: Map<string, NodeValue>;
  /** Memory budget in bytes for one chunk of work (see memory.ts). */
  memoryBudget: number;
  progress?: Progress;
  /**
   * The sample nodes a metric reads every sample of. When set, ensembles of the other sample
   * nodes keep only the rows their results write (samplers/members.ts); absent, every sampler
   * keeps all its samples.
   */
  samplesRead?: ReadonlySet<string>;
  /** Throws RuntimeInterrupted when the caller asked to stop; call between chunks. */
  checkInterrupted(): void;
  backend: string;
}

export interface NodeOutput {
  value: NodeValue;
  result: NodeResult;
}

export type NodeImpl<N extends IrNode = IrNode> = (node: N, ctx: NodeContext) => Promise<NodeOutput> | NodeOutput;

/** Typed lookups of earlier nodes (the IR validator guarantees the names and kinds). */
export function lookup<K extends NodeValue['kind']>(
  ctx: NodeContext,
  name: string,
  kind: K,
): Extract<NodeValue, { kind: K }> {
  const v = ctx.values.get(name);
  if (!v || v.kind !== kind) throw new Error(`internal: node '${name}' is not a computed ${kind}`);
  return v as Extract<NodeValue, { kind: K }>;
}

export function emptyResult(): NodeResult {
  return { arrays: {}, scalars: {}, notes: [] };
}
