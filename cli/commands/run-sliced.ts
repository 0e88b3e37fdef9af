// `gtv run --jobs N` and `gtv run --emit slurm`: compile once, write the plan into the run
// folder, then either run every slice in a child process and collect the report here, or write
// the Slurm array script and say how to submit and collect it. The children and the array tasks
// start gtv the way this process was started (same node, flags and entry script), so a
// development checkout run through tsx spawns tsx children and an installed gtv spawns itself.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileFile } from '../../compiler/driver.js';
import { nodeHostFor } from '../../compiler/host.js';
import type { ReadOptions } from '../../compiler/read-policy.js';
import { makeDir, writeFileAtomic } from '../../study/atomic.js';
import { readEnv } from '../read-options.js';
import { createReporter } from '../../study/progress.js';
import { UsageError, EXIT_USAGE } from '../exit.js';
import type { CliIo } from '../io.js';
import { reportDiagnostics, type Format } from '../report.js';
import { collectRun } from './collect.js';
import { runtimeExecutor, watchSignals } from '../run-process.js';

export interface SlicedRunOptions {
  file: string;
  study?: string;
  out?: string;
  cacheDir?: string;
  fresh: boolean;
  scale: number;
  backend?: string;
  /** What the study may read (--allow-read, --max-file-size); the slices get it through their environment. */
  read: ReadOptions;
  quiet: boolean;
  format: Format;
  /** --emit slurm and its pass-through #SBATCH values; null for --jobs. */
  emit: { tasks?: number; time?: string; cpus?: number; mem?: string } | null;
  jobs: number;
}

/** node, its flags (e.g. `--import tsx`) and the running entry script, all absolute. */
function gtvCommand(): string[] {
  return [process.execPath, ...process.execArgv, path.resolve(process.argv[1])];
}

export async function runSliced(opts: SlicedRunOptions, io: CliIo): Promise<number> {
  const { prepareStudy, runId, createRunDir } = await import('../../study/run.js');
  const { makePlan, writePlan, sliceDir } = await import('../../study/plan.js');
  let sources = new Map<string, string>();
  const executor = runtimeExecutor();
  const prep = await prepareStudy(
    { file: opts.file, study: opts.study, scale: opts.scale, backend: opts.backend },
    {
      compile: (f) => {
        const out = compileFile(f, nodeHostFor(f, opts.read));
        sources = out.files;
        return out;
      },
      executor,
    },
  );
  // The runtime was only needed to resolve the backend; the slices load their own.
  await executor.close();
  const diagCode = reportDiagnostics(prep.diagnostics, sources, opts.format, io, 'stderr', null);
  if ('status' in prep) {
    if (prep.status === 'usage') throw new UsageError(prep.message, 'run');
    return diagCode;
  }
  const cells = prep.doc.cells.length;
  // More slices than cells would only add empty processes or array tasks.
  const slices = Math.max(1, Math.min(opts.emit ? (opts.emit.tasks ?? cells) : opts.jobs, cells));
  const runDir = path.resolve(opts.out ?? createRunDir(path.join('gtv-out', prep.doc.study), runId(new Date())));
  const plan = makePlan(prep, opts.file, opts.cacheDir ?? path.join('gtv-out', '.cache'), slices, opts.fresh);
  makeDir(runDir);
  writePlan(runDir, plan);

  if (opts.emit) {
    const { SLURM_FILE, shellQuote, slurmScript } = await import('../../study/slurm.js');
    for (let i = 1; i <= slices; i++) makeDir(sliceDir(runDir, i));
    const script = path.join(runDir, SLURM_FILE);
    writeFileAtomic(script, slurmScript(plan, runDir, { command: gtvCommand(), cwd: process.cwd(), ...opts.emit }));
    fs.chmodSync(script, 0o755);
    io.stdout(
      `${script}: ${slices} array task(s) for the ${cells} cell(s) of study ${plan.study}\n` +
        `submit:       sbatch ${shellQuote(script)}\n` +
        `then collect: gtv collect ${shellQuote(runDir)}\n`,
    );
    return diagCode;
  }

  const { runSliceProcesses } = await import('../../study/jobs.js');
  const reporter = createReporter({ quiet: opts.quiet, write: io.stderr, tty: false });
  const threads = Number(process.env.GTV_THREADS) || os.availableParallelism();
  const signals = watchSignals((signal) => io.stderr(`\ngtv run: ${signal}, stopping the slices (finished cells are cached)\n`));
  let result;
  try {
    result = await runSliceProcesses({
      command: gtvCommand(),
      plan,
      runDir,
      threadsPerSlice: Math.max(1, Math.floor(threads / slices)),
      env: { ...process.env, ...readEnv(opts.read) },
      reporter,
      interrupted: signals.raised,
    });
  } finally {
    signals.stop();
  }
  if (result.interrupted) {
    io.stderr(`gtv run: interrupted; finished cells are cached, run again to resume (${runDir})\n`);
    return signals.exit();
  }
  if (result.failures.length > 0) {
    for (const f of result.failures) {
      io.stderr(`gtv run: slice ${f.slice}/${slices} failed (exit ${f.exit}); log: ${f.log}\n${f.tail.replace(/^/gm, '  | ')}\n`);
    }
    io.stderr(`Finished cells are cached; run again to resume, or rerun a slice with \`--cells i/${slices}\` and \`gtv collect ${runDir}\`.\n`);
    return EXIT_USAGE;
  }
  return collectRun(runDir, plan, opts.quiet, opts.format, io, 'run', true, opts.read);
}
