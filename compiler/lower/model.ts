// Models. Each gets its data and forward process resolved; feature maps are checked against the
// data's dimension here, where the two meet.
import type { Decl, Expr } from '../ast.js';
import { SEM } from '../codes/semantic.js';
import { checkArraySize } from '../checks/allocation.js';
import type { Spanned } from '../checks/report.js';
import type { IrData, IrFeatures, IrForward, IrModel } from '../ir/types.js';
import { featureAxes } from '../passes/defaults.js';
import { mlpFields } from '../../stdlib/builtins/mlp.js';
import type { LowerContext } from './context.js';

const SPATIAL = ['x', 'y', 'z'];

export function lowerModel(cx: LowerContext, d: Decl): IrModel | undefined {
  const name = d.name.name;
  const inner = d.value.kind === 'paren' ? d.value.inner : d.value;
  if (inner.kind === 'bool' && inner.value) {
    const df = cx.dataForward({}, inner);
    return df && { kind: 'model', name, data: df.data.name, forward: df.forward.name, type: 'true' };
  }
  const c = cx.builtinCall(d.value, 'model');
  if (!c) return undefined;
  const { v, ok, bound } = cx.evaluate(c.call, c.spec);
  const df = cx.dataForward(v, c.call.callee);
  if (!ok || !df) return undefined;
  const at = (p: string) => (bound.args.get(p) as Expr | undefined) ?? c.call.callee;
  if (!checkForwardDim(cx, df.data, df.forward, c.call.callee)) return undefined;
  const base = { kind: 'model' as const, name, data: df.data.name, forward: df.forward.name };
  // The model built-ins of the signature table are exactly the IR's trained or noisy models.
  const type = c.spec.name as Exclude<IrModel['type'], 'true'>;
  if (type === 'naive') return { ...base, type, kappa: v.kappa };
  if (!tMinBelowT(cx, v.t_min, df.forward, at('t_min'))) return undefined;
  const t_range: [number, number] = [v.t_min, df.forward.T];
  switch (type) {
    case 'linear': {
      const f = v.features as IrFeatures;
      if (!checkFeatureAxes(cx, f, df.data, at('features'))) return undefined;
      const gram = { name: 'the feature count F', value: f.count, at: at('features') };
      if (
        !checkArraySize(
          cx.r,
          `\`${name}\`'s F x F Gram matrix (F = ${f.count}) has ${f.count}^2`,
          f.count ** 2,
          gram,
          2,
        )
      )
        return undefined;
      return {
        ...base,
        type,
        features: f.name,
        samples: v.samples,
        ridge: v.ridge,
        parametrization: v.param,
        t_range,
        seed: cx.seedFor(name),
      };
    }
    case 'ntk': {
      const kernel = { name: 'design', value: v.design as number, at: at('design') };
      if (
        !checkArraySize(
          cx.r,
          `\`${name}\`'s design x design kernel matrix has ${v.design}^2`,
          (v.design as number) ** 2,
          kernel,
          2,
        )
      )
        return undefined;
      return {
        ...base,
        type,
        depth: v.depth,
        samples: v.samples,
        tau: v.tau,
        lr: v.lr,
        design: v.design,
        t_range,
        seed: cx.seedFor(name),
      };
    }
    case 'mlp': {
      const f = mlpFields(v);
      if ('code' in f) {
        cx.r.report(SEM[f.code], f.message, at(f.arg), f.hint);
        return undefined;
      }
      const kernel = { name: 'design', value: f.design, at: at('design') };
      if (
        !checkArraySize(cx.r, `\`${name}\`'s design x design kernel matrix has ${f.design}^2`, f.design ** 2, kernel, 2)
      )
        return undefined;
      return { ...base, ...f, t_range, seed: cx.seedFor(name) };
    }
    default: {
      const unhandled: never = type;
      throw new Error(`internal: unhandled model type ${JSON.stringify(unhandled)}`);
    }
  }
}

export function tMinBelowT(cx: LowerContext, tMin: number | undefined, f: IrForward, at: Spanned): boolean {
  if (tMin === undefined) return false;
  if (tMin < f.T) return true;
  cx.r.report(SEM.outOfRange, `t_min (${tMin}) must be < T (${f.T}) of the forward process \`${f.name}\``, at);
  return false;
}

export function checkForwardDim(cx: LowerContext, data: IrData, f: IrForward, at: Spanned): boolean {
  if (f.process !== 'anisotropic' || f.diffusion.length === data.dim) return true;
  cx.r.report(
    SEM.dimensionMismatch,
    `the forward process \`${f.name}\` is ${f.diffusion.length}D (its diffusion matrix), the data \`${data.name}\` is ${data.dim}D`,
    at,
  );
  return false;
}

function checkFeatureAxes(cx: LowerContext, f: IrFeatures, data: IrData, at: Spanned): boolean {
  const used = featureAxes(f.tree);
  const dataAxes = SPATIAL.slice(0, data.dim);
  const outside = [...used].filter((a) => a !== 't' && !dataAxes.includes(a));
  if (outside.length) {
    cx.r.report(
      SEM.featureAxisOutsideData,
      `the features \`${f.name}\` depend on \`${outside[0]}\`, but the data \`${data.name}\` is ${data.dim}D (axes ${dataAxes.join(', ')})`,
      at,
    );
    return false;
  }
  const missing = dataAxes.filter((a) => !used.has(a));
  if (missing.length) {
    cx.r.report(
      SEM.featuresMissAxis,
      `the data \`${data.name}\` is ${data.dim}D, but the features \`${f.name}\` do not depend on ${missing.map((a) => `\`${a}\``).join(' or ')}`,
      at,
      `multiply in features over ${missing.join(', ')}, e.g. \`* gauss(${missing[0]}, n = 16, over = -2 .. 2)\``,
    );
    return false;
  }
  return true;
}
