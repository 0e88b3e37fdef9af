// Metrics measure a sample set; data, forward and histogram come from it unless given.
import type { Decl, Expr } from '../ast.js';
import { SEM } from '../codes/semantic.js';
import type { RefValue } from '../evaluate.js';
import type { IrData, IrMetric, IrSample } from '../ir/types.js';
import type { LowerContext } from './context.js';
import { histogramFits, histogramOf } from './sample.js';

export function lowerMetric(cx: LowerContext, d: Decl): IrMetric | undefined {
  const c = cx.builtinCall(d.value, 'metric');
  if (!c) return undefined;
  const { v, ok, bound } = cx.evaluate(c.call, c.spec);
  if (!ok) return undefined;
  const at = (p: string) => (bound.args.get(p) as Expr | undefined) ?? c.call.callee;
  const of = v.of as IrSample;
  const against = (v.against ?? null) as RefValue | null;
  const data = cx.dataForward({}, c.call.callee, of)?.data as IrData | undefined;
  if (!data) return undefined;
  if (against && typeof against === 'object') {
    const other = against as IrSample;
    const otherData = cx.dataForward({}, c.call.callee, other)?.data;
    if (otherData && otherData.dim !== data.dim) {
      cx.r.report(
        SEM.dimensionMismatch,
        `\`${of.name}\` is ${data.dim}D, \`${other.name}\` is ${otherData.dim}D`,
        at('against'),
      );
      return undefined;
    }
  }
  const bins = v.bins ?? of.histogram.bins;
  const histogram = v.range ? histogramOf(cx, bins, v.range, data, at('range')) : { bins, range: of.histogram.range };
  if (!histogram) return undefined;
  if (v.bins !== undefined && !histogramFits(cx, d.name.name, bins, data.dim, at('bins'))) return undefined;
  const radius = v.radius ?? v.bandwidth ?? 0;
  return {
    kind: 'metric',
    name: d.name.name,
    metric: c.spec.name as IrMetric['metric'],
    of: of.name,
    against: against === null ? null : typeof against === 'string' ? against : (against as IrSample).name,
    data: of.data,
    forward: of.forward,
    radius,
    histogram,
  };
}
