// The paper formats of every plot: the Vega-Lite spec (`.vl.json`, what Altair's
// `alt.Chart.from_json` reads) and the vector PDF; and the layout fixes they carry (text measured
// in DejaVu Sans, so no empty strip on the right; the names the study wrote).
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { inflateSync } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import { Ajv } from 'ajv';
import * as vl from 'vega-lite';
import { plotStem, plotTitle } from '../../compiler/ir/plot-files.js';
import type { IrDocument, IrPlot } from '../../compiler/ir/types.js';
import type { CellResult } from '../../runtime/results.js';
import { shortLabel } from '../../study/plots/density.js';
import { PT_PER_PX, svgSize, svgToPdf } from '../../study/plots/pdf.js';
import { dejaVuWidth } from '../../study/plots/text-width.js';
import { writePlots } from '../../study/plots/write.js';
import { FakeExecutor, gapStudy, mapStudy } from './fixtures.js';

async function resultsOf(doc: IrDocument): Promise<Map<string, CellResult>> {
  const exec = new FakeExecutor();
  const out = new Map<string, CellResult>();
  for (const c of doc.cells) out.set(c.id, await exec.executeCell(doc, c, {}));
  return out;
}

/** The PDF's objects' stream contents, inflated where compressed. */
function pdfStreams(pdf: Buffer): { dict: string; data: Buffer }[] {
  const out: { dict: string; data: Buffer }[] = [];
  const text = pdf.toString('latin1');
  const re = /<<((?:[^<>]|<<(?:[^<>]|<<[^<>]*>>)*>>)*)>>\s*stream\r?\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    const raw = pdf.subarray(start, end);
    const dict = m[1];
    let data = raw;
    if (/\/Filter\s*\/FlateDecode/.test(dict))
      data = inflateSync(raw.subarray(0, raw.length - (raw[raw.length - 1] === 0x0a ? 1 : 0)), { finishFlush: 2 });
    out.push({ dict, data });
  }
  return out;
}

/** Rightmost column with ink in the PNG resvg makes of the SVG at its own size. */
function rightmostInk(svg: string): { width: number; right: number } {
  const img = new Resvg(svg, {
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  }).render();
  const px = img.pixels; // a getter that copies: read once
  let right = 0;
  for (let y = 0; y < img.height; y++)
    for (let x = img.width - 1; x > right; x--) {
      const o = (y * img.width + x) * 4;
      if (px[o] < 245 || px[o + 1] < 245 || px[o + 2] < 245) {
        right = x;
        break;
      }
    }
  return { width: img.width, right };
}

// Altair's own check of the specs, run where a Python has it (Debian's python3-altair, which .ci/run
// installs and then sets GTV_REQUIRE_PYTHON=1, under which a missing Altair fails the test).
const ALTAIR_CHECK = `
import sys, altair as alt
for p in sys.argv[1:]:
    chart = alt.Chart.from_json(open(p).read())  # validates against Altair's bundled schema
    chart.configure_axis(labelFontSize=12).to_dict()  # a restyle validates again
    print(type(chart).__name__, alt.SCHEMA_VERSION, p)
`;

function pythonWithAltair(): string | null {
  for (const exe of [
    ...new Set([process.env.GTV_PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => !!c)),
  ]) {
    if (spawnSync(exe, ['-c', 'import altair'], { encoding: 'utf8' }).status === 0) return exe;
  }
  return null;
}

describe('study/plots: Vega-Lite specs, PDF, layout and names', function () {
  this.timeout(120000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-plot-formats-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  let written: Awaited<ReturnType<typeof writePlots>> = [];
  before(async () => {
    written = [
      ...(await writePlots(dir, gapStudy(), await resultsOf(gapStudy()), () => {})),
      ...(await writePlots(dir, mapStudy(), await resultsOf(mapStudy()), () => {})),
    ];
  });

  it('writes each plot as a Vega-Lite v6 spec with its data inlined, valid against the schema and compiling without warnings', () => {
    const schema = JSON.parse(
      fs.readFileSync(path.join('node_modules', 'vega-lite', 'build', 'vega-lite-schema.json'), 'utf8'),
    );
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    expect(written).to.have.length(4);
    for (const w of written) {
      const file = w.files.find((f) => f.endsWith('.vl.json'))!;
      const spec = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      expect(spec.$schema, file).to.equal('https://vega.github.io/schema/vega-lite/v6.json');
      expect(validate(spec), `${file}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).to.equal(true);
      // Inline data only: a reader elsewhere needs nothing but this file.
      expect(spec.data?.values, file).to.be.an('array').that.is.not.empty;
      expect(JSON.stringify(spec)).to.not.match(/"url":\s*"(?!data:)/);
      const warnings: string[] = [];
      const logger = {
        level: () => logger,
        error: (...m: unknown[]) => (warnings.push(m.join(' ')), logger),
        warn: (...m: unknown[]) => (warnings.push(m.join(' ')), logger),
        info: () => logger,
        debug: () => logger,
      };
      const compiled = vl.compile(spec, {
        logger: logger as unknown as NonNullable<Parameters<typeof vl.compile>[1]>['logger'],
      }).spec;
      expect(warnings, file).to.deep.equal([]);
      expect(compiled.marks, file).to.be.an('array').that.is.not.empty;
      // gtv's styling travels with the spec, so a restyle starts from the same figure.
      expect(spec.config.font).to.contain('DejaVu Sans');
    }
  });

  it('Altair reads every .vl.json (Chart.from_json) and restyles it', function () {
    const python = pythonWithAltair();
    if (!python) {
      if (process.env.GTV_REQUIRE_PYTHON === '1')
        throw new Error('GTV_REQUIRE_PYTHON=1, but no Python imports altair (Debian: apt-get install python3-altair)');
      this.skip();
    }
    const files = written.map((w) =>
      path.join(
        dir,
        w.files.find((f) => f.endsWith('.vl.json'))!,
      ),
    );
    const r = spawnSync(python!, ['-c', ALTAIR_CHECK, ...files], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).to.have.length(files.length);
    // Panel grids come back as FacetChart, the table as a Chart, a single layered panel as a LayerChart.
    expect(lines.map((l) => l.split(' ')[0])).to.deep.equal(['FacetChart', 'Chart', 'FacetChart', 'LayerChart']);
  });

  it('writes each plot as a vector PDF the size of its SVG, with paths and embedded text', async () => {
    for (const w of written) {
      const pdf = fs.readFileSync(
        path.join(
          dir,
          w.files.find((f) => f.endsWith('.pdf'))!,
        ),
      );
      const svg = fs.readFileSync(
        path.join(
          dir,
          w.files.find((f) => f.endsWith('.svg'))!,
        ),
        'utf8',
      );
      expect(pdf.subarray(0, 8).toString('latin1')).to.equal('%PDF-1.4');
      expect(pdf.subarray(-6).toString('latin1').trim()).to.equal('%%EOF');
      const text = pdf.toString('latin1');
      const { width, height } = svgSize(svg);
      const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(text);
      expect(box, w.name).to.not.equal(null);
      expect(Number(box![1])).to.be.closeTo(width * PT_PER_PX, 0.01);
      expect(Number(box![2])).to.be.closeTo(height * PT_PER_PX, 0.01);
      expect(text.match(/\/Type \/Page\b/g)).to.have.length(1);
      const content = pdfStreams(pdf)
        .filter((s) => !/\/Subtype|\/Length1|\/Type/.test(s.dict))
        .map((s) => s.data.toString('latin1'))
        .join('\n');
      // Vector drawing: moveto/lineto/curveto or rectangles, stroked or filled.
      expect(content, w.name).to.match(/\d m\n?/);
      expect(content, w.name).to.match(/ l\n| c\n| re\n/);
      expect(content, w.name).to.match(/\n(S|f|B)\n/);
      // Text as text, in a font the file carries.
      expect(content, w.name).to.match(/BT[\s\S]*?(Tj|TJ)[\s\S]*?ET/);
      expect(text, w.name).to.match(/\/FontFile2|\/BaseFont \/Helvetica/);
      const images = (text.match(/\/Subtype \/Image/g) ?? []).length;
      if (w.type === 'density' && w.name === 'gap_density') expect(images, 'a 1D density has no raster').to.equal(0);
      if (w.type === 'heatmap') expect(images, 'one raster per heatmap panel').to.equal(3);
    }
  });

  it('falls back to the PDF base fonts where DejaVu Sans is missing', async () => {
    const svg = fs.readFileSync(path.join(dir, 'gap_filling.svg'), 'utf8');
    const text = (await svgToPdf(svg, null)).toString('latin1');
    expect(text).to.contain('/BaseFont /Helvetica');
    expect(text).to.contain('/BaseFont /Helvetica-Bold'); // titles
    expect(text).to.not.contain('/FontFile2');
  });

  it('gives the same PDF bytes for the same plot', async () => {
    const svg = fs.readFileSync(path.join(dir, 'gap_filling.svg'), 'utf8');
    const a = await svgToPdf(svg);
    await new Promise((r) => setTimeout(r, 1100)); // a clock tick that a creation date would show
    const b = await svgToPdf(svg);
    expect(a.equals(b)).to.equal(true);
    expect(a.equals(fs.readFileSync(path.join(dir, 'gap_filling.pdf')))).to.equal(true);
  });

  it('leaves no wide empty strip on the right of a figure', () => {
    // vega's own 0.8 em per character guess made the 1D panel grid about 30% wider than its ink.
    for (const w of written) {
      const { width, right } = rightmostInk(w.svg);
      expect(width - right, `${w.name}: ${width} px wide, ink ends at ${right}`).to.be.lessThan(40);
    }
  });

  it('measures text with DejaVu Sans advances', () => {
    // Values from DejaVuSans.ttf: "x" 592/1000 em, "(" 390, bold "W" 1103.
    expect(dejaVuWidth('x', 10, false)).to.be.closeTo(5.92, 1e-9);
    expect(dejaVuWidth('(x)', 10, false)).to.be.closeTo(13.72, 1e-9);
    expect(dejaVuWidth('W', 20, true)).to.be.closeTo(22.06, 1e-9);
    // The rendered string ends where the table says: resvg draws it in the same font.
    const s = 'density (per unit x)';
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="30"><text x="0" y="20" font-family="DejaVu Sans" font-size="20">${s}</text></svg>`;
    const { right } = rightmostInk(svg);
    expect(right).to.be.closeTo(dejaVuWidth(s, 20, false), 4);
  });

  it('names plots and files after what the study wrote', async () => {
    const plot = (p: Partial<IrPlot>): IrPlot => ({
      name: 'x',
      type: 'metric_table',
      inputs: ['gap', 'mem'],
      points: null,
      by: [],
      file: 'x.csv',
      y_max: null,
      band: null,
      ...p,
    });
    expect(plotTitle(plot({ name: 'table_1', file: 'table_1.csv' }))).to.equal('table(gap, mem)');
    expect(plotTitle(plot({ name: 'ring_csv', file: 'ring.csv' }))).to.equal('ring');
    expect(plotTitle(plot({ name: 'gap', file: 'out/gap.csv' }))).to.equal('gap');
    expect(plotTitle(plot({ name: 'table_1', file: 'mine.csv' }))).to.equal('table_1'); // the study's own name
    expect(plotStem('a.vl.json')).to.equal('a');
    expect(plotStem('a.PDF')).to.equal('a');
    expect(plotStem('.pdf')).to.equal('.pdf');
    const theory = { method: 'effective_sde' } as Parameters<typeof shortLabel>[0];
    expect(shortLabel(theory, 'theory')).to.equal('theory');
    expect(shortLabel(theory, 'wave_theory')).to.equal('wave_theory');
    expect(shortLabel({ method: 'ensemble' } as Parameters<typeof shortLabel>[0], 'trained')).to.equal(
      'trained (ensemble)',
    );
    // A table beside a density of the same stem: `ring-table.svg`, not `ring-ring_csv.svg`.
    const doc = gapStudy();
    doc.plots = [
      { ...doc.plots[0], name: 'ring', file: 'ring.svg' },
      { ...doc.plots[1], name: 'ring_csv', file: 'ring.csv' },
    ];
    const sub = path.join(dir, 'ring');
    const out = await writePlots(sub, doc, await resultsOf(doc), () => {});
    expect(out[1].files).to.deep.equal([
      'ring.csv',
      'ring-table.svg',
      'ring-table.png',
      'ring-table.pdf',
      'ring-table.vl.json',
    ]);
    expect(out[1].title).to.equal('ring');
    const svg = fs.readFileSync(path.join(sub, 'ring-table.svg'), 'utf8');
    expect(svg).to.contain('>ring</text>');
    expect(svg).to.not.contain('ring_csv');
  });
});
