// Runs examples/*.gtv in process through the study driver (the same path as `gtv run`, without a
// process start per study), once per mocha process: the test files share the runs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileFile } from '../../compiler/driver.js';
import { executeCell, selectBackend } from '../../runtime/index.js';
import type { Manifest } from '../../study/manifest.js';
import { decodeNpy } from '../../study/npy.js';
import { createReporter } from '../../study/progress.js';
import { runStudy, type Executor, type RunOptions } from '../../study/run.js';

/** The statistics every example runs at in the suite (the CI scale). */
export const TEST_SCALE = 0.01;

export const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-examples-run-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

/** The real runtime, counting the cells it finished (to interrupt a run after k of them). */
export function countingExecutor(): Executor & { finished: number } {
  let backend: string | undefined;
  const ex = {
    finished: 0,
    async resolveBackend(requested: string | undefined) {
      backend = await selectBackend(requested);
      return backend;
    },
    async executeCell(...[doc, cell, opts]: Parameters<Executor['executeCell']>) {
      const result = await executeCell(doc, cell, { ...opts, backend });
      ex.finished++;
      return result;
    },
  };
  return ex;
}

export interface ExampleRun {
  runDir: string;
  manifest: Manifest;
  /** Wall-clock ms of the run. */
  ms: number;
}

export async function runExample(
  name: string,
  opts: Partial<RunOptions> = {},
  executor: Executor = countingExecutor(),
): Promise<ExampleRun> {
  const t0 = Date.now();
  const out = await runStudy(
    {
      file: path.join('examples', `${name}.gtv`),
      out: path.join(root, name),
      cacheDir: path.join(root, 'cache'),
      scale: TEST_SCALE,
      reporter: createReporter({ quiet: true }),
      ...opts,
    },
    { compile: (f) => compileFile(f), executor },
  );
  if (!('runDir' in out)) throw new Error(`${name}: ${out.status} ${'message' in out ? out.message : ''}`);
  return { runDir: out.runDir, manifest: out.manifest, ms: Date.now() - t0 };
}

const shared = new Map<string, Promise<ExampleRun>>();

/** The one complete run of an example at TEST_SCALE in this process. */
export function exampleRun(name: string): Promise<ExampleRun> {
  let p = shared.get(name);
  if (!p) {
    p = runExample(name);
    shared.set(name, p);
  }
  return p;
}

/** Lets a test that produced a complete run (e.g. by resuming one) share it. */
export function provideRun(name: string, run: ExampleRun): void {
  shared.set(name, Promise.resolve(run));
}

export interface Array64 {
  shape: number[];
  data: Float64Array | Float32Array;
}

export function readArray(run: ExampleRun, cellId: string, file: string): Array64 {
  const cell = run.manifest.cells.find((c) => c.id === cellId);
  if (!cell) throw new Error(`no cell ${cellId} (have ${run.manifest.cells.map((c) => c.id).join(', ')})`);
  const a = decodeNpy(fs.readFileSync(path.join(run.runDir, cell.dir, file)));
  return { shape: a.shape, data: a.data as Float64Array | Float32Array };
}

export function readJson<T>(run: ExampleRun, ...parts: string[]): T {
  return JSON.parse(fs.readFileSync(path.join(run.runDir, ...parts), 'utf8')) as T;
}
