// `gtv fmt` end to end through the CLI entry point: exit codes, what --check lists, that files
// are rewritten only without --check, and syntax errors reported as in `gtv check`.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/capture.js';

const FORMATTED = 'study s {\n  seed = 1\n  let w = 0.5 * 2 # half of two\n}\n';
const UNFORMATTED = 'study s {  seed=1\n let w=0.5*2 # half of two\n}';

function files(): { dir: string; good: string; messy: string; broken: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gtv-fmt-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  return {
    dir,
    good: write('good.gtv', FORMATTED),
    messy: write('messy.gtv', UNFORMATTED),
    broken: write('broken.gtv', 'study s {\n  seed = = 1\n}\n'),
  };
}

describe('gtv fmt', () => {
  it('--check exits 0 when every file is formatted, and writes nothing', async () => {
    const { good } = files();
    const r = await runCli(['fmt', '--check', good]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal('');
  });

  it('--check exits 1 and lists exactly the unformatted files, leaving them untouched', async () => {
    const { good, messy } = files();
    const r = await runCli(['fmt', '--check', good, messy]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.equal(`${messy}\n`);
    expect(r.stderr).to.contain('1 file not formatted');
    expect(readFileSync(messy, 'utf8')).to.equal(UNFORMATTED);
  });

  it('rewrites unformatted files in place, after which --check passes', async () => {
    const { good, messy } = files();
    const r = await runCli(['fmt', good, messy]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal(`formatted ${messy}\n`);
    expect(readFileSync(messy, 'utf8')).to.equal(FORMATTED);
    expect((await runCli(['fmt', '--check', good, messy])).code).to.equal(0);
  });

  it('reports a syntax error with its location (exit 1) and still formats the other files', async () => {
    const { broken, messy } = files();
    const r = await runCli(['fmt', broken, messy]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/error\[GTV01\d\d\]/);
    expect(r.stderr).to.contain(`${broken}:2:10`);
    expect(readFileSync(broken, 'utf8')).to.equal('study s {\n  seed = = 1\n}\n');
    expect(readFileSync(messy, 'utf8')).to.equal(FORMATTED);
  });

  it('is a usage error (exit 2) without a file, or with a missing one', async () => {
    expect((await runCli(['fmt'])).code).to.equal(2);
    expect((await runCli(['fmt', '--check', join(files().dir, 'nope.gtv')])).code).to.equal(2);
    expect((await runCli(['fmt', '--bogus'])).code).to.equal(2);
  });
});
