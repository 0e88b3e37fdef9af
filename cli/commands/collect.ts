// `gtv collect RUN_DIR`: assemble the run folder of a plan (`gtv run --jobs N` or
// `--emit slurm`) from the cells its slices put in the cache: cell folders, metrics table, plots,
// report.html and a complete manifest. It never executes a cell, so it needs no runtime; a cell
// missing from the cache is an error naming the slice that computes it.
import { compileFile } from '../../compiler/driver.js';
import { nodeHostFor } from '../../compiler/host.js';
import type { ReadOptions } from '../../compiler/read-policy.js';
import type { Plan } from '../../study/plan.js';
import { createReporter } from '../../study/progress.js';
import type { Executor } from '../../study/run.js';
import { parseCommandArgs } from '../args.js';
import { applyReadOptions, READ_HELP, READ_OPTIONS } from '../read-options.js';
import { EXIT_OK, EXIT_USAGE, UsageError } from '../exit.js';
import type { CliIo } from '../io.js';
import { FORMAT_HELP, FORMAT_OPTION, FORMATS, formatOf, reportDiagnostics, type Format } from '../report.js';
import type { Command } from './command.js';

/** Stands in for the runtime: the plan pins the backend, and nothing is executed. */
function cacheOnlyExecutor(): Executor {
  return {
    resolveBackend: async (requested) => requested ?? 'unknown',
    executeCell: () => Promise.reject(new Error('gtv collect executes no cells')),
  };
}

/** Runs the cache-only step into `runDir`; returns the exit code. Shared with `gtv run --jobs`,
 * which has shown the study's warnings already (`warned`). */
export async function collectRun(
  runDir: string,
  plan: Plan,
  quiet: boolean,
  format: Format,
  io: CliIo,
  command: string,
  warned = false,
  read: ReadOptions = {},
): Promise<number> {
  const { runStudy } = await import('../../study/run.js');
  const { describeMissing } = await import('../../study/plan.js');
  let sources = new Map<string, string>();
  const outcome = await runStudy(
    {
      file: plan.study_file,
      study: plan.study,
      out: runDir,
      cacheDir: plan.cache,
      scale: plan.scale,
      backend: plan.backend,
      cacheOnly: true,
      expectStudyHash: plan.study_hash,
      reporter: createReporter({ quiet, write: io.stderr, tty: io.stderrIsTTY, columns: process.stderr.columns }),
    },
    {
      compile: (f) => {
        const out = compileFile(f, nodeHostFor(f, read));
        sources = out.files;
        return out;
      },
      executor: cacheOnlyExecutor(),
    },
  );
  const repeat = warned && !outcome.diagnostics.some((d) => d.severity === 'error');
  const diagCode = repeat ? EXIT_OK : reportDiagnostics(outcome.diagnostics, sources, format, io, 'stderr', null);
  switch (outcome.status) {
    case 'compile-errors':
      return diagCode;
    case 'usage':
      throw new UsageError(outcome.message, command);
    case 'busy':
      io.stderr(`gtv ${command}: ${outcome.message}\n`);
      return EXIT_USAGE;
    case 'missing':
      io.stderr(
        `gtv ${command}: ${outcome.missing.length} of ${plan.cells} cell(s) are not in the cache ${plan.cache}:\n` +
          describeMissing(outcome.missing, plan)
            .map((line) => `  ${line}\n`)
            .join('') +
          `Run those slices (\`gtv run ${plan.study_file} --cells i/${plan.slices} ...\`, as in the plan's slurm.sh or a --jobs child), then collect again.\n`,
      );
      return EXIT_USAGE;
    case 'interrupted':
    case 'failed':
      io.stderr(`gtv ${command}: ${outcome.error}\nManifest: ${outcome.runDir}/manifest.json\n`);
      return EXIT_USAGE;
    case 'complete':
      io.stdout(`${outcome.runDir}\n`);
      return EXIT_OK;
    default: {
      const unhandled: never = outcome;
      throw new Error(`internal: unhandled outcome ${JSON.stringify(unhandled)}`);
    }
  }
}

export const collectCommand: Command = {
  name: 'collect',
  synopsis: '[options] RUN_DIR',
  summary: 'Assemble the run folder and report of a sliced run (--jobs, --emit slurm) from the cache.',
  options: ['-q, --quiet           no progress output', FORMAT_HELP, ...READ_HELP],
  values: { format: FORMATS },
  async run(args, io) {
    const parsed = parseCommandArgs(
      this,
      args,
      { quiet: { type: 'boolean', short: 'q' }, format: FORMAT_OPTION, ...READ_OPTIONS },
      io,
    );
    if (!parsed) return EXIT_OK;
    const [runDir, ...extra] = parsed.positionals;
    if (runDir === undefined) throw new UsageError('missing RUN_DIR argument', this.name);
    if (extra.length > 0) throw new UsageError('`gtv collect` takes one run folder', this.name);
    const read = applyReadOptions(parsed.values, this.name);
    const { readPlan } = await import('../../study/plan.js');
    let plan: Plan;
    try {
      plan = readPlan(runDir);
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err), this.name);
    }
    return collectRun(
      runDir,
      plan,
      Boolean(parsed.values.quiet),
      formatOf(parsed.values.format),
      io,
      this.name,
      false,
      read,
    );
  },
};
