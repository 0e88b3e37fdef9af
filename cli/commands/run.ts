// `gtv run FILE`: compile a study, execute its cells (cached ones are reused), write the run
// folder with arrays, metrics, plots and report.html. The orchestration lives in study/run.ts;
// this file wires the real compiler and runtime into it, handles Ctrl-C and SIGTERM, and maps the
// outcome to an exit code: 0 complete, 1 errors in the study, 2 usage error, failed run or a run
// folder in use by another run, 130 interrupted by SIGINT, 143 by SIGTERM.
// `--cells i/n` runs one slice; `--jobs N` and `--emit slurm` write a plan and run the slices in
// child processes or leave them to Slurm (run-sliced.ts).
import { compileFile } from '../../compiler/driver.js';
import { nodeHostFor } from '../../compiler/host.js';
import { createReporter } from '../../study/progress.js';
import { parseSlice, type SliceSpec } from '../../study/slices.js';
import { choice, parseCommandArgs } from '../args.js';
import { sbatchLine } from '../../study/slurm.js';
import { EXIT_OK, EXIT_USAGE, UsageError } from '../exit.js';
import { assertReadable } from '../files.js';
import { applyReadOptions, READ_HELP, READ_OPTIONS } from '../read-options.js';
import { FORMAT_HELP, FORMAT_OPTION, FORMATS, formatOf, reportDiagnostics } from '../report.js';
import type { Command } from './command.js';
import { runSliced } from './run-sliced.js';
import { runtimeExecutor, watchSignals } from '../run-process.js';

const EMIT_KINDS = ['slurm', 'commands'] as const;

function parseScale(value: unknown): number {
  if (value === undefined) return 1;
  const f = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(f) || f <= 0) {
    throw new UsageError(`\`--scale\` must be a positive number (got \`${String(value)}\`)`, 'run');
  }
  return f;
}

/** A whole number >= 1 for `--flag`, or undefined when the flag is absent. */
export function parseCount(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`\`--${flag}\` must be a whole number >= 1 (got \`${String(value)}\`)`, 'run');
  }
  return n;
}

function parseCells(value: unknown): SliceSpec | undefined {
  if (typeof value !== 'string') return undefined;
  const slice = parseSlice(value);
  if (typeof slice === 'string') throw new UsageError(slice, 'run');
  return slice;
}

export const runCommand: Command = {
  name: 'run',
  synopsis: '[options] FILE',
  summary: 'Run a study: every cell, its plots and report.html, into a run folder.',
  options: [
    '-o, --out DIR         run folder (default gtv-out/<study>/<run-id>/)',
    '    --fresh           recompute every cell, ignoring the cache',
    '-q, --quiet           no progress output',
    '    --scale F         multiply every draw/member/Monte-Carlo count by F (e.g. 0.01); ensembles keep',
    '                      at least 10 members and Monte-Carlo averages 1000 points (study/scale.ts)',
    '    --backend NAME    tensorflow (tfjs-node), wasm or cpu (default: the fastest available)',
    '-s, --study NAME      the study to run when the file holds several',
    '    --cache DIR       result cache (default gtv-out/.cache)',
    '    --cells i/n       compute only slice i of n (the cells whose index % n == i - 1) into the',
    '                      cache and run folder; no plots or report (`gtv collect` assembles them)',
    '-j, --jobs N          run the cells in N processes on this machine, then write plots and report',
    '    --emit slurm      run nothing: write plan.json and slurm.sh, a Slurm job array of slices',
    '    --emit commands   run nothing: write plan.json and print one `gtv run --cells k/n` line per',
    '                      slice, for any other scheduler (SGE, PBS, GNU parallel, Snakemake)',
    '    --tasks N         slices for --emit (default: one per cell)',
    '    --slurm-time T    #SBATCH --time for each task (e.g. 2:00:00)',
    '    --slurm-cpus N    #SBATCH --cpus-per-task (the task uses them for its ensemble threads)',
    '    --slurm-mem M     #SBATCH --mem for each task (e.g. 4G)',
    '    --slurm-partition P  #SBATCH --partition',
    '    --slurm-account A    #SBATCH --account',
    '    --slurm-qos Q        #SBATCH --qos',
    '    --slurm-extra LINE   another #SBATCH line, e.g. "--gres=gpu:1" (repeatable)',
    '    --slurm-max-concurrent N  at most N array tasks at once (--array=1-n%N)',
    '    --slurm-chain-collect  also write collect.sh and submit.sh, which queues the array and',
    '                      `gtv collect` as a job after it (one command runs everything)',
    FORMAT_HELP,
    ...READ_HELP,
  ],
  values: { format: FORMATS, backend: ['tensorflow', 'wasm', 'cpu'], emit: EMIT_KINDS },
  async run(args, io) {
    const parsed = parseCommandArgs(
      this,
      args,
      {
        out: { type: 'string', short: 'o' },
        fresh: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        scale: { type: 'string' },
        backend: { type: 'string' },
        study: { type: 'string', short: 's' },
        cache: { type: 'string' },
        cells: { type: 'string' },
        jobs: { type: 'string', short: 'j' },
        emit: { type: 'string' },
        tasks: { type: 'string' },
        'slurm-time': { type: 'string' },
        'slurm-cpus': { type: 'string' },
        'slurm-mem': { type: 'string' },
        'slurm-partition': { type: 'string' },
        'slurm-account': { type: 'string' },
        'slurm-qos': { type: 'string' },
        'slurm-extra': { type: 'string', multiple: true },
        'slurm-max-concurrent': { type: 'string' },
        'slurm-chain-collect': { type: 'boolean' },
        format: FORMAT_OPTION,
        ...READ_OPTIONS,
      },
      io,
    );
    if (!parsed) return EXIT_OK;
    const v = parsed.values;
    const format = formatOf(v.format);
    const [file, ...extra] = parsed.positionals;
    if (file === undefined) throw new UsageError('missing FILE argument', this.name);
    if (extra.length > 0) throw new UsageError('`gtv run` takes one file', this.name);
    const read = applyReadOptions(v, this.name);
    assertReadable(file, this.name, read);
    const scale = parseScale(v.scale);
    const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
    const slice = parseCells(v.cells);
    const jobs = parseCount(v.jobs, 'jobs');
    const tasks = parseCount(v.tasks, 'tasks');
    const slurmCpus = parseCount(v['slurm-cpus'], 'slurm-cpus');
    const emitKind = v.emit === undefined ? undefined : choice(v.emit, EMIT_KINDS, 'emit', 'slurm', this.name);
    const emit = emitKind !== undefined;
    const slurmOnly = Object.keys(v).filter((k) => k.startsWith('slurm-'));
    if (!emit && v.tasks !== undefined)
      throw new UsageError('`--tasks` needs `--emit slurm` or `--emit commands`', this.name);
    if (emitKind !== 'slurm' && slurmOnly.length > 0)
      throw new UsageError(`\`--${slurmOnly[0]}\` needs \`--emit slurm\``, this.name);
    const slurmExtra = (Array.isArray(v['slurm-extra']) ? v['slurm-extra'] : []).map((x) => {
      const line = sbatchLine(String(x));
      if (typeof line !== 'string') throw new UsageError(`\`--slurm-extra\` ${line.problem}`, this.name);
      return line;
    });
    const modes = [slice && '--cells', jobs !== undefined && '--jobs', emit && '--emit'].filter(Boolean);
    if (modes.length > 1) throw new UsageError(`${modes.join(' and ')} cannot be combined`, this.name);
    // What a run, a sliced run and each slice share.
    const common = {
      file,
      study: str(v.study),
      out: str(v.out),
      cacheDir: str(v.cache),
      fresh: Boolean(v.fresh),
      scale,
      backend: str(v.backend),
      read,
    };
    if (emit || (jobs !== undefined && jobs > 1)) {
      return runSliced(
        {
          ...common,
          quiet: Boolean(v.quiet),
          format,
          emit: emitKind
            ? {
                kind: emitKind,
                tasks,
                time: str(v['slurm-time']),
                cpus: slurmCpus,
                mem: str(v['slurm-mem']),
                partition: str(v['slurm-partition']),
                account: str(v['slurm-account']),
                qos: str(v['slurm-qos']),
                extra: slurmExtra,
                maxConcurrent: parseCount(v['slurm-max-concurrent'], 'slurm-max-concurrent'),
                chainCollect: v['slurm-chain-collect'] === true,
              }
            : null,
          jobs: jobs ?? 1,
        },
        io,
      );
    }

    const reporter = createReporter({
      quiet: Boolean(v.quiet),
      write: io.stderr,
      tty: io.stderrIsTTY,
      columns: process.stderr.columns,
    });
    let sources = new Map<string, string>();
    // The signal terminates the runtime thread at once; the driver then sees the flag, marks
    // the manifest interrupted and returns.
    const signals = watchSignals((signal) => {
      io.stderr(
        `\ngtv run: ${signal === 'disconnect' ? 'parent process gone' : signal}, stopping (finished cells are cached)\n`,
      );
      void executor.interrupt();
    });
    const executor = runtimeExecutor(signals.raised);
    let outcome;
    try {
      const { runStudy } = await import('../../study/run.js');
      outcome = await runStudy(
        {
          ...common,
          slice,
          reporter,
          interrupted: signals.raised,
        },
        {
          compile: (f) => {
            const out = compileFile(f, nodeHostFor(f, read));
            sources = out.files;
            return out;
          },
          executor,
        },
      );
    } finally {
      signals.stop();
    }
    if (signals.raised() && !('runDir' in outcome)) {
      // Stopped before the run folder existed (while compiling or loading the runtime).
      io.stderr('gtv run: interrupted before the run started\n');
      return signals.exit();
    }
    const diagCode = reportDiagnostics(outcome.diagnostics, sources, format, io, 'stderr', null);
    switch (outcome.status) {
      case 'compile-errors':
        return diagCode;
      case 'usage':
        throw new UsageError(outcome.message, this.name);
      case 'busy':
        io.stderr(`gtv run: ${outcome.message}\n`);
        return EXIT_USAGE;
      case 'interrupted':
        io.stderr(`gtv run: interrupted; finished cells are cached, run again to resume (${outcome.runDir})\n`);
        return signals.exit();
      case 'failed':
      case 'missing': {
        // only cache-only runs (gtv collect) report missing cells
        const done = outcome.executed.length + outcome.cached.length;
        const resume = done > 0 ? `The ${done} cell(s) finished in this run are cached; run again to resume. ` : '';
        io.stderr(`gtv run: ${outcome.error}\n${resume}Manifest: ${outcome.runDir}/manifest.json\n`);
        return EXIT_USAGE;
      }
      case 'complete':
        io.stdout(`${outcome.runDir}\n`);
        return EXIT_OK;
      default: {
        const unhandled: never = outcome;
        throw new Error(`internal: unhandled outcome ${JSON.stringify(unhandled)}`);
      }
    }
  },
};
