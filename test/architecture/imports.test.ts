// The import graph of the sources keeps the layering of docs/architecture.md and has no cycles.
// Type-only imports count (a folder may not know of another's types either); worker entries count
// for the layering but not for cycles, since an entry starts a new module graph in its own thread.
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { findCycles, readImportGraph, specifiersOf, type ImportGraph } from './import-graph.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FOLDERS = ['compiler', 'stdlib', 'grammar', 'runtime', 'study', 'cli', 'editor'] as const;
type Folder = (typeof FOLDERS)[number];

const folderOf = (file: string) => file.split('/')[0] as Folder;

/** The public entries of the runtime for study/ and cli/: index.ts, and light.ts where tfjs must not load. */
const RUNTIME_ENTRIES = new Set(['runtime/index.ts', 'runtime/light.ts']);

interface Layer {
  /** May this file of the folder import `target` (a repo file outside its own folder)? */
  file: (target: string) => boolean;
  /** The packages it may import besides node: built-ins. */
  packages: (pkg: string, file: string) => boolean;
}

const only =
  (...names: string[]) =>
  (pkg: string) =>
    names.includes(pkg);

// One row per folder of the table in docs/architecture.md.
const LAYERS: Record<Folder, Layer> = {
  // grammar/chevrotain.ts is the one door to the package (it loads the bundled build).
  grammar: { file: () => false, packages: (pkg, file) => pkg === 'chevrotain' && file === 'grammar/chevrotain.ts' },
  // The descriptor tables are mapped types over the IR unions (compiler/ir/types.ts imports nothing).
  stdlib: { file: (t) => t === 'compiler/ir/types.ts', packages: only() },
  compiler: {
    file: (t) => ['grammar', 'stdlib'].includes(folderOf(t)),
    packages: only('ajv'),
  },
  runtime: {
    file: (t) => t.startsWith('compiler/ir/'),
    packages: (pkg, file) => pkg.startsWith('@tensorflow/') && ['runtime/tf.ts', 'runtime/backend.ts'].includes(file),
  },
  study: {
    file: (t) => ['compiler', 'stdlib'].includes(folderOf(t)) || RUNTIME_ENTRIES.has(t),
    packages: only('vega', 'vega-lite', '@resvg/resvg-js', 'pdfkit', 'svg-to-pdfkit'),
  },
  editor: {
    file: (t) => ['compiler', 'grammar', 'stdlib'].includes(folderOf(t)),
    packages: only('prettier', 'vscode-languageserver', 'vscode-languageserver-textdocument'),
  },
  cli: {
    file: (t) => folderOf(t) !== 'runtime' || RUNTIME_ENTRIES.has(t),
    packages: (pkg) => !pkg.startsWith('@tensorflow/'),
  },
};

/** Every import that breaks a row of LAYERS, as `from -> to`. */
function layeringViolations(graph: ImportGraph): string[] {
  const out: string[] = [];
  for (const [file, deps] of graph) {
    const layer = LAYERS[folderOf(file)];
    for (const target of [...deps.imports, ...deps.workers]) {
      if (folderOf(target) !== folderOf(file) && !layer.file(target)) out.push(`${file} -> ${target}`);
    }
    for (const pkg of deps.packages) {
      if (!pkg.startsWith('node:') && !layer.packages(pkg, file)) out.push(`${file} -> package ${pkg}`);
    }
  }
  return out;
}

function closure(graph: ImportGraph, start: string): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const next of graph.get(queue.pop()!)!.imports) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

const loadEdges = (graph: ImportGraph) => new Map([...graph].map(([f, d]) => [f, d.imports]));
const asText = (cycles: string[][]) => cycles.map((c) => c.join(' -> '));

describe('architecture: import graph', () => {
  describe('the import reader', () => {
    it('finds static, type-only, re-exported, side-effect, dynamic and required imports and worker entries, not comments or templates', () => {
      const src = [
        "import fs from 'node:fs';",
        'import {',
        '  a,',
        '  type B,',
        "} from './multi-line.js';",
        "import type { T } from '../types.js';",
        "export { x } from './re-export.js';",
        "export * from './star.js';",
        "import './side-effect.js';",
        "const m = await import('./dynamic.js');",
        "const pkg = require('some-package');",
        "const w = new Worker(new URL('./worker.js', import.meta.url));",
        "// import { no } from './commented.js';",
        "/* import { no } from './block-commented.js'; */",
        'const doc = `',
        "import './in-a-template.gtv'",
        '`;',
        "const s = 'text that says from \\'y\\'';",
        "const dts = new URL('./cst.d.ts', import.meta.url);",
      ].join('\n');
      const found = specifiersOf(src);
      expect(found.imports.sort()).to.deep.equal(
        [
          'node:fs',
          './multi-line.js',
          '../types.js',
          './re-export.js',
          './star.js',
          './side-effect.js',
          './dynamic.js',
          'some-package',
        ].sort(),
      );
      expect(found.workers).to.deep.equal(['./worker.js']);
    });
  });

  describe('findCycles', () => {
    const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

    it('finds none in a graph without cycles, diamonds included', () => {
      expect(findCycles(graph({ a: ['b', 'c'], b: ['d'], c: ['d'], d: [] }))).to.deep.equal([]);
    });

    it('reports a cycle as a path from its smallest file back to it, once', () => {
      expect(asText(findCycles(graph({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] })))).to.deep.equal(['a -> b -> c -> a']);
    });

    it('reports a self-import and separate components separately', () => {
      const cycles = findCycles(graph({ a: ['a'], b: ['c'], c: ['b'], d: ['e'], e: ['f'], f: ['d'] }));
      expect(asText(cycles)).to.deep.equal(['a -> a', 'b -> c -> b', 'd -> e -> f -> d']);
    });

    it('reports each file of a star (a shared context imported back by every part) on its own cycle', () => {
      const cycles = findCycles(graph({ hub: ['p', 'q', 'r'], p: ['hub'], q: ['hub'], r: ['hub', 'q'] }));
      expect(asText(cycles)).to.deep.equal(['hub -> p -> hub', 'hub -> q -> hub', 'hub -> r -> hub']);
    });

    it('ignores edges to files outside the graph', () => {
      expect(findCycles(graph({ a: ['elsewhere'] }))).to.deep.equal([]);
    });
  });

  describe('the sources', () => {
    const graph = readImportGraph(ROOT, FOLDERS);

    it('are read whole: every folder, with the dynamic imports and worker entries the CLI relies on', () => {
      for (const f of FOLDERS)
        expect(
          [...graph.keys()].some((file) => folderOf(file) === f),
          f,
        ).to.equal(true);
      expect([...graph.get('cli/commands/collect.ts')!.imports]).to.include('study/run.ts');
      expect([...graph.get('cli/cell-worker.ts')!.workers]).to.include('cli/cell-thread.ts');
    });

    it('keep the layering of docs/architecture.md', () => {
      expect(layeringViolations(graph)).to.deep.equal([]);
    });

    it('load no tfjs through runtime/light.ts, the runtime entry of the main thread of `gtv run` and of `gtv collect`', () => {
      const reached = [...closure(graph, 'runtime/light.ts')];
      const heavy = reached.filter((f) => [...graph.get(f)!.packages].some((p) => p.startsWith('@tensorflow/')));
      expect(heavy).to.deep.equal([]);
      expect(reached).to.not.include('runtime/tf.ts');
    });

    it('have no import cycles', () => {
      expect(asText(findCycles(loadEdges(graph))), 'import cycles').to.deep.equal([]);
    });
  });
});
