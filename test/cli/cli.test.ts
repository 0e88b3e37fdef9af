import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, captureIo } from './capture.js';
import { guarded } from '../../cli/main.js';
import { useColor } from '../../cli/io.js';
import { ALL_CODES, codeInfo } from '../../compiler/codes/index.js';
import { compileFile } from '../../compiler/driver.js';
import { STARTER_STUDY } from '../../cli/commands/init.js';
import { isInternal, reportDiagnostics } from '../../cli/report.js';
import type { Diagnostic } from '../../compiler/diagnostics/types.js';
import { GTV_BIN } from '../setup/built.js';

const EXAMPLE = 'examples/fig2-gap-filling.gtv';
const tmp = () => mkdtempSync(join(tmpdir(), 'gtv-cli-'));

const study = (name: string, sample = 'pf_ode(true)') =>
  `study ${name} {\n  data d = points([0], [1])\n  forward vp = vp()\n  sample a = ${sample}\n  plot density(a) to "a.svg"\n}\n`;

/** A file with one error (zero steps) and nothing else wrong. */
function badFile(dir: string): string {
  const path = join(dir, 'bad.gtv');
  writeFileSync(path, study('s', 'pf_ode(true, steps = 0)'));
  return path;
}

describe('gtv command line', () => {
  describe('usage', () => {
    it('--help lists every command and exits 0', async () => {
      const r = await runCli(['--help']);
      expect(r.code).to.equal(0);
      for (const c of ['check', 'ir', 'explain', 'init']) expect(r.stdout).to.match(new RegExp(`^  ${c} `, 'm'));
    });

    it('no arguments prints help to stderr and exits 2', async () => {
      const r = await runCli([]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('Usage: gtv <command>');
    });

    it('--version prints the package version', async () => {
      const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
      const r = await runCli(['--version']);
      expect([r.code, r.stdout]).to.deep.equal([0, `gtv ${pkg.version}\n`]);
    });

    it('an unknown command exits 2 with a suggestion', async () => {
      const r = await runCli(['chek', EXAMPLE]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('unknown command `chek`; did you mean `check`?');
    });

    it('an unknown option exits 2 with a short message', async () => {
      const r = await runCli(['check', '--bogus', EXAMPLE]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.equal('gtv: unknown option `--bogus`\n(see `gtv check --help`)\n');
    });

    it('a missing, unreadable or directory argument exits 2', async () => {
      expect((await runCli(['check'])).stderr).to.contain('missing FILE argument');
      const missing = await runCli(['check', 'no/such/file.gtv']);
      expect([missing.code, missing.stderr]).to.deep.equal([
        2,
        'gtv: cannot read `no/such/file.gtv`: no such file\n(see `gtv check --help`)\n',
      ]);
      expect((await runCli(['ir', 'examples'])).code).to.equal(2);
      expect((await runCli(['ir'])).code).to.equal(2);
    });

    it('a bad --format value exits 2', async () => {
      const r = await runCli(['check', '--format', 'xml', EXAMPLE]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('`--format` must be one of human, compact, json');
    });

    it('per-command --help exits 0 and names the options', async () => {
      const r = await runCli(['ir', '--help']);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.contain('Usage: gtv ir [options] FILE').and.contain('--study NAME');
    });
  });

  describe('internal errors', () => {
    const boom = async (): Promise<number> => {
      throw new Error('boom');
    };

    it('exit 2 with "internal error" and a bug hint, no stack trace', async () => {
      const io = captureIo();
      expect(await guarded(io, boom)).to.equal(2);
      const err = io.err.join('');
      expect(err).to.contain('gtv: internal error: boom').and.contain('This is a bug in gtv');
      expect(err).not.to.match(/\n\s+at /);
    });

    it('print the stack trace with GTV_DEBUG=1', async () => {
      const io = captureIo({ GTV_DEBUG: '1' });
      await guarded(io, boom);
      expect(io.err.join('')).to.match(/\n\s+at /);
    });
  });

  describe('internal-error diagnostics', () => {
    const internal: Diagnostic = {
      severity: 'error',
      code: 'GTV0900',
      message: 'internal compiler error: boom\n    at lower (compiler/lower.ts:1:1)',
    };

    it('exit 2 with a bug hint, the stack frames dropped', () => {
      const io = captureIo();
      expect(isInternal(internal)).to.equal(true);
      expect(reportDiagnostics([internal], new Map(), 'human', io, 'stdout', null)).to.equal(2);
      expect(io.out.join('')).to.contain('internal compiler error: boom').and.not.contain(' at lower');
      expect(io.err.join('')).to.contain('This is a bug in gtv');
    });

    it('keep the stack frames with GTV_DEBUG=1', () => {
      const io = captureIo({ GTV_DEBUG: '1' });
      reportDiagnostics([internal], new Map(), 'compact', io, 'stdout', null);
      expect(io.out.join('')).to.contain('at lower');
    });
  });

  describe('check', () => {
    it('exits 0 on a clean example and says so', async () => {
      const r = await runCli(['check', EXAMPLE]);
      expect(r.stdout).to.equal('checked 1 file: no problems\n');
      expect(r.code).to.equal(0);
    });

    it('accepts an empty file and a library file', async () => {
      const empty = join(tmp(), 'empty.gtv');
      writeFileSync(empty, '');
      const r = await runCli(['check', empty, 'examples/lib/datasets-2d.gtv']);
      expect([r.code, r.stdout]).to.deep.equal([0, 'checked 2 files: no problems\n']);
    });

    it('exits 1 on an error, rendering it with a caret and a summary', async () => {
      const r = await runCli(['check', badFile(tmp())]);
      expect(r.code).to.equal(1);
      expect(r.stdout)
        .to.match(/^error\[GTV0401\]: /)
        .and.contain(' 4 |   sample a = pf_ode(true, steps = 0)\n');
      expect(r.stdout).to.contain('   |                                   ^');
      expect(r.stdout).to.match(/\n1 error\n$/);
    });

    it('exits 0 when there are only warnings', async () => {
      const path = join(tmp(), 'warn.gtv');
      writeFileSync(path, study('s').replace('  forward', '  let unused_width = 0.5\n  forward'));
      const r = await runCli(['check', path]);
      expect(r.stdout)
        .to.contain('warning[GTV0701]')
        .and.match(/1 warning\n$/);
      expect(r.code).to.equal(0);
    });

    it('checks every file given and reports them all', async () => {
      const r = await runCli(['check', '--format', 'compact', EXAMPLE, badFile(tmp())]);
      expect(r.code).to.equal(1);
      expect(r.stdout.trim().split('\n')).to.have.length(1);
      expect(r.stdout).to.match(/bad\.gtv:4:35: error GTV0401: .+/);
    });

    it('reports an error in a library imported by two checked files once', async () => {
      const dir = tmp();
      writeFileSync(join(dir, 'lib.gtv'), 'let w = 1 / 0\n');
      for (const f of ['a.gtv', 'b.gtv'])
        writeFileSync(join(dir, f), `import "lib.gtv"\n${study('s', 'pf_ode(true, rho = w)')}`);
      const r = await runCli(['check', '--format', 'compact', join(dir, 'a.gtv'), join(dir, 'b.gtv')]);
      expect(r.code).to.equal(1);
      const lines = r.stdout.trim().split('\n');
      expect(lines).to.have.length(1);
      expect(lines[0].startsWith(`${join(dir, 'lib.gtv')}:1:9: error GTV0406: `)).to.equal(true);
    });

    it('--format json is a parseable array, [] when clean', async () => {
      const clean = await runCli(['check', '-f', 'json', EXAMPLE]);
      expect(clean.stdout).to.equal('[]\n');
      const bad = await runCli(['check', '--format=json', badFile(tmp())]);
      const parsed = JSON.parse(bad.stdout) as { code: string; span: { start: { line: number } } }[];
      expect(parsed).to.have.length(1);
      expect([parsed[0].code, parsed[0].span.start.line]).to.deep.equal(['GTV0401', 4]);
    });

    it('colours only on a terminal without NO_COLOR', async () => {
      const path = badFile(tmp());
      expect((await runCli(['check', path], {}, true)).stdout).to.contain('\x1b[');
      expect((await runCli(['check', path], { NO_COLOR: '1' }, true)).stdout).not.to.contain('\x1b[');
      expect((await runCli(['check', path], {}, false)).stdout).not.to.contain('\x1b[');
      expect(useColor(captureIo({}, true), 'stderr')).to.equal(true);
    });

    it('FORCE_COLOR colours a pipe and wins over NO_COLOR; FORCE_COLOR=0 turns colour off', async () => {
      const path = badFile(tmp());
      expect((await runCli(['check', path], { FORCE_COLOR: '1' }, false)).stdout).to.contain('\x1b[');
      expect((await runCli(['check', path], { FORCE_COLOR: '1', NO_COLOR: '1' }, false)).stdout).to.contain('\x1b[');
      expect((await runCli(['check', path], { FORCE_COLOR: '0' }, true)).stdout).not.to.contain('\x1b[');
      const color = (env: Record<string, string>, tty: boolean) => useColor(captureIo(env, tty), 'stdout');
      expect(color({ FORCE_COLOR: 'false' }, true)).to.equal(false);
      expect(color({ FORCE_COLOR: '' }, false)).to.equal(false);
      expect(color({ FORCE_COLOR: '' }, true)).to.equal(true);
      expect(color({ FORCE_COLOR: '3' }, false)).to.equal(true);
    });
  });

  describe('ir', () => {
    it('prints the IR of a clean example', async () => {
      const r = await runCli(['ir', EXAMPLE]);
      expect(r.code).to.equal(0);
      const doc = JSON.parse(r.stdout) as { ir_version: number; study: string; cells: unknown[] };
      expect([doc.ir_version, doc.study, doc.cells.length]).to.deep.equal([1, 'gap_filling', 15]);
      expect(r.stderr).to.equal('');
    });

    it('prints an array for several studies, or the one named by --study', async () => {
      const path = join(tmp(), 'two.gtv');
      writeFileSync(path, study('first') + study('second'));
      const both = await runCli(['ir', path]);
      expect(both.code).to.equal(0);
      expect((JSON.parse(both.stdout) as { study: string }[]).map((d) => d.study)).to.deep.equal(['first', 'second']);
      const one = await runCli(['ir', '--study', 'second', path]);
      expect((JSON.parse(one.stdout) as { study: string }).study).to.equal('second');
      const none = await runCli(['ir', '--study', 'third', path]);
      expect(none.code).to.equal(2);
      expect(none.stderr).to.contain('no study `third`').and.contain('`first`, `second`');
    });

    it('exits 1 for a library file, which has no study and so no IR', async () => {
      const r = await runCli(['ir', 'examples/lib/processes.gtv']);
      expect([r.code, r.stdout]).to.deep.equal([1, '']);
      expect(r.stderr).to.contain('holds no study block');
    });

    it('exits 1 on errors with diagnostics on stderr and nothing on stdout', async () => {
      const r = await runCli(['ir', badFile(tmp())]);
      expect([r.code, r.stdout]).to.deep.equal([1, '']);
      expect(r.stderr).to.match(/^error\[GTV\d{4}\]/);
    });
  });

  describe('explain', () => {
    it('prints the long description of a code, in any case or without the prefix', async () => {
      const info = ALL_CODES[0];
      for (const arg of [info.code, info.code.toLowerCase(), info.code.slice(3)]) {
        const r = await runCli(['explain', arg]);
        expect(r.code).to.equal(0);
        expect(r.stdout).to.contain(`${info.code} ${info.name} (${info.severity})`).and.contain(info.explain.trim());
      }
    });

    it('accepts a lint rule name as gtv.json spells it', async () => {
      const info = ALL_CODES.find((c) => c.name === 'unused-sweep')!;
      const r = await runCli(['explain', 'unused-sweep']);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.contain(`${info.code} unused-sweep`);
    });

    it('lists every code without an argument', async () => {
      const r = await runCli(['explain']);
      expect(r.code).to.equal(0);
      expect(r.stdout.trim().split('\n')).to.have.length(ALL_CODES.length);
    });

    it('exits 2 on an unknown code', async () => {
      expect(codeInfo('GTV9999')).to.equal(undefined);
      const r = await runCli(['explain', 'GTV9999']);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('unknown diagnostic code `GTV9999`');
    });
  });

  describe('init', () => {
    it('writes a starter study that checks clean, and refuses to overwrite it', async () => {
      const dir = tmp();
      const path = join(dir, 'my.gtv');
      const r = await runCli(['init', path]);
      expect(r.code).to.equal(0);
      expect(readFileSync(path, 'utf8')).to.equal(STARTER_STUDY);
      expect(compileFile(path).diagnostics).to.deep.equal([]);
      writeFileSync(path, 'mine');
      const again = await runCli(['init', path]);
      expect(again.code).to.equal(2);
      expect(again.stderr).to.contain('already exists');
      expect(readFileSync(path, 'utf8')).to.equal('mine');
    });

    it('exits 2 when the target cannot be written', async () => {
      const r = await runCli(['init', join(tmp(), 'missing', 'x.gtv')]);
      expect(r.code).to.equal(2);
    });
  });

  describe('as a process', () => {
    // One spawn only: the other exit paths run in-process.
    it('sets the exit status from main() (1 for bad input) and writes no colour to a pipe', () => {
      const r = spawnSync(process.execPath, [GTV_BIN, 'check', badFile(tmp())], {
        encoding: 'utf8',
        env: { ...process.env, FORCE_COLOR: undefined },
      });
      expect(r.status).to.equal(1);
      expect(r.stdout).to.match(/^error\[GTV0401\]/);
      expect(r.stdout).not.to.contain('\x1b[');
    });

    // `gtv run` starts its runtime thread before compiling; a study that never reaches it must
    // not be kept alive by that idle thread (it was, when its port stayed referenced).
    it('exits after a run whose study has errors, although its runtime thread had started', () => {
      const dir = tmp();
      const r = spawnSync(process.execPath, [GTV_BIN, 'run', badFile(dir), '-o', join(dir, 'out')], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.signal, 'killed by the timeout: the process did not exit').to.equal(null);
      expect(r.status).to.equal(1);
      expect(r.stdout + r.stderr).to.contain('GTV0401');
    });
  });
});
