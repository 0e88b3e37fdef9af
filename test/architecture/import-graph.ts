// The import graph of the TypeScript sources, read from the text (TypeScript 7 gives JavaScript no
// compiler API): static imports and re-exports, side-effect imports, dynamic import('...') and
// worker entries given as `new URL('./x.js', ...)`. An edge counts whether or not it is type-only,
// because the layering is about what a folder may know of, not only about what it loads.
import fs from 'node:fs';
import path from 'node:path';

/**
 * Per repo-relative '/'-separated path: the repo files it imports (statically, dynamically or for
 * types), the worker entries it starts, and the bare packages it imports.
 */
export type ImportGraph = Map<string, { imports: Set<string>; workers: Set<string>; packages: Set<string> }>;

/**
 * Replaces comments and the text of template literals (code examples in messages) with spaces,
 * keeping quoted strings, where import specifiers are, and line breaks.
 */
export function stripComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += src.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      // A quote inside a regular expression literal opens no string past its line.
      let j = i + 1;
      while (j < src.length && src[j] !== c && (c === '`' || src[j] !== '\n')) j += src[j] === '\\' ? 2 : 1;
      out += c === '`' ? src.slice(i, j + 1).replace(/[^\n`]/g, ' ') : src.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const IMPORTS = [
  /^\s*(?:import|export)\s+[\w$*{},\s]*?\bfrom\s*['"]([^'"]+)['"]/gm, // import ... from '...', export ... from '...'
  /^\s*import\s*['"]([^'"]+)['"]/gm, // import '...'
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*[,)]/g, // import('...')
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // require('...') (createRequire)
];
const WORKER_ENTRY = /\bnew\s+URL\(\s*['"](\.\.?\/[^'"]+(?<!\.d)\.[jt]s)['"]\s*,/g; // new URL('./worker.js', import.meta.url)

/** The module specifiers that a source text imports, and the worker entries it names. */
export function specifiersOf(src: string): { imports: string[]; workers: string[] } {
  const text = stripComments(src);
  const imports = IMPORTS.flatMap((re) => [...text.matchAll(re)].map((m) => m[1]));
  return { imports, workers: [...text.matchAll(WORKER_ENTRY)].map((m) => m[1]) };
}

/** The package a bare specifier names: `@scope/name` or `name` (`node:fs` for built-ins). */
export function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function listTs(root: string, dir: string, out: string[]): void {
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') listTs(root, rel, out);
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
  }
}

/** Reads every .ts file under `dirs` (relative to `root`) and resolves its relative imports to files. */
export function readImportGraph(root: string, dirs: readonly string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  const all: string[] = [];
  for (const d of dirs) listTs(root, d, all);
  for (const file of all.sort()) {
    const resolve = (spec: string): string => {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const candidates = [target.replace(/\.js$/, '.ts'), target.replace(/\.js$/, '.d.ts'), target];
      const found = candidates.find((c) => fs.existsSync(path.join(root, c)));
      if (found === undefined) throw new Error(`${file}: import '${spec}' resolves to no file`);
      return found;
    };
    const specs = specifiersOf(fs.readFileSync(path.join(root, file), 'utf8'));
    const local = specs.imports.filter((s) => s.startsWith('.'));
    graph.set(file, {
      imports: new Set(local.map(resolve)),
      workers: new Set(specs.workers.map(resolve)),
      packages: new Set(specs.imports.filter((s) => !s.startsWith('.')).map(packageOf)),
    });
  }
  return graph;
}

/**
 * The import cycles of a graph: for each strongly connected component of more than one file (or a
 * file importing itself), the shortest cycle through each of its files, written as a path
 * `a -> b -> a` that starts at its smallest file, without repeats. Sorted, so the list is stable.
 */
export function findCycles(edges: ReadonlyMap<string, Iterable<string>>): string[][] {
  const succ = new Map<string, string[]>();
  for (const [from, tos] of edges) succ.set(from, [...new Set(tos)].filter((t) => edges.has(t)).sort());
  const cycles = new Map<string, string[]>();
  for (const scc of stronglyConnected(succ)) {
    if (scc.length === 1 && !succ.get(scc[0])!.includes(scc[0])) continue;
    const members = new Set(scc);
    for (const start of scc) {
      const cycle = rotateToSmallest(shortestCycle(start, succ, members));
      cycles.set(cycle.join(' -> '), [...cycle, cycle[0]]);
    }
  }
  return [...cycles.keys()].sort().map((k) => cycles.get(k)!);
}

function rotateToSmallest(cycle: string[]): string[] {
  let best = 0;
  for (let i = 1; i < cycle.length; i++) if (cycle[i] < cycle[best]) best = i;
  return [...cycle.slice(best), ...cycle.slice(0, best)];
}

/** Breadth-first from `start` inside `members` back to `start`: the cycle without its repeated end. */
function shortestCycle(start: string, succ: ReadonlyMap<string, string[]>, members: ReadonlySet<string>): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    for (const next of succ.get(node)!) {
      if (next === start) {
        const cycle = [node];
        while (cycle[0] !== start) cycle.unshift(parent.get(cycle[0])!);
        return cycle;
      }
      if (members.has(next) && !parent.has(next)) {
        parent.set(next, node);
        queue.push(next);
      }
    }
  }
  throw new Error(`${start} is on no cycle of its component`);
}

/** Tarjan's strongly connected components, iterative; each component sorted. */
function stronglyConnected(succ: ReadonlyMap<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
  };
  for (const root of [...succ.keys()].sort()) {
    if (index.has(root)) continue;
    visit(root);
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const nexts = succ.get(frame.node)!;
      if (frame.next < nexts.length) {
        const next = nexts[frame.next++];
        if (!index.has(next)) {
          visit(next);
          work.push({ node: next, next: 0 });
        } else if (onStack.has(next)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(next)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const scc: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          scc.push(member);
        } while (member !== frame.node);
        out.push(scc.sort());
      }
    }
  }
  return out;
}
