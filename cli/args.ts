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
export function parseCommandArgs(cmd: Command, args: string[], options: Options, io: CliIo): ParsedArgs | undefined {
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
 * `--scale -1`, `--cells -1/2` and `--slurm-extra --gres=gpu:1`: parseArgs takes a value starting
 * with `-` for an option and gives up ("needs a value"). Like getopt, a string option takes the
 * next word as its value, unless that word is one of the command's own options (then the value
 * was forgotten, and parseArgs says so); joined as `--scale=-1`, the command can say why the
 * value is invalid and what is allowed.
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
    const name = a.startsWith('--')
      ? a.slice(2)
      : a.length === 2 && a.startsWith('-')
        ? Object.keys(options).find((k) => options[k].short === a[1])
        : undefined;
    if (
      name !== undefined &&
      options[name]?.type === 'string' &&
      next !== undefined &&
      next.startsWith('-') &&
      !isOwnOption(next, options)
    ) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function isOwnOption(word: string, options: Options): boolean {
  if (/^-[\d.]/.test(word)) return false;
  if (word === '--' || word === '-h' || word === '--help') return true;
  if (word.startsWith('--')) return word.slice(2).split('=')[0] in options;
  return word.length === 2 && Object.values(options).some((o) => o.short === word[1]);
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
  command?: string,
): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`\`--${option}\` must be one of ${choices.join(', ')} (got \`${String(value)}\`)`, command);
}
