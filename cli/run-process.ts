// What `gtv run` and its sliced forms (cli/commands/run-sliced.ts) share: the real runtime behind
// the study driver, and Ctrl-C handling with the shell's exit code for an interrupted process.
import type { Executor } from '../study/run.js';

/** The shell's convention for a process stopped by SIGINT (128 + 2). */
export const EXIT_INTERRUPTED = 130;

/**
 * The real runtime; cells run on the backend resolved once for the whole run. Loaded on demand:
 * tfjs and the plotting stack take about a second to import, which no other command should pay.
 */
export async function runtimeExecutor(): Promise<Executor> {
  const { executeCell, selectBackend } = await import('../runtime/index.js');
  let backend: string | undefined;
  return {
    async resolveBackend(requested) {
      backend = await selectBackend(requested);
      return backend;
    },
    executeCell: (doc, cell, opts) => executeCell(doc, cell, { ...opts, backend }),
  };
}

/** Ctrl-C / SIGTERM ask the run to stop between chunks; a second Ctrl-C stops at once. */
export function watchSignals(onFirst: () => void): { stop(): void; raised(): boolean } {
  let count = 0;
  const handler = (): void => {
    count++;
    if (count === 1) onFirst();
    else process.exit(EXIT_INTERRUPTED);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    stop: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
    raised: () => count > 0,
  };
}
