// Input files named on the command line. A file that cannot be read is a usage error (exit 2),
// caught before compiling; missing *imports* are the checker's business (diagnostics, exit 1).
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from './exit.js';

export function assertReadable(path: string, command: string): void {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
    if (!isDir) readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw new UsageError(`cannot read \`${path}\`: ${why}`, command);
  }
  if (isDir) throw new UsageError(`\`${path}\` is a directory; name the .gtv files to ${command}`, command);
}
