// Sample sets: the model (or `true`), the time grid, the solver, the histogram and a seed; the
// method-specific fields and checks come from the sampler's descriptor (stdlib/builtins/samplers.ts).
import type { Decl, Expr } from '../ast.js';
import { SEM } from '../codes/semantic.js';
import { checkArraySize, short } from '../checks/allocation.js';
import type { Spanned } from '../checks/report.js';
import type { Intervals, RefValue } from '../evaluate.js';
import type { IrData, IrHistogram, IrModel, IrSample } from '../ir/types.js';
import { defaultRange } from '../passes/defaults.js';
import { packedOf } from '../ir/packed-points.js';
import { isRefusal, SAMPLERS, type SampleMethod, type SamplerDescriptor } from '../../stdlib/builtins/samplers.js';
import type { LowerContext } from './context.js';
import { checkForwardDim, tMinBelowT } from './model.js';

export function lowerSample(cx: LowerContext, d: Decl): IrSample | undefined {
  const c = cx.builtinCall(d.value, 'sample');
  if (!c) return undefined;
  const { v, ok, bound } = cx.evaluate(c.call, c.spec);
  // The sample built-ins of the signature table are exactly the descriptors' methods.
  const method = c.spec.name as SampleMethod;
  const sampler: SamplerDescriptor<SampleMethod> = SAMPLERS[method];
  const at = (p: string) => (bound.args.get(p) as Expr | undefined) ?? c.call.callee;
  const model = v.model as RefValue | undefined;
  if (model === undefined) return undefined;
  const type = model === 'true' ? 'true' : (model as IrModel).type;
  if (!sampler.accepts.includes(type)) {
    const what = type === 'true' ? 'the exact score `true`' : `the ${type} model \`${(model as IrModel).name}\``;
    cx.r.report(
      SEM.incompatibleModel,
      `\`${method}\` cannot sample ${what}`,
      at('model'),
      `\`${method}\` takes ${acceptsText(sampler.accepts)}`,
    );
    return undefined;
  }
  const inherit = model === 'true' ? undefined : (model as IrModel);
  const df = cx.dataForward(v, c.call.callee, inherit);
  if (!ok || !df) return undefined;
  if (!checkForwardDim(cx, df.data, df.forward, c.call.callee)) return undefined;
  if (!tMinBelowT(cx, v.t_min, df.forward, at('t_min'))) return undefined;
  const histogram = histogramOf(cx, v.bins, v.range, df.data, at('range'));
  if (!histogram || v.steps === undefined) return undefined;
  const modelName = model === 'true' ? 'true' : (model as IrModel).name;
  const fields = sampler.lower(v, { name: modelName, type });
  if (isRefusal(fields)) {
    cx.r.report(SEM[fields.code], fields.message, at(fields.arg), fields.hint);
    return undefined;
  }
  const node = {
    kind: 'sample' as const,
    name: d.name.name,
    data: df.data.name,
    forward: df.forward.name,
    draws: v.draws,
    grid: { steps: v.steps, t_min: v.t_min, spacing: v.spacing, rho: v.rho },
    solver: v.solver,
    seed: cx.seedFor(d.name.name),
    histogram,
    ...fields,
  } as IrSample;
  if (!sizesFit(cx, node, sampler.pooledMembers(node), df.data.dim, at)) return undefined;
  return node;
}

/** The kept draws (pooled over members where the runtime pools them) and the histogram fit in one typed array each. */
function sizesFit(
  cx: LowerContext,
  node: IrSample,
  pooledMembers: number | undefined,
  dim: number,
  at: (p: string) => Spanned,
): boolean {
  const pooled = pooledMembers !== undefined;
  const members = pooledMembers ?? 1;
  const kept = `\`${node.name}\` keeps ${short(node.draws)} draws${pooled ? ` x ${members} members` : ''} x ${dim}D`;
  const drawsOk = checkArraySize(cx.r, kept, node.draws * members * dim, {
    name: 'draws',
    value: node.draws,
    at: at('draws'),
  });
  return histogramFits(cx, node.name, node.histogram.bins, dim, at('bins')) && drawsOk;
}

/** A 1D or 2D histogram's bins^dim counts fit in one typed array. */
export function histogramFits(cx: LowerContext, name: string, bins: number, dim: number, at: Spanned): boolean {
  if (dim > 2) return true;
  const what = `the histogram of \`${name}\` has ${dim === 1 ? `${bins} bins` : `${bins}^2 bins`}`;
  return checkArraySize(cx.r, what, bins ** dim, { name: 'bins', value: bins, at }, dim);
}

export function histogramOf(
  cx: LowerContext,
  bins: number | undefined,
  range: Intervals | undefined,
  data: IrData,
  at: Spanned,
): IrHistogram | undefined {
  if (bins === undefined) return undefined;
  if (!range) return { bins, range: defaultRange(packedOf(data)?.values ?? data.points, data.dim) };
  if ('all' in range) return { bins, range: Array.from({ length: data.dim }, () => range.all) };
  if (range.axes.length !== data.dim) {
    cx.r.report(
      SEM.dimensionMismatch,
      `${range.axes.length} histogram ranges for ${data.dim}D data \`${data.name}\``,
      at,
      'give one interval for all axes, or one per axis',
    );
    return undefined;
  }
  return { bins, range: range.axes };
}

/** "`true` or a linear or ntk model". */
function acceptsText(types: readonly string[]): string {
  const models = types.filter((t) => t !== 'true');
  const m = models.length ? `${/^[aeiou]/.test(models[0]) ? 'an' : 'a'} ${models.join(' or ')} model` : '';
  return types.includes('true') ? (m ? `\`true\` or ${m}` : '`true`') : m;
}
