// One NTK ensemble member end to end, from plain data only (so a worker thread can run it), as
// particles/member.ts does for linear models: the model (trained by gradient flow on its DSM samples,
// models/ntk.ts fitNtk, or drawn as a Gaussian-field virtual model on the Nystrom design,
// vkernel/ntk-field.ts), the PF-ODE from the member's own initial draws (particles/member.ts
// integrateBlocked), its samples and histogram written into the shared output arrays. The result
// depends only on the job and the member index, never on the thread that runs it.

import { fitNtk, ntkEvaluator, type NtkParams } from '../models/ntk.js';
import { drawNtkCoef, type NtkField } from '../vkernel/ntk-field.js';
import { kernelSource, type NtkKernelSpec } from '../vkernel/kernel-source.js';
import {
  initialDraws,
  integrateBlocked,
  memberState,
  storeMember,
  type MemberSampling,
  type TrainInputs,
} from './member.js';
import type { Task } from '../pool/pool.js';

/** Trained members: the DSM training sets of particles/member.ts (no ridge: gradient flow). */
export type NtkTrainInputs = Omit<TrainInputs, 'ridge'>;

/** Virtual members: the field on the design's kernel rows Z, one seed per member; kernel: when not the arccos kernel of spec. */
export interface NtkVirtualInputs {
  kind: 'virtual';
  field: NtkField;
  Z: Float64Array;
  seeds: Float64Array;
  kernel?: NtkKernelSpec;
}

/** interface NtkMemberJob */
export interface NtkMemberJob extends MemberSampling {
  spec: NtkParams;
  model: NtkTrainInputs | NtkVirtualInputs;
}

function memberModel(job: NtkMemberJob, m: number) {
  const { dim: D, spec } = job;
  const w = job.model;
  if (w.kind === 'virtual') {
    const coef = drawNtkCoef(w.field, w.seeds[m]);
    if (w.kernel) return kernelSource(w.kernel).evaluator(w.Z, coef, w.field.N, D);
    return ntkEvaluator(w.Z, coef, w.field.N, D, spec);
  }
  const P = w.P;
  return fitNtk(
    w.x.subarray(m * P * D, (m + 1) * P * D),
    w.t.subarray(m * P, (m + 1) * P),
    w.lambda.subarray(m * P, (m + 1) * P),
    w.Y.subarray(m * P * D, (m + 1) * P * D),
    P,
    D,
    spec,
  ).evaluator;
}

/** runNtkMember(job, m): number   -1, or the step at which the state became non-finite */
export function runNtkMember(job: NtkMemberJob, m: number): number {
  const evaluator = memberModel(job, m);
  const x = initialDraws(job, m, memberState(job.draws * job.dim));
  const none = new Float64Array(0);
  const bad = integrateBlocked(job.plan, job.dim, job.draws, (t) => evaluator.atTime(none, t), x);
  if (bad >= 0) return bad;
  storeMember(job, m, x);
  return -1;
}

/** NTK ensemble member m (trained or virtual), as a pool task. */
export const ntkMemberTask: Task<NtkMemberJob, null> = {
  kind: 'ntk',
  prepare: () => null,
  run: (job, _prep, m) => runNtkMember(job, m),
};
