// Runs one cell of a valid IR document. Errors thrown by a node carry the node name
// (RuntimeError.node).

import { createHash } from 'node:crypto';
import * as tf from './tf.js';
import type { IrCell, IrDocument, IrNode } from '../compiler/ir/types.js';
import { validateIr } from '../compiler/ir/validate.js';
import type { CellResult, ExecuteOptions } from './results.js';
import { selectBackend } from './backend.js';
import { implementationOf } from './nodes/index.js';
import type { NodeContext, NodeOutput, NodeValue } from './nodes/types.js';
import { MemoryLimitError, RuntimeError, RuntimeInterrupted } from './errors.js';
import { defaultBudget } from './memory.js';

export type RunOptions = ExecuteOptions & { backend?: string };

/**
 * 1. selects the tfjs backend (backend.ts; opts.backend forces one),
 * 2. validates the document (compiler/ir/validate.ts: JSON Schema and finiteness; plus the
 *    runtime's own check that references point to earlier nodes of the right kind; that every
 *    node has an implementation is a compile-time fact of nodes/index.ts) and throws
 *    RuntimeError listing every problem before anything runs,
 * 3. runs the nodes in order through the implementation table (nodes/index.ts), each inside its
 *    own tfjs scope so no tensor outlives its node unless a value keeps it (and then the
 *    value's dispose() frees it at the end of the cell),
 * 4. returns plain arrays and scalars per node, timings and the backend name.
 */
export async function executeCell(doc: IrDocument, cell: IrCell, opts: RunOptions = {}): Promise<CellResult> {
  const backend = await selectBackend(opts.backend);
  const problems = [...schemaProblems(doc), ...referenceProblems(cell)];
  if (problems.length > 0) throw new RuntimeError(`invalid IR for cell '${cell.id}':\n  ${problems.join('\n  ')}`);

  const values = new Map<string, NodeValue>();
  const ctx: NodeContext = {
    doc,
    cell,
    values,
    memoryBudget: opts.memoryBudget ?? defaultBudget(),
    progress: opts.progress,
    samplesRead: new Set(
      cell.nodes.flatMap((n) => (n.kind === 'metric' ? [n.of, ...(n.against === null ? [] : [n.against])] : [])),
    ),
    checkInterrupted: () => {
      if (opts.interrupted?.()) throw new RuntimeInterrupted();
    },
    backend,
  };
  const result: CellResult = { cellId: cell.id, nodes: {}, timings: {}, backend };
  const lastRead = lastReaders(cell);
  const held: NodeValue[] = [];
  const reuse = reusable(doc, cell, backend);
  const kept = new Map<string, NodeOutput>();
  try {
    for (const [i, node] of cell.nodes.entries()) {
      ctx.checkInterrupted();
      const start = performance.now();
      tf.engine().startScope();
      try {
        const key = reuse.keys.get(node.name)!;
        const earlier = lastCell.get(key);
        const out = earlier ? copyOutput(earlier) : await implementationOf(node)(node, ctx);
        if (reuse.later.has(key) && SHAREABLE.has(node.kind) && !('dispose' in out.value))
          kept.set(key, copyOutput(out));
        values.set(node.name, out.value);
        if ('dispose' in out.value) held.push(out.value);
        result.nodes[node.name] = out.result;
        release(values, lastRead, i);
      } catch (e) {
        throw attachNode(e, node);
      } finally {
        tf.engine().endScope();
      }
      result.timings[node.name] = performance.now() - start;
    }
    lastCell = kept;
  } finally {
    for (const v of held) if ('dispose' in v && typeof v.dispose === 'function') v.dispose();
  }
  return result;
}

/**
 * Outputs of the last cell this thread ran that a later cell of its study computes again, by
 * content key. Cells that differ only in axes a node ignores give it the same IR, seed included
 * (compiler/passes/seeds.ts), and the runtime's output depends only on the IR: Figure 2's
 * exact-score curve is computed once per eps, not once per cell. Kept for one cell only.
 */
let lastCell = new Map<string, NodeOutput>();

/**
 * The node kinds worth keeping (the costly ones), whose values share no buffer with their result
 * arrays: the results of the data and forward nodes view their values' arrays, and a result's
 * buffers are moved to the main thread when the cell ends.
 */
const SHAREABLE = new Set<IrNode['kind']>(['sample', 'map']);

interface Reuse {
  /** This cell's nodes by content key: the node's IR and, recursively, that of the nodes it refers to. */
  keys: Map<string, string>;
  /** The keys of this cell that the next cell of the study has too. */
  later: Set<string>;
}

const studyKeys = new WeakMap<IrDocument, Map<string, string>[]>();

function reusable(doc: IrDocument, cell: IrCell, backend: string): Reuse {
  let all = studyKeys.get(doc);
  if (!all) {
    all = doc.cells.map((c) => contentKeys(c, backend));
    studyKeys.set(doc, all);
  }
  const at = doc.cells.findIndex((c) => c.id === cell.id);
  // A cell that is not the document's own (or was changed) gets its own keys and reuses nothing ahead.
  const own = at >= 0 && doc.cells[at] === cell ? all[at] : contentKeys(cell, backend);
  const next = at >= 0 && at + 1 < all.length ? new Set(all[at + 1].values()) : new Set<string>();
  return { keys: own, later: new Set([...own.values()].filter((k) => next.has(k))) };
}

function contentKeys(cell: IrCell, backend: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const node of cell.nodes) {
    const h = createHash('sha256').update(backend).update('\0').update(JSON.stringify(node));
    for (const [ref] of refsOf(node)) h.update('\0').update(keys.get(ref) ?? ref);
    keys.set(node.name, h.digest('hex'));
  }
  return keys;
}

/** A copy of a node's output whose result arrays are its own (a cell's result buffers are moved to the main thread). */
function copyOutput(out: NodeOutput): NodeOutput {
  const arrays = Object.fromEntries(
    Object.entries(out.result.arrays).map(([k, a]) => [k, { ...a, data: a.data.slice() }]),
  );
  return {
    value: out.value,
    result: { ...out.result, arrays, scalars: { ...out.result.scalars }, notes: [...out.result.notes] },
  };
}

/** Per node name, the index of the last node that reads it (its own index when none does). */
function lastReaders(cell: IrCell): Map<string, number> {
  const last = new Map<string, number>();
  cell.nodes.forEach((node, i) => {
    last.set(node.name, i);
    for (const [ref] of refsOf(node)) if (last.has(ref)) last.set(ref, i);
  });
  return last;
}

/**
 * Forgets the values no node after `done` reads, so that a sample set (an ensemble's draws are
 * tens of megabytes) lives only until its last reader rather than to the end of the cell. Values
 * with tensors stay until the cell ends: another value may still use them (a model its features).
 */
function release(values: Map<string, NodeValue>, lastRead: Map<string, number>, done: number): void {
  for (const [name, v] of values) if (lastRead.get(name)! <= done && !('dispose' in v)) values.delete(name);
}

function attachNode(e: unknown, node: IrNode): Error {
  if (e instanceof RuntimeError) {
    e.node ??= node.name;
    if (!e.message.startsWith(`node '`)) e.message = `node '${node.name}': ${e.message}`;
    return e;
  }
  // V8's words for an array it cannot create: too many elements for a typed array, or more
  // bytes than the process can get. `gtv check` refuses the first (GTV0410) and warns about the
  // second (GTV0806), but IR from elsewhere, or a machine under load, can still get here.
  if (
    e instanceof RangeError &&
    /Invalid typed array length|Array buffer allocation failed|Invalid array buffer length|Array buffer length/.test(
      e.message,
    )
  ) {
    const err = new MemoryLimitError(
      `node '${node.name}': cannot allocate one of its arrays (${e.message}); lower the sizes that set it (draws, members, bins, features, grid points) or run on a machine with more memory`,
    );
    err.node = node.name;
    return err;
  }
  const err = new RuntimeError(`node '${node.name}': ${e instanceof Error ? e.message : String(e)}`);
  err.node = node.name;
  if (e instanceof Error) err.stack = e.stack;
  return err;
}

/** The compiler's schema validation (ajv + finiteness), the same check as at compiler output. */
function schemaProblems(doc: IrDocument): string[] {
  return validateIr(doc)
    .filter((d) => d.severity === 'error')
    .map((d) => d.message);
}

type RefKind = IrNode['kind'] | 'sample-or-true' | 'model-or-true';

/** The names each node kind refers to, and the kind each must have. */
const REFS: { [K in IrNode['kind']]: (n: Extract<IrNode, { kind: K }>) => [string, RefKind][] } = {
  data: () => [],
  forward: () => [],
  features: () => [],
  model: (m) => {
    const refs: [string, IrNode['kind']][] = [
      [m.data, 'data'],
      [m.forward, 'forward'],
    ];
    if (m.type === 'linear') refs.push([m.features, 'features']);
    return refs;
  },
  sample: (s) => {
    return [
      [s.data, 'data'],
      [s.forward, 'forward'],
      [s.model, 'model-or-true'],
    ];
  },
  map: (m) => {
    const refs: [string, IrNode['kind']][] = [
      [m.data, 'data'],
      [m.forward, 'forward'],
    ];
    if (m.model !== null) refs.push([m.model, 'model']);
    return refs;
  },
  metric: (m) => {
    const refs: [string, IrNode['kind'] | 'sample-or-true'][] = [
      [m.of, 'sample'],
      [m.data, 'data'],
      [m.forward, 'forward'],
    ];
    if (m.against !== null) refs.push([m.against, 'sample-or-true']);
    return refs;
  },
};

function refsOf(node: IrNode): [string, RefKind][] {
  // The key is the node's own kind, so the parameter type matches.
  return (REFS[node.kind] as (n: IrNode) => [string, RefKind][])(node);
}

/** Every reference names an EARLIER node of the expected kind. */
function referenceProblems(cell: IrCell): string[] {
  const seen = new Map<string, IrNode['kind']>();
  const problems: string[] = [];
  for (const node of cell.nodes) {
    for (const [ref, kind] of refsOf(node)) {
      if ((kind === 'model-or-true' && ref === 'true') || (kind === 'sample-or-true' && ref === 'true_density'))
        continue;
      const want = kind === 'model-or-true' ? 'model' : kind === 'sample-or-true' ? 'sample' : kind;
      const got = seen.get(ref);
      if (got !== want)
        problems.push(`node '${node.name}': '${ref}' is not an earlier ${want} node${got ? ` (it is a ${got})` : ''}`);
    }
    if (seen.has(node.name)) problems.push(`node '${node.name}' is defined twice`);
    seen.set(node.name, node.kind);
  }
  return problems;
}
