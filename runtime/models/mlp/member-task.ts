// mlp ensemble members as a pool task (pool/pool.ts). A worker thread must train on the calling
// thread's tfjs backend (the same float32 kernels give the same bytes), so the task's setup
// selects it before the worker takes a member; tfjs and the member code are imported only then, so
// workers that never run an mlp job never load tfjs.

import type { Task } from '../../pool/pool.js';
import type { MlpMemberJob } from './member.js';

type MemberModule = typeof import('./member.js');
let member: MemberModule | null = null;

/** The calling thread, which has its backend already, hands the member code over (it runs members too, without setup). */
export function provideMemberModule(mod: MemberModule): void {
  member = mod;
}

/** mlp ensemble member m, as a pool task. */
export const mlpMemberTask: Task<MlpMemberJob, null> = {
  kind: 'mlp',
  async setup(job) {
    const { selectBackend } = await import('../../backend.js');
    const tf = await import('../../tf.js');
    if (tf.getBackend() !== job.backend) await selectBackend(job.backend);
    member ??= await import('./member.js');
  },
  prepare: () => null,
  run(job, _prep, m) {
    if (!member) throw new Error('internal: the mlp member task ran before its setup');
    return member.runMlpMember(job, m);
  },
};
