// Every lint rule fires on its failing fixture (and nothing else of the linter does) and stays
// silent on its passing fixture; test/lint/fixtures/<rule>.{fail,pass}.gtv.
import { expect } from 'chai';
import { codeInfo } from '../../compiler/codes/index.js';
import { compileFile, compileSource } from '../../compiler/driver.js';
import { lintCompiled } from '../../compiler/lint/lint.js';
import { RULES } from '../../compiler/lint/registry.js';

const DIR = 'test/lint/fixtures';
/** Large enough for every passing fixture, far below cell-memory.fail's hundreds of TiB. */
const MEMORY = 16 * 1024 ** 3;
const NO_CONFIG = { config: { config: { levels: new Map(), file: null }, diagnostics: [] } };

const lint = (file: string) => {
  const out = compileFile(file);
  expect(
    out.diagnostics.filter((d) => d.severity === 'error'),
    `${file} must compile`,
  ).to.deep.equal([]);
  return lintCompiled(file, out, { totalMemory: MEMORY, ...NO_CONFIG }).diagnostics;
};

describe('lint rules', () => {
  for (const rule of RULES) {
    const name = codeInfo(rule.code)!.name;
    describe(name, () => {
      it(`reports ${rule.code} on ${name}.fail.gtv, with its default severity`, () => {
        const found = lint(`${DIR}/${name}.fail.gtv`).filter((d) => d.code === rule.code);
        expect(found).to.have.length.greaterThan(0);
        for (const d of found) {
          expect(d.severity).to.equal(codeInfo(rule.code)!.severity);
          expect(d.span?.file).to.equal(`${DIR}/${name}.fail.gtv`);
        }
      });
      it(`reports nothing on ${name}.pass.gtv`, () => {
        expect(lint(`${DIR}/${name}.pass.gtv`).map((d) => `${d.code} ${d.message}`)).to.deep.equal([]);
      });
    });
  }

  it('float32-score hints a t_min that itself passes the rule', () => {
    const [d] = lint(`${DIR}/float32-score.fail.gtv`);
    const t = Number(/at least (\S+)/.exec(d.hint ?? '')?.[1]);
    expect(t).to.be.greaterThan(1e-9).and.lessThan(1e-3);
    const out = compileFile(`${DIR}/float32-score.pass.gtv`);
    const text = out.files.get(`${DIR}/float32-score.pass.gtv`)!.replace('t_min = 1e-3', `t_min = ${t}`);
    const at = (src: string) =>
      lintCompiled(`${DIR}/x.gtv`, compileSourceOf(src), { totalMemory: MEMORY, ...NO_CONFIG }).diagnostics;
    expect(at(text).map((x) => x.code)).to.deep.equal([]);
    expect(at(text.replace(`t_min = ${t}`, `t_min = ${t / 3}`)).map((x) => x.code)).to.deep.equal(['GTV0801']);
  });

  it('cell-memory compares against the memory it is given', () => {
    const out = compileFile(`${DIR}/cell-memory.pass.gtv`);
    const tiny = lintCompiled(`${DIR}/cell-memory.pass.gtv`, out, { totalMemory: 1024, ...NO_CONFIG }).diagnostics;
    expect(tiny).to.have.length.greaterThan(0);
    expect(new Set(tiny.map((d) => d.code))).to.deep.equal(new Set(['GTV0806']));
  });

  it('cell-memory counts every kept draw and makes one array over the machine an error at its argument', () => {
    const src = (draws: string) =>
      `study s {\n  data d = points([-1, 0], [1, 0])\n  forward vp = vp()\n  sample a = pf_ode(true, draws = ${draws}, bins = 100, range = -2 .. 2)\n  plot density(a) to "a.svg"\n}\n`;
    const at = (draws: string, memory: number) =>
      lintCompiled(`${DIR}/x.gtv`, compileSourceOf(src(draws)), {
        totalMemory: memory,
        ...NO_CONFIG,
      }).diagnostics.filter((d) => d.code === 'GTV0806');
    // 1e8 draws x 2D as float32 = 800 MB in one array.
    const [err] = at('1e8', 500e6);
    expect(err.severity).to.equal('error');
    expect(err.message).to.equal("`a`'s 1e8 draws takes 763 MiB in one array, more than this machine's memory");
    expect([err.span?.start.line, err.span?.start.column]).to.deep.equal([4, 27]);
    // Each array fits, the cell does not (800 MB of draws + 80 KB of histogram + data): a warning on the study.
    const [warn] = at('1e8', 800.05e6);
    expect(warn.severity).to.equal('warning');
    expect(warn.message).to.match(/^a cell needs about 763 MiB at once/);
    expect(at('1e8', 1e9)).to.deep.equal([]);
  });

  it("a configured level still applies to cell-memory's error", () => {
    const src = `study s {\n  data d = points([-1], [1])\n  forward vp = vp()\n  sample a = pf_ode(true, draws = 1e8, bins = 100, range = -2 .. 2)\n  plot density(a) to "a.svg"\n}\n`;
    const config = {
      config: { config: { levels: new Map([['GTV0806', 'warning' as const]]), file: null }, diagnostics: [] },
    };
    const diags = lintCompiled('x.gtv', compileSourceOf(src), { totalMemory: 1e6, ...config }).diagnostics.filter(
      (d) => d.code === 'GTV0806',
    );
    expect(diags.map((d) => d.severity)).to.deep.equal(['warning']);
  });

  it('cell-memory gives one diagnostic per study, naming the cells over the limit', () => {
    const src = `study s {\n  sweep n = [4, 8]\n  data d = points([-1], [1])\n  forward vp = vp()\n  features phi = gauss(x, n = n, over = -2 .. 2)\n  model lin = linear(phi, samples = 64)\n  sample a = ensemble(lin, members = 2, draws = 1e4, bins = 100, range = -2 .. 2)\n  plot density(a) by (n) to "a.svg"\n}\n`;
    const diags = lintCompiled('x.gtv', compileSourceOf(src), { totalMemory: 1024, ...NO_CONFIG }).diagnostics.filter(
      (d) => d.code === 'GTV0806',
    );
    expect(diags).to.have.length(1);
    expect(diags[0].message).to.match(/\(in cells `n=4`, `n=8`\)$/);
  });

  it('merges a finding shared by some cells into one diagnostic naming them', () => {
    const src = `study s {\n  sweep eps = [1e-9, 1e-8, 1e-3]\n  t_min = eps\n  data d = points([-1], [1])\n  forward vp = vp()\n  sample a = pf_ode(true, draws = 1e4, bins = 100, range = -2 .. 2)\n  plot density(a) by (eps) to "a.svg"\n}\n`;
    const diags = lintCompiled('x.gtv', compileSourceOf(src), { totalMemory: MEMORY, ...NO_CONFIG }).diagnostics.filter(
      (d) => d.code === 'GTV0801',
    );
    expect(diags.map((d) => d.message)).to.deep.equal([
      'at t = 1e-9 float32 loses the score: rounding moves the posterior weights by more than 1% (in cell `eps=1e-9`)',
      'at t = 1e-8 float32 loses the score: rounding moves the posterior weights by more than 1% (in cell `eps=1e-8`)',
    ]);
  });
});

function compileSourceOf(text: string) {
  return compileSource(text, 'test/lint/fixtures/x.gtv');
}
