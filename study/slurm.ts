// `gtv run --emit slurm`: a Slurm job-array script whose task k runs slice k of the plan,
// the same `gtv run --cells k/n` command a `--jobs` child runs. Every path in it is absolute
// and it cds to the directory it was emitted from, so it can be submitted from anywhere and
// run on any node that shares the file system.
import * as path from 'node:path';
import { type Plan, SLICES_DIR, sliceArgs } from './plan.js';

export const SLURM_FILE = 'slurm.sh';

export interface SlurmOptions {
  /** node, its flags and the gtv entry script. */
  command: string[];
  /** Working directory the tasks cd to. */
  cwd: string;
  /** Passed through to `#SBATCH --time`, `--cpus-per-task`, `--mem` when given. */
  time?: string;
  cpus?: number;
  mem?: string;
}

/** POSIX single-quoting: safe for any path or name. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./=:,+%@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function slurmScript(plan: Plan, runDir: string, opts: SlurmOptions): string {
  const dir = path.resolve(runDir);
  const task = '${SLURM_ARRAY_TASK_ID}';
  // The task id must stay a shell expansion: quote every argument except the two that hold it.
  const args = sliceArgs(plan, dir, task).map((a) => (a.includes(task) ? `"${a.replace(/"/g, '\\"')}"` : shellQuote(a)));
  const sbatch = [
    `--job-name=${shellQuote(`gtv-${plan.study}`)}`,
    `--array=1-${plan.slices}`,
    // Slurm does not create folders for its logs; `gtv run --emit slurm` creates slices/<k>/.
    `--output=${shellQuote(path.join(dir, SLICES_DIR, '%a', 'log.txt'))}`,
    ...(opts.time !== undefined ? [`--time=${shellQuote(opts.time)}`] : []),
    ...(opts.cpus !== undefined ? [`--cpus-per-task=${opts.cpus}`] : []),
    ...(opts.mem !== undefined ? [`--mem=${shellQuote(opts.mem)}`] : []),
  ];
  return [
    '#!/bin/bash',
    `# gtv run --emit slurm: study ${plan.study}, ${plan.cells} cell(s) in ${plan.slices} array task(s).`,
    `# Submit with: sbatch ${shellQuote(path.join(dir, SLURM_FILE))}`,
    `# then assemble the run folder and report: gtv collect ${shellQuote(dir)}`,
    ...sbatch.map((o) => `#SBATCH ${o}`),
    'set -euo pipefail',
    `cd ${shellQuote(opts.cwd)}`,
    '# Ensemble worker threads: the CPUs Slurm gave this task.',
    'export GTV_THREADS="${SLURM_CPUS_PER_TASK:-1}"',
    `exec ${[...opts.command.map(shellQuote), ...args].join(' ')}`,
    '',
  ].join('\n');
}
