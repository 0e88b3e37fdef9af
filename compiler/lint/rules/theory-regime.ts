// GTV0805 theory-regime: an effective_sde sampler over a linear model with F > P/2. docs/theory.md 9.2's
// V-kernel is the P -> infinity limit at fixed F/P; for F > P (overparameterized, docs/theory.md 9.3)
// it is heuristic, and near the interpolation threshold F = P the missing random-matrix
// corrections are largest. F/P <= 1/2 keeps a factor two away from the threshold.
import { LINT } from '../../codes/lint.js';
import { fmt, nodeNamed, nodesOf } from '../geometry.js';
import type { Finding, LintRule } from '../types.js';

export const MAX_F_OVER_P = 0.5;

export const theoryRegime: LintRule<typeof LINT.theoryRegime> = {
  code: LINT.theoryRegime,
  check({ cell, src }) {
    const out: Finding[] = [];
    for (const s of nodesOf(cell, 'sample')) {
      if (s.method !== 'effective_sde') continue;
      const model = nodeNamed(cell, s.model, 'model');
      if (model?.type !== 'linear') continue;
      const features = nodeNamed(cell, model.features, 'features');
      if (!features) continue;
      const F = features.count;
      const P = model.samples;
      if (F / P <= MAX_F_OVER_P) continue;
      const regime =
        F > P
          ? 'overparameterized (F > P): the V-kernel theory is only heuristic there'
          : "close to the interpolation threshold F = P, where the theory's corrections are largest";
      out.push({
        message: `\`${s.name}\` applies the effective SDE to \`${model.name}\` with F/P = ${F}/${P} = ${fmt(F / P)}, ${regime}`,
        span: src.declSpan(s.name),
        hint: `compare with an ensemble sampler, or use samples >= ${Math.ceil(F / MAX_F_OVER_P)}`,
      });
    }
    return out;
  },
};
