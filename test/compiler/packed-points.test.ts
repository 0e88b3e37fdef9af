// compiler/ir/packed-points.ts: a CSV data set stays packed through compiling and checking, and
// its rows appear, the same as before, when the IR is serialized or the runtime reads them.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileFile } from '../../compiler/driver.js';
import { packedOf, withPackedPoints } from '../../compiler/ir/packed-points.js';
import { serializeIr } from '../../compiler/ir/serialize.js';
import type { IrData, IrDocument } from '../../compiler/ir/types.js';
import { validateIr } from '../../compiler/ir/validate.js';
import { lintCompiled } from '../../compiler/lint/lint.js';
import { parseCsv } from '../../stdlib/files.js';
import { mixture, mixtureValues } from '../../stdlib/data.js';

const CSV = 'x,y\n1.5,-2\n0.25,3e-1\n-0,7\n1.5,-2\n';
const STUDY = (data: string) =>
  `study s {\n  data d = ${data}\n  forward vp = vp()\n  sample a = pf_ode(true, draws = 100, bins = 10)\n  plot density(a) to "a.svg"\n}\n`;

describe('packed data points', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gtv-packed-'));
    writeFileSync(join(dir, 'd.csv'), CSV);
    writeFileSync(join(dir, 'csv.gtv'), STUDY('csv("d.csv")'));
    // The same points written in the study: rows from the start.
    const rows = (parseCsv(CSV) as { points: number[][] }).points;
    writeFileSync(join(dir, 'rows.gtv'), STUDY(`points(${JSON.stringify(rows).slice(1, -1)})`));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const dataOf = (doc: IrDocument) => doc.cells[0].nodes.find((n) => n.kind === 'data') as IrData;

  it('compiling, validating and linting a CSV study never makes the rows', () => {
    const out = compileFile(join(dir, 'csv.gtv'));
    expect(out.diagnostics.filter((d) => d.severity === 'error')).to.deep.equal([]);
    const doc = out.studies[0];
    expect(packedOf(dataOf(doc))?.count).to.equal(4);
    expect(validateIr(doc)).to.deep.equal([]);
    lintCompiled(join(dir, 'csv.gtv'), out);
    expect(packedOf(dataOf(doc)), 'still packed after validation and lint').to.not.equal(undefined);
  });

  it('serializes to the same IR text as rows, key order included, and reads as rows afterwards', () => {
    const packed = compileFile(join(dir, 'csv.gtv')).studies[0];
    const rows = compileFile(join(dir, 'rows.gtv')).studies[0];
    const text = serializeIr(packed);
    expect(text).to.equal(serializeIr(rows).replace(/"source": "[^"]*"/, `"source": ${JSON.stringify(packed.source)}`));
    const node = dataOf(packed);
    expect(Object.keys(node)).to.deep.equal(['kind', 'name', 'dim', 'points', 'weights']);
    expect(packedOf(node), 'serializing made the rows').to.equal(undefined);
    expect(node.points).to.deep.equal([
      [1.5, -2],
      [0.25, 0.3],
      [-0, 7],
      [1.5, -2],
    ]);
    expect(node.points).to.equal(node.points);
    expect(JSON.stringify(dataOf(packed))).to.equal(JSON.stringify(dataOf(rows)));
  });

  it('validation reports a non-finite packed value, and a packed set of no points, without making rows', () => {
    const doc = compileFile(join(dir, 'csv.gtv')).studies[0];
    const node = dataOf(doc);
    const p = packedOf(node)!;
    withPackedPoints(node, { ...p, values: Float64Array.from(p.values, (v, i) => (i === 3 ? Number.NaN : v)) });
    expect(validateIr(doc).map((d) => d.message)).to.deep.equal([
      'internal error: the IR holds a non-finite number at /cells/0/nodes/0/points/1/1',
    ]);
    withPackedPoints(node, { values: new Float64Array(0), dim: 2, count: 0 });
    expect(
      validateIr(doc)
        .map((d) => d.message)
        .join(),
    ).to.match(/the IR does not match its schema: \/cells\/0\/nodes\/0\/points must NOT have fewer than 1 items/);
    expect(packedOf(node)).to.not.equal(undefined);
  });

  it('a mixture is packed too, with the same draws as its rows', () => {
    const means = [
      [-1, 2],
      [1, 0.5],
      [0, 0],
    ];
    expect(Array.from(mixtureValues(means, 0.3, 500, 7))).to.deep.equal(mixture(means, 0.3, 500, 7).points.flat());
    writeFileSync(join(dir, 'mix.gtv'), STUDY('mixture([[-1, 2], [1, 0.5], [0, 0]], std = 0.3, n = 500)'));
    const node = dataOf(compileFile(join(dir, 'mix.gtv')).studies[0]);
    expect(packedOf(node)?.count).to.equal(500);
    expect(node.points).to.deep.equal(mixture(means, 0.3, 500, 0).points);
  });

  it('nodes that share packed points share their rows', () => {
    const p = { values: new Float64Array([1, 2, 3, 4]), dim: 2, count: 2 };
    const a = withPackedPoints({ points: [] as number[][] }, p);
    const b = withPackedPoints({ points: [] as number[][] }, p);
    expect(a.points).to.deep.equal([
      [1, 2],
      [3, 4],
    ]);
    expect(b.points).to.equal(a.points);
  });

  it('an assignment replaces the packed points', () => {
    const node = withPackedPoints({ points: [] as number[][] }, { values: new Float64Array([1, 2]), dim: 2, count: 1 });
    node.points = [[3, 4]];
    expect(packedOf(node)).to.equal(undefined);
    expect(node.points).to.deep.equal([[3, 4]]);
  });
});
