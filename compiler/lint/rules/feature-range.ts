// GTV0803 feature-range: a basis's `over` does not cover the data's extent along its axis, or,
// for the time axis, the interval [t_min, T] on which its model is trained and sampled.
// Bases whose `over` only centres them (random Fourier features) are skipped: each basis says
// so in its descriptor (stdlib/builtins/features.ts).
import type { Call, Expr } from '../../ast.js';
import { LINT } from '../../codes/lint.js';
import type { IrBasis, IrCell, IrFeatureTree } from '../../ir/types.js';
import { FEATURE_MAPS } from '../../../stdlib/builtins/features.js';
import { extent, fmt, nodeNamed, nodesOf } from '../geometry.js';
import type { SourceLookup } from '../lookup.js';
import type { Finding, LintRule } from '../types.js';

const AXES = ['x', 'y', 'z'] as const;
/** Relative slack so that an `over` written with rounded ends still counts as covering. */
const SLACK = 1e-9;

export const featureRange: LintRule<typeof LINT.featureRange> = {
  code: LINT.featureRange,
  check({ cell, src }) {
    const out: Finding[] = [];
    for (const model of nodesOf(cell, 'model')) {
      if (model.type !== 'linear') continue;
      const features = nodeNamed(cell, model.features, 'features');
      const data = nodeNamed(cell, model.data, 'data');
      const fwd = nodeNamed(cell, model.forward, 'forward');
      if (!features || !data || !fwd) continue;
      const ext = extent(data);
      const tLo = Math.min(model.t_range[0], ...samplingTimes(cell, model.name));
      const tHi = Math.max(model.t_range[1], fwd.T);
      for (const b of bases(features.tree)) {
        if (!FEATURE_MAPS[b.basis].coversOver || b.axes.length !== 1) continue;
        const axis = b.axes[0];
        const need: [number, number] = axis === 't' ? [tLo, tHi] : (ext[AXES.indexOf(axis)] ?? [0, 0]);
        const [lo, hi] = b.over;
        const tol = SLACK * Math.max(1, Math.abs(need[0]), Math.abs(need[1]));
        if (lo <= need[0] + tol && hi >= need[1] - tol) continue;
        const what =
          axis === 't'
            ? `the time interval [t_min, T] = [${fmt(need[0])}, ${fmt(need[1])}] of \`${model.name}\``
            : `the data \`${data.name}\`, which reach ${fmt(need[0])} .. ${fmt(need[1])} along ${axis}`;
        out.push({
          message: `the ${b.basis} features over ${fmt(lo)} .. ${fmt(hi)} in \`${features.name}\` do not cover ${what}`,
          span: overSpan(src, features.name, axis),
          hint: `widen \`over\` to at least ${fmt(Math.min(lo, need[0]))} .. ${fmt(Math.max(hi, need[1]))}`,
        });
      }
    }
    return out;
  },
};

function bases(t: IrFeatureTree): IrBasis[] {
  if (t.op === 'basis') return [t];
  return (t.op === 'product' ? t.factors : t.parts).flatMap(bases);
}

/** t_min of every sampler that runs this model. */
function samplingTimes(cell: IrCell, model: string): number[] {
  return nodesOf(cell, 'sample')
    .filter((s) => s.model === model)
    .map((s) => s.grid.t_min);
}

/** The `over` argument of the factor on this axis, e.g. the second `over` in `gauss(x, ...) * gauss(t, ...)`. */
function overSpan(src: SourceLookup, features: string, axis: string) {
  const decl = src.decl(features);
  if (!decl) return src.declSpan(features);
  const calls: Call[] = [];
  const walk = (e: Expr): void => {
    if (e.kind === 'call') calls.push(e);
    else if (e.kind === 'binary') (walk(e.left), walk(e.right));
    else if (e.kind === 'paren') walk(e.inner);
  };
  walk(decl.value);
  for (const c of calls) {
    const first = c.args[0]?.value;
    const onAxis = c.args.some(
      (a) => (a.name?.name === 'axis' || !a.name) && a.value.kind === 'name' && a.value.name === axis,
    );
    if (onAxis || (first?.kind === 'name' && first.name === axis)) {
      return (c.args.find((a) => a.name?.name === 'over') ?? c).span;
    }
  }
  return decl.name.span;
}
