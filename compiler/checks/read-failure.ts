// How a file the host would not read is reported, for imports and data files alike.
import { SEM } from '../codes/semantic.js';
import type { ReadFailure } from '../host.js';

/** A plain missing file keeps the short "cannot find" wording and its hint about relative paths. */
export const isMissing = (f: ReadFailure) => f.failure === 'not-found' && f.message === 'does not exist';

/** The code of a read failure; `notFound` is the caller's code for missing and unreadable files. */
export function readCode(f: ReadFailure, notFound: string = SEM.importNotFound): string {
  return f.failure === 'not-allowed' ? SEM.readNotAllowed : f.failure === 'too-large' ? SEM.fileTooLarge : notFound;
}

export function readHint(f: ReadFailure): string | undefined {
  if (f.failure === 'not-allowed')
    return 'a study reads files below its project root (the folder holding gtv.json, package.json or .git); `--allow-read DIR` allows another folder';
  if (f.failure === 'too-large') return 'raise the limit with `--max-file-size` (e.g. 512M) or GTV_MAX_FILE_SIZE';
  if (f.failure === 'not-regular') return 'studies read regular files only';
  return undefined;
}
