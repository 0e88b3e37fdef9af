import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createReporter } from '../../study/progress.js';
import { runStudy, type RunOptions, type RunOutcome } from '../../study/run.js';
import { FakeExecutor, fakeDeps, gapStudy } from '../study/fixtures.js';

// Cache integrity (issue 10, items 2 and 3): a cached cell is reused only if every file still has
// the content hash recorded when it was written; anything else is recomputed with a warning.
// Run folders hold copies, so editing an array in a run folder cannot reach the cache.

const sha = (f: string): string => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

function done(o: RunOutcome) {
  if (o.status === 'compile-errors' || o.status === 'usage' || o.status === 'busy')
    throw new Error(`run did not start: ${o.status}`);
  return o;
}

/** Byte offset of an .npy file's data (after magic, version, header length and header). */
function npyDataOffset(file: string): number {
  return 10 + fs.readFileSync(file).readUInt16LE(8);
}

const CELL = 'eps=0.001,P=64';

function replaceIn(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`test setup: ${from} not in ${file}`);
  fs.writeFileSync(file, text.replace(from, to));
}

/** Ways a cached entry breaks, each applied to the entry of CELL. */
const DAMAGE: Record<string, (entry: string) => void> = {
  'a flipped byte in an array': (entry) => {
    const f = path.join(entry, 'trained.density.npy');
    const buf = fs.readFileSync(f);
    buf[npyDataOffset(f) + 17] ^= 0x10;
    fs.writeFileSync(f, buf);
  },
  'a flipped byte in the per-member quantiles': (entry) => {
    const f = path.join(entry, 'trained.density_q25.npy');
    const buf = fs.readFileSync(f);
    buf[buf.length - 3] ^= 0x01;
    fs.writeFileSync(f, buf);
  },
  'an .npy header NumPy cannot parse': (entry) => {
    const f = path.join(entry, 'exact.edges_x.npy');
    const buf = fs.readFileSync(f);
    buf.write("{'descr': <<garbage>>", 10, 'latin1');
    fs.writeFileSync(f, buf);
  },
  'a truncated array': (entry) => fs.truncateSync(path.join(entry, 'theory.density.npy'), 200),
  'a deleted array': (entry) => fs.rmSync(path.join(entry, 'exact.density.npy')),
  'a truncated result.json': (entry) => fs.truncateSync(path.join(entry, 'result.json'), 100),
  'a changed number in result.json (still valid JSON)': (entry) =>
    replaceIn(path.join(entry, 'result.json'), '"shape": [\n        60\n      ]', '"shape": [\n        61\n      ]'),
  'a changed metric in metrics.json': (entry) =>
    replaceIn(path.join(entry, 'metrics.json'), '"stderr": 0.01', '"stderr": 0.02'),
  'an entry without checksums (an older gtv wrote it)': (entry) => {
    for (const f of fs.readdirSync(entry)) if (/sha256/i.test(f)) fs.rmSync(path.join(entry, f));
  },
};

/** The gap study without plots: the cache is what is tested here, and plots take seconds. */
function study() {
  const doc = gapStudy();
  doc.plots = [];
  return doc;
}

describe('faults: cache integrity', function () {
  this.timeout(120000);
  let tmp: string;
  let pristine: string;
  let first: ReturnType<typeof done>;
  let lines: string[];
  const options = (cacheDir: string): RunOptions => ({
    file: path.join(tmp, 'gap.gtv'),
    outRoot: path.join(tmp, 'gtv-out'),
    cacheDir,
    reporter: createReporter({ write: (t) => void lines.push(t), tty: false }),
  });
  // One first run fills a cache; each test damages its own copy of it.
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-cachefault-'));
    fs.writeFileSync(path.join(tmp, 'gap.gtv'), 'study gap {\n}\n');
    pristine = path.join(tmp, 'pristine');
    lines = [];
    first = done(await runStudy(options(pristine), fakeDeps(study(), new FakeExecutor())));
    expect(first.status).to.equal('complete');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  let n = 0;
  /** A copy of the first run's cache, and the entry of CELL in it. */
  function cacheCopy(): { cacheDir: string; entry: string } {
    const cacheDir = path.join(tmp, `cache-${++n}`);
    fs.cpSync(pristine, cacheDir, { recursive: true });
    return { cacheDir, entry: path.join(cacheDir, first.manifest.cells.find((c) => c.id === CELL)?.key ?? '') };
  }

  for (const [what, damage] of Object.entries(DAMAGE)) {
    it(`${what}: the cell is recomputed with a warning, the others come from the cache`, async () => {
      const { cacheDir, entry } = cacheCopy();
      const good = new Map(fs.readdirSync(entry).map((f) => [f, sha(path.join(entry, f))]));
      damage(entry);

      lines = [];
      const exec = new FakeExecutor();
      const second = done(await runStudy(options(cacheDir), fakeDeps(study(), exec)));
      expect(second.status, second.error ?? '').to.equal('complete');
      expect(exec.calls).to.deep.equal([CELL]);
      expect(second.cached).to.have.length(3);
      expect(lines.join('')).to.match(new RegExp(`warning: .*${CELL.replace(/[.]/g, '\\.')}.*cache.*recomput`, 'i'));
      // The run folder and the repaired cache entry hold what the first run computed.
      const cellDir = path.join(second.runDir, 'cells', CELL);
      for (const [f, h] of good) {
        expect(sha(path.join(cellDir, f)), `run folder ${f}`).to.equal(h);
        expect(sha(path.join(entry, f)), `cache ${f}`).to.equal(h);
      }
      expect(second.manifest.cells.find((c) => c.id === CELL)?.from).to.equal('computed');
    });
  }

  it('a cache-only run (gtv collect) counts a damaged entry as missing and says why', async () => {
    const { cacheDir, entry } = cacheCopy();
    DAMAGE['a flipped byte in an array'](entry);
    const exec = new FakeExecutor();
    const o = done(await runStudy({ ...options(cacheDir), cacheOnly: true }, fakeDeps(study(), exec)));
    expect(o.status).to.equal('missing');
    expect(o.missing.map((m) => m.id)).to.deep.equal([CELL]);
    expect(o.manifest.cells.find((c) => c.id === CELL)?.error).to.match(/damaged.*trained\.density\.npy/);
    expect(exec.calls).to.deep.equal([]);
  });

  it('a folder of a run has the SHA256SUMS `sha256sum -c` checks', function () {
    const cellDir = path.join(first.runDir, 'cells', CELL);
    const r = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: cellDir, encoding: 'utf8' });
    if (r.error) this.skip(); // no coreutils sha256sum on this platform
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout.trim().split('\n')).to.have.length(fs.readdirSync(cellDir).length - 1);
  });
});

describe('faults: run folders are copies, not links into the cache', function () {
  this.timeout(120000);
  let tmp: string;
  let base: RunOptions;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-linkfault-'));
    const file = path.join(tmp, 'gap.gtv');
    fs.writeFileSync(file, 'study gap {\n}\n');
    base = { file, outRoot: path.join(tmp, 'gtv-out'), reporter: createReporter({ quiet: true }) };
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('zeroing an array in place in a run folder (as np.save does) leaves the cache and the next run unchanged', async () => {
    const doc = study();
    const first = done(await runStudy(base, fakeDeps(doc, new FakeExecutor())));
    const runFile = path.join(first.runDir, 'cells', CELL, 'trained.density.npy');
    const original = fs.readFileSync(runFile);
    const key = first.manifest.cells.find((c) => c.id === CELL)?.key ?? '';
    const cached = path.join(tmp, 'gtv-out', '.cache', key, 'trained.density.npy');
    expect(fs.statSync(runFile).ino).not.to.equal(fs.statSync(cached).ino);

    // np.save(p, a) opens p for writing in place: same inode, new bytes.
    const fd = fs.openSync(runFile, 'r+');
    const offset = npyDataOffset(runFile);
    fs.writeSync(fd, Buffer.alloc(original.length - offset), 0, original.length - offset, offset);
    fs.closeSync(fd);

    expect(fs.readFileSync(cached).equals(original), 'the cache entry is untouched').to.equal(true);
    const exec = new FakeExecutor();
    const second = done(await runStudy(base, fakeDeps(doc, exec)));
    expect(exec.calls).to.deep.equal([]);
    expect(fs.readFileSync(path.join(second.runDir, 'cells', CELL, 'trained.density.npy')).equals(original)).to.equal(
      true,
    );
  });
});
