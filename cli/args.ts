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
      args: attachNegativeValues(args, options),
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

/**
 * `--scale -1` and `--cells -1/2`: parseArgs takes a value starting with `-` for an option and
 * gives up ("needs a value"); joining them as `--scale=-1` lets the command say why the value
 * is invalid and what is allowed.
 */
function attachNegativeValues(args: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : a.length === 2 && a.startsWith('-') ? Object.keys(options).find((k) => options[k].short === a[1]) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
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
