// What the worker pool (fast/pool.ts) can run: per kind of job, a per-thread preparation and one
// numbered task. A task returns -1, or the step at which an ensemble member's state became
// non-finite (the caller reports it). Everything a task reads comes with its job as plain data.
//
// API
//   TASKS.member      fast/member.ts: ensemble member m
//   TASKS.ntk         fast/ntk-member.ts: NTK ensemble member m (trained or virtual)
//   TASKS.ntkmap      vkernel/ntk-map-task.ts: a block of an NTK V-kernel map
//   TASKS.leverages   vkernel/leverage.ts: run m of the design points' leverages
//   type TaskKind, type JobOf<K>

import { prepareJob, runMember } from './member.js';
import { runNtkMember, type NtkMemberJob } from './ntk-member.js';
import { runMapTask, type NtkMapJob } from '../vkernel/ntk-map-task.js';
import { leveragesOfGroups, type LeverageRows } from '../vkernel/leverage-groups.js';

export interface LeverageJob {
  rows: LeverageRows;
  A: Float64Array;
  order: Int32Array;
  /** Group starts in `order`, with extra cuts so that runs have similar work; then N. */
  bounds: Int32Array;
  /** Run m is bounds[runs[m]] .. bounds[runs[m + 1]]. */
  runs: Int32Array;
  h: Float64Array;
  /** The caller's linalgSimdEnabled(). */
  wasm: boolean;
}

export const TASKS = {
  member: { prepare: prepareJob, run: runMember },
  ntkmap: {
    prepare: () => null,
    run: (job: NtkMapJob, _prep: null, m: number): number => runMapTask(job, m),
  },
  ntk: {
    prepare: () => null,
    run: (job: NtkMemberJob, _prep: null, m: number): number => runNtkMember(job, m),
  },
  leverages: {
    prepare: () => null,
    run(job: LeverageJob, _prep: null, m: number): number {
      leveragesOfGroups(job.rows, job.A, job.order, job.bounds.subarray(job.runs[m], job.runs[m + 1] + 1), job.h, job.wasm);
      return -1;
    },
  },
};

export type TaskKind = keyof typeof TASKS;
export type JobOf<K extends TaskKind> = Parameters<(typeof TASKS)[K]['run']>[0];
