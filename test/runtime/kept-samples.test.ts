// Ensembles whose samples no metric reads keep only the rows their results write
// (samplers/members.ts memberSamples, particles/member.ts storeMember): the results must be the
// bytes of a run that keeps every sample.
import { expect } from 'chai';
import { compileSource } from '../../compiler/driver.js';
import { executeCell } from '../../runtime/execute.js';
import type { IrDocument, IrSample } from '../../compiler/ir/types.js';
import type { NodeContext } from '../../runtime/nodes/types.js';
import { memberSamples } from '../../runtime/samplers/members.js';
import { useWasm } from './helpers.js';

// 4 members x 3001 draws: 12004 samples, of which the result keeps 10000, unevenly per member.
const source = (metric: string) => `study s {
  seed = 5
  t_min = 0.01
  steps = 8
  data train = points([-1], [1])
  forward vp = vp(beta_min = 0.1, beta_d = 19.9, T = 1)
  features phi = gauss(x, n = 6, over = -1.5 .. 1.5) * gauss(t, n = 6, over = 0.01 .. 1)
  model lin = linear(phi, samples = 24, ridge = 0.1)
  sample trained = ensemble(lin, members = 4, draws = 3001, bins = 30, range = -1.5 .. 1.5)
  sample theory = effective_sde(lin, members = 4, draws = 3001, bins = 30, range = -1.5 .. 1.5, mc_samples = 500)
${metric}}`;

function compile(text: string): IrDocument {
  const out = compileSource(text, 's.gtv');
  expect(out.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).to.deep.equal([]);
  return out.studies[0];
}

describe('ensembles keep only the written samples when no metric reads them', function () {
  this.timeout(120_000);
  useWasm();

  it('memberSamples: every draw for a node a metric reads or without the cell context, else the kept rows', () => {
    const node = { name: 'trained', draws: 3001 } as IrSample;
    const ctx = (read: string[]) => ({ samplesRead: new Set(read) }) as unknown as NodeContext;
    expect(memberSamples(node, 4, 2, ctx([])).keep).to.equal(10000);
    expect(memberSamples(node, 4, 2, ctx([])).samples.length).to.equal(20000);
    expect(memberSamples(node, 4, 2, ctx(['trained'])).keep).to.equal(null);
    expect(memberSamples(node, 4, 2, ctx(['trained'])).samples.length).to.equal(4 * 3001 * 2);
    expect(memberSamples(node, 4, 2).keep).to.equal(null);
    expect(memberSamples({ ...node, draws: 2000 }, 4, 1, ctx([])).keep).to.equal(null); // 8000 <= the cap
  });

  it('the results are the bytes of a run that keeps every sample', async () => {
    const plain = compile(source(''));
    const read = compile(
      source(
        '  metric g1 = gap_mass(trained, radius = 0.2)\n  metric g2 = total_variation(trained, against = theory)\n',
      ),
    );
    const a = await executeCell(plain, plain.cells[0]);
    const b = await executeCell(read, read.cells[0]);
    for (const name of ['trained', 'theory']) {
      const keys = Object.keys(a.nodes[name].arrays).sort();
      expect(keys).to.include.members(['samples', 'density', 'member_density']);
      expect(keys).to.deep.equal(Object.keys(b.nodes[name].arrays).sort());
      for (const k of keys) {
        const x = a.nodes[name].arrays[k].data;
        const y = b.nodes[name].arrays[k].data;
        expect(
          Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength)),
          `${name}.${k}`,
        ).to.equal(true);
      }
      expect(a.nodes[name].arrays.samples.shape).to.deep.equal([10000, 1]);
    }
    expect(b.nodes.g1.scalars.value).to.be.within(0, 1);
  });
});
