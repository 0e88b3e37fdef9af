import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEMP_MARK } from '../../study/atomic.js';
import { ResultCache } from '../../study/cache.js';
import { runSliceProcesses } from '../../study/jobs.js';
import type { Manifest } from '../../study/manifest.js';
import { describeMissing, makePlan, readPlan, writePlan } from '../../study/plan.js';
import { createReporter } from '../../study/progress.js';
import { prepareStudy, runStudy, type RunOptions, type RunOutcome } from '../../study/run.js';
import { parseSlice, sliceOf } from '../../study/slices.js';
import { collectScript, sbatchLine, sliceCommands, slurmScript, submitScript } from '../../study/slurm.js';
import { FakeExecutor, fakeDeps, gapStudy } from './fixtures.js';

// Slices of a study's cells (`--cells i/n`), the cache-only run behind `gtv collect`, plans,
// the Slurm script and the process pool, with the fake executor (no runtime).

function started(o: RunOutcome) {
  if (o.status === 'compile-errors' || o.status === 'usage' || o.status === 'busy')
    throw new Error(`run did not start: ${o.status}`);
  return o;
}

function readManifest(runDir: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(runDir, 'manifest.json'), 'utf8')) as Manifest;
}

/** Every file under `dir` (relative path -> bytes), skipping the given top-level names. */
function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

describe('study slices, cache-only collect and plans (fake executor)', function () {
  this.timeout(30000);
  let tmp: string;
  let base: RunOptions;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-slices-'));
    const file = path.join(tmp, 'gap.gtv');
    fs.writeFileSync(file, 'study gap {\n  # hand-made IR in the test\n}\n');
    base = {
      file,
      outRoot: path.join(tmp, 'gtv-out'),
      cacheDir: path.join(tmp, 'cache'),
      reporter: createReporter({ quiet: true }),
    };
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('parses i/n and rejects 0/3, 4/3, x/y and 1/0', () => {
    expect(parseSlice('2/3')).to.deep.equal({ index: 2, count: 3 });
    expect(parseSlice(' 1 / 1 ')).to.deep.equal({ index: 1, count: 1 });
    for (const bad of ['0/3', '4/3', 'x/y', '1/0', '1', '-1/2', '1.5/2'])
      expect(parseSlice(bad), bad).to.be.a('string').that.contains('--cells');
  });

  it('slices partition the cells round-robin; each computes only its own, with no plots or report', async () => {
    const doc = gapStudy();
    const computed: string[][] = [];
    for (let i = 1; i <= 3; i++) {
      const exec = new FakeExecutor();
      const out = path.join(tmp, `slice${i}`);
      const o = started(await runStudy({ ...base, out, slice: { index: i, count: 3 } }, fakeDeps(doc, exec)));
      expect(o.status).to.equal('complete');
      expect(exec.calls).to.deep.equal(o.executed);
      computed.push(exec.calls);
      const m = readManifest(out);
      expect(m.slice).to.deep.equal({ index: i, count: 3 });
      expect(m.status).to.equal('complete');
      // Cell k belongs to slice k % 3 + 1; the others are marked, and have no folder here.
      expect(m.cells.map((c) => c.status)).to.deep.equal(
        doc.cells.map((c) => (sliceOf(c.index, 3) === i ? 'done' : 'other_slice')),
      );
      expect(fs.readdirSync(path.join(out, 'cells')).sort()).to.deep.equal([...exec.calls].sort());
      for (const f of ['report.html', 'metrics.csv', 'gap_filling.svg'])
        expect(fs.existsSync(path.join(out, f)), f).to.equal(false);
    }
    expect(computed).to.deep.equal([[doc.cells[0].id, doc.cells[3].id], [doc.cells[1].id], [doc.cells[2].id]]);
    expect(computed.flat().sort()).to.deep.equal(doc.cells.map((c) => c.id).sort());
  });

  it('a cache-only run executes nothing and lists the missing cells, each with the slice that computes it', async () => {
    const doc = gapStudy();
    const exec = new FakeExecutor();
    started(await runStudy({ ...base, out: path.join(tmp, 's1'), slice: { index: 1, count: 2 } }, fakeDeps(doc, exec)));
    expect(exec.calls).to.deep.equal([doc.cells[0].id, doc.cells[2].id]);
    const idle = new FakeExecutor();
    const out = path.join(tmp, 'collected');
    const o = started(await runStudy({ ...base, out, cacheOnly: true }, fakeDeps(doc, idle)));
    expect(o.status).to.equal('missing');
    expect(idle.calls).to.deep.equal([]);
    expect(o.missing).to.deep.equal([
      { id: doc.cells[1].id, index: 1 },
      { id: doc.cells[3].id, index: 3 },
    ]);
    const prep = await prepareStudy(base, fakeDeps(doc, idle));
    if ('status' in prep) throw new Error('prepare failed');
    expect(describeMissing(o.missing, makePlan(prep, base.file, base.cacheDir ?? '', 2, false))).to.deep.equal([
      'eps=0.001,P=128 (--cells 2/2)',
      'eps=0.01,P=128 (--cells 2/2)',
    ]);
    const m = readManifest(out);
    expect(m.status).to.equal('failed');
    expect(m.error).to.contain('2 of 4 cell(s) not in the cache');
    expect(fs.readdirSync(path.join(out, 'cells'))).to.deep.equal([]);
    expect(fs.existsSync(path.join(out, 'report.html'))).to.equal(false);
  });

  it('slices then a cache-only run give the same cell files, table and report as one sequential run', async () => {
    const doc = gapStudy();
    for (let i = 1; i <= 2; i++)
      started(
        await runStudy(
          { ...base, out: path.join(tmp, `s${i}`), slice: { index: i, count: 2 } },
          fakeDeps(doc, new FakeExecutor()),
        ),
      );
    const idle = new FakeExecutor();
    const collected = started(
      await runStudy({ ...base, out: path.join(tmp, 'collected'), cacheOnly: true }, fakeDeps(doc, idle)),
    );
    expect(collected.status).to.equal('complete');
    expect(idle.calls).to.deep.equal([]);
    expect(collected.cached).to.have.length(4);

    const seq = started(
      await runStudy(
        { ...base, out: path.join(tmp, 'seq'), cacheDir: path.join(tmp, 'cache-seq') },
        fakeDeps(doc, new FakeExecutor()),
      ),
    );
    const a = files(path.join(collected.runDir, 'cells'));
    const b = files(path.join(seq.runDir, 'cells'));
    expect([...a.keys()].sort()).to.deep.equal([...b.keys()].sort());
    for (const [f, bytes] of b) expect(a.get(f)?.equals(bytes), f).to.equal(true);
    expect(fs.readFileSync(path.join(collected.runDir, 'metrics.csv'), 'utf8')).to.equal(
      fs.readFileSync(path.join(seq.runDir, 'metrics.csv'), 'utf8'),
    );
    expect(fs.existsSync(path.join(collected.runDir, 'report.html'))).to.equal(true);
    const m = readManifest(collected.runDir);
    expect([m.status, m.slice, m.report]).to.deep.equal(['complete', null, 'report.html']);
    expect(m.cells.every((c) => c.status === 'done' && c.from === 'cache')).to.equal(true);
  });

  it('refuses a changed study when the plan names its hash', async () => {
    const doc = gapStudy();
    const prep = await prepareStudy(base, fakeDeps(doc, new FakeExecutor()));
    if ('status' in prep) throw new Error('prepare failed');
    const same = await runStudy(
      { ...base, cacheOnly: true, expectStudyHash: prep.studyHash },
      fakeDeps(doc, new FakeExecutor()),
    );
    expect(same.status).to.equal('missing'); // past the check: nothing is cached yet
    const changed = gapStudy();
    changed.seed = 7;
    const o = await runStudy(
      { ...base, cacheOnly: true, expectStudyHash: prep.studyHash },
      fakeDeps(changed, new FakeExecutor()),
    );
    expect(o.status).to.equal('usage');
    expect(o.status === 'usage' && o.message).to.contain('changed since the plan was written');
  });

  it('writes and reads a plan with absolute paths, and rejects a folder without one', async () => {
    const prep = await prepareStudy(base, fakeDeps(gapStudy(), new FakeExecutor()));
    if ('status' in prep) throw new Error('prepare failed');
    const plan = makePlan(
      prep,
      path.relative(process.cwd(), base.file),
      path.relative(process.cwd(), path.join(tmp, 'cache')),
      3,
      false,
    );
    expect(plan.study_file).to.equal(base.file);
    expect(plan.cache).to.equal(path.join(tmp, 'cache'));
    expect([plan.study, plan.cells, plan.slices, plan.backend]).to.deep.equal(['gap', 4, 3, 'cpu']);
    writePlan(tmp, plan);
    expect(readPlan(tmp)).to.deep.equal(plan);
    expect(() => readPlan(path.join(tmp, 'nowhere'))).to.throw(/has no plan\.json/);
  });

  it('the shared cache keeps fresh temporaries (another process is writing them) and sweeps old ones', () => {
    const root = path.join(tmp, 'cache');
    const fresh = path.join(root, `abc${TEMP_MARK}1-x`);
    const stale = path.join(root, `def${TEMP_MARK}2-y`);
    fs.mkdirSync(fresh, { recursive: true });
    fs.mkdirSync(stale);
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    fs.utimesSync(stale, twoHoursAgo, twoHoursAgo);
    new ResultCache(root);
    expect(fs.readdirSync(root)).to.deep.equal([path.basename(fresh)]);
  });

  it('the Slurm script runs slice $SLURM_ARRAY_TASK_ID of n with absolute, quoted paths', async () => {
    const prep = await prepareStudy(base, fakeDeps(gapStudy(), new FakeExecutor()));
    if ('status' in prep) throw new Error('prepare failed');
    const plan = makePlan(prep, base.file, path.join(tmp, 'my cache'), 3, false);
    const runDir = path.join(tmp, 'run');
    const s = slurmScript(plan, runDir, {
      command: ['/opt/node', '/opt/gtv.js'],
      cwd: '/home/a b',
      time: '1:00:00',
      cpus: 4,
    });
    expect(s.split('\n').filter((l) => l.startsWith('#SBATCH'))).to.deep.equal([
      '#SBATCH --job-name=gtv-gap',
      '#SBATCH --array=1-3',
      `#SBATCH --output=${runDir}/slices/%a/log.txt`,
      '#SBATCH --time=1:00:00',
      '#SBATCH --cpus-per-task=4',
    ]);
    expect(s).to.contain("cd '/home/a b'\n");
    expect(s).to.contain(
      `exec /opt/node /opt/gtv.js run ${base.file} --study gap --cells "\${SLURM_ARRAY_TASK_ID}/3" --scale 1 --backend cpu --cache '${tmp}/my cache' --out "${runDir}/slices/\${SLURM_ARRAY_TASK_ID}"\n`,
    );
  });

  it('the Slurm script takes partition, account, qos, extra #SBATCH lines, a concurrency limit and the read variables', async () => {
    const prep = await prepareStudy(base, fakeDeps(gapStudy(), new FakeExecutor()));
    if ('status' in prep) throw new Error('prepare failed');
    const plan = makePlan(prep, base.file, path.join(tmp, 'cache'), 3, false);
    const runDir = path.join(tmp, 'run');
    const opts = {
      command: ['/opt/node', '/opt/gtv.js'],
      cwd: '/work',
      partition: 'short',
      account: "lab's",
      qos: 'low',
      extra: ['--gres=gpu:1', '--mail-type=END'],
      maxConcurrent: 2,
      env: { GTV_ALLOW_READ: '/data/a b' },
    };
    const s = slurmScript(plan, runDir, opts);
    expect(s.split('\n').filter((l) => l.startsWith('#SBATCH'))).to.deep.equal([
      '#SBATCH --job-name=gtv-gap',
      '#SBATCH --array=1-3%2',
      `#SBATCH --output=${runDir}/slices/%a/log.txt`,
      '#SBATCH --partition=short',
      "#SBATCH --account='lab'\\''s'",
      '#SBATCH --qos=low',
      '#SBATCH --gres=gpu:1',
      '#SBATCH --mail-type=END',
    ]);
    expect(s).to.contain("export GTV_ALLOW_READ='/data/a b'\n");
    // The collect job queues where the array does, and runs `gtv collect` on the run folder.
    const c = collectScript(plan, runDir, opts);
    expect(c.split('\n').filter((l) => l.startsWith('#SBATCH'))).to.deep.equal([
      '#SBATCH --job-name=gtv-gap-collect',
      `#SBATCH --output=${runDir}/collect-log.txt`,
      '#SBATCH --partition=short',
      "#SBATCH --account='lab'\\''s'",
      '#SBATCH --qos=low',
      '#SBATCH --gres=gpu:1',
      '#SBATCH --mail-type=END',
    ]);
    expect(c).to.contain(`exec /opt/node /opt/gtv.js collect ${runDir}\n`);
    expect(sbatchLine('#SBATCH --exclusive')).to.equal('--exclusive');
    expect(sbatchLine('--a\n--b')).to.deep.equal({ problem: 'must be one line' });
    expect(sbatchLine('rm -rf /')).to.have.property('problem');
  });

  it('--slurm-chain-collect: submit.sh queues the array, then collect.sh with afterok on the array job', async () => {
    const runDir = path.join(tmp, 'chain run');
    fs.mkdirSync(runDir, { recursive: true });
    fs.writeFileSync(path.join(runDir, 'submit.sh'), submitScript(runDir));
    // A stand-in for sbatch: records its arguments, prints a job id the way --parsable does.
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    const calls = path.join(tmp, 'sbatch-calls.txt');
    fs.writeFileSync(
      path.join(bin, 'sbatch'),
      `#!/bin/bash\nprintf '%s|' "$@" >> '${calls}'; echo >> '${calls}'\nn=$(wc -l < '${calls}')\necho "$((4100 + n));cluster1"\n`,
      { mode: 0o755 },
    );
    const r = spawnSync('bash', [path.join(runDir, 'submit.sh')], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(fs.readFileSync(calls, 'utf8').split('\n').filter(Boolean)).to.deep.equal([
      `--parsable|${runDir}/slurm.sh|`,
      `--parsable|--dependency=afterok:4101|--kill-on-invalid-dep=yes|${runDir}/collect.sh|`,
    ]);
    expect(r.stdout).to.contain('array job 4101; collect job 4102 runs after it succeeds');
  });

  it('--emit commands: one runnable line per slice, cd-ing to the directory it was emitted from', async () => {
    const prep = await prepareStudy(base, fakeDeps(gapStudy(), new FakeExecutor()));
    if ('status' in prep) throw new Error('prepare failed');
    const plan = makePlan(prep, base.file, path.join(tmp, 'cache'), 3, false);
    const runDir = path.join(tmp, 'run');
    const lines = sliceCommands(plan, runDir, {
      command: ['/opt/node', '/opt/gtv.js'],
      cwd: '/home/a b',
      env: { GTV_MAX_FILE_SIZE: '1024' },
    });
    expect(lines).to.have.length(3);
    lines.forEach((l, i) =>
      expect(l).to.equal(
        `cd '/home/a b' && GTV_MAX_FILE_SIZE=1024 /opt/node /opt/gtv.js run ${base.file} --study gap --cells ${i + 1}/3 --scale 1 --backend cpu --cache ${tmp}/cache --out ${runDir}/slices/${i + 1}`,
      ),
    );
  });

  it('runs one process per slice, keeps each stderr in slices/<i>/log.txt and names a failed slice', async () => {
    const prep = await prepareStudy(base, fakeDeps(gapStudy(), new FakeExecutor()));
    if ('status' in prep) throw new Error('prepare failed');
    const plan = makePlan(prep, base.file, path.join(tmp, 'cache'), 3, false);
    const runDir = path.join(tmp, 'run');
    // A stand-in for gtv: reports its slice and GTV_THREADS on stderr; slice 2 fails.
    const script =
      "const c = process.argv[process.argv.indexOf('--cells') + 1]; console.error('slice', c, 'threads', process.env.GTV_THREADS); if (c === '2/3') process.exit(3);";
    const lines: string[] = [];
    const result = await runSliceProcesses({
      command: [process.execPath, '-e', script],
      plan,
      runDir,
      threadsPerSlice: 2,
      env: process.env,
      reporter: { info: (l) => lines.push(l), warn: (l) => lines.push(l), start() {}, tick() {}, end() {} },
      interrupted: () => false,
    });
    expect(result.interrupted).to.equal(false);
    expect(result.failures.map((f) => [f.slice, f.exit, f.log, f.tail])).to.deep.equal([
      [2, 3, path.join(runDir, 'slices', '2', 'log.txt'), 'slice 2/3 threads 2'],
    ]);
    expect(fs.readFileSync(path.join(runDir, 'slices', '1', 'log.txt'), 'utf8')).to.equal('slice 1/3 threads 2\n');
    expect(
      lines
        .filter((l) => l.startsWith('slice '))
        .map((l) => l.split(' ').slice(0, 3).join(' '))
        .sort(),
    ).to.deep.equal(['slice 1/3: done', 'slice 2/3: failed', 'slice 3/3: done']);
  });
});
