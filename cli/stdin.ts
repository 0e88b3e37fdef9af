// `-` for the study file: `gtv check -`, `gtv ir -` and `gtv fmt -` read the study from standard
// input. Diagnostics name it `<stdin>`, and it is compiled as if it were a file in the current
// directory: its imports resolve from there and the read policy's project root is the working
// directory's (compiler/read-policy.ts). The size limit for files a study reads applies too.
import { DEFAULT_MAX_FILE_BYTES, formatSize, type ReadOptions } from '../compiler/read-policy.js';
import { UsageError } from './exit.js';
import type { CliIo } from './io.js';

export const STDIN_ARG = '-';
export const STDIN_NAME = '<stdin>';

export async function readStdinStudy(io: CliIo, command: string, read: ReadOptions = {}): Promise<string> {
  if (!io.readStdin) throw new UsageError('standard input cannot be read here', command);
  const max = read.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const bytes = await io.readStdin(max);
  if (bytes === undefined)
    throw new UsageError(
      `standard input is larger than the ${formatSize(max)} limit for files a study reads (raise it with --max-file-size)`,
      command,
    );
  return bytes;
}

/** The files named, with `-` at most once (standard input can be read only once). */
export function checkStdinArgs(files: string[], command: string, alone: boolean): void {
  const n = files.filter((f) => f === STDIN_ARG).length;
  if (n > 1) throw new UsageError('`-` (standard input) can be named only once', command);
  if (n === 1 && alone && files.length > 1)
    throw new UsageError('`-` (standard input) cannot be combined with other files here', command);
}
