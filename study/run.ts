// The driver of `gtv run`: compile -> --scale -> per cell (cache or execute, write outputs) ->
// plots -> report.html, keeping manifest.json current after every step. The compiler and the
// runtime come in as dependencies (cli/commands/run.ts passes the real ones, tests pass fakes),
// so this file never imports tfjs and tests can exercise caching and interruption quickly.
// The same driver runs one slice of the cells (`--cells i/n`, no plots or report) and, with
// `cacheOnly`, assembles a run from cells that slices put in the cache (`gtv collect`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../compiler/diagnostics/types.js';
import type { IrCell, IrDocument } from '../compiler/ir/types.js';
import type { CellResult, ExecuteOptions } from '../runtime/light.js';
import { makeDir, sweepTemporaries, writeDirAtomic, writeFileAtomic } from './atomic.js';
import { ResultCache, cellCacheKey } from './cache.js';
import { cellDirName, copyCellFiles, readCellFiles, writeCellFiles } from './cellio.js';
import { compareTheoryEnsemble, type Comparison } from './compare.js';
import { runEnvironment } from './environment.js';
import { errorText } from './fs-errors.js';
import { canonicalJson, sha256 } from './hash.js';
import { type Manifest, type ManifestCell, writeManifest } from './manifest.js';
import { writeMetricsTable } from './metrics-table.js';
import { createReporter, formatDuration, type Reporter } from './progress.js';
import { writeReport } from './report.js';
import { reducedStatistics } from './reduced.js';
import { lockRunDir } from './run-lock.js';
import { applyScale, type ScaledCount } from './scale.js';
import { formatSlice, inSlice, type SliceSpec } from './slices.js';
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
  /** Stops a cell started ahead that the run no longer needs (it ended first, failed or was
   * interrupted); the pending executeCell may reject. */
  cancel?(): Promise<void>;
  /** The run computes no more cells: the runtime's memory can go (before the plots). */
  release?(): Promise<void>;
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
  /** Polled between cells and plots and passed to the runtime, which stops between chunks. The
   * CLI's executor also stops a cell at once when its signal raises this flag; either way an
   * interrupted cell is not written and the run ends with status `interrupted`. */
  interrupted?: () => boolean;
  /** Compute only this slice of the cells (`--cells i/n`); no plots, metrics table or report. */
  slice?: SliceSpec;
  /** Take every cell from the cache and execute none (`gtv collect`): a cell missing from the
   * cache ends the run with status `missing` before anything is written but the manifest. */
  cacheOnly?: boolean;
  /** Refuse to run (status `usage`) unless the compiled study has this hash: `gtv collect`
   * checks that the study file has not changed since its plan was written. */
  expectStudyHash?: string;
}

/** Pooled draws (members x draws) of a sampler from which the runtime thread is released before the plots. */
const RELEASE_DRAWS = 500_000;

function largestPooledDraws(doc: IrDocument): number {
  let most = 0;
  for (const cell of doc.cells)
    for (const n of cell.nodes)
      if (n.kind === 'sample') most = Math.max(most, n.draws * ('members' in n ? n.members : 1));
  return most;
}

/** A study compiled, chosen, scaled and bound to a backend: everything a run needs to start. */
export interface PreparedStudy {
  diagnostics: Diagnostic[];
  /** The IR as compiled (before --scale). */
  compiled: IrDocument;
  /** The IR that runs (after --scale). */
  doc: IrDocument;
  changes: ScaledCount[];
  scale: number;
  backend: string;
  studyHash: string;
}

export type EarlyOutcome =
  | { status: 'compile-errors'; diagnostics: Diagnostic[] }
  | { status: 'usage'; diagnostics: Diagnostic[]; message: string }
  /** `busy`: another run holds the run folder's lock (run-lock.ts). */
  | { status: 'busy'; diagnostics: Diagnostic[]; message: string };

export type RunOutcome =
  /** `usage`: the run could not start (no or ambiguous study, unknown backend, bad --scale). */
  | EarlyOutcome
  | {
      /** `missing`: a cacheOnly run found cells not in the cache (listed in `missing`). */
      status: 'complete' | 'interrupted' | 'failed' | 'missing';
      diagnostics: Diagnostic[];
      runDir: string;
      manifest: Manifest;
      /** Cell ids executed in this run, and those taken from the cache. */
      executed: string[];
      cached: string[];
      missing: { id: string; index: number }[];
      error: string | null;
    };

export function runId(now: Date): string {
  const iso = now.toISOString(); // 2026-11-29T17:45:12.345Z
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

/** Creates a fresh folder under `parent` and returns it (a second run within the same second
 * gets a suffix). Created here, exclusively, so two runs started together get different ones. */
export function createRunDir(parent: string, id: string): string {
  makeDir(parent);
  for (let n = 1; ; n++) {
    const dir = path.join(parent, n === 1 ? id : `${id}-${n}`);
    try {
      fs.mkdirSync(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

function selectStudy(studies: IrDocument[], name: string | undefined): IrDocument | string {
  if (name !== undefined) {
    return (
      studies.find((s) => s.study === name) ??
      `no study named \`${name}\` (the file has: ${studies.map((s) => s.study).join(', ') || 'none'})`
    );
  }
  if (studies.length === 1) return studies[0];
  if (studies.length === 0) return 'the file defines no study';
  return `the file defines ${studies.length} studies (${studies.map((s) => s.study).join(', ')}); choose one with --study NAME`;
}

/** Compile, pick the study, apply --scale and resolve the backend; shared by runs and plans. */
export async function prepareStudy(opts: RunOptions, deps: RunDeps): Promise<PreparedStudy | EarlyOutcome> {
  const compiled = await deps.compile(opts.file);
  const diagnostics = compiled.diagnostics;
  if (diagnostics.some((d) => d.severity === 'error')) return { status: 'compile-errors', diagnostics };
  const picked = selectStudy(compiled.studies, opts.study);
  if (typeof picked === 'string') return { status: 'usage', diagnostics, message: picked };

  const scale = opts.scale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale))
    return { status: 'usage', diagnostics, message: `--scale must be a positive number, got ${scale}` };
  const { doc, changes } = applyScale(picked, scale);
  let backend: string;
  try {
    backend = await deps.executor.resolveBackend(opts.backend);
  } catch (err) {
    return { status: 'usage', diagnostics, message: errorText(err) };
  }
  return { diagnostics, compiled: picked, doc, changes, scale, backend, studyHash: sha256(canonicalJson(picked)) };
}

// The plot modules (vega, resvg, pdfkit: about half a second) load while the cells run.
let plotModule: Promise<typeof import('./plots/write.js')> | undefined;
const loadPlots = () => (plotModule ??= import('./plots/write.js'));

/** Whether `p` exists and is not a folder (errors such as ENOTDIR are left to the mkdir). */
function isFile(p: string): boolean {
  try {
    return !fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export async function runStudy(opts: RunOptions, deps: RunDeps): Promise<RunOutcome> {
  const reporter = opts.reporter ?? createReporter();
  const interrupted = opts.interrupted ?? (() => false);
  const prepared = await prepareStudy(opts, deps);
  if ('status' in prepared) return prepared;
  loadPlots().catch(() => undefined);
  const { diagnostics, doc, studyHash } = prepared;
  if (opts.expectStudyHash !== undefined && opts.expectStudyHash !== studyHash) {
    return {
      status: 'usage',
      diagnostics,
      message: `study \`${doc.study}\` in ${opts.file} changed since the plan was written; run it again (the unchanged cells come from the cache)`,
    };
  }
  const outRoot = opts.outRoot ?? 'gtv-out';
  const started = new Date();
  if (opts.out !== undefined && isFile(opts.out)) {
    return { status: 'usage', diagnostics, message: `the run folder ${opts.out} is a file; choose another --out` };
  }
  const runDir = opts.out ?? createRunDir(path.join(outRoot, doc.study), runId(started));
  makeDir(runDir);
  const lock = lockRunDir(runDir);
  if (typeof lock === 'string') return { status: 'busy', diagnostics, message: lock };
  try {
    return await runLocked(opts, deps, prepared, runDir, started, reporter, interrupted);
  } finally {
    lock.release();
  }
}

/** The run proper, once it holds the lock of `runDir`. */
async function runLocked(
  opts: RunOptions,
  deps: RunDeps,
  prepared: PreparedStudy,
  runDir: string,
  started: Date,
  reporter: Reporter,
  interrupted: () => boolean,
): Promise<RunOutcome> {
  const cpuAtStart = process.cpuUsage();
  const { diagnostics, doc, changes, scale, backend, studyHash } = prepared;
  const slice = opts.slice ?? null;
  const version = gtvVersion();
  const outRoot = opts.outRoot ?? 'gtv-out';
  const cellsDir = path.join(runDir, 'cells');
  makeDir(cellsDir);
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
    status: inSlice(c.index, slice) ? 'pending' : 'other_slice',
    from: null,
    ms: null,
    timings: {},
    error: null,
  }));
  // A reused --out folder keeps only this study's cells, so the folder matches its manifest.
  const current = new Set(cells.filter((c) => c.status !== 'other_slice').map((c) => path.basename(c.dir)));
  for (const name of fs.readdirSync(cellsDir))
    if (!current.has(name)) fs.rmSync(path.join(cellsDir, name), { recursive: true, force: true });
  const manifest: Manifest = {
    manifest_version: 1,
    gtv_version: version,
    study: doc.study,
    source: doc.source,
    study_hash: studyHash,
    backend,
    environment: runEnvironment(),
    seed: doc.seed,
    scale,
    scaled_counts: changes,
    fresh: Boolean(opts.fresh),
    slice,
    status: 'running',
    error: null,
    started: started.toISOString(),
    updated: started.toISOString(),
    elapsed_ms: 0,
    cpu_ms: 0,
    cores: 0,
    cells,
    plots: [],
    report: null,
    ir: doc,
  };
  const save = (): void => {
    const now = new Date();
    manifest.updated = now.toISOString();
    manifest.elapsed_ms = now.getTime() - started.getTime();
    const cpu = process.cpuUsage(cpuAtStart);
    manifest.cpu_ms = Math.round((cpu.user + cpu.system) / 1000);
    manifest.cores = manifest.elapsed_ms > 0 ? Number((manifest.cpu_ms / manifest.elapsed_ms).toFixed(2)) : 0;
    writeManifest(runDir, manifest);
  };
  const executed: string[] = [];
  const cached: string[] = [];
  const missing: { id: string; index: number }[] = [];
  const finish = (status: 'complete' | 'interrupted' | 'failed' | 'missing', error: string | null): RunOutcome => {
    manifest.status = status === 'missing' ? 'failed' : status;
    manifest.error = error;
    try {
      save();
    } catch (err) {
      // The manifest on disk stays the last one written (status `running`); the outcome says why.
      const why = `the manifest could not be updated: ${errorText(err)}`;
      if (status === 'complete') status = 'failed';
      error = error ? `${error}; ${why}` : why;
    }
    return { status, diagnostics, runDir, manifest, executed, cached, missing, error };
  };
  save();

  if (opts.cacheOnly) {
    for (const entry of cells) {
      if (entry.status === 'other_slice') continue;
      const hit = cache.lookup(entry.key);
      if (hit && 'dir' in hit) continue;
      entry.status = 'failed';
      entry.error = hit ? `the cache entry is damaged (${hit.damaged}); compute it again` : 'not in the cache';
      missing.push({ id: entry.id, index: entry.index });
    }
    if (missing.length > 0)
      return finish(
        'missing',
        `${missing.length} of ${cells.length} cell(s) not in the cache: ${missing.map((m) => m.id).join('; ')}`,
      );
  }

  const results = new Map<string, CellResult>();
  const comparisons = new Map<string, Comparison[]>();
  const todo = doc.cells.filter((c) => inSlice(c.index, slice));
  type Lookup = ReturnType<ResultCache['lookup']>;
  // The next cell to compute starts as soon as the one before has computed, so it runs while
  // that one is written (npy encoding, checksums, fsyncs on this thread) and copied.
  let ahead: { index: number; hit: Lookup; result: Promise<CellResult> | null; t0: number; done: boolean } | null =
    null;
  const launch = (k: number): typeof ahead => {
    const cell = todo[k];
    if (!cell || opts.cacheOnly || interrupted()) return null;
    const hit = opts.fresh ? null : cache.lookup(cells[doc.cells.indexOf(cell)].key);
    if (hit && 'dir' in hit) return { index: k, hit, result: null, t0: Date.now(), done: false };
    reporter.info(`[${k + 1}/${todo.length}] ${cell.id}: running`);
    const started = {
      index: k,
      hit,
      result: deps.executor.executeCell(doc, cell, { progress: reporter, interrupted }),
      t0: Date.now(),
      done: false,
    };
    // Awaited in its turn, or abandoned when the run stops first.
    started.result.then(
      () => (started.done = true),
      () => {},
    );
    return started;
  };
  const abandon = (): void => {
    if (ahead?.result) void deps.executor.cancel?.().catch(() => {});
    ahead = null;
  };
  const what = slice
    ? `slice ${formatSlice(slice)}: ${todo.length} of ${doc.cells.length} cell(s)`
    : `${doc.cells.length} cell(s)`;
  reporter.info(`gtv run ${doc.study}: ${what}, backend ${backend}, scale ${scale} -> ${runDir}`);
  for (const [i, cell] of todo.entries()) {
    const entry = cells[doc.cells.indexOf(cell)];
    // A macrotask turn lets a pending SIGINT handler run: execution and writes are mostly
    // synchronous, so without it a Ctrl-C would only be seen after the last cell.
    await new Promise((resolve) => setImmediate(resolve));
    const early = ahead?.index === i ? ahead : null;
    // A cell that finished computing before the interruption is still written.
    if (interrupted() && !early?.done) {
      abandon();
      return finish('interrupted', 'interrupted before all cells finished');
    }
    ahead = null;
    const t0 = early?.t0 ?? Date.now();
    const label = `[${i + 1}/${todo.length}] ${cell.id}`;
    try {
      const hit = early ? early.hit : opts.fresh ? null : cache.lookup(entry.key);
      if (hit && 'damaged' in hit)
        reporter.warn(`${label}: the cached result is damaged (${hit.damaged}); recomputing it`);
      let cacheDir = hit && 'dir' in hit ? hit.dir : null;
      entry.from = cacheDir ? 'cache' : 'computed';
      if (!cacheDir) {
        // Guards the cacheOnly promise against a cache emptied since the check above.
        if (opts.cacheOnly)
          throw new Error(`${hit ? 'damaged in' : 'not in'} the cache (a cache-only run executes nothing)`);
        if (!early) reporter.info(`${label}: running`);
        const result = await (early?.result ??
          deps.executor.executeCell(doc, cell, { progress: reporter, interrupted }));
        ahead = launch(i + 1);
        try {
          cacheDir = cache.store(entry.key, (dir) => writeCellFiles(dir, cell, result), Boolean(opts.fresh));
        } catch (err) {
          throw new Error(
            `cannot store the cell in the cache: ${errorText(err)}; free space or choose another cache with --cache DIR`,
          );
        }
      }
      const src = cacheDir;
      writeDirAtomic(path.join(runDir, entry.dir), (tmp) => copyCellFiles(src, tmp));
      const result = readCellFiles(path.join(runDir, entry.dir));
      results.set(cell.id, result);
      // The report's comparison of this cell (seconds for Figure 3's 2D ensembles), computed while
      // the next cell runs rather than after the last one.
      if (!slice) comparisons.set(cell.id, compareTheoryEnsemble(cell, result));
      entry.timings = result.timings;
      entry.status = 'done';
      entry.ms = Date.now() - t0;
      (entry.from === 'cache' ? cached : executed).push(cell.id);
      reporter.info(`${label}: ${entry.from === 'cache' ? 'from cache' : `done in ${formatDuration(entry.ms)}`}`);
      save();
    } catch (err) {
      abandon();
      reporter.end();
      entry.from = null;
      entry.ms = Date.now() - t0;
      if (interrupted()) return finish('interrupted', `interrupted during cell ${cell.id}`);
      entry.status = 'failed';
      entry.error = errorText(err);
      return finish('failed', `cell ${cell.id} failed: ${entry.error}`);
    }
  }

  if (slice) {
    const outcome = finish('complete', null);
    reporter.info(
      `gtv run ${doc.study}: slice ${formatSlice(slice)} done, ${executed.length} cell(s) computed, ${cached.length} from cache; ` +
        "`gtv collect` on the plan's run folder, or a full `gtv run` (every cell from the cache), assembles the report",
    );
    return outcome;
  }

  // After large ensembles the runtime thread holds hundreds of megabytes the plots and the
  // report do not need; a small study keeps it for the next run in this process (the in-process
  // tests run many), which would otherwise start a new thread (about a second).
  if (executed.length > 0 && largestPooledDraws(doc) >= RELEASE_DRAWS) await deps.executor.release?.();
  await new Promise((resolve) => setImmediate(resolve));
  if (interrupted()) return finish('interrupted', 'interrupted before plots and report');
  try {
    writeMetricsTable(runDir, doc, results);
    const reduced = reducedStatistics(doc, manifest.scale, manifest.scaled_counts);
    const { writePlots } = await loadPlots();
    const plots = await writePlots(runDir, doc, results, (line) => reporter.info(line), reduced, interrupted);
    if (interrupted()) throw new Error('interrupted');
    manifest.plots = plots.map(({ name, files, ms }) => ({ name, files, ms }));
    // The report shows the manifest as it will be once the run is complete.
    manifest.report = 'report.html';
    manifest.status = 'complete';
    writeReport(runDir, { manifest, doc, sourceText: source, results, plots, comparisons });
  } catch (err) {
    manifest.report = null;
    if (interrupted()) return finish('interrupted', 'interrupted while writing plots and report');
    return finish('failed', `writing plots and report failed: ${errorText(err)}`);
  }
  const outcome = finish('complete', null);
  reporter.info(
    `gtv run ${doc.study}: ${executed.length} cell(s) computed, ${cached.length} from cache; report: ${path.join(runDir, 'report.html')}`,
  );
  return outcome;
}
