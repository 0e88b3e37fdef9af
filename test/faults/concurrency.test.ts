import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEMP_MARK } from '../../study/atomic.js';
import type { Manifest } from '../../study/manifest.js';
import { createReporter } from '../../study/progress.js';
import { LOCK_FILE } from '../../study/run-lock.js';
import { runStudy } from '../../study/run.js';
import { FakeExecutor, fakeDeps, gapStudy } from '../study/fixtures.js';
import { brokenFile, walk } from './helpers.js';

// Runs into the same --out (issue 10, item 10a): each one completes or stops with a message
// naming the run that holds the folder; none fails on a file another one moved.

/** The gap study without plots, for the tests that need no overlap. */
function study() {
  const doc = gapStudy();
  doc.plots = [];
  return doc;
}

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'run-child.ts');

function childRun(args: string[]): Promise<{ status: string; message: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? ''));
      } catch {
        reject(new Error(`child printed ${out}`));
      }
    });
  });
}

describe('faults: concurrent runs into one run folder', function () {
  this.timeout(120000);
  let tmp: string;
  let file: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-concurrent-'));
    file = path.join(tmp, 'gap.gtv');
    fs.writeFileSync(file, 'study gap {\n}\n');
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function expectWholeFolder(out: string): void {
    for (const f of walk(out)) expect(brokenFile(path.join(out, f)), f).to.equal(null);
    expect(walk(out).filter((f) => f.includes(TEMP_MARK) || f === LOCK_FILE)).to.deep.equal([]);
    const m = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(m.status).to.equal('complete');
  }

  it('three runs started together in one process: one completes, the others say the folder is busy', async () => {
    const out = path.join(tmp, 'run');
    const run = () =>
      runStudy(
        { file, out, cacheDir: path.join(tmp, 'cache'), reporter: createReporter({ quiet: true }) },
        fakeDeps(gapStudy(), new FakeExecutor()),
      );
    const outcomes = await Promise.all([run(), run(), run()]);
    expect(outcomes.map((o) => o.status).sort()).to.deep.equal(['busy', 'busy', 'complete']);
    for (const o of outcomes)
      if (o.status === 'busy')
        expect(o.message).to.match(
          new RegExp(
            `another gtv run \\(pid ${process.pid} on .*\\) is writing to ${out}; wait for it to finish or choose another --out`,
          ),
        );
    expectWholeFolder(out);
  });

  it('three processes into the same --out: each completes or is told the folder is busy', async () => {
    const out = path.join(tmp, 'run');
    const outcomes = await Promise.all([0, 1, 2].map(() => childRun([file, out, path.join(tmp, 'cache')])));
    for (const o of outcomes) {
      expect(['complete', 'busy'], JSON.stringify(o)).to.include(o.status);
      if (o.status === 'busy') expect(o.message).to.contain('another gtv run');
    }
    expect(outcomes.map((o) => o.status)).to.include('complete');
    expectWholeFolder(out);
  });

  it('a lock left by a killed run (its process is gone) is taken over', async () => {
    const out = path.join(tmp, 'run');
    fs.mkdirSync(out);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(
      path.join(out, LOCK_FILE),
      JSON.stringify({ pid: Number(dead.stdout), host: os.hostname(), started: '2026-01-01T00:00:00.000Z' }),
    );
    const o = await runStudy(
      { file, out, cacheDir: path.join(tmp, 'cache'), reporter: createReporter({ quiet: true }) },
      fakeDeps(study(), new FakeExecutor()),
    );
    expect(o.status).to.equal('complete');
    expectWholeFolder(out);
  });

  it('a lock from another host is respected, and the message says how to remove it', async () => {
    const out = path.join(tmp, 'run');
    fs.mkdirSync(out);
    const lock = path.join(out, LOCK_FILE);
    fs.writeFileSync(
      lock,
      JSON.stringify({ pid: 1234, host: 'elsewhere.example', started: '2026-01-01T00:00:00.000Z' }),
    );
    const o = await runStudy(
      { file, out, cacheDir: path.join(tmp, 'cache'), reporter: createReporter({ quiet: true }) },
      fakeDeps(study(), new FakeExecutor()),
    );
    expect(o.status).to.equal('busy');
    if (o.status !== 'busy') return;
    expect(o.message).to.contain('pid 1234 on elsewhere.example').and.to.contain(`delete ${lock}`);
    expect(fs.readdirSync(out)).to.deep.equal([LOCK_FILE]);
  });
});
