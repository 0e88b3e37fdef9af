// The executor behind `gtv run`: cells run in one worker thread (cell-thread.ts) so the main
// thread stays free to handle signals. A cell is synchronous compute (tight JS and WebAssembly
// loops, and the ensemble pool blocking in Atomics.wait), which would keep Node's signal handlers
// from running until it ends; terminating the thread stops it at once, with the ensemble threads
// it started. A half-computed cell is simply never written; finished cells are already cached.
//
// One thread serves every run in the process (the in-process tests run many), started on first
// use and unref'd while idle so it never keeps the process alive. The study's IR is sent once per
// run, not with every cell; results come back with their buffers transferred, not copied.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { IrCell, IrDocument } from '../compiler/ir/types.js';
import type { CellResult, Progress } from '../runtime/light.js';
import type { Executor } from '../study/run.js';

export type Request =
  | { type: 'backend'; id: number; requested: string | undefined }
  | { type: 'study'; docId: number; doc: IrDocument }
  | { type: 'execute'; id: number; docId: number; cell: IrCell; memoryBudget?: number };

export type Reply =
  | { type: 'backend'; id: number; backend: string }
  | { type: 'result'; id: number; result: CellResult }
  | { type: 'error'; id: number; error: { name: string; message: string; stack?: string; node: string | null } }
  | { type: 'progress'; op: 'start'; task: string; total: number }
  | { type: 'progress'; op: 'tick'; done: number }
  | { type: 'progress'; op: 'end' };

/** What a pending call rejects with when the run is interrupted. */
export class CellInterrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'CellInterrupted';
  }
}

export interface CellWorkerExecutor extends Executor {
  /** Stops whatever the thread computes now (it is terminated) and rejects the pending call with
   * CellInterrupted; later calls reject too. Resolves once the thread has stopped. */
  interrupt(): Promise<void>;
  /** Ends the thread when this process needs no more cells (the `--jobs` parent). */
  close(): Promise<void>;
}

/** A terminated thread normally stops within milliseconds; this bounds the wait regardless. */
const TERMINATE_WAIT_MS = 500;

interface Call {
  resolve(value: unknown): void;
  reject(err: Error): void;
  progress?: Progress;
}

function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./cell-thread.js', here));
  // Under tsx (tests, a development checkout) the thread registers tsx before loading the source,
  // as runtime/pool/pool.ts does for its workers.
  const pkg = createRequire(here).resolve('tsx/package.json');
  const api = pathToFileURL(pkg.replace(/package\.json$/, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./cell-thread.ts', here).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true });
}

class CellThread {
  private readonly worker = startWorker();
  private readonly calls = new Map<number, Call>();
  private doc: { doc: IrDocument; id: number } | null = null;
  private nextId = 1;
  private current: Progress | undefined;
  stopped = false;

  constructor() {
    this.worker.on('message', (msg: Reply) => this.receive(msg));
    this.worker.on('error', (err: unknown) => this.fail(err instanceof Error ? err : new Error(String(err))));
    this.worker.on('exit', (code) =>
      this.fail(new Error(`the runtime thread stopped unexpectedly (exit code ${code})`)),
    );
    // After the listeners: adding a 'message' listener refs the thread's port again.
    this.worker.unref();
  }

  call<T>(msg: Request & { id: number }, progress?: Progress): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.calls.set(msg.id, { resolve: resolve as (v: unknown) => void, reject, progress });
      this.current = progress;
      this.worker.ref();
      this.worker.postMessage(msg);
    });
  }

  id(): number {
    return this.nextId++;
  }

  /** The document's id in the thread, which holds the last one it was sent. */
  study(doc: IrDocument): number {
    if (this.doc?.doc !== doc) {
      this.doc = { doc, id: this.id() };
      this.worker.postMessage({ type: 'study', docId: this.doc.id, doc } satisfies Request);
    }
    return this.doc.id;
  }

  async terminate(reason: Error): Promise<void> {
    this.fail(reason);
    await Promise.race([
      this.worker.terminate(),
      new Promise((resolve) => setTimeout(resolve, TERMINATE_WAIT_MS).unref()),
    ]);
  }

  private receive(msg: Reply): void {
    if (msg.type === 'progress') {
      const p = this.current;
      if (msg.op === 'start') p?.start(msg.task, msg.total);
      else if (msg.op === 'tick') p?.tick(msg.done);
      else p?.end();
      return;
    }
    const call = this.calls.get(msg.id);
    if (!call) return;
    this.settled(msg.id);
    if (msg.type === 'error') {
      const err = new Error(msg.error.message);
      err.name = msg.error.name;
      if (msg.error.stack !== undefined) err.stack = msg.error.stack;
      (err as Error & { node: string | null }).node = msg.error.node;
      call.reject(err);
    } else call.resolve(msg.type === 'result' ? msg.result : msg.backend);
  }

  private settled(id: number): void {
    this.calls.delete(id);
    if (this.calls.size === 0) {
      this.current = undefined;
      this.worker.unref();
    }
  }

  /** The thread is gone or going: every pending call fails with `err`. */
  private fail(err: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    if (thread === this) thread = null;
    const calls = [...this.calls.values()];
    this.calls.clear();
    this.current = undefined;
    for (const c of calls) c.reject(err);
  }
}

let thread: CellThread | null = null;

/** Starts the runtime thread ahead of its first use (cli/main.ts, for `gtv run`); idle, it keeps no process alive. */
export function startRuntimeThread(): void {
  liveThread();
}

function liveThread(): CellThread {
  if (!thread || thread.stopped) thread = new CellThread();
  return thread;
}

/**
 * The runtime in a worker thread, behind the driver's Executor interface. `interrupted` is the
 * run's flag: once it is raised no new work starts.
 */
export function cellWorkerExecutor(interrupted: () => boolean = () => false): CellWorkerExecutor {
  let stopped = false;
  let used: CellThread | null = null;
  const use = (): CellThread => {
    if (stopped || interrupted()) throw new CellInterrupted();
    used = liveThread();
    return used;
  };
  return {
    async resolveBackend(requested) {
      const t = use();
      return t.call<string>({ type: 'backend', id: t.id(), requested });
    },
    async executeCell(doc, cell, opts) {
      const t = use();
      const docId = t.study(doc);
      return t.call<CellResult>(
        { type: 'execute', id: t.id(), docId, cell, memoryBudget: opts.memoryBudget },
        opts.progress,
      );
    },
    async interrupt() {
      stopped = true;
      if (used && !used.stopped) await used.terminate(new CellInterrupted());
    },
    cancel() {
      return this.interrupt();
    },
    // The thread's heap and its pool's (a study's last cell leaves hundreds of megabytes of
    // garbage there) go before the plots; a later run in this process starts a new thread.
    async release() {
      if (used && !used.stopped) await used.terminate(new Error('the runtime thread was released'));
      used = null;
    },
    async close() {
      stopped = true;
      if (used && !used.stopped) await used.terminate(new Error('the runtime thread was closed'));
    },
  };
}
