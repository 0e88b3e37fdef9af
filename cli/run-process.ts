// What `gtv run` and its sliced forms (cli/commands/run-sliced.ts) share: the real runtime behind
// the study driver, and Ctrl-C / SIGTERM handling with the shell's exit code for a process
// stopped by that signal.
import { EXIT_WITH_PARENT_ENV } from '../study/jobs.js';
import { cellWorkerExecutor, type CellWorkerExecutor } from './cell-worker.js';

/** The shell's convention for a process stopped by SIGINT (128 + 2). */
export const EXIT_INTERRUPTED = 130;
/** ... and by SIGTERM (128 + 15). */
export const EXIT_TERMINATED = 143;

/**
 * The real runtime, in a worker thread (cell-worker.ts) so a signal stops a cell at once; cells
 * run on the backend resolved once for the whole run. `interrupted` is the run's signal flag.
 */
export function runtimeExecutor(interrupted?: () => boolean): CellWorkerExecutor {
  return cellWorkerExecutor(interrupted);
}

export interface SignalWatch {
  stop(): void;
  raised(): boolean;
  /** The exit code for the first signal: 130 for SIGINT, 143 for SIGTERM or a lost parent. */
  exitCode(): number;
  /** Ends the process with exitCode() once the run has recorded its interruption. Leaving it to
   * the event loop would wait for the terminated runtime thread to free its heap (hundreds of ms
   * on a busy machine). Without a signal it returns the code as any command does (in-process
   * tests never raise one). */
  exit(): number;
}

/** A signal that arrived between catchEarlySignals and watchSignals, and how to stop catching. */
let early: { signal: NodeJS.Signals | null; stop(): void } | null = null;

/**
 * From the start of `gtv run` (cli/main.ts starts the runtime thread before loading the
 * commands) until watchSignals takes over, SIGINT and SIGTERM are held for it rather than left to
 * kill the process: Ctrl-C at any moment of a run gives the same exit code and message. A second
 * signal in that window exits at once.
 */
export function catchEarlySignals(): void {
  const state = {
    signal: null as NodeJS.Signals | null,
    stop: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
  const on = (signal: NodeJS.Signals): void => {
    if (state.signal !== null) process.exit(state.signal === 'SIGINT' ? EXIT_INTERRUPTED : EXIT_TERMINATED);
    state.signal = signal;
  };
  const onInt = (): void => on('SIGINT');
  const onTerm = (): void => on('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  early = state;
}

/** Ends catchEarlySignals' catching (if on) and returns the signal it held, if any. */
export function stopEarlySignals(): NodeJS.Signals | null {
  const held = early?.signal ?? null;
  early?.stop();
  early = null;
  return held;
}

/**
 * SIGINT / SIGTERM stop the run: `onFirst` runs once (it terminates the runtime thread and says
 * so); a second signal exits at once. A process started by a `--jobs` parent (study/jobs.ts)
 * has an IPC channel to it; when the parent dies the channel closes and the run stops the same
 * way, so no slice outlives its parent.
 */
export function watchSignals(onFirst: (signal: NodeJS.Signals | 'disconnect') => void): SignalWatch {
  let first: NodeJS.Signals | 'disconnect' | null = null;
  const code = (): number => (first === 'SIGINT' ? EXIT_INTERRUPTED : EXIT_TERMINATED);
  const handle = (signal: NodeJS.Signals | 'disconnect'): void => {
    if (first !== null) process.exit(code());
    first = signal;
    onFirst(signal);
  };
  const onInt = (): void => handle('SIGINT');
  const onTerm = (): void => handle('SIGTERM');
  const onDisconnect = (): void => handle('disconnect');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const pending = stopEarlySignals();
  // Handled once the caller holds what onFirst stops (the executor is made after this returns).
  if (pending !== null) setImmediate(() => handle(pending));
  // Only a slice's channel: another parent's (e.g. a test runner's) is none of gtv's business.
  // The channel must not keep this process alive; 'disconnect' still fires when it closes. A
  // parent that died before this point has left a closed channel (process.send stays defined).
  if (process.env[EXIT_WITH_PARENT_ENV] === '1' && typeof process.send === 'function') {
    if (!process.connected) setImmediate(onDisconnect);
    else {
      process.on('disconnect', onDisconnect);
      process.channel?.unref();
    }
  }
  return {
    stop: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('disconnect', onDisconnect);
    },
    raised: () => first !== null,
    exitCode: code,
    exit: () => (first !== null ? process.exit(code()) : code()),
  };
}
