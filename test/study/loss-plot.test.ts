// `plot loss(...)` (study/plots/loss.ts): every member's loss curve, thinned to at most MAX_POINTS
// steps, log axes (non-positive losses left out), one panel per cell.
import { expect } from 'chai';
import type { IrDocument, IrPlot } from '../../compiler/ir/types.js';
import type { CellResult } from '../../runtime/light.js';
import { lossSpec, MAX_POINTS, thinnedSteps } from '../../study/plots/loss.js';
import { vegaLiteToSvg } from '../../study/plots/render.js';

describe('study/plots: loss curves of mlp ensembles', () => {
  it('thins long runs to every k-th step and keeps the last', () => {
    expect(thinnedSteps(5)).to.deep.equal([0, 1, 2, 3, 4]);
    const t = thinnedSteps(1001);
    expect(t.length).to.be.at.most(MAX_POINTS + 1);
    expect(t[0]).to.equal(0);
    expect(t[t.length - 1]).to.equal(1000);
    expect(t[1] - t[0]).to.equal(Math.ceil(1001 / MAX_POINTS));
  });

  it('draws one line per member with the losses of the array, per cell, and renders', async () => {
    const steps = 1000;
    const members = 3;
    const data = Float32Array.from(
      { length: members * steps },
      (_, i) => 1 / (1 + (i % steps)) + Math.floor(i / steps),
    );
    data[6] = 0; // member 0, step 6 (a drawn step): not drawn on a log axis
    const doc = {
      axes: [{ name: 'width', values: [8, 16] }],
      cells: [8, 16].map((w, index) => ({ id: `width=${w}`, index, values: { width: w }, seed: 0, nodes: [] })),
    } as unknown as IrDocument;
    const plot: IrPlot = {
      name: 'loss',
      type: 'loss',
      inputs: ['s'],
      points: null,
      by: ['width'],
      file: 'loss.svg',
      y_max: null,
      band: null,
    };
    const results = new Map<string, CellResult>(
      doc.cells.map((c) => [
        c.id,
        {
          cellId: c.id,
          nodes: {
            s: { arrays: { loss: { shape: [members, steps], dtype: 'float32', data } }, scalars: {}, notes: [] },
          },
        } as unknown as CellResult,
      ]),
    );
    const spec = lossSpec(doc, plot, results) as unknown as { data: { values: Record<string, number | string>[] } };
    const rows = spec.data.values;
    const drawn = thinnedSteps(steps);
    expect(rows.length).to.equal(2 * (members * drawn.length - (drawn.includes(6) ? 1 : 0)));
    const r = rows.find((v) => v.row === 'width = 16' && v.line === 's#2' && v.step === drawn[3] + 1)!;
    expect(r.loss).to.equal(data[2 * steps + drawn[3]]);
    const svg = await vegaLiteToSvg(spec as never);
    expect(svg).to.include('<svg');
  });
});
