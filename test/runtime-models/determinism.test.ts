import { expect } from 'chai';
import type { IrSample } from '../../compiler/ir/types.js';
import { fig2State } from './setup.js';
import { runMembers } from '../../runtime/samplers/ensemble.js';
import { selectBackend } from '../../runtime/backend.js';

const node: IrSample = {
  kind: 'sample',
  name: 's',
  data: 'd',
  forward: 'f',
  draws: 3000,
  seed: 9,
  solver: 'heun',
  grid: { steps: 10, t_min: 1e-2, spacing: 'uniform', rho: 7 },
  histogram: { bins: 40, range: [[-1.5, 1.5]] },
  method: 'ensemble',
  model: 'lin',
  members: 3,
  eval: 'exact',
  table_points: null,
};

describe('runtime ensemble determinism', () => {
  before(async () => {
    await selectBackend('wasm');
  });
  it('same seed, same backend -> same bytes; another seed -> different samples', () => {
    const run = (seed: number) => {
      const st = fig2State(8, 8, 300, 1e-2, seed);
      return runMembers(node, st, 3, (m) => st.train(m).W).samples;
    };
    const a = run(1);
    const b = run(1);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).to.equal(true);
    expect(Buffer.from(run(2).buffer).equals(Buffer.from(a.buffer))).to.equal(false);
  });
});
