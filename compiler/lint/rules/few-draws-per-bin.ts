// GTV0804 few-draws-per-bin: a histogram with fewer than 10 draws per bin on average; its counts
// then carry a relative error over 1/sqrt(10) (about 30%), which swamps the density differences a
// study looks for. Ensembles and Gaussian-field samplers pool the draws of all their members.
import { LINT } from '../../codes/lint.js';
import type { IrSample } from '../../ir/types.js';
import { samplerOf } from '../../../stdlib/builtins/samplers.js';
import { fmt, nodeNamed, nodesOf } from '../geometry.js';
import type { Finding, LintRule } from '../types.js';

export const MIN_DRAWS_PER_BIN = 10;

export const fewDrawsPerBin: LintRule<typeof LINT.fewDrawsPerBin> = {
  code: LINT.fewDrawsPerBin,
  check({ cell, src }) {
    const out: Finding[] = [];
    const check = (name: string, sample: IrSample, bins: number, dim: number, binsArg: boolean) => {
      const cellsCount = bins ** dim;
      const draws = pooledDraws(sample);
      const perBin = draws / cellsCount;
      if (perBin >= MIN_DRAWS_PER_BIN) return;
      const shape = dim === 1 ? `${bins} bins` : `${bins}^${dim} = ${fmt(cellsCount)} bins`;
      out.push({
        message: `\`${name}\` histograms ${fmt(draws)} draws into ${shape}: ${fmt(perBin)} per bin on average (fewer than ${MIN_DRAWS_PER_BIN})`,
        span: binsArg ? src.argSpan(name, 'bins', 'draws') : src.argSpan(name, 'draws', 'bins'),
        hint: `raise draws to at least ${fmt(Math.ceil((MIN_DRAWS_PER_BIN * cellsCount) / (draws / sample.draws)))}, or lower bins to ${Math.max(1, Math.floor((draws / MIN_DRAWS_PER_BIN) ** (1 / dim)))}`,
      });
    };
    for (const s of nodesOf(cell, 'sample')) {
      const data = nodeNamed(cell, s.data, 'data');
      if (data && data.dim <= 2) check(s.name, s, s.histogram.bins, data.dim, true);
    }
    for (const m of nodesOf(cell, 'metric')) {
      const of = nodeNamed(cell, m.of, 'sample');
      const data = nodeNamed(cell, m.data, 'data');
      // A metric on its sample's own histogram repeats the sample's finding; report only new bins.
      if (of && data && m.histogram.bins !== of.histogram.bins) check(m.name, of, m.histogram.bins, data.dim, true);
    }
    return out;
  },
};

function pooledDraws(s: IrSample): number {
  return s.draws * (samplerOf(s).pooledMembers(s) ?? 1);
}
