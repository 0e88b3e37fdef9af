// `gtv run --emit slurm`: a Slurm job-array script whose task k runs slice k of the plan,
// the same `gtv run --cells k/n` command a `--jobs` child runs. Every path in it is absolute
// and it cds to the directory it was emitted from, so it can be submitted from anywhere and
// run on any node that shares the file system. With `chainCollect`, a collect job script and a
// submit script that queues the array and then the collect job with `--dependency=afterok`, so
// one command runs the whole study. `--emit commands` prints the same slice commands, one per
// line, for any other scheduler.
import * as path from 'node:path';
import { type Plan, SLICES_DIR, sliceArgs } from './plan.js';

export const SLURM_FILE = 'slurm.sh';
export const COLLECT_FILE = 'collect.sh';
export const SUBMIT_FILE = 'submit.sh';

export interface SlurmOptions {
  /** node, its flags and the gtv entry script. */
  command: string[];
  /** Working directory the tasks cd to. */
  cwd: string;
  /** Passed through to `#SBATCH --time`, `--cpus-per-task`, `--mem` when given. */
  time?: string;
  cpus?: number;
  mem?: string;
  /** `#SBATCH --partition`, `--account`, `--qos` (array and collect job alike). */
  partition?: string;
  account?: string;
  qos?: string;
  /** Further `#SBATCH` lines as written after `#SBATCH ` (array and collect job alike). */
  extra?: string[];
  /** At most this many array tasks at once (`--array=1-n%N`). */
  maxConcurrent?: number;
  /** Variables the tasks need (what `--allow-read` and `--max-file-size` allowed). */
  env?: Record<string, string>;
}

const exports = (opts: SlurmOptions) => Object.entries(opts.env ?? {}).map(([k, v]) => `export ${k}=${shellQuote(v)}`);

/** POSIX single-quoting: safe for any path or name. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./=:,+%@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A `--slurm-extra` value as the text after `#SBATCH `, or why it cannot be one. */
export function sbatchLine(value: string): string | { problem: string } {
  const line = value.trim().replace(/^#SBATCH\s+/, '');
  if (/[\r\n]/.test(line)) return { problem: 'must be one line' };
  if (!line.startsWith('-')) return { problem: `must be an sbatch option such as \`--gres=gpu:1\` (got \`${value}\`)` };
  return line;
}

/** The #SBATCH options every job of the study shares: where it queues and what it is charged to. */
function placement(opts: SlurmOptions): string[] {
  return [
    ...(opts.partition !== undefined ? [`--partition=${shellQuote(opts.partition)}`] : []),
    ...(opts.account !== undefined ? [`--account=${shellQuote(opts.account)}`] : []),
    ...(opts.qos !== undefined ? [`--qos=${shellQuote(opts.qos)}`] : []),
  ];
}

export function slurmScript(plan: Plan, runDir: string, opts: SlurmOptions): string {
  const dir = path.resolve(runDir);
  const task = '${SLURM_ARRAY_TASK_ID}';
  // The task id must stay a shell expansion: quote every argument except the two that hold it.
  const args = sliceArgs(plan, dir, task).map((a) =>
    a.includes(task) ? `"${a.replace(/"/g, '\\"')}"` : shellQuote(a),
  );
  const sbatch = [
    `--job-name=${shellQuote(`gtv-${plan.study}`)}`,
    `--array=1-${plan.slices}${opts.maxConcurrent !== undefined ? `%${opts.maxConcurrent}` : ''}`,
    // Slurm does not create folders for its logs; `gtv run --emit slurm` creates slices/<k>/.
    `--output=${shellQuote(path.join(dir, SLICES_DIR, '%a', 'log.txt'))}`,
    ...(opts.time !== undefined ? [`--time=${shellQuote(opts.time)}`] : []),
    ...(opts.cpus !== undefined ? [`--cpus-per-task=${opts.cpus}`] : []),
    ...(opts.mem !== undefined ? [`--mem=${shellQuote(opts.mem)}`] : []),
    ...placement(opts),
    ...(opts.extra ?? []),
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
    ...exports(opts),
    `exec ${[...opts.command.map(shellQuote), ...args].join(' ')}`,
    '',
  ].join('\n');
}

/** The job that runs `gtv collect` once the array has finished (one CPU; plots and report). */
export function collectScript(plan: Plan, runDir: string, opts: SlurmOptions): string {
  const dir = path.resolve(runDir);
  const sbatch = [
    `--job-name=${shellQuote(`gtv-${plan.study}-collect`)}`,
    `--output=${shellQuote(path.join(dir, 'collect-log.txt'))}`,
    ...(opts.mem !== undefined ? [`--mem=${shellQuote(opts.mem)}`] : []),
    ...placement(opts),
    ...(opts.extra ?? []),
  ];
  return [
    '#!/bin/bash',
    `# gtv run --emit slurm --slurm-chain-collect: assembles the run folder and report of study ${plan.study}`,
    `# after its array job; ${SUBMIT_FILE} queues it with --dependency=afterok.`,
    ...sbatch.map((o) => `#SBATCH ${o}`),
    'set -euo pipefail',
    `cd ${shellQuote(opts.cwd)}`,
    ...exports(opts),
    `exec ${[...opts.command.map(shellQuote), 'collect', shellQuote(dir)].join(' ')}`,
    '',
  ].join('\n');
}

/** Queues the array, then the collect job to start only if every array task succeeded. */
export function submitScript(runDir: string): string {
  const dir = path.resolve(runDir);
  return [
    '#!/bin/bash',
    '# gtv run --emit slurm --slurm-chain-collect: queue the array job and the collect job after it.',
    'set -euo pipefail',
    // --parsable prints "jobid" or "jobid;cluster".
    `array=$(sbatch --parsable ${shellQuote(path.join(dir, SLURM_FILE))})`,
    'array="${array%%;*}"',
    `collect=$(sbatch --parsable --dependency="afterok:\${array}" --kill-on-invalid-dep=yes ${shellQuote(path.join(dir, COLLECT_FILE))})`,
    'collect="${collect%%;*}"',
    `echo "array job \${array}; collect job \${collect} runs after it succeeds (log: ${path.join(dir, 'collect-log.txt').replace(/["$`\\]/g, '\\$&')})"`,
    '',
  ].join('\n');
}

/** `--emit commands`: one shell line per slice, runnable from any directory, for schedulers other than Slurm. */
export function sliceCommands(
  plan: Plan,
  runDir: string,
  opts: Pick<SlurmOptions, 'command' | 'cwd' | 'env'>,
): string[] {
  const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`);
  const lines: string[] = [];
  for (let k = 1; k <= plan.slices; k++) {
    const argv = [...opts.command, ...sliceArgs(plan, path.resolve(runDir), String(k))].map(shellQuote);
    lines.push(`cd ${shellQuote(opts.cwd)} && ${[...env, ...argv].join(' ')}`);
  }
  return lines;
}
