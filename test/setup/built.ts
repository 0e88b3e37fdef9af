// The tests that start gtv as a process run the build (bin/gtv.js -> dist/), as a user does:
// through tsx every such process would first compile the sources again (about 1.6 s of CPU per
// `gtv run`). Loaded by mocha before the test files (.mocharc.json `require`), this module keeps
// dist/ in step with the sources: when a source file is newer than the build, it runs `npm run
// build`, which also regenerates the IR schema and validator that the in-process tests import, so
// it must happen before they load, not in a hook.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** bin/gtv.js: the command a spawned test runs with process.execPath. */
export const GTV_BIN = join(ROOT, 'bin', 'gtv.js');

const BUILT = join(ROOT, 'dist', 'cli', 'main.js');
const SOURCES = ['grammar', 'compiler', 'runtime', 'stdlib', 'cli', 'study', 'editor', 'scripts', 'tsconfig.json'];

/** The newest modification time (ms) of the files under `p`, node_modules excluded. */
function newest(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const e of readdirSync(p)) if (e !== 'node_modules') t = Math.max(t, newest(join(p, e)));
  return t;
}

function builtAt(): number {
  try {
    return statSync(BUILT).mtimeMs;
  } catch {
    return -Infinity;
  }
}

const source = Math.max(...SOURCES.map((s) => newest(join(ROOT, s))));
if (builtAt() < source) {
  console.log('  dist/ is older than the sources: npm run build');
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
}
