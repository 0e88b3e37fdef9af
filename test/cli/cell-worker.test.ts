import { expect } from 'chai';
import { compileSource } from '../../compiler/driver.js';
import type { IrDocument } from '../../compiler/ir/types.js';
import { CellInterrupted, cellWorkerExecutor } from '../../cli/cell-worker.js';
import { executeCell, selectBackend, type CellResult } from '../../runtime/index.js';

// The CLI's executor runs cells in a worker thread (cli/cell-worker.ts). What comes back must be
// exactly what executeCell returns in this thread: same arrays byte for byte (dtype, shape,
// data), scalars and notes, for samplers, an ensemble on the pool and a map. Interrupting stops a
// running cell at once, and failures arrive with their message.
const STUDY = `study hop {
  seed = 4
  data train = points([-1], [0], [1])
  forward vp = vp(beta_min = 0.1, beta_d = 19.9, T = 1)
  features phi = gauss(x, n = 6, over = -1.5 .. 1.5) * gauss(t, n = 6, over = 0.01 .. 1)
  sweep ridge = [0.1, 1]
  model lin = linear(phi, samples = 64, ridge = ridge)
  model noisy = naive(0.01, data = train)
  sample exact = pf_ode(true, draws = 2000, bins = 40, range = -1.5 .. 1.5)
  sample resampled = naive(noisy, draws = 2000, bins = 40, range = -1.5 .. 1.5)
  sample trained = ensemble(lin, members = 10, draws = 500, bins = 40, range = -1.5 .. 1.5)
  sample theory = effective_sde(lin, members = 10, mc_samples = 200, draws = 500, bins = 40, range = -1.5 .. 1.5)
  map frac = score_variance_ratio(train, vp, grid = interval(-2, 2, 50), t = [0.1, 0.5])
  metric gap = gap_mass(exact, radius = 0.2)
}
`;

// An ensemble on the worker pool: its members run in threads the cell's thread started.
const SLOW = `study slow {
  data train = points([-1], [0], [1])
  forward vp = vp(beta_min = 0.1, beta_d = 19.9, T = 1)
  features phi = gauss(x, n = 8, over = -1.5 .. 1.5) * gauss(t, n = 8, over = 0.01 .. 1)
  model lin = linear(phi, samples = 64, ridge = 0.1)
  sample s = ensemble(lin, members = 200, draws = 1e4, steps = 20000, bins = 50, range = -1.5 .. 1.5)
}
`;

function study(text: string): IrDocument {
  const out = compileSource(text, 'hop.gtv');
  expect(out.diagnostics.filter((d) => d.severity === 'error')).to.deep.equal([]);
  return out.studies[0];
}

/** Everything but the timings, with each array as its dtype, shape and raw bytes. */
function comparable(r: CellResult): unknown {
  return Object.fromEntries(
    Object.entries(r.nodes).map(([name, n]) => [
      name,
      {
        scalars: n.scalars,
        notes: n.notes,
        arrays: Object.fromEntries(
          Object.entries(n.arrays).map(([k, a]) => [
            k,
            {
              dtype: a.dtype,
              shape: a.shape,
              doc: a.doc,
              type: a.data.constructor.name,
              bytes: Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).toString('base64'),
            },
          ]),
        ),
      },
    ]),
  );
}

describe('cli/cell-worker: cells in a worker thread', function () {
  this.timeout(120000);

  it('returns the same bytes as executeCell in this thread, for every cell', async () => {
    const doc = study(STUDY);
    const ex = cellWorkerExecutor();
    expect(await ex.resolveBackend('cpu')).to.equal('cpu');
    const backend = await selectBackend('cpu');
    for (const cell of doc.cells) {
      const there = await ex.executeCell(doc, cell, {});
      const here = await executeCell(doc, cell, { backend });
      expect(there.backend).to.equal('cpu');
      expect(Object.keys(there.nodes)).to.include.members(['exact', 'trained', 'theory', 'frac']);
      expect(comparable(there)).to.deep.equal(comparable(here));
    }
  });

  it('forwards progress and reports a failing cell with its message', async () => {
    const doc = study(STUDY);
    const ex = cellWorkerExecutor();
    await ex.resolveBackend('cpu');
    const started: string[] = [];
    let ends = 0;
    await ex.executeCell(doc, doc.cells[0], {
      progress: {
        start: (t) => void started.push(t),
        tick: () => undefined,
        end: () => {
          ends++;
        },
      },
    });
    expect(started).to.include('exact: 2000 draws x 30 steps');
    expect(ends).to.equal(started.length);
    // An IR the runtime rejects: the thread's RuntimeError arrives as an error with its text.
    const bad = structuredClone(doc);
    bad.cells[0].nodes = bad.cells[0].nodes.filter((n) => n.name !== 'train');
    let err: Error | null = null;
    await ex.executeCell(bad, bad.cells[0], {}).catch((e: Error) => (err = e));
    expect(err).to.be.instanceOf(Error);
    expect(err!.message).to.match(/invalid IR for cell 'ridge=0\.1'.*'train' is not an earlier data node/s);
    // The thread survives a failed cell.
    expect(comparable(await ex.executeCell(doc, doc.cells[1], {}))).to.have.property('exact');
  });

  it('interrupt() stops a running cell at once; the next executor starts a new thread', async () => {
    const doc = study(SLOW);
    const ex = cellWorkerExecutor();
    await ex.resolveBackend('cpu');
    let running!: () => void;
    const isRunning = new Promise<void>((resolve) => (running = resolve));
    const pending = ex.executeCell(doc, doc.cells[0], {
      progress: { start: () => running(), tick: () => undefined, end: () => undefined },
    });
    const outcome = pending.then(
      () => 'finished',
      (e: Error) => e,
    );
    await isRunning;
    const t0 = performance.now();
    await ex.interrupt();
    const result = await outcome;
    const ms = performance.now() - t0;
    expect(result).to.be.instanceOf(CellInterrupted);
    expect(ms).to.be.below(1000);
    // The pool's threads went with the cell's thread: this process is idle now. Were they still
    // running members, it would use about a CPU-second per second for each. The terminated
    // thread's heap is torn down in the first moments (0.6 CPU-s seen on a loaded machine), so
    // the window starts half a second later, and half a thread's worth is the limit.
    await new Promise((r) => setTimeout(r, 500));
    const cpu0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 1000));
    const cpu = process.cpuUsage(cpu0);
    expect((cpu.user + cpu.system) / 1000).to.be.below(500);
    // Nothing new starts on an interrupted executor.
    let later: unknown = null;
    await ex.executeCell(doc, doc.cells[0], {}).catch((e: unknown) => (later = e));
    expect(later).to.be.instanceOf(CellInterrupted);

    const next = cellWorkerExecutor();
    expect(await next.resolveBackend('cpu')).to.equal('cpu');
    const quick = study(STUDY);
    expect(comparable(await next.executeCell(quick, quick.cells[0], {}))).to.have.property('gap');
  });
});
