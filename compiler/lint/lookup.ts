// From IR names back to source spans: a rule sees IR nodes (named like their declarations) and
// reports on the declaration, one of its arguments, or a study setting. Declarations are looked
// up in the study body first, then the file, then imported files (the same order as scoping).
import type { Arg, Call, Decl, Expr, Setting, SourceFile, Span, StudyBlock } from '../ast.js';

export class SourceLookup {
  private readonly decls = new Map<string, Decl>();
  private readonly settings = new Map<string, Setting>();

  constructor(
    readonly study: StudyBlock | undefined,
    root: SourceFile | undefined,
    asts: ReadonlyMap<string, SourceFile>,
  ) {
    const files = [...asts.values()].filter((f) => f !== root);
    for (const f of [...files, ...(root ? [root] : [])]) {
      for (const item of f.items) if (item.kind === 'decl') this.decls.set(item.name.name, item);
    }
    for (const s of study?.body ?? []) {
      if (s.kind === 'decl') this.decls.set(s.name.name, s);
      if (s.kind === 'setting') this.settings.set(s.name.name, s);
    }
  }

  /** The study's name: the fallback anchor for findings about the whole study. */
  get studySpan(): Span | undefined {
    return this.study?.name.span;
  }

  decl(name: string): Decl | undefined {
    return this.decls.get(name);
  }

  setting(name: string): Setting | undefined {
    return this.settings.get(name);
  }

  /** A named argument of the declaration's call (also inside a nested call such as `grid = square(...)`). */
  arg(declName: string, argName: string): Arg | undefined {
    const d = this.decls.get(declName);
    return d ? findArg(d.value, argName) : undefined;
  }

  /** The declaration's name, or the study when the node is implicit. */
  declSpan(name: string): Span | undefined {
    return this.decls.get(name)?.name.span ?? this.studySpan;
  }

  /** An argument's span, else the declaration's. */
  argSpan(declName: string, ...argNames: string[]): Span | undefined {
    for (const a of argNames) {
      const found = this.arg(declName, a);
      if (found) return found.span;
    }
    return this.declSpan(declName);
  }
}

function findArg(e: Expr, name: string): Arg | undefined {
  if (e.kind === 'paren') return findArg(e.inner, name);
  if (e.kind === 'binary') return findArg(e.left, name) ?? findArg(e.right, name);
  if (e.kind !== 'call') return undefined;
  const call: Call = e;
  const direct = call.args.find((a) => a.name?.name === name);
  if (direct) return direct;
  for (const a of call.args) {
    const inner = findArg(a.value, name);
    if (inner) return inner;
  }
  return undefined;
}
