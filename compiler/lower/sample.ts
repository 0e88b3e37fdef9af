// Sample sets: the model (or `true`), the time grid, the solver, the histogram and a seed.
import type { Decl, Expr } from '../ast.js';
import { SEM } from '../codes/semantic.js';
import { checkArraySize, short } from '../checks/allocation.js';
import type { Spanned } from '../checks/report.js';
import type { GridValue, Intervals, RefValue } from '../evaluate.js';
import type { IrData, IrHistogram, IrModel, IrSample } from '../ir/types.js';
import { defaultRange } from '../passes/defaults.js';
import { packedOf } from '../ir/packed-points.js';
import type { CellLowering } from './cell.js';
import { checkForwardDim, tMinBelowT } from './model.js';

/** Model types each sampler accepts ('true' is the exact score). */
const ACCEPTS: Record<string, string[]> = {
  pf_ode: ['true', 'linear', 'ntk'],
  naive: ['naive'],
  ensemble: ['linear', 'ntk'],
  effective_sde: ['linear', 'ntk', 'naive'],
};

export function lowerSample(cx: CellLowering, d: Decl): IrSample | undefined {
  const c = cx.builtinCall(d.value, 'sample');
  if (!c) return undefined;
  const { v, ok, bound } = cx.evaluate(c.call, c.spec);
  const method = c.spec.name as IrSample['method'];
  const at = (p: string) => (bound.args.get(p) as Expr | undefined) ?? c.call.callee;
  const model = v.model as RefValue | undefined;
  if (model === undefined) return undefined;
  const type = model === 'true' ? 'true' : (model as IrModel).type;
  if (!ACCEPTS[method].includes(type)) {
    const what = type === 'true' ? 'the exact score `true`' : `the ${type} model \`${(model as IrModel).name}\``;
    cx.r.report(SEM.incompatibleModel, `\`${method}\` cannot sample ${what}`, at('model'), `\`${method}\` takes ${acceptsText(ACCEPTS[method])}`);
    return undefined;
  }
  if (method === 'effective_sde' && type === 'ntk' && v.variant === 'white_noise') {
    cx.r.report(SEM.incompatibleModel, `\`effective_sde\` with variant = white_noise cannot sample the ntk model \`${(model as IrModel).name}\``, at('variant'), 'use variant = gaussian_field for NTK models');
    return undefined;
  }
  const inherit = model === 'true' ? undefined : (model as IrModel);
  const df = cx.dataForward(v, c.call.callee, inherit);
  if (!ok || !df) return undefined;
  if (!checkForwardDim(cx, df.data, df.forward, c.call.callee)) return undefined;
  if (!tMinBelowT(cx, v.t_min, df.forward, at('t_min'))) return undefined;
  const histogram = histogramOf(cx, v.bins, v.range, df.data, at('range'));
  if (!histogram || v.steps === undefined) return undefined;
  if (!sizesFit(cx, d.name.name, method, v, df.data.dim, at)) return undefined;
  let compat: { n: number; range: [number, number] } | null = null;
  if (v.compat_grid_lookup) {
    const g = v.compat_grid_lookup as GridValue;
    if (g.grid.axes.length !== 1) {
      cx.r.report(SEM.gridRank, 'the lookup grid is applied per axis, so it must be 1D: interval(lo, hi, n)', g.node);
      return undefined;
    }
    const a = g.grid.axes[0];
    compat = { n: a.n, range: [a.lo, a.hi] };
  }
  const common = {
    kind: 'sample' as const,
    name: d.name.name,
    data: df.data.name,
    forward: df.forward.name,
    draws: v.draws,
    grid: { steps: v.steps, t_min: v.t_min, spacing: v.spacing, rho: v.rho },
    solver: v.solver,
    seed: cx.seedFor(d.name.name),
    histogram,
  };
  const modelName = model === 'true' ? 'true' : (model as IrModel).name;
  switch (method) {
    case 'pf_ode':
      return { ...common, method, model: modelName, compat_grid_lookup: compat };
    case 'naive':
      return { ...common, method, model: modelName, form: v.form };
    case 'ensemble':
      return { ...common, method, model: modelName, members: v.members };
    case 'effective_sde':
      return { ...common, method, model: modelName, variant: v.variant, members: v.members, mc_samples: v.mc_samples };
  }
}

/** The kept draws (pooled over members where the runtime pools them) and the histogram fit in one typed array each. */
function sizesFit(cx: CellLowering, name: string, method: IrSample['method'], v: Record<string, any>, dim: number, at: (p: string) => Spanned): boolean {
  const pooled = method === 'ensemble' || (method === 'effective_sde' && v.variant === 'gaussian_field');
  const members = pooled ? (v.members as number) : 1;
  const draws = v.draws as number;
  const kept = `\`${name}\` keeps ${short(draws)} draws${pooled ? ` x ${members} members` : ''} x ${dim}D`;
  const drawsOk = checkArraySize(cx.r, kept, draws * members * dim, { name: 'draws', value: draws, at: at('draws') });
  return histogramFits(cx, name, v.bins as number, dim, at('bins')) && drawsOk;
}

/** A 1D or 2D histogram's bins^dim counts fit in one typed array. */
export function histogramFits(cx: CellLowering, name: string, bins: number, dim: number, at: Spanned): boolean {
  if (dim > 2) return true;
  const what = `the histogram of \`${name}\` has ${dim === 1 ? `${bins} bins` : `${bins}^2 bins`}`;
  return checkArraySize(cx.r, what, bins ** dim, { name: 'bins', value: bins, at }, dim);
}

export function histogramOf(cx: CellLowering, bins: number | undefined, range: Intervals | undefined, data: IrData, at: Spanned): IrHistogram | undefined {
  if (bins === undefined) return undefined;
  if (!range) return { bins, range: defaultRange(packedOf(data)?.values ?? data.points, data.dim) };
  if ('all' in range) return { bins, range: Array.from({ length: data.dim }, () => range.all) };
  if (range.axes.length !== data.dim) {
    cx.r.report(SEM.dimensionMismatch, `${range.axes.length} histogram ranges for ${data.dim}D data \`${data.name}\``, at, 'give one interval for all axes, or one per axis');
    return undefined;
  }
  return { bins, range: range.axes };
}

/** "`true` or a linear or ntk model". */
function acceptsText(types: string[]): string {
  const models = types.filter((t) => t !== 'true');
  const m = models.length ? `${/^[aeiou]/.test(models[0]) ? 'an' : 'a'} ${models.join(' or ')} model` : '';
  return types.includes('true') ? (m ? `\`true\` or ${m}` : '`true`') : m;
}
