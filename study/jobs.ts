// `gtv run --jobs N`: every slice of a plan in its own child process on this machine, each
// running `gtv run --cells i/N` exactly as a Slurm array task would. Processes rather than
// threads because a cell's runtime is one tfjs instance with global state; each child gets a
// share of the cores for its ensemble worker threads (GTV_THREADS) so the machine is not
// oversubscribed. A child's stderr (its progress and errors) goes to slices/<i>/log.txt.
// Each child also gets an IPC channel it never writes to: the system closes it when this parent
// dies, however it dies (even SIGKILL), and the child then stops its run (cli/run-process.ts).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Manifest } from './manifest.js';
import { MANIFEST_FILE } from './manifest.js';
import { type Plan, sliceArgs, sliceDir } from './plan.js';
import { formatDuration, type Reporter } from './progress.js';

export interface SliceJobsOptions {
  /** How to start gtv: node, its flags and the entry script (the running process's own). */
  command: string[];
  plan: Plan;
  runDir: string;
  /** Threads for each child's ensemble workers. */
  threadsPerSlice: number;
  env: NodeJS.ProcessEnv;
  reporter: Reporter;
  interrupted: () => boolean;
}

export interface SliceFailure {
  slice: number;
  /** Exit code, or the signal that ended the process. */
  exit: number | string;
  log: string;
  /** The last lines of the log, to show without opening it. */
  tail: string;
}

export interface SliceJobsResult {
  failures: SliceFailure[];
  interrupted: boolean;
}

/** Set in a slice's environment: stop when the IPC channel to the parent closes. */
export const EXIT_WITH_PARENT_ENV = 'GTV_EXIT_WITH_PARENT';

/** How often the interrupt flag is polled to forward a signal to the children. */
const POLL_MS = 50;
const TAIL_LINES = 5;

function tailOf(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
  } catch {
    return '';
  }
}

function countsOf(dir: string): string {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
    const mine = m.cells.filter((c) => c.status === 'done');
    return `${mine.filter((c) => c.from === 'computed').length} computed, ${mine.filter((c) => c.from === 'cache').length} from cache`;
  } catch {
    return 'no manifest';
  }
}

export async function runSliceProcesses(opts: SliceJobsOptions): Promise<SliceJobsResult> {
  const { plan, runDir, reporter } = opts;
  const [exe, ...pre] = opts.command;
  const failures: SliceFailure[] = [];
  const running = new Set<ReturnType<typeof spawn>>();
  let forwarded = false;
  // Ctrl-C reaches the parent; children run in their own process groups (detached) so they get
  // exactly one SIGINT, from here, and stop like a plain `gtv run`.
  const poll = setInterval(() => {
    if (!forwarded && opts.interrupted()) {
      forwarded = true;
      for (const c of running) c.kill('SIGINT');
    }
  }, POLL_MS);
  // If the parent dies at once (a second Ctrl-C), take the children with it.
  const killAll = (): void => {
    for (const c of running) c.kill('SIGKILL');
  };
  process.on('exit', killAll);
  const started = Date.now();
  reporter.info(
    `gtv run ${plan.study}: ${plan.cells} cell(s) in ${plan.slices} processes, ${opts.threadsPerSlice} thread(s) each -> ${runDir}`,
  );
  try {
    await Promise.all(
      Array.from({ length: plan.slices }, (_, k) => {
        const i = k + 1;
        const dir = sliceDir(runDir, i);
        fs.mkdirSync(dir, { recursive: true });
        const log = path.join(dir, 'log.txt');
        const fd = fs.openSync(log, 'w');
        const child = spawn(exe, [...pre, ...sliceArgs(plan, runDir, String(i))], {
          stdio: ['ignore', 'ignore', fd, 'ipc'],
          env: { ...opts.env, GTV_THREADS: String(opts.threadsPerSlice), [EXIT_WITH_PARENT_ENV]: '1' },
          detached: true,
        });
        running.add(child);
        return new Promise<void>((resolve) => {
          let ended = false;
          const done = (exit: number | string): void => {
            // A child that fails to start emits both 'error' and 'exit'.
            if (ended) return;
            ended = true;
            running.delete(child);
            fs.closeSync(fd);
            if (exit === 0)
              reporter.info(
                `slice ${i}/${plan.slices}: done (${countsOf(dir)}) after ${formatDuration(Date.now() - started)}`,
              );
            else if (forwarded) reporter.info(`slice ${i}/${plan.slices}: interrupted (${countsOf(dir)})`);
            else {
              failures.push({ slice: i, exit, log, tail: tailOf(log) });
              reporter.info(`slice ${i}/${plan.slices}: failed (exit ${exit}); log: ${log}`);
            }
            resolve();
          };
          child.on('error', (err) => {
            fs.writeSync(fd, `gtv: could not start ${exe}: ${err.message}\n`);
            done(-1);
          });
          child.on('exit', (code, signal) => done(code ?? signal ?? -1));
        });
      }),
    );
  } finally {
    clearInterval(poll);
    process.off('exit', killAll);
  }
  failures.sort((a, b) => a.slice - b.slice);
  return { failures, interrupted: forwarded };
}
