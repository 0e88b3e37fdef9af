// Golden tests: every test/golden/bad/NAME.gtv is checked with `gtv check` (human format, no
// colour) and its output must equal NAME.out byte for byte. Files in subfolders (e.g. lib/) are
// helpers that the bad files import, not cases of their own. NAME.args, when present, holds extra
// options for `gtv check` (e.g. a small --max-file-size).
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CODES } from '../../compiler/codes/index.js';
import { runCli } from '../cli/capture.js';
import { expectFile } from './expect-file.js';

const DIR = 'test/golden/bad';
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.gtv'))
  .sort();

/**
 * Codes no source file can trigger: internal failures (the `internal-*` codes) and the GTV09xx
 * block, which the runtime raises on IR, not the checker on source.
 */
const reachableFromSource = (code: { code: string; name: string }) =>
  !code.name.startsWith('internal-') && code.code < 'GTV0900';

describe('golden diagnostics (test/golden/bad)', () => {
  const outputs = new Map<string, string>();

  for (const file of cases) {
    it(file, async () => {
      const argsFile = join(DIR, file.replace(/\.gtv$/, '.args'));
      const extra = existsSync(argsFile) ? readFileSync(argsFile, 'utf8').trim().split(/\s+/) : [];
      const r = await runCli(['check', ...extra, `${DIR}/${file}`]);
      expect(r.stderr, 'gtv check wrote to stderr').to.equal('');
      expect(r.code, 'a bad file must produce diagnostics').to.be.oneOf([0, 1]);
      expect(r.stdout).not.to.contain('no problems');
      outputs.set(file, r.stdout);
      expectFile(join(DIR, file.replace(/\.gtv$/, '.out')), r.stdout);
    });
  }

  it('has no expectation without its .gtv file', () => {
    const orphans = readdirSync(DIR)
      .filter((f) => f.endsWith('.out') || f.endsWith('.args'))
      .filter((f) => !cases.includes(f.replace(/\.(out|args)$/, '.gtv')));
    expect(orphans).to.deep.equal([]);
  });

  it('covers every registered diagnostic code that source can trigger', () => {
    const all = cases.map((f) => readFileSync(join(DIR, f.replace(/\.gtv$/, '.out')), 'utf8')).join('\n');
    const missing = ALL_CODES.filter(reachableFromSource)
      .map((c) => c.code)
      .filter((code) => !all.includes(`[${code}]`));
    expect(missing, 'add a bad file to test/golden/bad for each of these codes').to.deep.equal([]);
  });
});
