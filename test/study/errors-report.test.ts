import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IrCell, IrDocument } from '../../compiler/ir/types.js';
import { compileSource } from '../../compiler/driver.js';
import { executeCell } from '../../runtime/execute.js';
import type { CellResult, ExecuteOptions } from '../../runtime/results.js';
import { compareTheoryEnsemble } from '../../study/compare.js';
import { createReporter } from '../../study/progress.js';
import { runStudy } from '../../study/run.js';
import { FakeExecutor, fakeDeps, gapStudy } from './fixtures.js';
import { densitySpec } from '../../study/plots/density.js';
import type { IrPlot } from '../../compiler/ir/types.js';
import { useWasm } from '../runtime/helpers.js';

/** The fake runtime, with metrics that carry an error and say what it covers. */
class LabelledExecutor extends FakeExecutor {
  override async executeCell(doc: IrDocument, cell: IrCell, opts: ExecuteOptions): Promise<CellResult> {
    const r = await super.executeCell(doc, cell, opts);
    for (const n of cell.nodes) if (n.kind === 'metric') r.nodes[n.name].labels = { se_over: 'members' };
    return r;
  }
}

describe('study: metric errors in metrics files and the report', function () {
  this.timeout(120000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-errors-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes se_over next to each metric and, at --scale < 1, says "reduced statistics" by the metric and in plot titles', async () => {
    const doc = gapStudy();
    const file = path.join(tmp, 'gap.gtv');
    fs.writeFileSync(file, 'study gap {}\n');
    const run = async (scale: number, out: string) => {
      const o = await runStudy(
        {
          file,
          out: path.join(tmp, out),
          cacheDir: path.join(tmp, 'cache'),
          scale,
          reporter: createReporter({ quiet: true }),
        },
        fakeDeps(doc, new LabelledExecutor()),
      );
      expect(o.status).to.equal('complete');
      return path.join(tmp, out);
    };
    const small = await run(0.1, 'small');
    const cellJson = JSON.parse(fs.readFileSync(path.join(small, 'cells', 'eps=0.001,P=64', 'metrics.json'), 'utf8'));
    expect(cellJson.gap.se_over).to.equal('members');
    const runJson = JSON.parse(fs.readFileSync(path.join(small, 'metrics.json'), 'utf8'));
    expect(runJson[0].metrics['gap.se_over']).to.equal('members');
    const csv = fs.readFileSync(path.join(small, 'metrics.csv'), 'utf8').split('\n');
    expect(csv[0].split(',')).to.include('gap.se_over');
    expect(csv[1]).to.match(/,members(,|$)/);
    const html = fs.readFileSync(path.join(small, 'report.html'), 'utf8');
    // Counts after --scale 0.1: trained 100 -> 10 members, 1000 -> 100 draws.
    expect(html).to.include(
      'reduced statistics (scale 0.1: exact 10000 draws; trained 10 members x 100 draws; theory 10 members x 100 draws)',
    );
    expect(html).to.include('<th>gap.<wbr>value *</th>');
    expect(html).to.include('<code>se_over</code>');
    expect(fs.readFileSync(path.join(small, 'gap_filling.svg'), 'utf8')).to.include('reduced statistics (scale 0.1');
    expect(fs.readFileSync(path.join(small, 'tables', 'gap.svg'), 'utf8')).to.include('reduced statistics (scale 0.1');

    const full = await run(1, 'full');
    const fullHtml = fs.readFileSync(path.join(full, 'report.html'), 'utf8');
    expect(fullHtml).not.to.include('reduced statistics');
    expect(fullHtml).to.include('<th>gap.<wbr>value</th>');
    expect(fs.readFileSync(path.join(full, 'gap_filling.svg'), 'utf8')).not.to.include('reduced statistics');
  });
});

describe('study/compare: theory versus ensemble is the total_variation metric', function () {
  this.timeout(120000);
  useWasm();

  it("gives the metric's value (outside bin included) and a bootstrap error of the same size", async () => {
    // A narrow range leaves mass outside, which the distance must count.
    const doc = compileSource(
      `study c {
  seed = 4
  t_min = 0.01
  steps = 15
  data train = points([-1], [0], [1])
  forward vp = vp(beta_min = 0.1, beta_d = 19.9, T = 1)
  features phi = gauss(x, n = 8, over = -1.5 .. 1.5) * gauss(t, n = 8, over = 0.01 .. 1)
  model lin = linear(phi, samples = 64, ridge = 0.1)
  sample trained = ensemble(lin, members = 12, draws = 300, bins = 24, range = -0.9 .. 0.9)
  sample theory = effective_sde(lin, members = 12, draws = 300, mc_samples = 2000, bins = 24, range = -0.9 .. 0.9)
  metric tv = total_variation(trained, against = theory, bins = 24, range = -0.9 .. 0.9)
}`,
      'c.gtv',
    ).studies[0];
    const r = await executeCell(doc, doc.cells[0]);
    const [c] = compareTheoryEnsemble(doc.cells[0], r);
    const m = r.nodes.tv;
    // The outside masses differ, so leaving the outside bin out would move the distance by half that.
    expect(Math.abs(c.massEnsemble - c.massTheory)).to.be.above(2e-3);
    expect(c.tv).to.be.closeTo(m.scalars.value, 1e-12);
    expect(m.labels?.se_over).to.equal('members');
    // Two bootstraps of 200 replicates with different seeds: each sd is uncertain by ~5%.
    expect(c.tvError / m.scalars.standard_error).to.be.within(0.75, 1.33);
  });
});

describe('study/plots/density: the standard-error band', () => {
  // One 1D ensemble of 3 members over 2 bins: member densities (1, 2), (2, 2), (3, 5).
  const doc = gapStudy();
  const cell = doc.cells[0];
  const nr = {
    arrays: {
      density: { shape: [2], dtype: 'float64' as const, data: Float64Array.from([2, 3]), doc: '', dims: ['bin_x'] },
      edges_x: { shape: [3], dtype: 'float64' as const, data: Float64Array.from([0, 1, 2]), doc: '', dims: ['edge_x'] },
      density_q25: {
        shape: [2],
        dtype: 'float64' as const,
        data: Float64Array.from([1.5, 2]),
        doc: '',
        dims: ['bin_x'],
      },
      density_q75: {
        shape: [2],
        dtype: 'float64' as const,
        data: Float64Array.from([2.5, 3.5]),
        doc: '',
        dims: ['bin_x'],
      },
      member_density: {
        shape: [3, 2],
        dtype: 'float64' as const,
        data: Float64Array.from([1, 2, 2, 2, 3, 5]),
        doc: '',
        dims: ['member', 'bin_x'],
      },
    },
    scalars: {},
    notes: [],
  };
  const results = new Map<string, CellResult>([
    [cell.id, { cellId: cell.id, nodes: { trained: nr }, timings: {}, backend: 'cpu' }],
  ]);
  const docOne = { ...doc, cells: [cell] };
  const spec = (band: IrPlot['band']) => {
    const plot: IrPlot = {
      name: 'd',
      type: 'density',
      inputs: ['trained'],
      points: null,
      by: [],
      file: 'd.svg',
      y_max: null,
      band,
    };
    return densitySpec(docOne, plot, results) as unknown as {
      title: string;
      data: { values: Record<string, unknown>[] };
    };
  };
  const rows = (s: ReturnType<typeof spec>, kind: string) => s.data.values.filter((r) => r.kind === kind);

  it('draws mean +- sd / sqrt(members) per bin, and the quartile band only when asked, saying which is which', () => {
    // sd(1, 2, 3) = 1, sd(2, 2, 5) = sqrt(3); over sqrt(3)
    const both = spec('both');
    const se = rows(both, 'se');
    expect(se.map((r) => r.lo)).to.deep.equal([2 - 1 / Math.sqrt(3), 3 - 1]);
    expect(se.map((r) => r.hi)).to.deep.equal([2 + 1 / Math.sqrt(3), 3 + 1]);
    expect(rows(both, 'band')).to.have.length(2);
    expect(both.title).to.include('light: quartile band across members; dark: mean +- 1 standard error over members');
    // The shading legend names both bands.
    const legend = JSON.stringify(both);
    expect(legend)
      .to.include('shaded: 25-75% quartile band across members')
      .and.include('shaded: ensemble mean +- 1 standard error over members');
    const seOnly = spec('se');
    expect(rows(seOnly, 'band')).to.have.length(0);
    expect(seOnly.title).to.include('shaded: ensemble mean +- 1 standard error over members');
    const q = spec('quartiles');
    expect(rows(q, 'se')).to.have.length(0);
    expect(q.title).to.include('shaded: quartile band across ensemble members');
    expect(JSON.stringify(q)).not.to.include('standard error');
  });
});
