// Nodes that ignore a sweep axis: the compiler gives them one seed per value of the axes they
// depend on (compiler/passes/seeds.ts), and the runtime computes such a node once for consecutive
// cells that share it (runtime/execute.ts), with the bytes a fresh computation gives.
import { expect } from 'chai';
import { compileSource } from '../../compiler/driver.js';
import { cellSeed, nodeSeed } from '../../compiler/passes/seeds.js';
import { executeCell } from '../../runtime/execute.js';
import type { IrDocument, IrNode } from '../../compiler/ir/types.js';
import type { Progress } from '../../runtime/results.js';
import { useWasm } from './helpers.js';

const SOURCE = `study s {
  seed = 11
  t_min = eps
  steps = 8
  data train = points([-1], [0], [1])
  forward vp = vp(beta_min = 0.1, beta_d = 19.9, T = 1)
  sweep eps = [1e-2, 2e-2]
  sweep P = [16, 32]
  features phi = gauss(x, n = 6, over = -1.5 .. 1.5) * gauss(t, n = 6, over = eps .. 1)
  model lin = linear(phi, samples = P, ridge = 0.1)
  # gtv-disable-next-line few-draws-per-bin
  sample exact = pf_ode(true, draws = 3000, bins = 30, range = -1.5 .. 1.5)
  # gtv-disable-next-line few-draws-per-bin
  sample trained = ensemble(lin, members = 2, draws = 200, bins = 30, range = -1.5 .. 1.5)
}`;

function compile(): IrDocument {
  const out = compileSource(SOURCE, 's.gtv');
  const errors = out.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => d.message)).to.deep.equal([]);
  return out.studies[0];
}

const seedOf = (doc: IrDocument, cell: number, name: string) =>
  (doc.cells[cell].nodes.find((n) => n.name === name) as IrNode & { seed: number }).seed;

describe('nodes shared by cells that differ in axes they ignore', function () {
  this.timeout(120_000);
  useWasm();

  it('seeds: by the axes a node depends on; a node that depends on all keeps its cell-id seed', () => {
    const doc = compile();
    expect(doc.cells.map((c) => c.id)).to.deep.equal([
      'eps=0.01,P=16',
      'eps=0.01,P=32',
      'eps=0.02,P=16',
      'eps=0.02,P=32',
    ]);
    // exact reads eps (t_min) but not P.
    expect(seedOf(doc, 0, 'exact')).to.equal(nodeSeed(cellSeed(11, 'eps=0.01'), 'exact'));
    expect(seedOf(doc, 1, 'exact')).to.equal(seedOf(doc, 0, 'exact'));
    expect(seedOf(doc, 3, 'exact')).to.equal(nodeSeed(cellSeed(11, 'eps=0.02'), 'exact'));
    expect(seedOf(doc, 3, 'exact')).not.to.equal(seedOf(doc, 0, 'exact'));
    // The model and the ensemble depend on both axes: the seeds of the cell ids, as before.
    doc.cells.forEach((c, i) => {
      expect(seedOf(doc, i, 'lin')).to.equal(nodeSeed(cellSeed(11, c.id), 'lin'));
      expect(seedOf(doc, i, 'trained')).to.equal(nodeSeed(cellSeed(11, c.id), 'trained'));
    });
  });

  it('computes a shared node once for consecutive cells, with the bytes of a fresh computation', async () => {
    const doc = compile();
    const tasks: string[] = [];
    const progress: Progress = { start: (task) => tasks.push(task), tick: () => {}, end: () => {} };
    // Cell 1 after an unrelated cell (other eps): its exact curve is computed.
    await executeCell(doc, doc.cells[2]);
    const fresh = await executeCell(doc, doc.cells[1], { progress });
    expect(tasks.some((t) => t.startsWith('exact:'))).to.equal(true);
    // Cell 1 right after cell 0, which shares it: taken from cell 0, same bytes.
    await executeCell(doc, doc.cells[0]);
    tasks.length = 0;
    const reused = await executeCell(doc, doc.cells[1], { progress });
    expect(tasks.some((t) => t.startsWith('exact:'))).to.equal(false);
    expect(tasks.some((t) => t.startsWith('trained:'))).to.equal(true);
    for (const name of ['density', 'samples', 'edges_x']) {
      const a = fresh.nodes.exact.arrays[name];
      const b = reused.nodes.exact.arrays[name];
      expect(b.shape).to.deep.equal(a.shape);
      expect(Array.from(b.data)).to.deep.equal(Array.from(a.data));
      // Its own copy: the first cell's buffers go to the main thread.
      expect(b.data.buffer).not.to.equal(a.data.buffer);
    }
    expect(reused.nodes.exact.scalars).to.deep.equal(fresh.nodes.exact.scalars);
  });
});
