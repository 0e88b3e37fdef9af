// One mlp ensemble member end to end, from plain data (so a worker thread can run it): train the
// network (train.ts) from its seed, write its loss curve, integrate the PF-ODE from the member's
// own initial draws with the network as the denoiser (particles/member.ts integrateBlocked), store
// its samples and histogram. Needs the job's tfjs backend active in the thread (member-task.ts).

import type { IrForward } from '../../../compiler/ir/types.js';
import { makeSchedule } from '../../schedule.js';
import {
  initialDraws,
  integrateBlocked,
  memberState,
  storeMember,
  type MemberSampling,
} from '../../particles/member.js';
import type { MlpConfig } from './config.js';
import { mlpDenoiser } from './evaluate.js';
import { trainMlp } from './train.js';

/** interface MlpMemberJob */
export interface MlpMemberJob extends MemberSampling {
  config: MlpConfig;
  forward: IrForward;
  data: { points: Float64Array; weights: Float64Array; M: number; dim: number };
  /** Training seed per member (node.ts memberSeed). */
  trainSeeds: Float64Array;
  /** The tfjs backend every thread trains on (the same kernels, so the same bytes). */
  backend: string;
  /** Loss curves [members, steps], written by the thread that trains each member. */
  loss: Float32Array;
}

/** runMlpMember(job, m): -1, or the step at which the PF-ODE state became non-finite */
export function runMlpMember(job: MlpMemberJob, m: number): number {
  const schedule = makeSchedule(job.forward);
  const { params, loss, init } = trainMlp(job.config, job.data, schedule, job.trainSeeds[m]);
  job.loss.set(loss, m * job.config.steps);
  const net = mlpDenoiser(job.config, params, schedule, init);
  try {
    const x = initialDraws(job, m, memberState(job.draws * job.dim));
    const bad = integrateBlocked(job.plan, job.dim, job.draws, (t) => net.atTime(t), x);
    if (bad >= 0) return bad;
    storeMember(job, m, x);
    return -1;
  } finally {
    net.dispose();
  }
}
