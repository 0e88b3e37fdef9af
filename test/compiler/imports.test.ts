import { expect } from 'chai';
import { compileSource } from '../../compiler/driver.js';
import { serializeIr } from '../../compiler/ir/serialize.js';
import { memoryHost } from './helpers.js';

const LIB = {
  'studies/lib/data.gtv':
    'import "procs.gtv"\ndata three = points([-1], [0], [1])\ndata from_file = csv("../files/pts.csv")\n',
  'studies/lib/procs.gtv': 'forward paper_vp = vp()\n',
  'studies/files/pts.csv': 'x\n-2\n2\n',
};

describe('imports across files (in-memory host)', () => {
  it('brings imported definitions into scope, transitively, with paths relative to the importer', () => {
    const text =
      'import "lib/data.gtv"\nstudy s {\n  sample a = pf_ode(true, data = three)\n  sample b = pf_ode(true, data = from_file)\n}\n';
    const out = compileSource(text, 'studies/main.gtv', memoryHost(LIB));
    expect(out.diagnostics).to.deep.equal([]);
    expect([...out.files.keys()]).to.have.members([
      'studies/main.gtv',
      'studies/lib/data.gtv',
      'studies/lib/procs.gtv',
    ]);
    const nodes = out.studies[0].cells[0].nodes;
    expect(nodes.find((n) => n.name === 'from_file')).to.deep.include({ points: [[-2], [2]] });
    // The only forward process (imported) is the implicit one.
    expect(nodes.find((n) => n.name === 'a')).to.deep.include({ forward: 'paper_vp' });
    expect(out.studies[0].source).to.equal('studies/main.gtv');
  });

  it('reports a diamond import once and defines its names once', () => {
    const files = {
      'a.gtv': 'import "c.gtv"',
      'b.gtv': 'import "c.gtv"',
      'c.gtv': 'data d = points([0])\nforward f = vp()',
    };
    const out = compileSource(
      'import "a.gtv"\nimport "b.gtv"\nstudy s {\n  sample x1 = pf_ode(true)\n}\n',
      'm.gtv',
      memoryHost(files),
    );
    expect(out.diagnostics).to.deep.equal([]);
  });

  it('reports a cycle at the import that closes it, naming the files', () => {
    const files = { 'a.gtv': 'import "b.gtv"\n', 'b.gtv': 'import "a.gtv"\n' };
    const out = compileSource('import "a.gtv"\nstudy s {\n}\n', 'm.gtv', memoryHost(files));
    const cyc = out.diagnostics.filter((d) => d.code === 'GTV0602');
    expect(cyc).to.have.length(1);
    expect(cyc[0].message).to.equal('import cycle: a.gtv -> b.gtv -> a.gtv');
    expect(cyc[0].span!.file).to.equal('b.gtv');
  });

  it('reports a self-import as a cycle and a missing file at its import', () => {
    const out = compileSource('import "m.gtv"\nimport "gone.gtv"\nstudy s {\n}\n', 'm.gtv', memoryHost({}));
    expect(out.diagnostics.map((d) => [d.code, d.span!.start.line])).to.deep.equal([
      ['GTV0602', 1],
      ['GTV0601', 2],
    ]);
  });

  it('reports a name defined in two imported files as a duplicate', () => {
    const files = { 'a.gtv': 'data d = points([0])', 'b.gtv': 'data d = points([1])' };
    const out = compileSource('import "a.gtv"\nimport "b.gtv"\nstudy s {\n}\n', 'm.gtv', memoryHost(files));
    expect(out.diagnostics.map((d) => d.code)).to.deep.equal(['GTV0203']);
    expect(out.diagnostics[0].related?.[0].span.file).to.equal('a.gtv');
  });

  it('compiles the same bytes whatever the host', () => {
    const text = 'import "lib/data.gtv"\nstudy s {\n  sample a = pf_ode(true, data = three)\n}\n';
    const one = serializeIr(compileSource(text, 'studies/main.gtv', memoryHost(LIB)).studies[0]);
    const two = serializeIr(compileSource(text, './studies//main.gtv', memoryHost(LIB)).studies[0]);
    expect(one).to.equal(two);
  });
});
