// `--allow-read DIR` and `--max-file-size SIZE`: what the person running gtv lets a study read
// beyond the default policy (compiler/read-policy.ts), added to GTV_ALLOW_READ and
// GTV_MAX_FILE_SIZE. Commands pass the result to every compile; the processes a run starts
// (`--jobs`) get it back through those variables (readEnv).
import * as path from 'node:path';
import { mergeReadOptions, parseSize, readOptionsFromEnv, type ReadOptions } from '../compiler/read-policy.js';
import { UsageError } from './exit.js';

export const READ_OPTIONS = {
  'allow-read': { type: 'string', multiple: true },
  'max-file-size': { type: 'string' },
} as const;

export const READ_HELP = [
  '    --allow-read DIR  also let the study import or read data files below DIR (repeatable;',
  '                      by default only below its project root)',
  '    --max-file-size S the largest file a study may read, e.g. 64M (the default) or 1G',
];

export function applyReadOptions(values: Record<string, unknown>, command: string): ReadOptions {
  const { options: env, problems } = readOptionsFromEnv();
  if (problems.length > 0) throw new UsageError(problems[0], command);
  const flags: ReadOptions = {};
  const allow = values['allow-read'];
  if (Array.isArray(allow)) {
    if (allow.some((d) => String(d).trim() === '')) throw new UsageError('`--allow-read` needs a folder', command);
    flags.allowRead = allow.map((d) => path.resolve(String(d)));
  }
  const size = values['max-file-size'];
  if (size !== undefined) {
    const bytes = typeof size === 'string' ? parseSize(size) : undefined;
    if (bytes === undefined)
      throw new UsageError(
        `\`--max-file-size\` must be a size such as 65536, 64M or 1G (got \`${String(size)}\`)`,
        command,
      );
    flags.maxFileBytes = bytes;
  }
  return mergeReadOptions(env, flags);
}

/** The environment variables that carry `read` to a child gtv process. */
export function readEnv(read: ReadOptions): Record<string, string> {
  const env: Record<string, string> = {};
  if (read.allowRead && read.allowRead.length > 0)
    env.GTV_ALLOW_READ = read.allowRead.map((d) => path.resolve(d)).join(path.delimiter);
  if (read.maxFileBytes !== undefined) env.GTV_MAX_FILE_SIZE = String(read.maxFileBytes);
  return env;
}
