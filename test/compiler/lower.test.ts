import { expect } from 'chai';
import { cellSeed, nodeSeed } from '../../compiler/passes/seeds.js';
import type { IrModel, IrNode, IrSample } from '../../compiler/ir/types.js';
import { serializeIr } from '../../compiler/ir/serialize.js';
import { compile } from './helpers.js';

const FIG2 = `
study gap_filling {
  seed = 2025
  t_min = eps
  data train = points([-1], [0], [1])
  forward vp = vp(beta_min = 0.1, beta_d = 19.9, T = 1)
  data unused_by_outputs = points([5])
  sweep eps = [1e-4, 1e-3, 1e-2]
  sweep P = [64, 128, 256, 512, 1024]
  features phi = gauss(x, n = 16, over = -1.5 .. 1.5) * gauss(t, n = 16, over = eps .. 1)
  model lin = linear(phi, samples = P, data = train)
  sample exact = pf_ode(true, draws = 1e6, data = train)
  sample trained = ensemble(lin, members = 100, draws = 1e5, range = -1.5 .. 1.5)
  sample theory = effective_sde(lin, draws = 1e5)
  plot density(exact, trained, theory, points = train, y_max = 2.5) by (eps, P) to "gap_filling.svg"
}
`;

const byName = (nodes: IrNode[], name: string) => nodes.find((n) => n.name === name)!;

describe('lowering (Fig. 2-like study)', () => {
  const out = compile(FIG2);
  const doc = out.studies[0];

  it('compiles with only the unused-definition warning', () => {
    expect(out.diagnostics.map((d) => d.code)).to.deep.equal(['GTV0701']);
    expect(doc.study).to.equal('gap_filling');
    expect(doc.source).to.equal('study.gtv');
    expect(doc.seed).to.equal(2025);
  });

  it('expands sweeps row-major (last axis fastest) with ids from the values', () => {
    expect(doc.axes).to.deep.equal([
      { name: 'eps', values: [1e-4, 1e-3, 1e-2] },
      { name: 'P', values: [64, 128, 256, 512, 1024] },
    ]);
    expect(doc.cells).to.have.length(15);
    expect(doc.cells.slice(0, 6).map((c) => c.id)).to.deep.equal([
      'eps=0.0001,P=64',
      'eps=0.0001,P=128',
      'eps=0.0001,P=256',
      'eps=0.0001,P=512',
      'eps=0.0001,P=1024',
      'eps=0.001,P=64',
    ]);
    expect(doc.cells.map((c) => c.index)).to.deep.equal([...Array(15).keys()]);
    expect(doc.cells[7].values).to.deep.equal({ eps: 1e-3, P: 256 });
  });

  it('derives cell seeds from the study seed and the cell id, node seeds from the cell seed and name', () => {
    for (const c of doc.cells) {
      expect(c.seed).to.equal(cellSeed(2025, c.id));
      const lin = byName(c.nodes, 'lin') as IrModel & { seed: number };
      expect(lin.seed).to.equal(nodeSeed(c.seed, 'lin'));
    }
    expect(new Set(doc.cells.map((c) => c.seed)).size).to.equal(15);
  });

  it('substitutes sweep values and fills defaults from the table and the study settings', () => {
    const c = doc.cells[13]; // eps = 1e-2, P = 512
    const lin = byName(c.nodes, 'lin') as Extract<IrModel, { type: 'linear' }>;
    expect(lin.samples).to.equal(512);
    expect(lin.ridge).to.equal(0.1); // table default
    expect(lin.parametrization).to.equal('denoiser');
    expect(lin.t_range).to.deep.equal([1e-2, 1]); // t_min = eps setting, T of vp
    const trained = byName(c.nodes, 'trained') as IrSample;
    expect(trained.grid).to.deep.equal({ steps: 30, t_min: 1e-2, spacing: 'uniform', rho: 7 });
    expect(trained.histogram).to.deep.equal({ bins: 200, range: [[-1.5, 1.5]] });
    expect(trained.data).to.equal('train');
    expect(trained.forward).to.equal('vp');
    const theory = byName(c.nodes, 'theory') as Extract<IrSample, { method: 'effective_sde' }>;
    expect([theory.variant, theory.members, theory.mc_samples]).to.deep.equal(['gaussian_field', 100, 10000]);
    // Default histogram range: data box [-1, 1] padded by max(0.5, 2 / 4) on each side.
    expect(theory.histogram.range).to.deep.equal([[-1.5, 1.5]]);
    const phi = byName(c.nodes, 'phi');
    expect(phi).to.deep.include({ kind: 'features', count: 256 });
    const tree = (phi as Extract<IrNode, { kind: 'features' }>).tree as {
      op: 'product';
      factors: { over: number[]; width: number }[];
    };
    expect(tree.factors[1].over).to.deep.equal([1e-2, 1]);
    // Half the centre spacing; tolerance covers float rounding of (1 - eps) / 15 / 2.
    expect(tree.factors[1].width).to.be.closeTo((1 - 1e-2) / 30, 1e-15);
  });

  it('emits only the nodes a cell needs, dependencies first', () => {
    for (const c of doc.cells) {
      const names = c.nodes.map((n) => n.name);
      expect(names).to.not.include('unused_by_outputs');
      expect(names).to.have.members(['train', 'vp', 'phi', 'lin', 'exact', 'trained', 'theory']);
      expect(names.indexOf('phi')).to.be.lessThan(names.indexOf('lin'));
      expect(names.indexOf('lin')).to.be.lessThan(names.indexOf('trained'));
      expect(names.indexOf('train')).to.be.lessThan(names.indexOf('exact'));
    }
  });

  it('lowers the plot with panel axes and the training points', () => {
    expect(doc.plots).to.deep.equal([
      {
        name: 'gap_filling',
        type: 'density',
        inputs: ['exact', 'trained', 'theory'],
        points: 'train',
        by: ['eps', 'P'],
        file: 'gap_filling.svg',
        y_max: 2.5,
        band: 'quartiles',
      },
    ]);
  });

  it('materializes data with normalized weights and converts degrees to radians', () => {
    const o = compile(`
study s {
  sweep theta = [0deg, 90deg]
  data sq = polygon(n = 4, radius = 2, angle = theta)
  data w = duplicate(points([0, 0], [1, 1]), index = 1, k = 3)
  forward f = vp()
  sample a = pf_ode(true, data = sq)
  sample b = pf_ode(true, data = w)
}`);
    expect(o.diagnostics).to.deep.equal([]);
    const d = o.studies[0];
    expect(d.axes[0].values).to.deep.equal([0, Math.PI / 2]);
    const sq = byName(d.cells[1].nodes, 'sq') as Extract<IrNode, { kind: 'data' }>;
    // First vertex at angle theta = 90deg: (0, 2), up to float rounding of cos(pi / 2).
    expect(sq.points[0][0]).to.be.closeTo(0, 1e-12);
    expect(sq.points[0][1]).to.be.closeTo(2, 1e-12);
    const w = byName(d.cells[0].nodes, 'w') as Extract<IrNode, { kind: 'data' }>;
    expect(w.weights).to.deep.equal([0.25, 0.75]);
  });

  it('does not emit the inputs of materialized data or inlined features', () => {
    const o = compile(`
study s {
  data base = points([0, 0], [1, 1])
  data moved = shift(base, by = [1, 0])
  forward f = vp()
  features fx = gauss(x, n = 4, over = -1 .. 2) * gauss(y, n = 4, over = -1 .. 2)
  features phi = fx * gauss(t, n = 3, over = 0.01 .. 1)
  model lin = linear(phi, samples = 8)
  sample a = ensemble(lin, members = 2)
}`);
    expect(o.diagnostics).to.deep.equal([]);
    expect(o.studies[0].cells[0].nodes.map((n) => n.name)).to.deep.equal(['phi', 'moved', 'f', 'lin', 'a']);
    const moved = byName(o.studies[0].cells[0].nodes, 'moved') as Extract<IrNode, { kind: 'data' }>;
    expect(moved.points).to.deep.equal([
      [1, 0],
      [2, 1],
    ]);
  });

  it('lowers the velocity evaluation of ensembles and effective SDEs: table by default, exact or a node count on request', () => {
    const o = compile(`
study s {
  data d = points([-1], [0], [1])
  forward f = vp()
  features phi = gauss(x, n = 8, over = -1.5 .. 1.5) * gauss(t, n = 4, over = 0.01 .. 1)
  model lin = linear(phi, samples = 16)
  sample a = ensemble(lin, members = 2)
  sample b = ensemble(lin, members = 2, eval = "exact")
  sample c = effective_sde(lin, members = 2, table_points = 300)
}`);
    expect(o.diagnostics).to.deep.equal([]);
    const nodes = o.studies[0].cells[0].nodes;
    expect(byName(nodes, 'a')).to.deep.include({ eval: 'table', table_points: null });
    expect(byName(nodes, 'b')).to.deep.include({ eval: 'exact', table_points: null });
    expect(byName(nodes, 'c')).to.deep.include({ eval: 'table', table_points: 300 });
    const bad = compile(`
study s {
  data d = points([-1], [0], [1])
  forward f = vp()
  features phi = gauss(x, n = 8, over = -1.5 .. 1.5) * gauss(t, n = 4, over = 0.01 .. 1)
  model lin = linear(phi, samples = 16)
  sample a = ensemble(lin, members = 2, eval = "cubic", table_points = 2)
}`);
    expect(bad.diagnostics.map((d) => d.message).join('\n'))
      .to.match(/"table", "exact"/)
      .and.match(/table_points/);
  });

  it('keeps alpha_sigma schedules symbolic in t, with constants folded', () => {
    const o = compile(`
study s {
  let one = 2 - 1
  data d = points([0, 0], [1, 1])
  forward f = alpha_sigma(alpha = sqrt(one - t), sigma2 = t)
  map m = score_variance_ratio(d, f, grid = square(-2, 2, 10), t = [0.05, 0.5])
}`);
    expect(o.diagnostics).to.deep.equal([]);
    const f = byName(o.studies[0].cells[0].nodes, 'f');
    expect(f).to.deep.include({
      process: 'alpha_sigma',
      alpha: { op: 'sqrt', args: [{ op: 'sub', args: [{ op: 'const', value: 1 }, { op: 't' }] }] },
      sigma2: { op: 't' },
    });
  });
});

describe('IR determinism', () => {
  it('gives the same bytes for the same input', () => {
    const a = serializeIr(compile(FIG2).studies[0]);
    const b = serializeIr(compile(FIG2).studies[0]);
    expect(a).to.equal(b);
    expect(a.endsWith('\n')).to.equal(true);
    expect(JSON.parse(a).cells).to.have.length(15);
  });

  it('does not depend on the key order of the document object', () => {
    const doc = compile(FIG2).studies[0];
    const shuffled = JSON.parse(JSON.stringify(doc), function (this: unknown, _k, v) {
      if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).reverse());
      return v;
    });
    expect(serializeIr(shuffled)).to.equal(serializeIr(doc));
  });

  it('writes 2-space JSON with a fixed key order and numeric arrays on one line', () => {
    const text = serializeIr(compile(FIG2).studies[0]);
    expect(text.split('\n').slice(0, 10).join('\n')).to.equal(
      [
        '{',
        '  "ir_version": 1,',
        '  "study": "gap_filling",',
        '  "source": "study.gtv",',
        '  "seed": 2025,',
        '  "axes": [',
        '    {',
        '      "name": "eps",',
        '      "values": [0.0001, 0.001, 0.01]',
        '    },',
      ].join('\n'),
    );
    expect(text).to.contain(
      '"id": "eps=0.0001,P=64",\n      "index": 0,\n      "values": {\n        "eps": 0.0001,\n        "P": 64\n      },',
    );
  });

  it('holds no absolute paths', () => {
    const text = serializeIr(compile(FIG2).studies[0]);
    expect(text).to.not.match(/"\/(work|home|tmp)/);
  });
});
