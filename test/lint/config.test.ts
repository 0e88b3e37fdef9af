// Lint configuration (gtv.json, package.json "gtv" key), disable comments and `gtv check --fix`,
// through the real command in temporary project folders.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileFile } from '../../compiler/driver.js';
import { applyFixes, FIXABLE } from '../../compiler/lint/fix.js';
import { checkFile } from '../../compiler/lint/check-file.js';
import { runCli } from '../cli/capture.js';

const FEW_DRAWS = readFileSync('test/lint/fixtures/few-draws-per-bin.fail.gtv', 'utf8');

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gtv-lint-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const check = (dir: string, file = 'study.gtv', ...flags: string[]) =>
  runCli(['check', '--format', 'compact', ...flags, join(dir, file)]);

describe('lint configuration', () => {
  it('without configuration a rule has its default severity (warning: exit 0)', async () => {
    const r = await check(project({ 'study.gtv': FEW_DRAWS }));
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/warning GTV0804/);
  });

  it('gtv.json raises a rule to error (exit 1), found from a subfolder', async () => {
    const dir = project({
      'gtv.json': '{ "rules": { "few-draws-per-bin": "error" } }',
      'studies/study.gtv': FEW_DRAWS,
    });
    const r = await check(dir, 'studies/study.gtv');
    expect([r.code, r.stdout]).to.satisfy(([c, out]: [number, string]) => c === 1 && /error GTV0804/.test(out));
  });

  it('the "gtv" key of package.json turns a rule off, by code as well as by name', async () => {
    for (const key of ['few-draws-per-bin', 'GTV0804']) {
      const dir = project({
        'package.json': JSON.stringify({ name: 'x', gtv: { rules: { [key]: 'off' } } }),
        'study.gtv': FEW_DRAWS,
      });
      const r = await check(dir);
      expect(r.stdout, key).to.equal('');
      expect(r.code).to.equal(0);
    }
  });

  it('a package.json without the key is passed over for one further up', async () => {
    const dir = project({
      'gtv.json': '{ "rules": { "few-draws-per-bin": "info" } }',
      'sub/package.json': '{ "name": "inner" }',
      'sub/study.gtv': FEW_DRAWS,
    });
    expect((await check(dir, 'sub/study.gtv')).stdout).to.match(/info GTV0804/);
  });

  it('controls the checker warnings unused-definition and unused-sweep too', async () => {
    const src = FEW_DRAWS.replace('  forward vp', '  let unused = 3\n  forward vp');
    expect((await check(project({ 'study.gtv': src }))).stdout).to.match(/warning GTV0701/);
    const r = await check(project({ 'gtv.json': '{ "rules": { "unused-definition": "off" } }', 'study.gtv': src }));
    expect(r.stdout).not.to.match(/GTV0701/);
  });

  it('reports an invalid configuration as GTV0800 errors pointing into the file (exit 1)', async () => {
    const cases: [string, RegExp][] = [
      [
        '{ "rules": { "few-draws-per-bin": "warn" } }',
        /gtv\.json:1:14: error GTV0800: `rules\.few-draws-per-bin` in .*gtv\.json must be one of off, info, warning, error/,
      ],
      [
        '{ "rules": { "few-draw-per-bin": "off" } }',
        /error GTV0800: unknown lint rule `few-draw-per-bin`.*did you mean `few-draws-per-bin`/,
      ],
      ['{ "rule": {} }', /error GTV0800: .*unknown key `rule`/],
      ['{ "rules": ', /error GTV0800: .*gtv\.json is not valid JSON/],
    ];
    for (const [json, expected] of cases) {
      const r = await check(project({ 'gtv.json': json, 'study.gtv': FEW_DRAWS }));
      expect(r.code, json).to.equal(1);
      expect(r.stdout, json).to.match(expected);
    }
  });
});

describe('disable comments', () => {
  it('next-line skips blank and comment lines; line applies to its own line; a reason may follow --', async () => {
    const next = FEW_DRAWS.replace(
      '  sample a',
      '  # gtv-disable-next-line few-draws-per-bin -- a quick look\n\n  # another comment\n  sample a',
    );
    expect((await check(project({ 'study.gtv': next }))).stdout).to.equal('');
    const same = FEW_DRAWS.replace('range = -2 .. 2)', 'range = -2 .. 2)  # gtv-disable-line GTV0804');
    expect((await check(project({ 'study.gtv': same }))).stdout).to.equal('');
    const all = FEW_DRAWS.replace('  sample a', '  # gtv-disable-next-line\n  sample a');
    expect((await check(project({ 'study.gtv': all }))).stdout).to.equal('');
  });

  it('a comment above a statement broken over lines covers its later lines', async () => {
    const broken = FEW_DRAWS.replace(
      '  sample a = pf_ode(true, draws = 1000, bins = 200,',
      '  # gtv-disable-next-line few-draws-per-bin\n  sample a = pf_ode(\n    true,\n    draws = 1000,\n    bins = 200,\n   ',
    );
    const r = await check(project({ 'study.gtv': broken }));
    expect([r.code, r.stdout]).to.deep.equal([0, '']);
  });

  it('disables only the rules it names', async () => {
    const other = FEW_DRAWS.replace('  sample a', '  # gtv-disable-next-line coarse-grid\n  sample a');
    expect((await check(project({ 'study.gtv': other }))).stdout).to.match(/GTV0804/);
  });

  it('an unknown rule in a disable comment is an error', async () => {
    const r = await check(
      project({ 'study.gtv': FEW_DRAWS.replace('  sample a', '  # gtv-disable-line nope\n  sample a') }),
    );
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/error GTV0800: unknown lint rule `nope`/);
  });
});

describe('gtv check --fix', () => {
  const input = readFileSync('test/lint/fixtures/fix.input.gtv', 'utf8');
  const expected = readFileSync('test/lint/fixtures/fix.expected.gtv', 'utf8');

  it('removes unused definitions and sweep axes, rewrites the file and says what it did', async () => {
    const dir = project({ 'study.gtv': input });
    const r = await check(dir, 'study.gtv', '--fix');
    expect(readFileSync(join(dir, 'study.gtv'), 'utf8')).to.equal(expected);
    expect(r.stderr).to.contain('removed the unused sweep axis `n` (line');
    expect(r.stderr).to.contain('removed the unused definition `scale` (line');
    expect(r.stdout).to.equal('');
    expect(r.code).to.equal(0);
  });

  it('the fixed file compiles and has nothing left to fix (round trip)', async () => {
    const dir = project({ 'study.gtv': expected });
    const out = compileFile(join(dir, 'study.gtv'));
    expect(out.diagnostics.filter((d) => d.severity === 'error')).to.deep.equal([]);
    expect(out.studies).to.have.length(1);
    expect(checkFile(join(dir, 'study.gtv')).diagnostics.filter((d) => FIXABLE.includes(d.code))).to.deep.equal([]);
    await check(dir, 'study.gtv', '--fix');
    expect(readFileSync(join(dir, 'study.gtv'), 'utf8')).to.equal(expected);
  });

  it('keeps an unused axis a plot lays out by: removing it would not compile', async () => {
    const src = FEW_DRAWS.replace('  sample a', '  sweep k = [1, 2]\n  sample a').replace(
      'plot density(a) to',
      'plot density(a) by (k) to',
    );
    const dir = project({ 'study.gtv': src });
    const r = await check(dir, 'study.gtv', '--fix');
    expect(r.stdout).to.contain('GTV0702');
    expect(readFileSync(join(dir, 'study.gtv'), 'utf8')).to.equal(src);
    expect(r.stderr).to.match(/kept the unused sweep axis `k` \(line 5\): removing it would not compile/);
  });

  it('keeps a removal after which the file would not compile', () => {
    const path = 'test/lint/fixtures/fix.input.gtv';
    const out = compileFile(path);
    const failing = () => ({ ...out, diagnostics: [{ severity: 'error' as const, code: 'GTV0201', message: 'x' }] });
    const r = applyFixes(path, input, out.asts.get(path)!, out.diagnostics, failing);
    expect(r.text).to.equal(input);
    expect(r.applied).to.deep.equal([]);
    expect(r.skipped).to.have.length(3);
    expect(r.skipped[0]).to.match(/^kept the unused .*: removing it would not compile$/);
  });
});
