// The driver of `gtv run`: compile -> --scale -> per cell (cache or execute, write outputs) ->
// plots -> report.html, keeping manifest.json current after every step. The compiler and the
// runtime come in as dependencies (cli/commands/run.ts passes the real ones, tests pass fakes),
// so this file never imports tfjs and tests can exercise caching and interruption quickly.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../compiler/diagnostics/types.js';
import type { IrCell, IrDocument } from '../compiler/ir/types.js';
import type { CellResult, ExecuteOptions } from '../runtime/results.js';
import { sweepTemporaries, writeDirAtomic, writeFileAtomic } from './atomic.js';
import { ResultCache, cellCacheKey } from './cache.js';
import { cellDirName, linkCellFiles, readCellFiles, writeCellFiles } from './cellio.js';
import { canonicalJson, sha256 } from './hash.js';
import { type Manifest, type ManifestCell, writeManifest } from './manifest.js';
import { writeMetricsTable } from './metrics-table.js';
import { writePlots } from './plots/write.js';
import { createReporter, formatDuration, type Reporter } from './progress.js';
import { writeReport } from './report.js';
import { applyScale } from './scale.js';
import { gtvVersion } from './version.js';

export interface CompileOutput {
  diagnostics: Diagnostic[];
  studies: IrDocument[];
}

export interface Executor {
  /** The backend cells will run on, resolving a requested name (or the default). Throws with a
   * user-facing message for an unknown or unavailable backend. */
  resolveBackend(requested: string | undefined): Promise<string>;
  executeCell(doc: IrDocument, cell: IrCell, opts: ExecuteOptions): Promise<CellResult>;
}

export interface RunDeps {
  compile(file: string): CompileOutput | Promise<CompileOutput>;
  executor: Executor;
}

export interface RunOptions {
  /** The .gtv study file. */
  file: string;
  /** Which study of the file to run; required when it holds more than one. */
  study?: string;
  /** Run folder; default <outRoot>/<study>/<run-id>/. */
  out?: string;
  /** Root for default run folders and the cache; default `gtv-out`. */
  outRoot?: string;
  /** Cache folder; default <outRoot>/.cache. */
  cacheDir?: string;
  /** Recompute every cell even when cached. */
  fresh?: boolean;
  scale?: number;
  backend?: string;
  reporter?: Reporter;
  /** Polled between cells and passed to the runtime, which stops between chunks. */
  interrupted?: () => boolean;
}

export type RunOutcome =
  | { status: 'compile-errors'; diagnostics: Diagnostic[] }
  /** The run could not start: no or ambiguous study, unknown backend, bad --scale. */
  | { status: 'usage'; diagnostics: Diagnostic[]; message: string }
  | {
      status: 'complete' | 'interrupted' | 'failed';
      diagnostics: Diagnostic[];
      runDir: string;
      manifest: Manifest;
      /** Cell ids executed in this run, and those taken from the cache. */
      executed: string[];
      cached: string[];
      error: string | null;
    };

function runId(now: Date): string {
  const iso = now.toISOString(); // 2026-11-29T17:45:12.345Z
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

/** A fresh folder name under `parent` (a second run within the same second gets a suffix). */
function uniqueRunDir(parent: string, id: string): string {
  let dir = path.join(parent, id);
  for (let n = 2; fs.existsSync(dir); n++) dir = path.join(parent, `${id}-${n}`);
  return dir;
}

function selectStudy(studies: IrDocument[], name: string | undefined): IrDocument | string {
  if (name !== undefined) {
    return studies.find((s) => s.study === name) ?? `no study named \`${name}\` (the file has: ${studies.map((s) => s.study).join(', ') || 'none'})`;
  }
  if (studies.length === 1) return studies[0];
  if (studies.length === 0) return 'the file defines no study';
  return `the file defines ${studies.length} studies (${studies.map((s) => s.study).join(', ')}); choose one with --study NAME`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function runStudy(opts: RunOptions, deps: RunDeps): Promise<RunOutcome> {
  const reporter = opts.reporter ?? createReporter();
  const interrupted = opts.interrupted ?? (() => false);
  const compiled = await deps.compile(opts.file);
  const diagnostics = compiled.diagnostics;
  if (diagnostics.some((d) => d.severity === 'error')) return { status: 'compile-errors', diagnostics };
  const picked = selectStudy(compiled.studies, opts.study);
  if (typeof picked === 'string') return { status: 'usage', diagnostics, message: picked };

  const scale = opts.scale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) return { status: 'usage', diagnostics, message: `--scale must be a positive number, got ${scale}` };
  const { doc, changes } = applyScale(picked, scale);
  let backend: string;
  try {
    backend = await deps.executor.resolveBackend(opts.backend);
  } catch (err) {
    return { status: 'usage', diagnostics, message: errorText(err) };
  }

  const version = gtvVersion();
  const outRoot = opts.outRoot ?? 'gtv-out';
  const started = new Date();
  const runDir = opts.out ?? uniqueRunDir(path.join(outRoot, doc.study), runId(started));
  const cellsDir = path.join(runDir, 'cells');
  fs.mkdirSync(cellsDir, { recursive: true });
  sweepTemporaries(runDir);
  sweepTemporaries(cellsDir);
  const cache = new ResultCache(opts.cacheDir ?? path.join(outRoot, '.cache'));
  const source = fs.readFileSync(opts.file, 'utf8');
  writeFileAtomic(path.join(runDir, 'study.gtv'), source);

  const cells: ManifestCell[] = doc.cells.map((c) => ({
    id: c.id,
    index: c.index,
    values: c.values,
    key: cellCacheKey(c, version, backend),
    dir: `cells/${cellDirName(c.id)}`,
    status: 'pending',
    from: null,
    ms: null,
    timings: {},
    error: null,
  }));
  // A reused --out folder keeps only this study's cells, so the folder matches its manifest.
  const current = new Set(cells.map((c) => path.basename(c.dir)));
  for (const name of fs.readdirSync(cellsDir)) if (!current.has(name)) fs.rmSync(path.join(cellsDir, name), { recursive: true, force: true });
  const manifest: Manifest = {
    manifest_version: 1,
    gtv_version: version,
    study: doc.study,
    source: doc.source,
    study_hash: sha256(canonicalJson(picked)),
    backend,
    seed: doc.seed,
    scale,
    scaled_counts: changes,
    fresh: Boolean(opts.fresh),
    status: 'running',
    error: null,
    started: started.toISOString(),
    updated: started.toISOString(),
    elapsed_ms: 0,
    cells,
    plots: [],
    report: null,
    ir: doc,
  };
  const save = (): void => {
    const now = new Date();
    manifest.updated = now.toISOString();
    manifest.elapsed_ms = now.getTime() - started.getTime();
    writeManifest(runDir, manifest);
  };
  const finish = (status: 'complete' | 'interrupted' | 'failed', error: string | null): RunOutcome => {
    manifest.status = status;
    manifest.error = error;
    save();
    return { status, diagnostics, runDir, manifest, executed, cached, error };
  };
  save();

  const executed: string[] = [];
  const cached: string[] = [];
  const results = new Map<string, CellResult>();
  reporter.info(`gtv run ${doc.study}: ${doc.cells.length} cell(s), backend ${backend}, scale ${scale} -> ${runDir}`);
  for (const [i, cell] of doc.cells.entries()) {
    const entry = cells[i];
    // A macrotask turn lets a pending SIGINT handler run: execution and writes are mostly
    // synchronous, so without it a Ctrl-C would only be seen after the last cell.
    await new Promise((resolve) => setImmediate(resolve));
    if (interrupted()) return finish('interrupted', 'interrupted before all cells finished');
    const t0 = Date.now();
    const label = `[${i + 1}/${doc.cells.length}] ${cell.id}`;
    try {
      let cacheDir = opts.fresh ? null : cache.lookup(entry.key);
      entry.from = cacheDir ? 'cache' : 'computed';
      if (!cacheDir) {
        reporter.info(`${label}: running`);
        const result = await deps.executor.executeCell(doc, cell, { progress: reporter, interrupted });
        cacheDir = cache.store(entry.key, (dir) => writeCellFiles(dir, cell, result));
      }
      const src = cacheDir;
      writeDirAtomic(path.join(runDir, entry.dir), (tmp) => linkCellFiles(src, tmp));
      const result = readCellFiles(path.join(runDir, entry.dir));
      results.set(cell.id, result);
      entry.timings = result.timings;
      entry.status = 'done';
      entry.ms = Date.now() - t0;
      (entry.from === 'cache' ? cached : executed).push(cell.id);
      reporter.info(`${label}: ${entry.from === 'cache' ? 'from cache' : `done in ${formatDuration(entry.ms)}`}`);
      save();
    } catch (err) {
      reporter.end();
      entry.from = null;
      entry.ms = Date.now() - t0;
      if (interrupted()) return finish('interrupted', `interrupted during cell ${cell.id}`);
      entry.status = 'failed';
      entry.error = errorText(err);
      return finish('failed', `cell ${cell.id} failed: ${entry.error}`);
    }
  }

  try {
    writeMetricsTable(runDir, doc, results);
    const plots = await writePlots(runDir, doc, results, (line) => reporter.info(line));
    manifest.plots = plots.map(({ name, files, ms }) => ({ name, files, ms }));
    // The report shows the manifest as it will be once the run is complete.
    manifest.report = 'report.html';
    manifest.status = 'complete';
    writeReport(runDir, { manifest, doc, sourceText: source, results, plots });
  } catch (err) {
    manifest.report = null;
    return finish('failed', `writing plots and report failed: ${errorText(err)}`);
  }
  const outcome = finish('complete', null);
  reporter.info(`gtv run ${doc.study}: ${executed.length} cell(s) computed, ${cached.length} from cache; report: ${path.join(runDir, 'report.html')}`);
  return outcome;
}
