// Worker-thread entry of pool/pool.ts: runs the tasks of each job it is sent, found by kind in the
// task table (runtime/tasks.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { workerLoop, type JobMessage } from './pool.js';
import { TASKS } from '../tasks.js';

parentPort?.on('message', (msg: JobMessage) => {
  const setup = TASKS.get(msg.kind)?.setup;
  if (!setup) return workerLoop(TASKS, msg);
  // A failed setup leaves the tasks to the calling thread (the worker takes none).
  setup(msg.job).then(
    () => workerLoop(TASKS, msg),
    () => undefined,
  );
});
const ready = (workerData as { ready: Int32Array }).ready;
Atomics.add(ready, 0, 1);
Atomics.notify(ready, 0);
