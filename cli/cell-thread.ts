// Worker-thread entry of cli/cell-worker.ts: the runtime (tfjs, its backend, the wasm loops and
// the ensemble pool) lives in this thread, so the CLI's main thread keeps its event loop free to
// see Ctrl-C and SIGTERM while a cell computes. Messages: see cell-worker.ts.
import { parentPort } from 'node:worker_threads';
import type { IrCell, IrDocument } from '../compiler/ir/types.js';
import { startWorkers, type CellResult } from '../runtime/light.js';
import type { Reply, Request } from './cell-worker.js';

// The pool's threads load their modules while this one loads tfjs and the rest of the runtime
// (each about a third of a second), instead of after it.
startWorkers();
const runtime = import('../runtime/index.js');

/** Progress ticks are forwarded at most this often; the reporter throttles further. */
const TICK_MS = 50;

const port = parentPort!;
let backend: string | undefined;
let doc: { id: number; doc: IrDocument } | null = null;

function send(msg: Reply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

function errorOf(e: unknown): Extract<Reply, { type: 'error' }>['error'] {
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    name: err.name,
    message: err.message,
    stack: err.stack,
    node: (err as { node?: string | null }).node ?? null,
  };
}

/** The result's own buffers, moved rather than copied (the worker keeps no reference to them). */
function buffersOf(result: CellResult): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const node of Object.values(result.nodes)) {
    for (const a of Object.values(node.arrays)) if (a.data.buffer instanceof ArrayBuffer) out.add(a.data.buffer);
  }
  return [...out];
}

async function execute(id: number, cell: IrCell, memoryBudget: number | undefined): Promise<void> {
  if (!doc) throw new Error('internal: cell sent before its study');
  let lastTick = 0;
  let pending: number | null = null;
  const flush = (): void => {
    if (pending !== null) send({ type: 'progress', op: 'tick', done: pending });
    pending = null;
  };
  const { executeCell } = await runtime;
  const result = await executeCell(doc.doc, cell, {
    backend,
    memoryBudget,
    progress: {
      start: (task, total) => {
        flush();
        send({ type: 'progress', op: 'start', task, total });
      },
      tick: (done) => {
        pending = done;
        const now = performance.now();
        if (now - lastTick >= TICK_MS) {
          lastTick = now;
          flush();
        }
      },
      end: () => {
        flush();
        send({ type: 'progress', op: 'end' });
      },
    },
  });
  flush();
  const msg: Reply = { type: 'result', id, result };
  try {
    send(msg, buffersOf(result));
  } catch {
    // A buffer that cannot be moved (e.g. a WebAssembly memory) is copied instead.
    send(msg);
  }
}

port.on('message', (msg: Request) => {
  const run = async (): Promise<void> => {
    switch (msg.type) {
      case 'backend':
        backend = await (await runtime).selectBackend(msg.requested);
        send({ type: 'backend', id: msg.id, backend });
        return;
      case 'study':
        doc = { id: msg.docId, doc: msg.doc };
        return;
      case 'execute':
        if (doc?.id !== msg.docId) throw new Error('internal: cell sent for another study');
        return execute(msg.id, msg.cell, msg.memoryBudget);
      default: {
        const unhandled: never = msg;
        throw new Error(`internal: unhandled message ${JSON.stringify(unhandled)}`);
      }
    }
  };
  run().catch((e: unknown) => send({ type: 'error', id: 'id' in msg ? msg.id : -1, error: errorOf(e) }));
});
