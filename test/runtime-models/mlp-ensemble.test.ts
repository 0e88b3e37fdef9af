// mlp models through the language and the runtime: a study compiles, its ensemble trains members
// on the worker pool with identical bytes on 1 and 2 threads, and writes each member's loss curve.
import { expect } from 'chai';
import { compileSource } from '../../compiler/driver.js';
import type { IrDocument } from '../../compiler/ir/types.js';
import { selectBackend } from '../../runtime/backend.js';
import { executeCell } from '../../runtime/execute.js';
import { awaitWorkers, lastRunStats, setThreads, threadCount } from '../../runtime/pool/pool.js';

const SOURCE = `study tiny_mlp {
  seed = 3
  t_min = 0.05
  data d = points([-1], [1])
  forward f = vp(beta_min = 0.1, beta_d = 19.9, T = 1)
  model net = mlp(width = 16, depth = 2, samples = 64, optimizer = "adam", lr = 0.01, steps = 60, batch = 32)
  sample s = ensemble(net, members = 3, draws = 200, steps = 10, bins = 20, range = -2 .. 2)
}`;

function compile(text: string): IrDocument {
  const out = compileSource(text, 'tiny.gtv');
  const errors = out.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => d.message)).to.deep.equal([]);
  return out.studies[0];
}

describe('mlp ensembles (runtime/models/mlp/ensemble.ts)', function () {
  this.timeout(120000);
  let backend = '';
  const before0 = threadCount();
  before(async () => {
    backend = await selectBackend('wasm');
  });
  after(() => setThreads(before0));

  it('lowers to an mlp model node with the table defaults filled in', () => {
    const doc = compile(SOURCE);
    const m = doc.cells[0].nodes.find((n) => n.kind === 'model');
    expect(m).to.deep.include({
      type: 'mlp',
      width: 16,
      depth: 2,
      activation: 'relu',
      time: 'log_sigma',
      embed: 16,
      x_scale: 1,
      output: 'denoiser',
      samples: 64,
      optimizer: 'adam',
      lr: 0.01,
      steps: 60,
      batch: 32,
      weight_decay: 0,
      t_range: [0.05, 1],
    });
    const online = compile(SOURCE.replace('samples = 64', 'samples = "online"'));
    expect(online.cells[0].nodes.find((n) => n.kind === 'model')).to.deep.include({ samples: 0 });
  });

  it('gives identical bytes on 1 and 2 threads, and a loss curve per member', async () => {
    const doc = compile(SOURCE);
    const run = async (threads: number) => {
      setThreads(threads);
      if (threads > 1) expect(awaitWorkers(30000)).to.be.at.least(threads - 1);
      const res = await executeCell(doc, doc.cells[0], { backend });
      return { res, stats: lastRunStats() };
    };
    const one = await run(1);
    // A first 2-thread run loads tfjs and the backend in the worker (member-task.ts setup), which
    // can take longer than the calling thread needs for all members; the compared run follows.
    await run(2);
    const two = await run(2);
    // The second thread must really have trained members (its tfjs backend loaded in the worker).
    expect(two.stats.members).to.equal(3);
    expect(two.stats.onCaller).to.be.below(3);
    const s1 = one.res.nodes.s.arrays;
    const s2 = two.res.nodes.s.arrays;
    for (const k of ['samples', 'density', 'member_density', 'loss']) {
      expect(Buffer.from(s1[k].data.buffer).equals(Buffer.from(s2[k].data.buffer)), k).to.equal(true);
    }
    const loss = s1.loss;
    expect(loss.shape).to.deep.equal([3, 60]);
    expect(loss.dims).to.deep.equal(['member', 'step']);
    for (let m = 0; m < 3; m++) {
      const row = loss.data.subarray(m * 60, (m + 1) * 60);
      const head = (row[0] + row[1] + row[2]) / 3;
      const tail = (row[57] + row[58] + row[59]) / 3;
      expect(tail, `member ${m}`).to.be.below(head);
    }
    // Members differ (their own seeds).
    expect(Array.from(loss.data.subarray(0, 60))).to.not.deep.equal(Array.from(loss.data.subarray(60, 120)));
  });
});
