// Caching and resuming on real examples: a second run of Figure 1 takes its cell from the cache
// with byte-identical arrays, and a Figure 2 run stopped after five of its fifteen cells leaves
// a manifest that says so and resumes from the cache. The resumed Figure 2 run is the one the
// other tests of this folder check (provideRun), so the resume costs no extra cell.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEMP_MARK } from '../../study/atomic.js';
import { countingExecutor, exampleRun, provideRun, root, runExample } from './run-example.js';

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('examples: cache reuse and resuming an interrupted run', function () {
  this.timeout(600000);

  it('a second run of Figure 1 takes every cell from the cache, arrays byte for byte', async () => {
    const first = await exampleRun('fig1-proxy-variance');
    const ex = countingExecutor();
    const again = await runExample('fig1-proxy-variance', { out: path.join(root, 'fig1-again') }, ex);
    expect(again.manifest.status).to.equal('complete');
    expect(ex.finished, 'cells executed by the second run').to.equal(0);
    expect(again.manifest.cells.map((c) => c.from)).to.deep.equal(first.manifest.cells.map(() => 'cache'));
    const file = 'cells/main/polygon_frac.values.npy';
    expect(
      fs.readFileSync(path.join(again.runDir, file)).equals(fs.readFileSync(path.join(first.runDir, file))),
    ).to.equal(true);
  });

  it('Figure 2 interrupted after five cells resumes with those five from the cache', async () => {
    const ex1 = countingExecutor();
    const stopped = await runExample('fig2-gap-filling', { interrupted: () => ex1.finished >= 5 }, ex1);
    expect(stopped.manifest.status).to.equal('interrupted');
    expect(stopped.manifest.cells.filter((c) => c.status === 'done')).to.have.length(5);
    expect(stopped.manifest.cells.slice(5).every((c) => c.status === 'pending')).to.equal(true);
    expect(fs.existsSync(path.join(stopped.runDir, 'report.html'))).to.equal(false);
    expect(listFiles(stopped.runDir).filter((f) => f.includes(TEMP_MARK))).to.deep.equal([]);

    const ex2 = countingExecutor();
    const resumed = await runExample('fig2-gap-filling', {}, ex2);
    expect(resumed.manifest.status).to.equal('complete');
    expect(ex2.finished, 'cells executed by the resumed run').to.equal(10);
    expect(resumed.manifest.cells.map((c) => c.from)).to.deep.equal([
      ...Array(5).fill('cache'),
      ...Array(10).fill('computed'),
    ]);
    provideRun('fig2-gap-filling', { ...resumed, ms: stopped.ms + resumed.ms });
  });
});
