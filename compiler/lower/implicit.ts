// The implicit data set and forward process of models, samples and maps. Candidates are the
// study's own declarations, else the file's top-level ones, else the imported ones; a data set
// used to build another data set (the input of rotate, concat, ...) is not a candidate, so
// `data base = ...; data rotated = rotate(base, ...)` has one candidate. One candidate is the
// choice; none or several is an error at the use site.
import type { Expr } from '../ast.js';
import { SEM } from '../codes/semantic.js';
import type { Reporter, Spanned } from '../checks/report.js';
import type { Definition, StudyScope } from '../resolve.js';

export function namesIn(e: Expr, out = new Set<string>()): Set<string> {
  switch (e.kind) {
    case 'name':
      out.add(e.name);
      break;
    case 'call':
      e.args.forEach((a) => namesIn(a.value, out));
      break;
    case 'list':
      e.items.forEach((i) => namesIn(i, out));
      break;
    case 'binary':
      namesIn(e.left, out);
      namesIn(e.right, out);
      break;
    case 'unary':
      namesIn(e.operand, out);
      break;
    case 'range':
      namesIn(e.from, out);
      namesIn(e.to, out);
      break;
    case 'paren':
      namesIn(e.inner, out);
      break;
    case 'number':
    case 'string':
    case 'bool':
    case 'error':
      break;
    default: {
      const unhandled: never = e;
      throw new Error(`internal: unhandled expression ${JSON.stringify(unhandled)}`);
    }
  }
  return out;
}

export class Implicit {
  /** Definitions chosen implicitly at least once (they count as used). */
  readonly used = new Set<Definition>();
  private readonly cache = new Map<string, Definition[]>();

  candidates(scope: StudyScope, kind: 'data' | 'forward'): Definition[] {
    const key = `${scope.study?.span.start.offset ?? 'library'}:${kind}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const all = [...scope.defs.values()].filter((d) => d.kind === kind);
    const inputs = new Set<string>();
    for (const d of scope.defs.values()) if (d.kind === 'data') namesIn(d.node.value).forEach((n) => inputs.add(n));
    let out: Definition[] = [];
    for (const where of ['study', 'file', 'import'] as const) {
      const tier = all.filter((d) => d.where === where);
      const leaves = kind === 'data' ? tier.filter((d) => !inputs.has(d.name)) : tier;
      if (tier.length) {
        out = leaves.length ? leaves : tier;
        break;
      }
    }
    this.cache.set(key, out);
    return out;
  }

  choose(scope: StudyScope, kind: 'data' | 'forward', site: Spanned, r: Reporter): Definition | undefined {
    const c = this.candidates(scope, kind);
    const noun = kind === 'data' ? 'data set' : 'forward process';
    if (c.length === 1) {
      this.used.add(c[0]);
      return c[0];
    }
    if (c.length === 0) {
      r.report(
        SEM.missingDefault,
        `no ${noun} is declared for this study`,
        site,
        `declare one, e.g. \`${kind === 'data' ? 'data train = points([-1], [1])' : 'forward vp = vp()'}\``,
      );
      return undefined;
    }
    // Every candidate counts as used, so the ambiguity is the only thing reported about them.
    c.forEach((d) => this.used.add(d));
    r.report(
      SEM.ambiguousDefault,
      `several ${kind === 'data' ? 'data sets' : 'forward processes'} are declared; say which with \`${kind} = ...\``,
      site,
      `candidates: ${c.map((d) => d.name).join(', ')}`,
      c.map((d) => ({ message: `\`${d.name}\` is declared here`, span: d.node.name.span })),
    );
    return undefined;
  }
}
