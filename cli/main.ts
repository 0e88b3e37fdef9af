// The `gtv` entry point (bin/gtv.js calls main). Dispatches to cli/commands/, and is the one
// place that turns failures into exit codes: usage errors, environment problems (file-system
// errors such as a full disk, named with their path) and internal errors exit 2, with a short
// message; a stack trace only with GTV_DEBUG=1.
import type { Command } from './commands/command.js';
import { startRuntimeThread } from './cell-worker.js';
import { catchEarlySignals, stopEarlySignals } from './run-process.js';
import { fsProblem } from '../study/fs-errors.js';
import { BUG_HINT, EXIT_OK, EXIT_USAGE, UsageError } from './exit.js';
import { processIo, type CliIo } from './io.js';
import { gtvVersion } from './version.js';

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return guarded(io, () => dispatch(argv, io));
}

/** Runs a command body, turning what it throws into a message and exit code 2. */
export async function guarded(io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) {
      const help = e.command ? `gtv ${e.command} --help` : 'gtv --help';
      io.stderr(`gtv: ${e.message}\n(see \`${help}\`)\n`);
      return EXIT_USAGE;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    const env = fsProblem(err);
    if (env) {
      io.stderr(`gtv: ${env}\n${io.env.GTV_DEBUG === '1' ? `${err.stack ?? ''}\n` : ''}`);
      return EXIT_USAGE;
    }
    io.stderr(
      `gtv: internal error: ${err.message}\n` +
        BUG_HINT +
        (io.env.GTV_DEBUG === '1' ? `${err.stack ?? ''}\n` : 'Set GTV_DEBUG=1 to print the stack trace.\n'),
    );
    return EXIT_USAGE;
  }
}

/** The commands, loaded on demand: they pull in the compiler (chevrotain builds its parser as it
 * loads), prettier and the study driver, which `--version` does not need and `run` need not wait for. */
async function commands(): Promise<readonly Command[]> {
  return (await import('./commands/index.js')).COMMANDS;
}

/** Whether `gtv run ARGS` computes cells in this process: not for help, nor as the parent of
 * `--jobs` or `--emit` (a misread flag costs one idle thread start, nothing else). */
function runsCellsHere(args: string[]): boolean {
  return !args.some((a) => /^(-h|--help|--jobs|--emit)(=|$)|^-[a-z]*j/.test(a));
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  // Every run needs the runtime thread first (the backend it resolves is part of each cell's
  // cache key); it loads tfjs and the runtime (about 0.4 s) while this thread loads the compiler.
  if (first === 'run' && runsCellsHere(rest)) {
    catchEarlySignals();
    startRuntimeThread();
  }
  try {
    return await command(first, rest, io);
  } finally {
    stopEarlySignals(); // a run that ended before watching signals itself (a usage error)
  }
}

async function command(first: string | undefined, rest: string[], io: CliIo): Promise<number> {
  if (first === '--version' || first === '-V') {
    io.stdout(`gtv ${gtvVersion()}\n`);
    return EXIT_OK;
  }
  const COMMANDS = await commands();
  if (first === undefined) {
    io.stderr(globalHelp(COMMANDS));
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout(globalHelp(COMMANDS));
    return EXIT_OK;
  }
  const cmd = COMMANDS.find((c) => c.name === first);
  if (!cmd) {
    if (first.startsWith('-')) throw new UsageError(`unknown option \`${first}\``);
    const near = COMMANDS.find((c) => editDistance(c.name, first) <= 2);
    throw new UsageError(`unknown command \`${first}\`${near ? `; did you mean \`${near.name}\`?` : ''}`);
  }
  return cmd.run(rest, io);
}

function globalHelp(COMMANDS: readonly Command[]): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.synopsis}`.length));
  return [
    'gtv: declarative studies of how diffusion models generalize through variance',
    '',
    'Usage: gtv <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${`${c.name} ${c.synopsis}`.padEnd(width)}   ${c.summary}`),
    '',
    'Options:',
    '  -h, --help      show this help (`gtv <command> --help` for one command)',
    '  -V, --version   print the version',
    '',
    'Exit codes: 0 ok or warnings only, 1 errors in the input (for `gtv diff`: the two differ),',
    '2 usage error, environment problem (disk full, permission denied) or internal error,',
    '130 / 143 `gtv run` interrupted by SIGINT / SIGTERM (finished cells stay cached).',
    '',
    'A FILE of `-` reads the study from standard input (check, ir, fmt). Colour: NO_COLOR turns it',
    'off, FORCE_COLOR on (also on a pipe); `gtv completion bash|zsh|fish` prints the completion script.',
    '',
  ].join('\n');
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}
