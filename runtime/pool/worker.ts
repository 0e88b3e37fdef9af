// Worker-thread entry of pool/pool.ts: runs the tasks (tasks.ts) of each job it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { workerLoop } from './pool.js';

parentPort?.on('message', workerLoop);
const ready = (workerData as { ready: Int32Array }).ready;
Atomics.add(ready, 0, 1);
Atomics.notify(ready, 0);
