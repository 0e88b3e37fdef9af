import { expect } from 'chai';
import { compile, codesOf, study1d } from './helpers.js';

describe('compiler driver', () => {
  it('compiles a small valid study to one IR document with no diagnostics', () => {
    const out = compile(study1d());
    expect(out.diagnostics).to.deep.equal([]);
    expect(out.studies).to.have.length(1);
    expect(out.studies[0].cells.map((c) => c.id)).to.deep.equal(['main']);
    expect(out.files.get('study.gtv')).to.be.a('string');
    expect(out.asts.get('study.gtv')?.kind).to.equal('file');
  });

  it('returns no IR when there are errors, and sorts diagnostics by position', () => {
    const out = compile(study1d('  metric m = gap_mass(lin)\n  let q = nope'));
    expect(out.studies).to.deep.equal([]);
    const lines = out.diagnostics.map((d) => d.span!.start.line);
    expect(lines).to.deep.equal([...lines].sort((a, b) => a - b));
    expect(codesOf(out)).to.include.members(['GTV0205', 'GTV0201']);
  });

  it('does not call a definition unused when a misspelled reference to it is reported', () => {
    const out = compile(study1d().replace('linear(phi', 'linear(phj'));
    expect(codesOf(out)).to.deep.equal(['GTV0201']);
  });

  it('refuses sweeps and data sets too large to materialize, quickly', () => {
    const start = Date.now();
    const cells = compile(
      study1d('  sweep a = 1 .. 200\n  sweep b = 1 .. 200').replace('members = 2', 'members = a * b'),
    );
    expect(codesOf(cells)).to.deep.equal(['GTV0401']);
    const pts = compile(study1d().replace('points([-1], [0], [1])', 'grid(0, 1, 1000, dim = 3)'));
    expect(codesOf(pts)).to.deep.equal(['GTV0401']);
    expect(Date.now() - start).to.be.below(5000);
  });

  it('reports a problem that depends on the sweep value once, naming the first cell', () => {
    const out = compile(study1d('  sweep P = [63, 64.5, 65.5, 66.5]').replace('samples = 64', 'samples = P'));
    expect(out.diagnostics.map((d) => d.message)).to.deep.equal([
      '`samples` of `linear` must be a whole number, found 64.5 (in cell `P=64.5` and 2 others)',
    ]);
  });

  it('follows a chain of 5000 constants without exhausting the stack', () => {
    const lets = Array.from({ length: 5000 }, (_, i) => `  let a${i + 1} = a${i} + 1`).join('\n');
    const out = compile(study1d(`  let a0 = 1\n${lets}`).replace('members = 2', 'members = a5000'));
    expect(out.diagnostics).to.deep.equal([]);
    expect(out.studies[0].cells[0].nodes.find((n) => n.name === 'trained')).to.deep.include({ members: 5001 });
  });

  it('turns syntax errors into diagnostics and never throws on garbage', () => {
    for (const text of [
      '',
      'study {',
      '\u0000\u0001\uffff',
      'study s { data d = points([1]',
      'let x = ((((1'.repeat(50),
    ]) {
      const out = compile(text);
      expect(out.diagnostics.every((d) => typeof d.code === 'string')).to.equal(true);
    }
  });

  it('checks a library file (no study) on its own', () => {
    const out = compile('data a = points([0, 0])\ndata b = rotate(a, angle = 1deg)\nforward f = vp(beta_min = -1)');
    expect(codesOf(out)).to.deep.equal(['GTV0401']);
    expect(out.studies).to.deep.equal([]);
  });
});
