import type { CliIo } from '../io.js';

/** One `gtv <name>` subcommand; each lives in its own file and is listed in commands/index.ts. */
export interface Command {
  name: string;
  /** Argument synopsis after the name, e.g. `[options] FILE...`. */
  synopsis: string;
  /** One line for `gtv --help`. */
  summary: string;
  /** Option lines for `gtv <name> --help` (already formatted). */
  options?: string[];
  /** Fixed values for shell completion, by option long name; '' holds those of the arguments. */
  values?: Readonly<Record<string, readonly string[]>>;
  /** Returns the exit code; throws UsageError for a bad invocation. */
  run(args: string[], io: CliIo): Promise<number>;
}
