// What the worker-thread hop of `gtv run` (cli/cell-worker.ts) costs per cell: the same cells
// through executeCell in this thread and through the CLI's executor, after a warm-up of each.
// Two studies: 40 tiny cells (the hop's fixed cost: messages, the IR sent once, progress), and
// 4 cells of 8 MB of map values each (the result's transfer).
// Run: npx tsx bench/cell-worker.ts [--backend wasm|cpu]
import { compileSource } from '../compiler/driver.js';
import type { IrDocument } from '../compiler/ir/types.js';
import { cellWorkerExecutor } from '../cli/cell-worker.js';
import { executeCell, selectBackend } from '../runtime/index.js';

const arg = process.argv.indexOf('--backend');
const requested = arg > 0 ? process.argv[arg + 1] : 'cpu';

function study(text: string): IrDocument {
  const out = compileSource(text, 'bench.gtv');
  if (out.studies.length !== 1) throw new Error(out.diagnostics.map((d) => d.message).join('\n'));
  return out.studies[0];
}

const head = `data train = points([-1], [0], [1])
  forward vp = vp(beta_min = 0.1, beta_d = 19.9, T = 1)`;
const tiny = study(`study tiny {
  ${head}
  sweep eps = [${Array.from({ length: 40 }, (_, i) => 0.01 + i * 1e-4).join(', ')}]
  sample s = pf_ode(true, draws = 100, steps = 5, bins = 20, range = -1.5 .. 1.5, t_min = eps)
}`);
const big = study(`study big {
  ${head}
  sweep tt = [0.1, 0.2, 0.3, 0.4]
  map m = score_variance_ratio(train, vp, grid = interval(-2, 2, 1000000), t = [tt])
}`);

const backend = await selectBackend(requested);
const worker = cellWorkerExecutor();
await worker.resolveBackend(requested);

async function timePerCell(doc: IrDocument, run: (doc: IrDocument, i: number) => Promise<unknown>): Promise<number> {
  await run(doc, 0); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < doc.cells.length; i++) await run(doc, i);
  return (performance.now() - t0) / doc.cells.length;
}

const here = (doc: IrDocument, i: number) => executeCell(doc, doc.cells[i], { backend });
const there = (doc: IrDocument, i: number) => worker.executeCell(doc, doc.cells[i], {});

console.log(`backend ${backend}; ms per cell (this thread / worker thread / difference)`);
for (const [name, doc] of [
  ['40 tiny pf_ode cells', tiny],
  ['4 map cells, 8 MB of values each', big],
] as const) {
  // Alternate to spread the machine's other load over both.
  const a1 = await timePerCell(doc, here);
  const b1 = await timePerCell(doc, there);
  const a2 = await timePerCell(doc, here);
  const b2 = await timePerCell(doc, there);
  const a = (a1 + a2) / 2;
  const b = (b1 + b2) / 2;
  console.log(
    `${name.padEnd(34)} ${a.toFixed(2).padStart(8)} ${b.toFixed(2).padStart(8)} ${(b - a).toFixed(2).padStart(8)}`,
  );
}
await worker.close();
