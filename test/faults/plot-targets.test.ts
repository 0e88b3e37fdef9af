import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runOwnedConflict } from '../../compiler/ir/plot-files.js';
import { createReporter } from '../../study/progress.js';
import { runStudy } from '../../study/run.js';
import { runCli } from '../cli/capture.js';
import { FakeExecutor, fakeDeps, gapStudy } from '../study/fixtures.js';

// Plots cannot overwrite the run's own files (issue 10, item 4): `gtv check` refuses them with a
// located diagnostic, and the plot writer refuses IR from elsewhere before writing anything.

describe('faults: plot files that belong to the run', function () {
  this.timeout(120000);
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-plotfault-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('gtv check refuses `to "metrics.csv"` and `to "cells/main/metrics.csv"` with file:line:col', async () => {
    const file = path.join(tmp, 's.gtv');
    fs.writeFileSync(
      file,
      'study s {\n  data d = points([-1], [1])\n  forward vp = vp()\n  sample a = pf_ode(true)\n  metric gap = gap_mass(a, radius = 0.2)\n' +
        '  plot table(gap) to "metrics.csv"\n  plot table(gap) to "cells/main/metrics.csv"\n  plot table(gap) to "tables/gap.csv"\n}\n',
    );
    const r = await runCli(['check', '--format', 'compact', file]);
    expect(r.code).to.equal(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(new RegExp(`^${file.replace(/[.]/g, '\\.')}:6:22: error GTV0610: `));
    expect(lines[1]).to.match(new RegExp(`^${file.replace(/[.]/g, '\\.')}:7:22: error GTV0610: `));
  });

  it("which names conflict: the written files (stem + the type's extensions), run folders, any case", () => {
    expect(runOwnedConflict('metrics.svg', 'metric_table')).to.contain('metrics.csv');
    expect(runOwnedConflict('metrics', 'metric_table')).to.contain('metrics.csv');
    expect(runOwnedConflict('METRICS.CSV', 'metric_table')).to.contain('METRICS.csv');
    expect(runOwnedConflict('metrics.csv', 'density')).to.equal(null); // writes metrics.svg/.png/.pdf/.vl.json only
    expect(runOwnedConflict('./cells/x/a.svg', 'density')).to.contain('cells/');
    expect(runOwnedConflict('plots/../slices/1/a.svg', 'density')).to.contain('slices/');
    expect(runOwnedConflict('cells.svg', 'density')).to.equal(null);
    expect(runOwnedConflict('metrics.vl.json', 'metric_table')).to.contain('metrics.csv'); // any figure extension is replaced
    expect(runOwnedConflict('metrics.pdf', 'metric_table')).to.contain('metrics.csv');
    expect(runOwnedConflict('tables/metrics.csv', 'metric_table')).to.equal(null);
  });

  for (const target of ['metrics.csv', 'cells/eps=0.001,P=64/metrics.csv']) {
    it(`the plot writer refuses IR with a table plot to "${target}" and leaves the run's file whole`, async () => {
      const file = path.join(tmp, 'gap.gtv');
      fs.writeFileSync(file, 'study gap {\n}\n');
      const doc = gapStudy();
      const table = doc.plots.find((p) => p.type === 'metric_table');
      if (!table) throw new Error('fixture has a table plot');
      table.file = target;
      const o = await runStudy(
        { file, outRoot: path.join(tmp, 'out'), reporter: createReporter({ quiet: true }) },
        fakeDeps(doc, new FakeExecutor()),
      );
      expect(o.status).to.equal('failed');
      if (o.status !== 'failed') return;
      expect(o.error).to.contain(`plot gap_table: the file \`${target}\``);
      const written = fs.readFileSync(path.join(o.runDir, target), 'utf8');
      // The run's own table (cell, axes, node.scalar columns) or the cell's long table (node,name,value).
      expect(written.split('\n')[0]).to.equal(
        target === 'metrics.csv' ? 'cell,eps,P,exact.n,trained.n,theory.n,gap.value,gap.stderr' : 'node,name,value',
      );
      // No plot was written, not even the ones before the refused one.
      expect(fs.existsSync(path.join(o.runDir, 'gap_filling.svg'))).to.equal(false);
    });
  }
});
