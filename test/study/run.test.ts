import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeNpy } from '../../study/npy.js';
import { createReporter } from '../../study/progress.js';
import { runStudy, type RunOptions, type RunOutcome } from '../../study/run.js';
import type { Manifest } from '../../study/manifest.js';
import { runEnvironment } from '../../study/environment.js';
import { TEMP_MARK } from '../../study/atomic.js';
import { FakeExecutor, fakeDeps, gapStudy } from './fixtures.js';

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function readManifest(runDir: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(runDir, 'manifest.json'), 'utf8')) as Manifest;
}

function done(o: RunOutcome) {
  if (o.status === 'compile-errors' || o.status === 'usage' || o.status === 'busy')
    throw new Error(`run did not start: ${o.status}`);
  return o;
}

describe('study/run (gtv run orchestration, fake executor)', function () {
  this.timeout(60000);
  let tmp: string;
  let base: RunOptions;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-run-'));
    const file = path.join(tmp, 'gap.gtv');
    fs.writeFileSync(file, 'study gap {\n  # hand-made IR in the test\n}\n');
    base = { file, outRoot: path.join(tmp, 'gtv-out'), reporter: createReporter({ quiet: true }) };
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes the documented run folder: manifest, per-cell npy/json/csv, plots, report', async () => {
    const exec = new FakeExecutor();
    const o = done(await runStudy(base, fakeDeps(gapStudy(), exec)));
    expect(o.status).to.equal('complete');
    expect(path.dirname(o.runDir)).to.equal(path.join(tmp, 'gtv-out', 'gap'));
    const m = readManifest(o.runDir);
    expect(m.status).to.equal('complete');
    expect(m.cells.map((c) => c.status)).to.deep.equal(['done', 'done', 'done', 'done']);
    expect(m.backend).to.equal('cpu');
    expect(m.seed).to.equal(2025);
    expect(m.study_hash).to.match(/^[0-9a-f]{64}$/);
    expect(m.ir.study).to.equal('gap');
    expect(m.cells[0].timings).to.have.property('trained');
    // The process's CPU time over the run, and the cores that kept busy: their ratio to the elapsed time.
    expect(m.cpu_ms).to.be.greaterThan(0);
    expect(m.cores).to.equal(Number((m.cpu_ms / m.elapsed_ms).toFixed(2)));
    expect([m.environment.node, m.environment.platform, m.environment.arch]).to.deep.equal([
      process.version,
      process.platform,
      process.arch,
    ]);
    expect(m.environment.threads).to.equal(Number(process.env.GTV_THREADS) || os.availableParallelism());
    expect(m.environment.simd).to.equal(process.env.GTV_SIMD !== '0');
    expect(m.environment.command).to.deep.equal(['gtv', ...process.argv.slice(2)]);
    const cellDir = path.join(o.runDir, 'cells', 'eps=0.001,P=64');
    const density = decodeNpy(fs.readFileSync(path.join(cellDir, 'trained.density.npy')));
    expect(density.shape).to.deep.equal([60]);
    expect(JSON.parse(fs.readFileSync(path.join(cellDir, 'metrics.json'), 'utf8')).gap.stderr).to.equal(0.01);
    expect(fs.readFileSync(path.join(cellDir, 'metrics.csv'), 'utf8')).to.contain('gap,value,');
    const runCsv = fs.readFileSync(path.join(o.runDir, 'metrics.csv'), 'utf8').split('\n');
    expect(runCsv[0]).to.equal('cell,eps,P,exact.n,trained.n,theory.n,gap.value,gap.stderr');
    expect(runCsv).to.have.length(6); // header, 4 cells, final newline
    for (const f of [
      'gap_filling.svg',
      'gap_filling.png',
      'tables/gap.svg',
      'tables/gap.png',
      'tables/gap.csv',
      'report.html',
      'study.gtv',
    ]) {
      expect(fs.existsSync(path.join(o.runDir, f)), f).to.equal(true);
    }
    expect(m.plots.map((p) => p.name)).to.deep.equal(['gap_density', 'gap_table']);
    expect(walk(tmp).filter((f) => f.includes(TEMP_MARK))).to.deep.equal([]);
  });

  it('records the SIMD switch, the thread count and the command line of the process', () => {
    const e = runEnvironment({ GTV_SIMD: '0', GTV_THREADS: '3' }, [
      '/usr/bin/node',
      '/opt/gtv/bin/gtv.js',
      'run',
      'my study.gtv',
      '--jobs',
      '2',
    ]);
    expect([e.simd, e.threads, e.command]).to.deep.equal([false, 3, ['gtv', 'run', 'my study.gtv', '--jobs', '2']]);
    // Node 16.4 and later have WebAssembly SIMD, so with the switch on the loops are used.
    expect(runEnvironment({}, []).simd).to.equal(true);
    expect(runEnvironment({}, []).threads).to.equal(os.availableParallelism());
  });

  it('takes every cell from the cache on the second run, and --fresh recomputes them', async () => {
    const doc = gapStudy();
    const first = new FakeExecutor();
    done(await runStudy(base, fakeDeps(doc, first)));
    expect(first.calls).to.have.length(4);

    const second = new FakeExecutor();
    const o2 = done(await runStudy(base, fakeDeps(doc, second)));
    expect(second.calls).to.deep.equal([]);
    expect(o2.executed).to.deep.equal([]);
    expect(o2.cached).to.have.length(4);
    expect(readManifest(o2.runDir).cells.every((c) => c.from === 'cache')).to.equal(true);
    // The cached cell folder holds the same arrays as a computed one.
    const a = fs.readFileSync(path.join(o2.runDir, 'cells', 'eps=0.01,P=128', 'exact.density.npy'));
    expect(decodeNpy(a).shape).to.deep.equal([60]);

    const third = new FakeExecutor();
    const o3 = done(await runStudy({ ...base, fresh: true }, fakeDeps(doc, third)));
    expect(third.calls).to.have.length(4);
    expect(readManifest(o3.runDir).fresh).to.equal(true);
  });

  it('starts computing the next cell before it writes the one that finished', async () => {
    const doc = gapStudy();
    const cacheDir = path.join(tmp, 'cache');
    // How many cells the cache held when each cell started.
    const stored: number[] = [];
    class Watching extends FakeExecutor {
      override async executeCell(...args: Parameters<FakeExecutor['executeCell']>) {
        const inCache = fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).filter((f) => !f.includes(TEMP_MARK)) : [];
        stored.push(inCache.length);
        return super.executeCell(...args);
      }
    }
    const exec = new Watching();
    const o = done(await runStudy({ ...base, cacheDir }, fakeDeps(doc, exec)));
    expect(o.status).to.equal('complete');
    expect(exec.calls).to.deep.equal(doc.cells.map((c) => c.id));
    // One after the other it would be [0, 1, 2, 3]: each cell starts while the one before is unwritten.
    expect(stored).to.deep.equal([0, 0, 1, 2]);
    expect(fs.readdirSync(cacheDir).filter((f) => !f.includes(TEMP_MARK))).to.have.length(4);
    expect(readManifest(o.runDir).cells.map((c) => c.status)).to.deep.equal(['done', 'done', 'done', 'done']);
  });

  it('cancels the cell started ahead when writing the one before fails', async () => {
    const doc = gapStudy();
    // The cache cannot be created (its parent is a file), so storing the first cell fails.
    fs.writeFileSync(path.join(tmp, 'a-file'), '');
    let cancelled = 0;
    let pending = 0;
    class Slow extends FakeExecutor {
      private stop: (() => void) | null = null;
      override async executeCell(...args: Parameters<FakeExecutor['executeCell']>) {
        if (this.calls.length === 0) return super.executeCell(...args);
        pending++;
        await new Promise<void>((_, reject) => (this.stop = () => reject(new Error('cancelled'))));
        return super.executeCell(...args);
      }
      async cancel() {
        cancelled++;
        this.stop?.();
      }
    }
    const o = done(await runStudy({ ...base, cacheDir: path.join(tmp, 'a-file', 'cache') }, fakeDeps(doc, new Slow())));
    expect(o.status).to.equal('failed');
    expect(o.error).to.contain('cannot store the cell in the cache');
    expect(pending).to.equal(1);
    expect(cancelled).to.equal(1);
  });

  it('releases the runtime before the plots after large ensembles only', async () => {
    const releases: [number, boolean][] = [];
    class Releasing extends FakeExecutor {
      async release() {
        // How many cells had run, and whether the plot existed yet.
        releases.push([this.calls.length, fs.existsSync(path.join(tmp, 'large', 'gap_filling.svg'))]);
      }
    }
    const small = gapStudy();
    done(await runStudy({ ...base, out: path.join(tmp, 'small') }, fakeDeps(small, new Releasing())));
    expect(releases).to.deep.equal([]);
    // 100 members x 10 000 draws: a million pooled draws.
    const large = gapStudy();
    for (const c of large.cells)
      c.nodes = c.nodes.map((n) => (n.kind === 'sample' && n.name === 'trained' ? { ...n, draws: 10_000 } : n));
    const o = done(await runStudy({ ...base, out: path.join(tmp, 'large') }, fakeDeps(large, new Releasing())));
    expect(o.status).to.equal('complete');
    expect(releases).to.deep.equal([[4, false]]);
    expect(fs.existsSync(path.join(o.runDir, 'gap_filling.svg'))).to.equal(true);
  });

  it('recomputes only the cells whose IR changed', async () => {
    const doc = gapStudy();
    done(await runStudy(base, fakeDeps(doc, new FakeExecutor())));
    const changed = gapStudy();
    const node = changed.cells[3].nodes.find((n) => n.name === 'lin');
    if (node?.kind === 'model' && node.type === 'linear') node.ridge = 0.2;
    const exec = new FakeExecutor();
    done(await runStudy(base, fakeDeps(changed, exec)));
    expect(exec.calls).to.deep.equal([changed.cells[3].id]);
  });

  it('after a failure leaves a manifest listing the finished cells and no partial files; a re-run resumes', async () => {
    const doc = gapStudy();
    const failing = new FakeExecutor();
    failing.failAfter = 1;
    const o = done(await runStudy(base, fakeDeps(doc, failing)));
    expect(o.status).to.equal('failed');
    const m = readManifest(o.runDir);
    expect(m.status).to.equal('failed');
    expect(m.error).to.contain('simulated runtime failure');
    expect(m.cells.map((c) => c.status)).to.deep.equal(['done', 'failed', 'pending', 'pending']);
    expect(fs.readdirSync(path.join(o.runDir, 'cells'))).to.deep.equal(['eps=0.001,P=64']);
    expect(fs.existsSync(path.join(o.runDir, 'report.html'))).to.equal(false);
    expect(walk(tmp).filter((f) => f.includes(TEMP_MARK))).to.deep.equal([]);

    const resumed = new FakeExecutor();
    const o2 = done(await runStudy(base, fakeDeps(doc, resumed)));
    expect(o2.status).to.equal('complete');
    expect(o2.cached).to.deep.equal(['eps=0.001,P=64']);
    expect(resumed.calls).to.deep.equal(doc.cells.slice(1).map((c) => c.id));
  });

  it('stops at an interruption with status interrupted and resumes from the cache', async () => {
    const doc = gapStudy();
    const exec = new FakeExecutor();
    exec.interruptAfter = 2;
    const o = done(await runStudy({ ...base, interrupted: () => exec.interrupted }, fakeDeps(doc, exec)));
    expect(o.status).to.equal('interrupted');
    const m = readManifest(o.runDir);
    expect(m.status).to.equal('interrupted');
    expect(m.cells.filter((c) => c.status === 'done').map((c) => c.id)).to.deep.equal(
      doc.cells.slice(0, 2).map((c) => c.id),
    );
    expect(walk(tmp).filter((f) => f.includes(TEMP_MARK))).to.deep.equal([]);

    const again = new FakeExecutor();
    const o2 = done(await runStudy(base, fakeDeps(doc, again)));
    expect(again.calls).to.deep.equal(doc.cells.slice(2).map((c) => c.id));
    expect(o2.cached).to.have.length(2);
  });

  it('stops between plots when interrupted there: status interrupted, no report, cells kept', async () => {
    const doc = gapStudy();
    let raised = false;
    const lines: string[] = [];
    // The flag is raised when the first plot is written, as a signal arriving then would.
    const reporter = {
      start: () => undefined,
      tick: () => undefined,
      end: () => undefined,
      warn: (line: string) => lines.push(line),
      info: (line: string) => {
        lines.push(line);
        if (line.startsWith('plot ')) raised = true;
      },
    };
    const o = done(await runStudy({ ...base, reporter, interrupted: () => raised }, fakeDeps(doc, new FakeExecutor())));
    expect(o.status).to.equal('interrupted');
    expect(lines.filter((l) => l.startsWith('plot '))).to.have.length(1);
    const m = readManifest(o.runDir);
    expect(m.status).to.equal('interrupted');
    expect(m.report).to.equal(null);
    expect(m.cells.map((c) => c.status)).to.deep.equal(doc.cells.map(() => 'done'));
    expect(fs.existsSync(path.join(o.runDir, 'report.html'))).to.equal(false);
  });

  it('--scale multiplies draw, member and mc counts (draws at least 1, members 10, mc 1000), records it, and keys the cache on it', async () => {
    const doc = gapStudy();
    const exec = new FakeExecutor();
    const o = done(await runStudy({ ...base, scale: 0.01 }, fakeDeps(doc, exec)));
    const m = readManifest(o.runDir);
    expect(m.scale).to.equal(0.01);
    const trained = m.ir.cells[0].nodes.find((n) => n.name === 'trained');
    const theory = m.ir.cells[0].nodes.find((n) => n.name === 'theory');
    if (trained?.kind !== 'sample' || trained.method !== 'ensemble') throw new Error('fixture');
    if (theory?.kind !== 'sample' || theory.method !== 'effective_sde') throw new Error('fixture');
    // Members and mc_samples keep their floors (study/scale.ts): 100 -> 10, 50 -> 10, 4000 -> 1000.
    expect([trained.draws, trained.members]).to.deep.equal([10, 10]);
    expect([theory.draws, theory.members, theory.mc_samples]).to.deep.equal([10, 10, 1000]);
    expect(m.scaled_counts).to.deep.include({
      cell: 'eps=0.001,P=64',
      node: 'exact',
      field: 'draws',
      from: 100000,
      to: 1000,
    });
    // Training-set size P is part of the experiment, not of its statistics: unchanged.
    const lin = m.ir.cells[0].nodes.find((n) => n.name === 'lin');
    expect(lin && lin.kind === 'model' && lin.type === 'linear' && lin.samples).to.equal(64);
    expect(exec.seenDraws.slice(0, 3)).to.deep.equal([1000, 10, 10]);
    // A full-scale run does not reuse the reduced-statistics results.
    const full = new FakeExecutor();
    done(await runStudy(base, fakeDeps(doc, full)));
    expect(full.calls).to.have.length(4);
  });

  it('reusing an --out folder leaves only the current cells in it', async () => {
    const out = path.join(tmp, 'fixed');
    done(await runStudy({ ...base, out }, fakeDeps(gapStudy(), new FakeExecutor())));
    const smaller = gapStudy();
    smaller.cells = smaller.cells.slice(0, 1);
    done(await runStudy({ ...base, out }, fakeDeps(smaller, new FakeExecutor())));
    expect(fs.readdirSync(path.join(out, 'cells'))).to.deep.equal(['eps=0.001,P=64']);
    expect(readManifest(out).cells).to.have.length(1);
  });

  it('refuses to start without a clear study, with a bad --scale or an unknown backend', async () => {
    const exec = new FakeExecutor();
    const two = {
      compile: () => ({ diagnostics: [], studies: [gapStudy(), { ...gapStudy(), study: 'other' }] }),
      executor: exec,
    };
    const a = await runStudy(base, two);
    expect(a.status).to.equal('usage');
    expect(a.status === 'usage' && a.message).to.contain('--study');
    const b = done(await runStudy({ ...base, study: 'other', out: path.join(tmp, 'o') }, two));
    expect(b.manifest.study).to.equal('other');
    expect(b.runDir).to.equal(path.join(tmp, 'o'));
    const idle = new FakeExecutor();
    expect((await runStudy({ ...base, scale: 0 }, fakeDeps(gapStudy(), idle))).status).to.equal('usage');
    expect((await runStudy({ ...base, backend: 'quantum' }, fakeDeps(gapStudy(), idle))).status).to.equal('usage');
    const withErrors = {
      compile: () => ({ diagnostics: [{ severity: 'error' as const, code: 'GTV0001', message: 'bad' }], studies: [] }),
      executor: idle,
    };
    expect((await runStudy(base, withErrors)).status).to.equal('compile-errors');
    expect(idle.calls).to.deep.equal([]);
  });
});
