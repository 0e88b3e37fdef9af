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
import type { SlurmOptions } from '../../study/slurm.js';
import type { Plan } from '../../study/plan.js';

export interface EmitOptions extends Omit<SlurmOptions, 'command' | 'cwd' | 'env'> {
  kind: 'slurm' | 'commands';
  /** Slices (array tasks); default one per cell. */
  tasks?: number;
  /** Also write collect.sh and submit.sh, which queues the array and the collect job after it. */
  chainCollect?: boolean;
}

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
  /** --emit slurm (with its #SBATCH values) or commands; null for --jobs. */
  emit: EmitOptions | null;
  jobs: number;
}

/** node, its flags (e.g. `--import tsx`) and the running entry script, all absolute. */
function gtvCommand(): string[] {
  return [process.execPath, ...process.execArgv, path.resolve(process.argv[1])];
}

export async function runSliced(opts: SlicedRunOptions, io: CliIo): Promise<number> {
  const { prepareStudy, runId, createRunDir } = await import('../../study/run.js');
  const { makePlan, writePlan } = await import('../../study/plan.js');
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

  if (opts.emit) return emitSlices(opts.emit, plan, runDir, cells, readEnv(opts.read), io, diagCode);

  const { runSliceProcesses } = await import('../../study/jobs.js');
  const reporter = createReporter({ quiet: opts.quiet, write: io.stderr, tty: false });
  const threads = Number(process.env.GTV_THREADS) || os.availableParallelism();
  const signals = watchSignals((signal) =>
    io.stderr(`\ngtv run: ${signal}, stopping the slices (finished cells are cached)\n`),
  );
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
      io.stderr(
        `gtv run: slice ${f.slice}/${slices} failed (exit ${f.exit}); log: ${f.log}\n${f.tail.replace(/^/gm, '  | ')}\n`,
      );
    }
    io.stderr(
      `Finished cells are cached; run again to resume, or rerun a slice with \`--cells i/${slices}\` and \`gtv collect ${runDir}\`.\n`,
    );
    return EXIT_USAGE;
  }
  return collectRun(runDir, plan, opts.quiet, opts.format, io, 'run', true, opts.read);
}

/** `--emit slurm` writes the job scripts; `--emit commands` prints one slice command per line. */
async function emitSlices(
  emit: EmitOptions,
  plan: Plan,
  runDir: string,
  cells: number,
  env: Record<string, string>,
  io: CliIo,
  code: number,
): Promise<number> {
  const { COLLECT_FILE, SLURM_FILE, SUBMIT_FILE, collectScript, shellQuote, sliceCommands, slurmScript, submitScript } =
    await import('../../study/slurm.js');
  const { sliceDir } = await import('../../study/plan.js');
  const { kind, tasks: _tasks, chainCollect, ...sbatch } = emit;
  const slurm: SlurmOptions = { command: gtvCommand(), cwd: process.cwd(), env, ...sbatch };
  // Each slice writes its log and partial run folder under slices/<k>/ (Slurm does not create it).
  for (let i = 1; i <= plan.slices; i++) makeDir(sliceDir(runDir, i));
  const collect = `gtv collect ${shellQuote(runDir)}`;
  if (kind === 'commands') {
    io.stdout(
      sliceCommands(plan, runDir, slurm)
        .map((l) => `${l}\n`)
        .join(''),
    );
    io.stderr(
      `${plan.slices} slice command(s) for the ${cells} cell(s) of study ${plan.study}; when all have finished: ${collect}\n`,
    );
    return code;
  }
  const write = (name: string, text: string): string => {
    const file = path.join(runDir, name);
    writeFileAtomic(file, text);
    fs.chmodSync(file, 0o755);
    return file;
  };
  const script = write(SLURM_FILE, slurmScript(plan, runDir, slurm));
  const head = `${script}: ${plan.slices} array task(s) for the ${cells} cell(s) of study ${plan.study}\n`;
  if (chainCollect) {
    write(COLLECT_FILE, collectScript(plan, runDir, slurm));
    const submit = write(SUBMIT_FILE, submitScript(runDir));
    io.stdout(`${head}submit: ${shellQuote(submit)}   (queues the array, then \`${collect}\` as a job after it)\n`);
    return code;
  }
  io.stdout(`${head}submit:       sbatch ${shellQuote(script)}\nthen collect: ${collect}\n`);
  return code;
}
