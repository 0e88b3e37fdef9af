import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { mapSlices } from '../../study/plots/inputs.js';
import { encodePng, heatmapDataUri } from '../../study/plots/raster.js';
import { axisLabel, formatValue } from '../../study/plots/panels.js';
import { writePlots } from '../../study/plots/write.js';
import type { CellResult } from '../../runtime/results.js';
import { FakeExecutor, fieldStudy, gapStudy, mapStudy } from './fixtures.js';
import type { IrDocument } from '../../compiler/ir/types.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).to.equal(true);
  expect(png.subarray(12, 16).toString('latin1')).to.equal('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

async function resultsOf(doc: IrDocument): Promise<Map<string, CellResult>> {
  const exec = new FakeExecutor();
  const out = new Map<string, CellResult>();
  for (const c of doc.cells) out.set(c.id, await exec.executeCell(doc, c, {}));
  return out;
}

/** resvg rasterizes what it can parse; the count of non-white pixels shows something was drawn. */
function inkedPixels(svg: string, crop?: { x: number; y: number; w: number; h: number }): number {
  const img = new Resvg(svg, { background: 'white' }).render();
  const px = img.pixels;
  let n = 0;
  for (let y = crop?.y ?? 0; y < (crop ? crop.y + crop.h : img.height); y++)
    for (let x = crop?.x ?? 0; x < (crop ? crop.x + crop.w : img.width); x++) {
      const o = (y * img.width + x) * 4;
      if (px[o] < 250 || px[o + 1] < 250 || px[o + 2] < 250) n++;
    }
  return n;
}

describe('study/plots', function () {
  this.timeout(30000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-plots-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('labels panels with axis values', () => {
    expect(axisLabel('eps', 0.001)).to.equal('eps = 0.001');
    expect(axisLabel('P', 64)).to.equal('P = 64');
    expect(formatValue(1e-4)).to.equal('1e-4');
    expect(formatValue(2.5e7)).to.equal('2.5e7');
  });

  it('encodes a PNG that resvg decodes to the same pixels', () => {
    const rgb = new Uint8Array(3 * 2 * 3);
    rgb.set([255, 0, 0], 0); // top-left red
    rgb.set([0, 0, 255], 5 * 3); // bottom-right blue
    const uri = `data:image/png;base64,${encodePng(3, 2, rgb).toString('base64')}`;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="3" height="2"><image width="3" height="2" xlink:href="${uri}"/></svg>`;
    const px = new Resvg(svg).render().pixels;
    expect(Array.from(px.subarray(0, 3))).to.deep.equal([255, 0, 0]);
    expect(Array.from(px.subarray(5 * 4, 5 * 4 + 3))).to.deep.equal([0, 0, 255]);
  });

  it('puts y upwards in heatmap rasters (grid value [ix][iy] at row ny-1-iy)', () => {
    // 1 x 2 grid: value at y index 1 (top) is the domain maximum -> yellow end of viridis.
    const uri = heatmapDataUri([0, 1], 1, 2, { scheme: 'viridis', reverse: false, domain: [0, 1] });
    const png = Buffer.from(uri.split(',')[1], 'base64');
    expect(pngSize(png)).to.deep.equal({ width: 1, height: 2 });
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="1" height="2"><image width="1" height="2" xlink:href="${uri}"/></svg>`;
    const px = new Resvg(svg).render().pixels;
    expect(Array.from(px.subarray(0, 3))).to.deep.equal([253, 231, 37]); // viridis(1), top
    expect(Array.from(px.subarray(4, 7))).to.deep.equal([68, 1, 84]); // viridis(0), bottom
  });

  it('writes density panel grids, heatmaps and tables as valid SVG and PNG', async () => {
    const written = [
      ...(await writePlots(dir, gapStudy(), await resultsOf(gapStudy()), () => {})),
      ...(await writePlots(dir, mapStudy(), await resultsOf(mapStudy()), () => {})),
    ];
    const figure = (stem: string) => ['.svg', '.png', '.pdf', '.vl.json'].map((e) => stem + e);
    expect(written.map((w) => w.files)).to.deep.equal([
      figure('gap_filling'),
      ['tables/gap.csv', ...figure('tables/gap')],
      figure('polygon'),
      figure('cloud'),
    ]);
    for (const w of written) {
      const svg = fs.readFileSync(
        path.join(
          dir,
          w.files.find((f) => f.endsWith('.svg'))!,
        ),
        'utf8',
      );
      expect(svg.startsWith('<svg')).to.equal(true);
      const m = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg);
      expect(m, w.name).to.not.equal(null);
      const png = fs.readFileSync(
        path.join(
          dir,
          w.files.find((f) => f.endsWith('.png'))!,
        ),
      );
      // PNGs are rendered at twice the SVG's pixel size.
      expect(pngSize(png)).to.deep.equal({ width: 2 * Number(m![1]), height: 2 * Number(m![2]) });
    }
    const density = fs.readFileSync(path.join(dir, 'gap_filling.svg'), 'utf8');
    for (const label of [
      'eps = 0.001',
      'eps = 0.01',
      'P = 64',
      'P = 128',
      'x (data units)',
      'density (per unit x)',
      'true density',
      'ensemble mean',
    ]) {
      expect(density, label).to.contain(label);
    }
    const heat = fs.readFileSync(path.join(dir, 'polygon.svg'), 'utf8');
    expect(heat.match(/<image /g)).to.have.length(3); // one raster per map time
    for (const label of ['t = 0.05', 't = 0.2', 't = 0.75', 'tr C / (tr C + |s|²)', 'y (data units)'])
      expect(heat, label).to.contain(label);
    // The rasters are drawn, not just referenced: the first panel's inside is almost all ink.
    expect(inkedPixels(heat, { x: 70, y: 80, w: 100, h: 100 })).to.be.greaterThan(9000);
    expect(fs.readFileSync(path.join(dir, 'tables/gap.csv'), 'utf8').split('\n')[0]).to.equal(
      'cell,eps,P,gap,gap.stderr',
    );
  });

  it('draws 1D maps as curves per time and reduces vector and matrix tails to one number', async () => {
    const doc = fieldStudy();
    const written = await writePlots(dir, doc, await resultsOf(doc), () => {});
    expect(written.map((w) => w.name)).to.deep.equal(['vk_plot', 'score_plot']);
    const vk = fs.readFileSync(path.join(dir, 'vk.svg'), 'utf8');
    expect(vk).to.not.contain('<image'); // curves, not a raster
    for (const label of ['t = 0.1', 't = 0.5', 'V-kernel V(x, x; t)', 'x (data units)'])
      expect(vk, label).to.contain(label);
    const score = fs.readFileSync(path.join(dir, 'score.svg'), 'utf8');
    expect(score.match(/<image /g)).to.have.length(1);
    expect(score).to.contain('norm of score s(x, t) (1/data unit)');
  });

  it('takes the trace of a V-kernel matrix tail', () => {
    // One time, a grid of 2 points, a 2 x 2 matrix per point.
    const V = Float64Array.from([1, 2, 3, 4, 10, 20, 30, 40]);
    const res = {
      arrays: {
        V: { shape: [1, 2, 2, 2], dtype: 'float64' as const, data: V, doc: '', dims: ['t', 'x', 'dim_i', 'dim_j'] },
        grid_x: { shape: [2], dtype: 'float64' as const, data: Float64Array.from([0, 1]), doc: '', dims: ['x'] },
        t: { shape: [1], dtype: 'float64' as const, data: Float64Array.from([0.5]), doc: '', dims: ['t'] },
      },
      scalars: {},
      notes: [],
    };
    const { slices, reduced } = mapSlices(res, 'vk', 'vkernel');
    expect(reduced).to.equal('trace');
    expect(Array.from(slices[0].values)).to.deep.equal([5, 50]);
  });

  it('never lets one plot overwrite another that shares its file stem', async () => {
    const doc = gapStudy();
    doc.plots = [
      { ...doc.plots[0], file: 'same.svg' },
      { ...doc.plots[1], file: 'same.csv' },
    ];
    const written = await writePlots(dir, doc, await resultsOf(doc), () => {});
    const figure = (stem: string) => ['.svg', '.png', '.pdf', '.vl.json'].map((e) => stem + e);
    expect(written.map((w) => w.files)).to.deep.equal([figure('same'), ['same.csv', ...figure('same-table')]]);
    expect(fs.readFileSync(path.join(dir, 'same.svg'), 'utf8')).to.contain('density (per unit x)');
  });
});
