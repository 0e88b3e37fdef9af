import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEMP_MARK, writeFileAtomic } from '../../study/atomic.js';
import type { Manifest } from '../../study/manifest.js';
import { createReporter } from '../../study/progress.js';
import { runStudy, type RunOutcome } from '../../study/run.js';
import { fsProblem } from '../../study/fs-errors.js';
import { runCli } from '../cli/capture.js';
import { FakeExecutor, fakeDeps, gapStudy } from '../study/fixtures.js';
import { brokenFile, fillDisk, injectFullDisk, mountTmpfs, walk } from './helpers.js';

// Full disks (issue 10, item 1): a write that runs out of space leaves the old file whole, and
// the command exits non-zero saying the disk is full. A real 1 MB tmpfs where the platform lets
// us mount one (root on Linux, as in CI), and an ENOSPC injected into node:fs everywhere.

/** A study with an unused declaration (`gtv check --fix` removes it), padded to about `kb` KB. */
function fixableStudy(kb: number): string {
  const pad = Array.from(
    { length: Math.ceil((kb * 1024) / 64) },
    (_, i) => `  # padding line ${String(i).padStart(6, '0')} ${'x'.repeat(33)}\n`,
  ).join('');
  return `study s {\n  data d = points([0], [1])\n  let unused = 5\n  forward vp = vp()\n${pad}  sample a = pf_ode(true)\n  plot density(a) to "a.svg"\n}\n`;
}

/** A study `gtv fmt` reformats (odd spacing on every line), about `lines` lines long. */
function unformattedStudy(lines: number): string {
  const body = Array.from({ length: lines }, (_, i) => `  let   c${i}   =   ${i}\n`).join('');
  return `study s {\n  data d = points([0], [1])\n  forward vp = vp()\n${body}  sample a = pf_ode(true)\n  plot density(a) to "a.svg"\n}\n`;
}

/** One cell and one table plot: every kind of run output (npy, json, csv, svg, png, pdf, vl.json, html) quickly. */
function smallStudy() {
  const doc = gapStudy();
  doc.axes = doc.axes.map((a) => ({ ...a, values: a.values.slice(0, 1) }));
  doc.cells = doc.cells.slice(0, 1);
  doc.plots = doc.plots.filter((p) => p.type === 'metric_table');
  return doc;
}

/**
 * Runs `run` and checks what a full disk may leave: a complete run with every file whole, or a
 * failure saying the disk is full with every file still whole (old or new, never cut off), no
 * temporaries, and a manifest that says `complete` only for a complete run.
 */
async function expectWholeOrFull(dir: string, run: () => Promise<RunOutcome>, label: string): Promise<string> {
  let status: string;
  try {
    const o = await run();
    expect(['complete', 'failed'], label).to.include(o.status);
    if (o.status !== 'complete' && o.status !== 'failed') return o.status;
    if (o.status === 'failed') expect(o.error, label).to.contain('no space left on device (ENOSPC)');
    status = o.status;
  } catch (err) {
    // Failing before the manifest exists is fine if it says why (the CLI prints this).
    expect(fsProblem(err), label).to.contain('no space left on device (ENOSPC)');
    status = 'threw';
  }
  const files = walk(dir).filter((f) => f !== 'filler' && f !== 'gap.gtv');
  for (const f of files) expect(brokenFile(path.join(dir, f)), `${label}: ${f}`).to.equal(null);
  expect(
    files.filter((f) => f.includes(TEMP_MARK)),
    label,
  ).to.deep.equal([]);
  const manifestFile = path.join(dir, 'run', 'manifest.json');
  // A run that threw before writing its manifest leaves the previous run's, which is still true.
  if (status !== 'threw' && fs.existsSync(manifestFile)) {
    const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
    expect(m.status === 'complete', `${label}: manifest status ${m.status}`).to.equal(status === 'complete');
  }
  return status;
}

describe('faults: full disk', function () {
  this.timeout(120000);
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-disk-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('injected ENOSPC (any platform)', () => {
    it('writeFileAtomic: a short write then ENOSPC throws and leaves the old file whole', () => {
      const f = path.join(tmp, 'out', 'a.json');
      writeFileAtomic(f, 'old contents\n');
      const undo = injectFullDisk(tmp, 40960);
      try {
        expect(() => writeFileAtomic(f, 'x'.repeat(100000))).to.throw(/no space left on device/);
      } finally {
        undo();
      }
      expect(fs.readFileSync(f, 'utf8')).to.equal('old contents\n');
      expect(fs.readdirSync(path.dirname(f))).to.deep.equal(['a.json']);
    });

    it('gtv check --fix: the study stays whole, exit 2 with an environment message', async () => {
      const f = path.join(tmp, 'study.gtv');
      const text = fixableStudy(97);
      fs.writeFileSync(f, text);
      const undo = injectFullDisk(tmp);
      let r;
      try {
        r = await runCli(['check', '--fix', f]);
      } finally {
        undo();
      }
      expect(fs.readFileSync(f, 'utf8') === text, 'the study file is unchanged').to.equal(true);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain(`cannot write ${f}: no space left on device (ENOSPC)`);
      expect(r.stderr).not.to.match(/internal error|bug in gtv/);
    });

    it('gtv fmt: the study stays whole, exit 2 with an environment message', async () => {
      const f = path.join(tmp, 'study.gtv');
      const text = unformattedStudy(300);
      fs.writeFileSync(f, text);
      const undo = injectFullDisk(tmp);
      let r;
      try {
        r = await runCli(['fmt', f]);
      } finally {
        undo();
      }
      expect(fs.readFileSync(f, 'utf8') === text, 'the study file is unchanged').to.equal(true);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain(`cannot write ${f}: no space left on device (ENOSPC)`);
    });

    it('gtv run with a few KB free: every file left is whole, and a failed run says the disk is full', async () => {
      const file = path.join(tmp, 'gap.gtv');
      fs.writeFileSync(file, 'study gap {\n}\n');
      const out = path.join(tmp, 'run');
      const cacheDir = path.join(tmp, 'cache');
      const run = (fresh: boolean) =>
        runStudy(
          { file, out, fresh, cacheDir, reporter: createReporter({ quiet: true }) },
          fakeDeps(smallStudy(), new FakeExecutor()),
        );
      // A first run leaves a complete folder; the later ones rewrite it with little space left.
      expect((await run(false)).status).to.equal('complete');
      const outcomes: string[] = [];
      for (const free of [0, 20000, 40000, 60000, 400000]) {
        const undo = injectFullDisk(tmp, free);
        try {
          outcomes.push(await expectWholeOrFull(tmp, () => run(true), `${free} bytes free`));
        } finally {
          undo();
        }
      }
      // Failures before the manifest (thrown), during the cells or plots (failed), then enough space.
      expect(outcomes[0]).to.equal('threw');
      expect(outcomes).to.include('failed');
      expect(outcomes.at(-1)).to.equal('complete');
    });
  });

  describe('a 1 MB tmpfs', () => {
    let fsys: { dir: string; unmount(): void };
    before(function () {
      const m = mountTmpfs('1m');
      if ('reason' in m)
        this.skip(); // the injected tests above cover the same code paths
      else fsys = m;
    });
    after(() => fsys?.unmount());
    afterEach(() => {
      if (fsys)
        for (const f of fs.readdirSync(fsys.dir)) fs.rmSync(path.join(fsys.dir, f), { recursive: true, force: true });
    });

    it('gtv check --fix leaves the 97 KB study whole when only 40 KB are free', async () => {
      const f = path.join(fsys.dir, 'study.gtv');
      const text = fixableStudy(97);
      fs.writeFileSync(f, text);
      fillDisk(fsys.dir, 40 * 1024);
      const r = await runCli(['check', '--fix', f]);
      expect(fs.readFileSync(f, 'utf8') === text, 'the study file is unchanged').to.equal(true);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain(`cannot write ${f}: no space left on device (ENOSPC)`);
      expect(fs.readdirSync(fsys.dir).sort()).to.deep.equal(['filler', 'study.gtv']);
    });

    it('gtv fmt leaves the study whole when the formatted text does not fit', async () => {
      const f = path.join(fsys.dir, 'study.gtv');
      const text = unformattedStudy(2000);
      fs.writeFileSync(f, text);
      fillDisk(fsys.dir, 8 * 1024);
      const r = await runCli(['fmt', f]);
      expect(fs.readFileSync(f, 'utf8') === text, 'the study file is unchanged').to.equal(true);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('no space left on device (ENOSPC)');
      expect(fs.readdirSync(fsys.dir).sort()).to.deep.equal(['filler', 'study.gtv']);
    });

    it('gtv run into a nearly full folder: complete with every file whole, or failed saying the disk is full', async () => {
      const file = path.join(tmp, 'gap.gtv');
      fs.writeFileSync(file, 'study gap {\n}\n');
      const run = (dir: string) =>
        runStudy(
          {
            file,
            out: path.join(dir, 'run'),
            cacheDir: path.join(dir, 'cache'),
            reporter: createReporter({ quiet: true }),
          },
          fakeDeps(smallStudy(), new FakeExecutor()),
        );
      // How much a whole run needs, then runs with a fraction of that free.
      const full = await run(fsys.dir);
      expect(full.status).to.equal('complete');
      const needed = walk(fsys.dir).reduce(
        (s, f) => s + Math.ceil(fs.statSync(path.join(fsys.dir, f)).size / 4096) * 4096,
        0,
      );
      const outcomes: string[] = [];
      // Above 1, room for the temporaries that exist while a file is replaced.
      for (const fraction of [0.02, 0.15, 0.35, 0.55, 0.75, 0.9, 1.5]) {
        for (const f of fs.readdirSync(fsys.dir)) fs.rmSync(path.join(fsys.dir, f), { recursive: true, force: true });
        fillDisk(fsys.dir, Math.round(needed * fraction));
        outcomes.push(await expectWholeOrFull(fsys.dir, () => run(fsys.dir), `free ${fraction}`));
      }
      // The smallest fractions cannot hold the run, the largest can.
      expect(outcomes[0]).not.to.equal('complete');
      expect(outcomes.at(-1)).to.equal('complete');
      expect(outcomes, 'failures at several stages').to.include.members(['failed']);
    });
  });
});
