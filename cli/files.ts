// Input files named on the command line. A file that cannot be read is a usage error (exit 2),
// caught before compiling; missing *imports* are the checker's business (diagnostics, exit 1).
// The entry study is read under the same rules as everything a study reads (regular files only,
// the size limit), so `gtv check /dev/zero` fails at once instead of filling memory.
import { nodeHostFor } from '../compiler/host.js';
import type { ReadOptions } from '../compiler/read-policy.js';
import { UsageError } from './exit.js';

export function assertReadable(path: string, command: string, options: ReadOptions = {}): void {
  const read = nodeHostFor(path, options).readBytes(path);
  if (Buffer.isBuffer(read)) return;
  const m = read.message;
  if (m === 'is a directory')
    throw new UsageError(`\`${path}\` is a directory; name the .gtv files to ${command}`, command);
  if (m === 'does not exist') throw new UsageError(`cannot read \`${path}\`: no such file`, command);
  if (m.startsWith('cannot be read: '))
    throw new UsageError(`cannot read \`${path}\`: ${m.slice('cannot be read: '.length)}`, command);
  const more = read.failure === 'too-large' ? ' (raise it with --max-file-size)' : '';
  throw new UsageError(`cannot read \`${path}\`: it ${m}${more}`, command);
}
