// Every semantic check fires on a minimal bad input and stays silent on the corrected one.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { SEM, SEMANTIC_CODES } from '../../compiler/codes/semantic.js';
import { CHECKS } from '../../compiler/checks/registry.js';
import { compile, study1d, type MemoryFiles } from './helpers.js';

interface Case {
  code: string;
  what: string;
  bad: string;
  good: string;
  files?: MemoryFiles;
  goodFiles?: MemoryFiles;
  hint?: string;
}

const base = study1d();
const swap = (from: string, bad: string, good = from): Pick<Case, 'bad' | 'good'> => {
  if (!base.includes(from)) throw new Error(`test setup: ${from} not in the base study`);
  return { bad: base.replace(from, bad), good: base.replace(from, good) };
};
const add = (bad: string, good = ''): Pick<Case, 'bad' | 'good'> => ({ bad: study1d(bad), good: study1d(good) });
const twoD = (features: string) =>
  study1d()
    .replace('points([-1], [0], [1])', 'points([-1, 0], [0, 1], [1, 0])')
    .replace('features phi = gauss(x, n = 8, over = -1.5 .. 1.5)', `features phi = ${features}`);
const withSweep = (sweep: string, extra = '') =>
  study1d(`  sweep P = ${sweep}\n${extra}`).replace('samples = 64', 'samples = P');
const csvStudy = (path: string) => base.replace('points([-1], [0], [1])', `csv("${path}")`);

const CASES: Case[] = [
  { code: 'GTV0201', what: 'unknown name', ...swap('linear(phi', 'linear(phj'), hint: 'did you mean `phi`?' },
  { code: 'GTV0202', what: 'unknown built-in', ...swap('vp()', 'vpp()'), hint: 'did you mean `vp`?' },
  {
    code: 'GTV0202',
    what: 'built-in of another kind',
    ...swap('vp()', 'gauss()'),
    hint: '`gauss` is a features built-in, not a forward built-in',
  },
  { code: 'GTV0203', what: 'duplicate definition', ...add('  data train = points([2])') },
  {
    code: 'GTV0204',
    what: 'reserved name',
    ...add('  let t = 1\n  sample s1 = pf_ode(true, draws = t)', '  let u = 1\n  sample s1 = pf_ode(true, draws = u)'),
  },
  { code: 'GTV0205', what: 'wrong kind', ...add('  metric m = gap_mass(lin)', '  metric m = gap_mass(trained)') },
  {
    code: 'GTV0206',
    what: 'ambiguous data',
    bad: study1d('  data other = points([5])\n  sample o = pf_ode(true, data = other)'),
    good: study1d('  data other = points([5])\n  sample o = pf_ode(true, data = other)').replace(
      'samples = 64',
      'samples = 64, data = train',
    ),
  },
  { code: 'GTV0207', what: 'no forward process', ...swap('forward vp = vp()', '') },
  { code: 'GTV0208', what: 'unknown setting', ...add('  stpes = 30', '  steps = 30'), hint: 'did you mean `steps`?' },
  { code: 'GTV0209', what: 'setting twice', ...add('  seed = 1\n  seed = 2', '  seed = 1') },
  { code: 'GTV0210', what: 'duplicate study', bad: base + base, good: base + base.replace('study s', 'study s2') },
  {
    code: 'GTV0211',
    what: 'circular let',
    ...add(
      '  let a = b\n  let b = a\n  sample s1 = pf_ode(true, draws = a)',
      '  let a = 2\n  let b = a\n  sample s1 = pf_ode(true, draws = b)',
    ),
  },
  {
    code: 'GTV0212',
    what: 'a chain of 500 data transforms written last to first',
    ...swap(
      'data train = points([-1], [0], [1])',
      `data train = shift(c1, by = [1])\n${Array.from({ length: 499 }, (_, i) => `  data c${i + 1} = shift(c${i + 2}, by = [1])`).join('\n')}\n  data c500 = points([-1], [0], [1])`,
      `data c500 = points([-1], [0], [1])\n${Array.from({ length: 499 }, (_, i) => `  data c${499 - i} = shift(c${500 - i}, by = [1])`).join('\n')}\n  data train = shift(c1, by = [1])`,
    ),
  },
  {
    code: 'GTV0301',
    what: 'unknown argument',
    ...swap('vp()', 'vp(beta_mn = 0.1)', 'vp(beta_min = 0.1)'),
    hint: 'did you mean `beta_min`?',
  },
  { code: 'GTV0302', what: 'missing argument', ...swap('linear(phi, samples = 64)', 'linear(phi)') },
  { code: 'GTV0303', what: 'argument twice', ...swap('gauss(x, n = 8', 'gauss(x, axis = x, n = 8') },
  { code: 'GTV0304', what: 'too many positional', ...swap('vp()', 'vp(0.1, 19.9, 1, 2)', 'vp(0.1, 19.9, 1)') },
  {
    code: 'GTV0305',
    what: 'wrong enum',
    ...swap('draws = 100)', 'draws = 100, solver = "rk4")', 'draws = 100, solver = "heun")'),
  },
  { code: 'GTV0305', what: 'string for a number', ...swap('members = 2', 'members = "2"') },
  { code: 'GTV0305', what: 'number for a point', ...swap('points([-1], [0], [1])', 'points(-1, [0], [1])') },
  { code: 'GTV0306', what: 'unit on a count', ...swap('members = 2', 'members = 2deg') },
  { code: 'GTV0307', what: 'unknown unit', ...swap('members = 2', 'members = 2km') },
  { code: 'GTV0308', what: 'not a call', ...swap('forward vp = vp()', 'forward vp = 0.1') },
  {
    code: 'GTV0309',
    what: 'diffusion and diag',
    ...swap('vp()', 'anisotropic(diffusion = [[1]], diag = [1])', 'anisotropic(diag = [2])'),
  },
  { code: 'GTV0310', what: 'ensemble of true', ...add('  sample bad = ensemble(true)', '  sample ok = pf_ode(true)') },
  {
    code: 'GTV0401',
    what: 't_min <= 0',
    ...add('  sample e = pf_ode(true, t_min = 0)', '  sample e = pf_ode(true, t_min = 0.01)'),
  },
  {
    code: 'GTV0401',
    what: 'negative ridge',
    ...swap('samples = 64)', 'samples = 64, ridge = -1)', 'samples = 64, ridge = 0)'),
  },
  {
    code: 'GTV0401',
    what: 'empty grid (n = 0)',
    ...add(
      '  map m = score(grid = interval(-2, 2, 0), t = [0.1])',
      '  map m = score(grid = interval(-2, 2, 10), t = [0.1])',
    ),
  },
  {
    code: 'GTV0401',
    what: 'time beyond T',
    ...add(
      '  map m = score(grid = interval(-2, 2, 10), t = [2])',
      '  map m = score(grid = interval(-2, 2, 10), t = [1])',
    ),
  },
  { code: 'GTV0402', what: 'non-integer count', ...swap('samples = 64', 'samples = 64.5') },
  { code: 'GTV0403', what: 'empty interval', ...swap('over = -1.5 .. 1.5', 'over = 1.5 .. -1.5') },
  { code: 'GTV0404', what: 'empty sweep', bad: withSweep('[]'), good: withSweep('[64, 128]') },
  { code: 'GTV0405', what: 'duplicate sweep value', bad: withSweep('[64, 128, 64]'), good: withSweep('[64, 128]') },
  { code: 'GTV0406', what: 'division by zero', ...swap('members = 2', 'members = 1 / 0') },
  {
    code: 'GTV0407',
    what: 'weights length',
    ...swap(
      'points([-1], [0], [1])',
      'points([-1], [0], [1], weights = [1, 2])',
      'points([-1], [0], [1], weights = [1, 2, 1])',
    ),
  },
  {
    code: 'GTV0408',
    what: 'index out of range',
    ...swap(
      'points([-1], [0], [1])',
      'duplicate(points([-1], [0], [1]), index = 3, k = 2)',
      'duplicate(points([-1], [0], [1]), index = 2, k = 2)',
    ),
  },
  {
    code: 'GTV0410',
    what: 'draws beyond a typed array',
    ...add('  sample big = pf_ode(true, draws = 1e10)', '  sample big = pf_ode(true, draws = 1e9)'),
    hint: 'keep draws at or below 4294967296',
  },
  {
    code: 'GTV0410',
    what: 'Gram matrix beyond a typed array',
    ...swap('gauss(x, n = 8, over', 'gauss(x, n = 70000, over'),
    hint: 'keep the feature count F at or below 65536',
  },
  {
    code: 'GTV0409',
    what: 'bad csv',
    bad: csvStudy('d.csv'),
    good: csvStudy('d.csv'),
    files: { 'd.csv': 'x\n1\nfoo\n' },
    goodFiles: { 'd.csv': 'x\n-1\n0\n1\n' },
  },
  {
    code: 'GTV0501',
    what: 'points of mixed dimension',
    ...swap('points([-1], [0], [1])', 'points([-1], [0, 1], [1])'),
  },
  { code: 'GTV0502', what: 'feature over y in 1D data', ...swap('gauss(x, n = 8', 'gauss(y, n = 8') },
  {
    code: 'GTV0503',
    what: '2D data with 1D features',
    bad: twoD('gauss(x, n = 8, over = -1.5 .. 1.5)'),
    good: twoD('gauss(x, n = 8, over = -1.5 .. 1.5) * gauss(y, n = 4, over = -1 .. 1.5)'),
  },
  {
    code: 'GTV0504',
    what: 'grid of the wrong rank',
    ...add(
      '  map m = score(grid = square(-2, 2, 10), t = [0.1])',
      '  map m = score(grid = interval(-2, 2, 10), t = [0.1])',
    ),
  },
  {
    code: 'GTV0505',
    what: 'rotate 1D data',
    ...swap(
      'data train = points([-1], [0], [1])',
      'data base = points([-1], [0], [1])\n  data train = rotate(base, angle = 1)',
      'data base = points([-1], [0], [1])\n  data train = scale(base, factor = 2)',
    ),
  },
  {
    code: 'GTV0601',
    what: 'missing import',
    bad: study1d('', 'import "lib/missing.gtv"'),
    good: study1d('', 'import "lib/x.gtv"'),
    goodFiles: { 'lib/x.gtv': 'let w = 1' },
  },
  {
    code: 'GTV0602',
    what: 'import cycle',
    bad: study1d('', 'import "a.gtv"'),
    good: study1d('', 'import "a.gtv"'),
    files: { 'a.gtv': 'import "b.gtv"', 'b.gtv': 'import "a.gtv"' },
    goodFiles: { 'a.gtv': 'import "b.gtv"', 'b.gtv': 'let w = 1' },
  },
  {
    code: 'GTV0608',
    what: 'import of a file that is not a study',
    bad: study1d('', 'import "lib/notes.txt"'),
    good: study1d('', 'import "lib/x.gtv"'),
    files: { 'lib/notes.txt': 'let w = 1' },
    goodFiles: { 'lib/x.gtv': 'let w = 1' },
  },
  {
    code: 'GTV0609',
    what: 'data file above the size limit',
    bad: csvStudy('big.csv'),
    good: csvStudy('d.csv'),
    files: { 'big.csv': { failure: 'too-large', message: 'is larger than the 64 MiB limit for files a study reads' } },
    goodFiles: { 'd.csv': '-1\n0\n1\n' },
    hint: 'raise the limit with `--max-file-size` (e.g. 512M) or GTV_MAX_FILE_SIZE',
  },
  {
    code: 'GTV0603',
    what: 'missing data file',
    bad: csvStudy('nope.csv'),
    good: csvStudy('d.csv'),
    goodFiles: { 'd.csv': '-1\n0\n1\n' },
  },
  {
    code: 'GTV0604',
    what: 'study in an imported file',
    bad: study1d('', 'import "lib.gtv"'),
    good: study1d('', 'import "lib.gtv"'),
    files: { 'lib.gtv': 'study q {\n}' },
    goodFiles: { 'lib.gtv': 'let w = 1' },
  },
  { code: 'GTV0605', what: 'by a non-axis', ...add('  plot density(trained) by (phi)', '  plot density(trained)') },
  {
    code: 'GTV0606',
    what: 'sweep variable in the seed',
    bad: withSweep('[64, 128]', '  seed = P'),
    good: withSweep('[64, 128]', '  seed = 3'),
  },
  {
    code: 'GTV0607',
    what: 'two plots, one file',
    ...add(
      '  plot density(trained) to "a.svg"\n  plot density(trained) to "a.svg"',
      '  plot density(trained) to "a.svg"\n  plot density(trained) to "b.svg"',
    ),
  },
  {
    code: 'GTV0610',
    what: "a plot over the run's metrics table",
    ...add(
      '  metric gap = gap_mass(trained, radius = 0.2)\n  plot table(gap) to "metrics.csv"',
      '  metric gap = gap_mass(trained, radius = 0.2)\n  plot table(gap) to "tables/metrics.csv"',
    ),
    hint: 'choose another file name, e.g. in a folder of its own: `to "plots/..."`',
  },
  {
    code: 'GTV0610',
    what: 'a plot into a cell folder',
    ...add('  plot density(trained) to "cells/main/a.svg"', '  plot density(trained) to "plots/a.svg"'),
  },
  { code: 'GTV0701', what: 'unused constant', ...add('  let unused = 1') },
  { code: 'GTV0702', what: 'unused sweep axis', ...add('  sweep k = [1, 2]') },
];

describe('semantic checks', () => {
  for (const c of CASES) {
    it(`${c.code} (${c.what}) fires on the bad input, not on the good one`, () => {
      const bad = compile(c.bad, c.files);
      const hits = bad.diagnostics.filter((d) => d.code === c.code);
      expect(hits, JSON.stringify(bad.diagnostics.map((d) => `${d.code} ${d.message}`))).to.have.length.greaterThan(0);
      expect(hits.every((d) => d.span !== undefined)).to.equal(true);
      if (c.hint) expect(hits.map((d) => d.hint)).to.include(c.hint);
      const good = compile(c.good, c.goodFiles ?? c.files);
      expect(good.diagnostics.map((d) => `${d.code} ${d.message}`)).to.deep.equal([]);
      expect(good.studies.length).to.be.greaterThan(0);
    });
  }

  it('every semantic code except the internal error has a case here', () => {
    const covered = new Set(CASES.map((c) => c.code));
    const missing = SEMANTIC_CODES.map((c) => c.code).filter((code) => code !== 'GTV0900' && !covered.has(code));
    expect(missing).to.deep.equal([]);
  });
});

describe('check registry', () => {
  it('names a check for every semantic code, and only registered codes', () => {
    const listed = new Set(CHECKS.flatMap((c) => c.codes));
    const known = new Set(SEMANTIC_CODES.map((c) => c.code));
    expect([...known].filter((c) => !listed.has(c))).to.deep.equal([]);
    expect([...listed].filter((c) => !known.has(c))).to.deep.equal([]);
  });

  it("names for each code a module that reports it: the module's source uses the code's SEM constant", () => {
    const nameOf = new Map(Object.entries(SEM).map(([name, code]) => [code as string, name]));
    // readCode() (compiler/checks/read-failure.ts) picks these two codes for the module that calls it.
    const viaReadCode = [SEM.readNotAllowed, SEM.fileTooLarge] as string[];
    const readFailure = readFileSync(new URL('../../compiler/checks/read-failure.ts', import.meta.url), 'utf8');
    for (const code of viaReadCode) expect(readFailure).to.contain(`SEM.${nameOf.get(code)}`);
    // compiler/lower/sample.ts reports `SEM[refusal.code]` for the codes the sampler descriptors name.
    const samplers = readFileSync(new URL('../../stdlib/builtins/samplers.ts', import.meta.url), 'utf8');
    const viaDescriptor = (src: string, code: string) =>
      src.includes('SEM[') && samplers.includes(`code: '${nameOf.get(code)}'`);
    const wrong: string[] = [];
    for (const check of CHECKS) {
      const src = readFileSync(new URL(`../../${check.module}`, import.meta.url), 'utf8');
      for (const code of check.codes) {
        const reported =
          src.includes(`SEM.${nameOf.get(code)}`) ||
          (viaReadCode.includes(code) && src.includes('readCode(')) ||
          viaDescriptor(src, code);
        if (!reported) wrong.push(`${check.name}: ${check.module} does not report ${code} (SEM.${nameOf.get(code)})`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  it('gives every semantic code a name, a title and a long explanation', () => {
    for (const c of SEMANTIC_CODES) {
      expect(c.code).to.match(/^GTV0[2-9]\d\d$/);
      expect(c.name).to.match(/^[a-z]+(-[a-z]+)*$/);
      expect(c.explain.length, c.code).to.be.greaterThan(80);
    }
    expect(new Set(SEMANTIC_CODES.map((c) => c.code)).size).to.equal(SEMANTIC_CODES.length);
  });
});
