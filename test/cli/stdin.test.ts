// `-` reads the study from standard input for check, ir and fmt: diagnostics name it <stdin>,
// imports resolve from the working directory, and the read policy's project root is the
// working directory's.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatGtv } from '../../editor/prettier/format.js';
import { runCli } from './capture.js';
import { GTV_BIN } from '../setup/built.js';

const EXAMPLE = 'examples/fig2-gap-filling.gtv';

const study = (body: string, head = '') =>
  `${head}study s {\n  forward vp = vp()\n${body}  sample a = pf_ode(true)\n  plot density(a) to "a.svg"\n}\n`;

describe('`-`: a study from standard input', () => {
  const cwd = process.cwd();
  let proj: string;
  before(() => {
    // A project (marked by .git) with a library next to where the study "is", and a file outside it.
    const root = mkdtempSync(join(tmpdir(), 'gtv-stdin-'));
    proj = join(root, 'proj');
    mkdirSync(join(proj, '.git'), { recursive: true });
    mkdirSync(join(proj, 'lib'));
    writeFileSync(join(proj, 'lib', 'data.gtv'), 'data three = points([-1], [0], [1])\n');
    writeFileSync(join(root, 'outside.gtv'), 'data far = points([5])\n');
  });
  afterEach(() => process.chdir(cwd));

  it('check -: diagnostics name <stdin> with line and column; a clean study exits 0', async () => {
    const bad = await runCli(
      ['check', '-f', 'compact', '-'],
      {},
      false,
      study('  data d = points([0], [1])\n').replace('pf_ode(true)', 'pf_ode(true, steps = 0)'),
    );
    expect(bad.code).to.equal(1);
    expect(bad.stdout).to.match(/^<stdin>:4:\d+: error GTV0401/m);
    const clean = await runCli(['check', '-'], {}, false, readFileSync(EXAMPLE, 'utf8'));
    expect(clean.code, clean.stdout).to.equal(0);
    expect(clean.stdout).to.contain('no problems');
  });

  it('ir -: imports resolve from the working directory, and its project root bounds what the study reads', async () => {
    process.chdir(proj);
    const ok = await runCli(
      ['ir', '-'],
      {},
      false,
      study('  data train = three\n', 'import "lib/data.gtv"\n').replace('pf_ode(true)', 'pf_ode(true, data = train)'),
    );
    expect(ok.code, ok.stderr).to.equal(0);
    const doc = JSON.parse(ok.stdout) as { study: string };
    expect(doc.study).to.equal('s');
    // ../outside.gtv is above the working directory's project root (proj/, marked by .git).
    const out = await runCli(
      ['ir', '-f', 'compact', '-'],
      {},
      false,
      study('  data train = far\n', 'import "../outside.gtv"\n').replace('pf_ode(true)', 'pf_ode(true, data = train)'),
    );
    expect(out.code).to.equal(1);
    expect(out.stderr).to.match(/^<stdin>:1:\d+: error GTV\d+: .*outside the project root `\.\/`/m);
  });

  it('fmt -: writes the formatted study to stdout and nothing to disk; --check - lists <stdin> and exits 1', async () => {
    const messy =
      'study   s {\n forward vp=vp()\n  data d = points([0],[1])\n sample a = pf_ode(true)\n  plot density(a) to "a.svg"\n}\n';
    const expected = await formatGtv(messy, '<stdin>');
    expect(expected).to.not.equal(messy);
    const r = await runCli(['fmt', '-'], {}, false, messy);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(expected);
    const again = await runCli(['fmt', '-'], {}, false, expected);
    expect(again.stdout).to.equal(expected);
    const check = await runCli(['fmt', '--check', '-'], {}, false, messy);
    expect([check.code, check.stdout]).to.deep.equal([1, '<stdin>\n']);
    const broken = await runCli(['fmt', '-'], {}, false, 'study s {\n');
    expect(broken.code).to.equal(1);
    expect(broken.stdout).to.equal('');
    expect(broken.stderr).to.contain('<stdin>:');
  });

  it('refuses `-` twice, `-` with other files for fmt, check --fix -, and input over --max-file-size', async () => {
    const text = readFileSync(EXAMPLE, 'utf8');
    const cases: [string[], string][] = [
      [['check', '-', '-'], 'can be named only once'],
      [['fmt', '-', EXAMPLE], 'cannot be combined with other files'],
      [['check', '--fix', '-'], '`--fix` rewrites files in place'],
      [['ir', '--max-file-size', '100', '-'], 'standard input is larger than the 100 bytes limit'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, {}, false, text);
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr, args.join(' ')).to.contain(message);
    }
  });

  it('reads a pipe in a real process', function () {
    this.timeout(120000);
    const r = spawnSync(process.execPath, [GTV_BIN, 'check', '-f', 'compact', '-'], {
      encoding: 'utf8',
      input: study('  data d = points([0], [1])\n').replace('pf_ode(true)', 'pf_ode(true, steps = 0)'),
    });
    expect(r.status, r.stderr).to.equal(1);
    expect(r.stdout).to.match(/^<stdin>:4:\d+: error GTV0401/m);
  });
});
