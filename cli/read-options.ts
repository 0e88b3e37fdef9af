// `--allow-read DIR` and `--max-file-size SIZE`: what the person running gtv lets a study read
// beyond the default policy (compiler/read-policy.ts). The values go into GTV_ALLOW_READ and
// GTV_MAX_FILE_SIZE of this process, which every compile reads, so the processes a run starts
// (`--jobs`) apply the same policy.
import * as path from 'node:path';
import { parseSize, readOptionsFromEnv, type ReadOptions } from '../compiler/read-policy.js';
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
  const allow = values['allow-read'];
  if (Array.isArray(allow)) {
    const dirs = allow.map(String);
    if (dirs.some((d) => d.trim() === '')) throw new UsageError('`--allow-read` needs a folder', command);
    const before = process.env.GTV_ALLOW_READ ? [process.env.GTV_ALLOW_READ] : [];
    process.env.GTV_ALLOW_READ = [...before, ...dirs.map((d) => path.resolve(d))].join(path.delimiter);
  }
  const size = values['max-file-size'];
  if (size !== undefined) {
    if (typeof size !== 'string' || parseSize(size) === undefined) {
      throw new UsageError(`\`--max-file-size\` must be a size such as 65536, 64M or 1G (got \`${String(size)}\`)`, command);
    }
    process.env.GTV_MAX_FILE_SIZE = size;
  }
  const { options, problems } = readOptionsFromEnv();
  if (problems.length > 0) throw new UsageError(problems[0], command);
  return options;
}
