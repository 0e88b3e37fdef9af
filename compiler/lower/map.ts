// Maps: fields on a grid at given times. The grid's rank must be the data's dimension.
import type { Decl, Expr } from '../ast.js';
import { SEM } from '../codes/semantic.js';
import type { GridValue, RefValue } from '../evaluate.js';
import type { IrMap, IrModel } from '../ir/types.js';
import type { LowerContext } from './context.js';
import { checkForwardDim } from './model.js';

const MODEL_MAPS = ['vkernel', 'vkernel_time_correlation', 'score_error'];

export function lowerMap(cx: LowerContext, d: Decl): IrMap | undefined {
  const c = cx.builtinCall(d.value, 'map');
  if (!c) return undefined;
  const { v, ok, bound } = cx.evaluate(c.call, c.spec);
  const at = (p: string) => (bound.args.get(p) as Expr | undefined) ?? c.call.callee;
  const quantity = c.spec.name as IrMap['quantity'];
  let model: IrModel | null = null;
  if (MODEL_MAPS.includes(quantity)) {
    const m = v.model as RefValue | undefined;
    if (m === undefined) return undefined;
    const type = m === 'true' ? 'true' : (m as IrModel).type;
    if (type === 'true' || type === 'naive') {
      const what =
        m === 'true' ? 'the exact score `true`' : `the ${(m as IrModel).type} model \`${(m as IrModel).name}\``;
      cx.r.report(
        SEM.incompatibleModel,
        `\`${quantity}\` needs a trained model (linear, ntk or mlp), found ${what}`,
        at('model'),
      );
      return undefined;
    }
    model = m as IrModel;
  }
  const df = cx.dataForward(v, c.call.callee, model ?? undefined);
  if (!ok || !df) return undefined;
  if (!checkForwardDim(cx, df.data, df.forward, c.call.callee)) return undefined;
  const g = v.grid as GridValue;
  if (g.grid.axes.length !== df.data.dim) {
    cx.r.report(
      SEM.gridRank,
      `the grid has ${g.grid.axes.length} ${g.grid.axes.length === 1 ? 'axis' : 'axes'}, the data \`${df.data.name}\` is ${df.data.dim}D`,
      g.node,
      df.data.dim === 1
        ? 'use interval(lo, hi, n)'
        : df.data.dim === 2
          ? 'use square(lo, hi, n)'
          : `use box with ${df.data.dim} intervals`,
    );
    return undefined;
  }
  const times = v.t as number[];
  if (times.length === 0) {
    cx.r.report(SEM.outOfRange, 'give at least one time', at('t'));
    return undefined;
  }
  const T = df.forward.T;
  const bad = times.find((t) => !(t > 0 && t <= T));
  if (bad !== undefined) {
    cx.r.report(SEM.outOfRange, `time ${bad} is outside (0, T] = (0, ${T}]`, at('t'));
    return undefined;
  }
  let ref: IrMap['ref'] = null;
  if (quantity === 'vkernel_time_correlation') {
    const x = v.ref_x as number[];
    if (x.length !== df.data.dim) {
      cx.r.report(
        SEM.dimensionMismatch,
        `\`ref_x\` has ${x.length} coordinate${x.length === 1 ? '' : 's'}, the data is ${df.data.dim}D`,
        at('ref_x'),
      );
      return undefined;
    }
    if (!(v.ref_t <= T)) {
      cx.r.report(SEM.outOfRange, `ref_t (${v.ref_t}) must be <= T (${T})`, at('ref_t'));
      return undefined;
    }
    ref = { x, t: v.ref_t };
  }
  return {
    kind: 'map',
    name: d.name.name,
    quantity,
    data: df.data.name,
    forward: df.forward.name,
    model: model?.name ?? null,
    grid: g.grid,
    t: times,
    ref,
    mc_samples: v.mc_samples ?? 0,
    seed: cx.seedFor(d.name.name),
  };
}
