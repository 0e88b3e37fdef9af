// Jobs split into numbered tasks (ensemble members, blocks of a map, runs of leverages), spread
// over threads (worker_threads), synchronously from the caller's view. Tasks are handed out one at a time
// through an atomic counter in shared memory; the calling thread works too and then blocks
// (Atomics.wait) until every task is done. A task's result depends only on its index, so any
// thread count gives the same bytes.
//
// The pool knows no task: a caller passes its Task, and a worker finds the same Task by its kind
// in the table its entry (worker.ts) imports (runtime/tasks.ts), so this generic file imports
// nothing that uses it.
//
// Workers are started on first use, kept for later calls and unref'd (they never keep the
// process alive). Under tsx (tests, benches) the worker loads the TypeScript source through tsx's
// register API; from dist/ it loads the compiled worker.js.

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { defaultThreads } from './threads.js';

/**
 * One kind of numbered task: a per-thread preparation of the job, then task m. Everything run
 * reads comes with the job as plain data (typed arrays, shared where threads write). run returns
 * -1, or the step at which an ensemble member's state became non-finite.
 */
export interface Task<J, P = unknown> {
  /** The key workers find this task by in runtime/tasks.ts. */
  kind: string;
  /** Run once per job in each worker thread before it takes a task (e.g. loading a tfjs backend); never on the calling thread. */
  setup?(job: J): Promise<void>;
  prepare(job: J): P;
  run(job: J, prep: P, m: number): number;
}

export interface PoolHooks {
  check(): void;
  done(count: number): void;
  nonFinite(member: number, step: number): never;
}

/** ctl layout: next member to hand out, members done. */
const NEXT = 0;
const DONE = 1;
/** status per member: 0 pending, 1 done, 2 non-finite (step in steps[]), 3 threw in a worker. */
export const OK = 1;
export const NON_FINITE = 2;
export const THREW = 3;

let threads = defaultThreads();
const workers: Worker[] = [];
/** Workers that have loaded, counted by the workers themselves. */
const ready = new Int32Array(new SharedArrayBuffer(4));
let stats = { members: 0, onCaller: 0 };

/** How many tasks the last run had, and how many of them the calling thread ran. */
export function lastRunStats(): { members: number; onCaller: number } {
  return { ...stats };
}

/** Starts the workers if needed, without waiting for them to load. */
export function startWorkers(): void {
  while (workers.length < threads - 1) workers.push(startWorker());
}

/** Starts the workers if needed and blocks until they have loaded (or timeoutMs passes); returns how many are ready. */
export function awaitWorkers(timeoutMs: number): number {
  startWorkers();
  const end = performance.now() + timeoutMs;
  for (let r = Atomics.load(ready, 0); r < workers.length && performance.now() < end; r = Atomics.load(ready, 0)) {
    Atomics.wait(ready, 0, r, Math.max(1, end - performance.now()));
  }
  return Atomics.load(ready, 0);
}

/** Threads used from now on (default os.availableParallelism(), or GTV_THREADS); 1 = no workers. */
export function setThreads(n: number): void {
  threads = Math.max(1, Math.floor(n));
}

/** Threads used by runParallel. */
export function threadCount(): number {
  return threads;
}

/** `a` itself when its buffer is already shared, else shareArray(a). */
export function shared<T extends Float64Array | Float32Array | Int32Array>(a: T): T {
  return a.buffer instanceof SharedArrayBuffer ? a : shareArray(a);
}

/** A copy of a typed array in a SharedArrayBuffer. */
export function shareArray<T extends Float64Array | Float32Array | Int32Array>(a: T): T {
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

function startWorker(): Worker {
  const here = import.meta.url;
  let w: Worker;
  if (here.endsWith('.ts')) {
    // import.meta.resolve is missing where tsx compiles this file to CommonJS (mocha); the ESM
    // entry of the api is taken from its own package (the CommonJS one cannot register ESM hooks).
    const pkg = createRequire(here).resolve('tsx/package.json');
    const api = pathToFileURL(pkg.replace(/package\.json$/, 'dist/esm/api/index.mjs')).href;
    const entry = new URL('./worker.ts', here).href;
    const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    w = new Worker(boot, { eval: true, workerData: { ready } });
  } else w = new Worker(new URL('./worker.js', here), { workerData: { ready } });
  // A worker that fails to start simply never takes a member: the caller's thread does them all.
  w.on('error', () => undefined);
  w.unref();
  return w;
}

/**
 * Runs tasks 0..count-1 of `task` on the job. hooks.check() between tasks (may throw: no new task
 * is started after that), hooks.done(n) as tasks finish. Throws what a failed task throws (a
 * worker's failure is re-run here to raise the real error); a member's non-finite state is
 * reported through hooks.nonFinite(member, step), which must throw.
 */
export function runParallel<J, P>(task: Task<J, P>, job: J, count: number, hooks: PoolHooks): void {
  const kind = task.kind;
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  const status = new Int32Array(new SharedArrayBuffer(4 * count));
  const steps = new Int32Array(new SharedArrayBuffer(4 * count));
  const helpers = Math.min(threads, count) - 1;
  while (workers.length < helpers) workers.push(startWorker());
  for (let i = 0; i < helpers; i++) workers[i].postMessage({ kind, job, ctl, status, steps, count });
  const prep = task.prepare(job);
  stats = { members: count, onCaller: 0 };
  try {
    for (;;) {
      hooks.check();
      const m = Atomics.add(ctl, NEXT, 1);
      if (m >= count) break;
      stats.onCaller++;
      const bad = task.run(job, prep, m);
      if (bad >= 0) hooks.nonFinite(m, bad);
      Atomics.store(status, m, OK);
      hooks.done(Atomics.add(ctl, DONE, 1) + 1);
    }
    for (let d = Atomics.load(ctl, DONE); d < count; d = Atomics.load(ctl, DONE)) {
      Atomics.wait(ctl, DONE, d, 500);
      hooks.done(Atomics.load(ctl, DONE));
    }
  } finally {
    Atomics.store(ctl, NEXT, count);
  }
  for (let m = 0; m < count; m++) {
    const s = Atomics.load(status, m);
    if (s === NON_FINITE) hooks.nonFinite(m, steps[m]);
    if (s === THREW) {
      // Re-run here: raises the worker's error in this thread (or completes the task if the
      // failure was the worker's own, e.g. out of memory).
      const bad = task.run(job, prep, m);
      if (bad >= 0) hooks.nonFinite(m, bad);
    } else if (s !== OK) throw new Error(`internal: ${kind} task ${m} finished with status ${s}`);
  }
}

/** What a worker is sent for one job. */
export interface JobMessage {
  kind: string;
  job: unknown;
  ctl: Int32Array;
  status: Int32Array;
  steps: Int32Array;
  count: number;
}

/** The loop a worker runs for one job (worker.ts), its task looked up by kind in `tasks`. */
export function workerLoop(tasks: ReadonlyMap<string, Task<unknown, unknown>>, msg: JobMessage): void {
  const { kind, job, ctl, status, steps, count } = msg;
  const task = tasks.get(kind);
  if (!task) throw new Error(`internal: no task of kind '${kind}' in runtime/tasks.ts`);
  const prep = task.prepare(job);
  for (;;) {
    const m = Atomics.add(ctl, NEXT, 1);
    if (m >= count) break;
    let s = OK;
    try {
      const bad = task.run(job, prep, m);
      if (bad >= 0) {
        steps[m] = bad;
        s = NON_FINITE;
      }
    } catch {
      s = THREW;
    }
    Atomics.store(status, m, s);
    Atomics.add(ctl, DONE, 1);
    Atomics.notify(ctl, DONE);
  }
}
