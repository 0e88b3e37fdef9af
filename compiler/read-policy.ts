// What a study may read from disk. A study file may come from anyone (a pull request checked in
// CI, a file opened in an editor), and its imports and data paths are strings it chooses; without
// a policy `import "/proc/self/environ"` would print the environment in a diagnostic. So:
//   - imports and data files must resolve, after following symbolic links, below the project
//     root (the nearest folder above the entry study holding gtv.json, package.json or .git,
//     else the study's own folder) or below a folder allowed by whoever runs gtv (`--allow-read
//     DIR`, GTV_ALLOW_READ). The study's own files (gtv.json included) cannot widen this: an
//     untrusted repository would simply allow everything.
//   - only regular files are read (no devices, FIFOs, sockets, directories), each at most
//     `maxFileBytes` (default 64 MiB; `--max-file-size`, GTV_MAX_FILE_SIZE).
// The entry study itself is whatever the user named; the size and regular-file rules still apply.
import { existsSync, realpathSync } from 'node:fs';
import * as path from 'node:path';

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

/** What the person running gtv allows beyond the default policy. */
export interface ReadOptions {
  /** Extra folders imports and data files may come from. */
  allowRead?: string[];
  maxFileBytes?: number;
}

export interface ReadPolicy {
  /** The project root, as found (for messages). */
  projectRoot: string;
  /** Folders (absolute, both as written and with links resolved) whose contents may be read. */
  roots: string[];
  /** The entry study, absolute and resolved: always readable. */
  entry: string[];
  maxFileBytes: number;
}

const MARKERS = ['gtv.json', 'package.json', '.git'];

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** The nearest folder at or above `dir` holding a project marker, or `dir` itself. */
function markedAncestor(dir: string): string {
  for (let d = dir; ;) {
    if (MARKERS.some((m) => existsSync(path.join(d, m)))) return d;
    const up = path.dirname(d);
    if (up === d) return dir;
    d = up;
  }
}

/** The project root of the study at `entry`. */
export function projectRootOf(entry: string): string {
  return markedAncestor(path.dirname(real(path.resolve(entry))));
}

export function readPolicyFor(entry: string, opts: ReadOptions = {}): ReadPolicy {
  const abs = path.resolve(entry);
  const projectRoot = projectRootOf(entry);
  const lexicalRoot = markedAncestor(path.dirname(abs));
  const roots = new Set([projectRoot, lexicalRoot, real(lexicalRoot)]);
  for (const dir of opts.allowRead ?? []) {
    roots.add(path.resolve(dir));
    roots.add(real(path.resolve(dir)));
  }
  return {
    projectRoot,
    roots: [...roots],
    entry: [abs, real(abs)],
    maxFileBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
  };
}

/** `p` is `root` or inside it (both absolute). */
export function isBelow(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function allows(policy: ReadPolicy, abs: string): boolean {
  return policy.entry.includes(abs) || policy.roots.some((r) => isBelow(abs, r));
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `65536`, `64k`, `64M`, `1G` (binary units, case-insensitive, optional `B`/`iB`) -> bytes. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

export function formatSize(bytes: number): string {
  for (const [unit, f] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= f) return `${Number((bytes / f).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** Read options from the environment (for tools without flags of their own, like the language server). */
export function readOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): { options: ReadOptions; problems: string[] } {
  const options: ReadOptions = {};
  const problems: string[] = [];
  if (env.GTV_ALLOW_READ) options.allowRead = env.GTV_ALLOW_READ.split(path.delimiter).filter((d) => d !== '');
  if (env.GTV_MAX_FILE_SIZE) {
    const n = parseSize(env.GTV_MAX_FILE_SIZE);
    if (n === undefined)
      problems.push(`GTV_MAX_FILE_SIZE must be a size such as 64M or 1G (got \`${env.GTV_MAX_FILE_SIZE}\`)`);
    else options.maxFileBytes = n;
  }
  return { options, problems };
}

/** Command-line values override the environment's. */
export function mergeReadOptions(env: ReadOptions, flags: ReadOptions): ReadOptions {
  return {
    allowRead: [...(env.allowRead ?? []), ...(flags.allowRead ?? [])],
    maxFileBytes: flags.maxFileBytes ?? env.maxFileBytes,
  };
}
