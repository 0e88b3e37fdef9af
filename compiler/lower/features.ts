// Feature maps: a tree of bases combined with `*` (tensor product) and `+` (concatenation).
// Names of other features declarations are inlined into the tree.
import type { Decl, Expr } from '../ast.js';
import { SEM } from '../codes/semantic.js';
import type { IrBasisKind, IrFeatures, IrFeatureTree } from '../ir/types.js';
import { featureCount } from '../passes/defaults.js';
import { FEATURE_MAPS } from '../../stdlib/builtins/features.js';
import type { LowerContext } from './context.js';

export function lowerFeatures(cx: LowerContext, d: Decl): IrFeatures | undefined {
  const tree = featureTree(cx, d.value);
  return tree && { kind: 'features', name: d.name.name, count: featureCount(tree), tree };
}

function featureTree(cx: LowerContext, e: Expr): IrFeatureTree | undefined {
  switch (e.kind) {
    case 'paren':
      return featureTree(cx, e.inner);
    case 'binary': {
      if (e.op !== '*' && e.op !== '+') {
        cx.r.report(
          SEM.typeMismatch,
          `features combine with \`*\` (tensor product) and \`+\` (concatenation), not \`${e.op}\``,
          e,
        );
        return undefined;
      }
      const a = featureTree(cx, e.left);
      const b = featureTree(cx, e.right);
      if (!a || !b) return undefined;
      if (e.op === '*')
        return {
          op: 'product',
          factors: [...(a.op === 'product' ? a.factors : [a]), ...(b.op === 'product' ? b.factors : [b])],
        };
      return { op: 'concat', parts: [...(a.op === 'concat' ? a.parts : [a]), ...(b.op === 'concat' ? b.parts : [b])] };
    }
    case 'name': {
      const f = cx.ev.ref(e, 'features', undefined, '');
      return f && typeof f === 'object' && f.kind === 'features' ? f.tree : undefined;
    }
    case 'number':
    case 'string':
    case 'bool':
    case 'call':
    case 'list':
    case 'unary':
    case 'range':
    case 'error': {
      const c = cx.builtinCall(e, 'features');
      if (!c) return undefined;
      const { v, ok } = cx.evaluate(c.call, c.spec);
      if (!ok) return undefined;
      // The features built-ins of the signature table are exactly the descriptors' bases.
      const basis = c.spec.name as IrBasisKind;
      return { op: 'basis', basis, ...FEATURE_MAPS[basis].lower(v) };
    }
    default: {
      const unhandled: never = e;
      throw new Error(`internal: unhandled expression ${JSON.stringify(unhandled)}`);
    }
  }
}
