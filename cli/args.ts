// A thin layer over node:util parseArgs: per-command `--help`, and short messages instead of
// parseArgs' long ones.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Command } from './commands/command.js';
import type { CliIo } from './io.js';
import { UsageError } from './exit.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** Parses a command's arguments; returns undefined after printing help for `--help`. */
export function parseCommandArgs(
  cmd: Command,
  args: string[],
  options: Options,
  io: CliIo,
): ParsedArgs | undefined {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(shortParseError(e), cmd.name);
  }
  if (parsed.values.help) {
    io.stdout(commandHelp(cmd));
    return undefined;
  }
  return parsed;
}

function shortParseError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const option = /'(-[^']*)'/.exec(err.message ?? '')?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option \`${option ?? '?'}\``;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return option ? `option \`${option}\` needs a value` : (err.message ?? 'invalid option value');
    default:
      return err.message ?? String(e);
  }
}

export function commandHelp(cmd: Command): string {
  const lines = [`Usage: gtv ${cmd.name} ${cmd.synopsis}`, '', cmd.summary];
  const options = [...(cmd.options ?? []), '-h, --help            show this help'];
  lines.push('', 'Options:', ...options.map((o) => `  ${o}`));
  return lines.join('\n') + '\n';
}

/** The value of a `--format`-style option, checked against its choices. */
export function choice<T extends string>(
  value: unknown,
  choices: readonly T[],
  option: string,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`\`--${option}\` must be one of ${choices.join(', ')} (got \`${String(value)}\`)`);
}
