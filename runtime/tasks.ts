// Every kind of task the worker pool (pool/pool.ts) runs, by kind: a worker thread (pool/worker.ts)
// finds here the task a job message names. The table lives above the pool and the tasks, so the
// generic pool imports none of its users. A new task kind is added here and nowhere else in the
// pool.

import type { Task } from './pool/pool.js';
import { memberTask } from './particles/member.js';
import { ntkMemberTask } from './particles/ntk-member.js';
import { ntkMapTask } from './vkernel/ntk-map.js';
import { leverageTask } from './vkernel/leverage-groups.js';
import { exactPfOdeTask } from './particles/exact-score.js';
import { mlpMemberTask } from './models/mlp/member-task.js';

/** Every task kind's task; tested to hold each kind once. */
export const TASK_LIST: readonly Task<never, unknown>[] = [
  memberTask,
  ntkMemberTask,
  ntkMapTask,
  leverageTask,
  exactPfOdeTask,
  mlpMemberTask,
];

export const TASKS: ReadonlyMap<string, Task<unknown, unknown>> = new Map(
  TASK_LIST.map((t) => [t.kind, t as unknown as Task<unknown, unknown>]),
);
