// Feature maps: a tree of bases combined with `*` (tensor product) and `+` (concatenation).
// Names of other features declarations are inlined into the tree.
import type { Decl, Expr } from '../ast.js';
import { SEM } from '../codes/semantic.js';
import type { IrAxisName, IrFeatures, IrFeatureTree } from '../ir/types.js';
import { defaultGaussWidth, featureCount, RFF_DEFAULT_OVER } from '../passes/defaults.js';
import type { CellLowering } from './cell.js';

export function lowerFeatures(cx: CellLowering, d: Decl): IrFeatures | undefined {
  const tree = featureTree(cx, d.value);
  return tree && { kind: 'features', name: d.name.name, count: featureCount(tree), tree };
}

function featureTree(cx: CellLowering, e: Expr): IrFeatureTree | undefined {
  switch (e.kind) {
    case 'paren':
      return featureTree(cx, e.inner);
    case 'binary': {
      if (e.op !== '*' && e.op !== '+') {
        cx.r.report(SEM.typeMismatch, `features combine with \`*\` (tensor product) and \`+\` (concatenation), not \`${e.op}\``, e);
        return undefined;
      }
      const a = featureTree(cx, e.left);
      const b = featureTree(cx, e.right);
      if (!a || !b) return undefined;
      if (e.op === '*') return { op: 'product', factors: [...(a.op === 'product' ? a.factors : [a]), ...(b.op === 'product' ? b.factors : [b])] };
      return { op: 'concat', parts: [...(a.op === 'concat' ? a.parts : [a]), ...(b.op === 'concat' ? b.parts : [b])] };
    }
    case 'name': {
      const f = cx.ev.ref(e, 'features', undefined, '');
      return f && typeof f === 'object' && f.kind === 'features' ? f.tree : undefined;
    }
    default: {
      const c = cx.builtinCall(e, 'features');
      if (!c) return undefined;
      const { v, ok } = cx.evaluate(c.call, c.spec);
      if (!ok) return undefined;
      const name = c.spec.name as 'gauss' | 'fourier' | 'poly' | 'rff';
      const axes = name === 'rff' ? (v.axis as IrAxisName[]) : [v.axis];
      const over: [number, number] = v.over ?? RFF_DEFAULT_OVER;
      const width = name === 'gauss' ? (v.width ?? defaultGaussWidth(v.n, over)) : name === 'rff' ? v.width : 0;
      return { op: 'basis', basis: name, axes, n: v.n, over, width, seed: name === 'rff' ? v.seed : 0 };
    }
  }
}
