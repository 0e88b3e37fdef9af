// Study settings (`seed = 1`, `t_min = eps`, `steps = 30`) as written, compared by value: the IR
// folds them into every node that uses them, so a changed t_min would otherwise show only as
// its consequences (`sample a: grid.t_min ...`). Expressions are compared in a canonical
// spelling, so `1e-2` equals `0.01` and spacing or comments never count. `seed` is left to the
// IR comparison, which sees the evaluated value.
import type { Expr, SourceFile, StudyBlock } from '../ast.js';
import type { Change } from './changes.js';

export function diffSettings(a: SourceFile | undefined, b: SourceFile | undefined, single: boolean): Change[] {
  const studies = (f: SourceFile | undefined) => f?.items.filter((i): i is StudyBlock => i.kind === 'study') ?? [];
  const [sa, sb] = [studies(a), studies(b)];
  const out: Change[] = [];
  for (const x of sa) {
    const y = single && sa.length === 1 && sb.length === 1 ? sb[0] : sb.find((s) => s.name.name === x.name.name);
    if (!y) continue;
    const [ma, mb] = [settingsOf(x), settingsOf(y)];
    for (const [name, va] of ma) {
      const vb = mb.get(name);
      if (vb !== va) out.push({ subject: name, field: 'value', from: va ?? 'default', to: vb ?? 'default' });
    }
    for (const [name, vb] of mb)
      if (!ma.has(name)) out.push({ subject: name, field: 'value', from: 'default', to: vb });
  }
  return out;
}

function settingsOf(s: StudyBlock): Map<string, string> {
  const out = new Map<string, string>();
  for (const st of s.body)
    if (st.kind === 'setting' && st.name.name !== 'seed') out.set(st.name.name, canonical(st.value));
  return out;
}

export function canonical(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return `${e.value}${e.unit ?? ''}`;
    case 'string':
      return JSON.stringify(e.value);
    case 'bool':
      return String(e.value);
    case 'name':
      return e.name;
    case 'call':
      return `${e.callee.name}(${e.args.map((a) => (a.name ? `${a.name.name} = ` : '') + canonical(a.value)).join(', ')})`;
    case 'list':
      return `[${e.items.map(canonical).join(', ')}]`;
    case 'binary':
      return `${canonical(e.left)} ${e.op} ${canonical(e.right)}`;
    case 'unary':
      return `${e.op}${canonical(e.operand)}`;
    case 'range':
      return `${canonical(e.from)} .. ${canonical(e.to)}`;
    case 'paren':
      return `(${canonical(e.inner)})`;
    case 'error':
      return '?';
    default: {
      const unhandled: never = e;
      throw new Error(`internal: unhandled expression ${JSON.stringify(unhandled)}`);
    }
  }
}
