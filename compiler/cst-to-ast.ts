// CST (grammar/cst.d.ts) to AST (compiler/ast.ts). Recovery leaves partial CSTs behind: any child
// may be missing and recovery-inserted tokens have no position. A missing value becomes an
// ErrorExpr; a statement without its name is dropped (the parser has already reported why).
// Nothing here throws, and the only recursion follows brackets, whose depth parse.ts bounds.
//
// Statements and top-level items are built while the parser runs (the builder is its CstSink), so
// the CST of a large file never piles up; the result is the same as building it all at the end.
import type { CstNode, IToken } from '../grammar/chevrotain.js';
import type {
  Arg,
  BinaryOp,
  Comment,
  Decl,
  DeclKind,
  Expr,
  Ident,
  ImportStmt,
  LetStmt,
  PlotStmt,
  Setting,
  SourceFile,
  Span,
  Stmt,
  StringLit,
  StudyBlock,
  SweepStmt,
  TopLevel,
} from './ast.js';
import { DECL_KINDS } from './ast.js';
import type {
  ArgCstNode,
  AtomCstNode,
  DeclCstNode,
  ExprCstNode,
  FileCstNode,
  ImportStmtCstNode,
  ItemCstNode,
  LetStmtCstNode,
  NameOrCallCstNode,
  PlotCstNode,
  PowerCstNode,
  ProductCstNode,
  SettingCstNode,
  SignCstNode,
  StmtCstNode,
  StudyCstNode,
  SumCstNode,
  SweepCstNode,
} from '../grammar/cst.js';
import type { CstSink } from '../grammar/parser.js';
import { decodeString, splitNumber } from '../grammar/literals.js';
import type { LineIndex } from './line-index.js';

/** Expressions deeper than this become one ErrorExpr, so later recursive passes stay safe. */
export const MAX_EXPR_DEPTH = 500;

export interface AstReport {
  (code: string, message: string, start: number, end: number, hint?: string): void;
}

export interface AstBuilderInput {
  comments: IToken[];
  lines: LineIndex;
  /** Stand-in tokens for bracket groups parse.ts cut out for nesting too deeply. */
  tooDeep: ReadonlySet<IToken>;
  report: AstReport;
}

/**
 * Exclusive end offset. Tokens from the offset-only lexer have no endOffset (they end after their
 * image); parse.ts's stand-ins for cut-out brackets and recovery's inserted tokens have one.
 */
const tokenEnd = (t: IToken): number => (t.endOffset === undefined ? t.startOffset + t.image.length : t.endOffset + 1);

const isReal = (t: IToken | undefined): t is IToken =>
  !!t && !t.isInsertedInRecovery && Number.isFinite(t.startOffset) && Number.isFinite(tokenEnd(t));

type ReportArgs = Parameters<AstReport>;

export class AstBuilder {
  // Plain Map/Set rather than Weak ones: they are cleared after each statement, and large weak
  // tables are costly for the garbage collector.
  private readonly depth = new Map<Expr, number>();
  /** ErrorExprs standing for a too-deep expression: their parents become errors too. */
  private readonly poisoned = new Set<Expr>();
  /** Statements and items built while the parser ran, with the reports their building made. */
  private readonly early = new Map<CstNode, { built: unknown; reports: ReportArgs[] }>();
  /**
   * Reports of the early build under way. They are replayed when file() takes up its node, so
   * the reports and their order are those of building the whole tree at the end (a statement
   * whose study recovery drops is never taken up, and never reports).
   */
  private held: ReportArgs[] | undefined;

  /** Hand this to the parser for the parse whose CST file() then receives. */
  readonly sink: CstSink = {
    stmt: (n) => this.buildEarly(n, () => this.stmt(n)),
    item: (n) => this.buildEarly(n, () => this.item(n)),
  };

  constructor(private readonly input: AstBuilderInput) {}

  private report(...args: ReportArgs): void {
    if (this.held) this.held.push(args);
    else this.input.report(...args);
  }

  private buildEarly(n: CstNode, build: () => unknown): void {
    this.held = [];
    this.early.set(n, { built: build(), reports: this.held });
    this.held = undefined;
    // Depths only matter within one statement's expressions.
    this.depth.clear();
    this.poisoned.clear();
    // Built nodes are only looked up, never read again: drop their subtrees now.
    (n as { children: CstNode['children'] }).children = {};
  }

  /** The early-built result for `n` (its reports replayed), else `build()`. */
  private taken<T>(n: CstNode, build: () => T): T {
    const e = this.early.get(n);
    if (!e) return build();
    this.early.delete(n);
    for (const r of e.reports) this.report(...r);
    return e.built as T;
  }

  private span(start: number, end: number): Span {
    return this.input.lines.span(start, end);
  }

  private tokSpan(t: IToken): Span {
    return this.span(t.startOffset, tokenEnd(t));
  }

  /**
   * Span from the first to the last of the given pieces that exist; empty at `at` if none does.
   * Lists of pieces come as arrays, not spread arguments: a list literal may have 10^6 items.
   */
  private cover(at: number, ...parts: (IToken | Span | undefined | readonly { span: Span }[])[]): Span {
    let start = Infinity;
    let end = -Infinity;
    const pieces: (IToken | Span | undefined)[] = [];
    for (const p of parts) {
      if (Array.isArray(p)) for (const x of p) pieces.push(x.span);
      else pieces.push(p as IToken | Span | undefined);
    }
    for (const p of pieces) {
      if (!p) continue;
      if ('start' in p) {
        start = Math.min(start, p.start.offset);
        end = Math.max(end, p.end.offset);
      } else if (isReal(p)) {
        start = Math.min(start, p.startOffset);
        end = Math.max(end, tokenEnd(p));
      }
    }
    return start === Infinity ? this.span(at, at) : this.span(start, end);
  }

  private ident(t: IToken | undefined): Ident | undefined {
    return isReal(t) && !this.input.tooDeep.has(t)
      ? { kind: 'ident', name: t.image, span: this.tokSpan(t) }
      : undefined;
  }

  private errorAt(at: number): Expr {
    return { kind: 'error', span: this.span(at, at) };
  }

  file(cst: FileCstNode | undefined): SourceFile {
    const { comments, lines } = this.input;
    const items: TopLevel[] = [];
    for (const item of cst?.children.item ?? []) {
      const built = this.taken(item, () => this.item(item));
      if (built) items.push(built);
    }
    const commentNodes: Comment[] = comments.filter(isReal).map((t) => ({
      kind: 'comment',
      text: t.image,
      span: this.tokSpan(t),
    }));
    return { kind: 'file', path: lines.file, items, comments: commentNodes, span: this.span(0, lines.text.length) };
  }

  private item(n: ItemCstNode): TopLevel | undefined {
    const c = n.children;
    if (c.importStmt) return this.importStmt(c.importStmt[0]);
    if (c.study) return this.study(c.study[0]);
    if (c.letStmt) return this.named('let', c.letStmt[0]);
    if (c.decl) return this.decl(c.decl[0]);
    return undefined;
  }

  private importStmt(n: ImportStmtCstNode): ImportStmt | undefined {
    const tok = n.children.path?.[0];
    if (!isReal(tok)) return undefined;
    const path = this.stringLit(tok);
    return { kind: 'import', path, span: this.cover(tok.startOffset, n.children.Import?.[0], tok) };
  }

  private study(n: StudyCstNode): StudyBlock | undefined {
    const c = n.children;
    const name = this.ident(c.name?.[0]);
    if (!name) return undefined;
    const body: Stmt[] = [];
    for (const s of c.stmt ?? []) {
      const built = this.taken(s, () => this.stmt(s));
      if (built) body.push(built);
    }
    const last = body.length ? body[body.length - 1].span : undefined;
    return {
      kind: 'study',
      name,
      body,
      span: this.cover(name.span.start.offset, c.Study?.[0], name.span, c.LCurly?.[0], last, c.RCurly?.[0]),
    };
  }

  private stmt(n: StmtCstNode): Stmt | undefined {
    const c = n.children;
    if (c.setting) return this.setting(c.setting[0]);
    if (c.letStmt) return this.named('let', c.letStmt[0]);
    if (c.sweep) return this.named('sweep', c.sweep[0]);
    if (c.decl) return this.decl(c.decl[0]);
    if (c.plot) return this.plot(c.plot[0]);
    return undefined;
  }

  /** The value of `name = value`, or an ErrorExpr just after `=` (or the name) if it is missing. */
  private valueAfter(value: ExprCstNode | undefined, fallback: number, ...before: (IToken | undefined)[]): Expr {
    let at = fallback;
    for (let i = before.length - 1; i >= 0; i--) {
      const t = before[i];
      if (isReal(t)) {
        at = tokenEnd(t);
        break;
      }
    }
    return value ? this.expr(value, at) : this.errorAt(at);
  }

  private setting(n: SettingCstNode): Setting | undefined {
    const c = n.children;
    const name = this.ident(c.name?.[0]);
    if (!name) return undefined;
    const value = this.valueAfter(c.value?.[0], name.span.end.offset, c.name?.[0], c.Equals?.[0]);
    return { kind: 'setting', name, value, span: this.cover(0, name.span, value.span) };
  }

  private named(kind: 'let', n: LetStmtCstNode): LetStmt | undefined;
  private named(kind: 'sweep', n: SweepCstNode): SweepStmt | undefined;
  private named(kind: 'let' | 'sweep', n: LetStmtCstNode | SweepCstNode): LetStmt | SweepStmt | undefined {
    const c = n.children;
    const keyword = 'Let' in c ? c.Let?.[0] : c.Sweep?.[0];
    const name = this.ident(c.name?.[0]);
    if (!name) return undefined;
    const value = this.valueAfter(c.value?.[0], name.span.end.offset, c.Equals?.[0]);
    return { kind, name, value, span: this.cover(0, keyword, name.span, value.span) };
  }

  private decl(n: DeclCstNode): Decl | undefined {
    const c = n.children;
    const kw = c.keyword?.[0];
    const name = this.ident(c.name?.[0]);
    if (!isReal(kw) || !name || !(DECL_KINDS as readonly string[]).includes(kw.image)) return undefined;
    const value = this.valueAfter(c.value?.[0], name.span.end.offset, c.Equals?.[0]);
    return {
      kind: 'decl',
      declKind: kw.image as DeclKind,
      keyword: this.tokSpan(kw),
      name,
      value,
      span: this.cover(0, kw, value.span),
    };
  }

  private plot(n: PlotCstNode): PlotStmt | undefined {
    const c = n.children;
    const kw = c.Plot?.[0];
    if (!isReal(kw)) return undefined;
    const name = this.ident(c.name?.[0]);
    const value = this.valueAfter(c.value?.[0], tokenEnd(kw), c.name?.[0], c.Equals?.[0]);
    const by = (c.axes ?? []).map((t) => this.ident(t)).filter((i): i is Ident => !!i);
    const target = c.target?.[0];
    const to = isReal(target) ? this.stringLit(target) : undefined;
    const stmt: PlotStmt = {
      kind: 'plot',
      value,
      by,
      span: this.cover(0, kw, value.span, c.RParen?.[0], by, to?.span),
    };
    if (name) stmt.name = name;
    if (to) stmt.to = to;
    return stmt;
  }

  private stringLit(t: IToken): StringLit {
    return { kind: 'string', value: decodeString(t.image).value, raw: t.image, span: this.tokSpan(t) };
  }

  // ---- expressions ------------------------------------------------------------------------

  /**
   * Records the depth of a new node; a node too deep (or built on one) becomes an ErrorExpr,
   * reported once where the limit was first crossed.
   */
  private checked(node: Expr, children: Expr[]): Expr {
    for (const ch of children) if (this.poisoned.has(ch)) return this.poison(node.span);
    let deepest = 0;
    for (const ch of children) deepest = Math.max(deepest, this.depth.get(ch) ?? 1);
    const d = deepest + 1;
    if (d > MAX_EXPR_DEPTH) {
      this.report(
        'GTV0107',
        `expression nested too deeply (more than ${MAX_EXPR_DEPTH} levels)`,
        node.span.start.offset,
        node.span.end.offset,
        'split it into several `let` definitions',
      );
      return this.poison(node.span);
    }
    this.depth.set(node, d);
    return node;
  }

  private poison(span: Span): Expr {
    const e: Expr = { kind: 'error', span };
    this.poisoned.add(e);
    return e;
  }

  private expr(n: ExprCstNode, at: number): Expr {
    const c = n.children;
    const from = c.from?.[0] ? this.sum(c.from[0], at) : this.errorAt(at);
    if (!c.DotDot) return from;
    const dots = c.DotDot[0];
    const toAt = isReal(dots) ? tokenEnd(dots) : from.span.end.offset;
    const to = c.to?.[0] ? this.sum(c.to[0], toAt) : this.errorAt(toAt);
    return this.checked({ kind: 'range', from, to, span: this.cover(at, from.span, to.span) }, [from, to]);
  }

  /** Left-associative chains (`a + b - c`, `a * b / c`), built iteratively. */
  private chain<N>(operands: N[], operators: IToken[], at: number, operand: (n: N, at: number) => Expr): Expr {
    let left = operands[0] ? operand(operands[0], at) : this.errorAt(at);
    for (let i = 0; i < operators.length; i++) {
      const op = operators[i];
      const rightAt = isReal(op) ? tokenEnd(op) : left.span.end.offset;
      const right = operands[i + 1] ? operand(operands[i + 1], rightAt) : this.errorAt(rightAt);
      const node: Expr = {
        kind: 'binary',
        op: op.image as BinaryOp,
        left,
        right,
        span: this.cover(at, left.span, right.span),
      };
      left = this.checked(node, [left, right]);
    }
    return left;
  }

  private sum(n: SumCstNode, at: number): Expr {
    return this.chain(n.children.operands ?? [], n.children.operators ?? [], at, (p, a) => this.product(p, a));
  }

  private product(n: ProductCstNode, at: number): Expr {
    return this.chain(n.children.operands ?? [], n.children.operators ?? [], at, (p, a) => this.power(p, a));
  }

  /** `-a ^ -b ^ c` = -(a ^ (-(b ^ c))): folded from the right. */
  private power(n: PowerCstNode, at: number): Expr {
    const { signs, exponents, base } = n.children;
    if (!signs?.length && !exponents?.length) return base?.[0] ? this.atom(base[0], at) : this.errorAt(at);
    const segments = [
      { signs: n.children.signs ?? [], base: n.children.base?.[0], caret: undefined as IToken | undefined },
      ...(n.children.exponents ?? []).map((e) => ({
        signs: e.children.signs ?? [],
        base: e.children.base?.[0],
        caret: e.children.Caret?.[0],
      })),
    ];
    const baseAt = (i: number) => {
      const s = segments[i];
      const anchor = [s.caret, ...s.signs.map((g) => g.children.op?.[0])].filter(isReal).at(-1);
      return anchor ? tokenEnd(anchor) : at;
    };
    let result: Expr | undefined;
    for (let i = segments.length - 1; i >= 0; i--) {
      const s = segments[i];
      const base = s.base ? this.atom(s.base, baseAt(i)) : this.errorAt(baseAt(i));
      let value = base;
      if (result) {
        value = this.checked(
          { kind: 'binary', op: '^', left: base, right: result, span: this.cover(at, base.span, result.span) },
          [base, result],
        );
      }
      result = this.applySigns(s.signs, value);
    }
    return result!;
  }

  private applySigns(signs: SignCstNode[], operand: Expr): Expr {
    let result = operand;
    for (let i = signs.length - 1; i >= 0; i--) {
      const tok = signs[i].children.op?.[0];
      if (!isReal(tok)) continue;
      const node: Expr = {
        kind: 'unary',
        op: tok.image as '-' | '+',
        operand: result,
        span: this.cover(tok.startOffset, tok, result.span),
      };
      result = this.checked(node, [result]);
    }
    return result;
  }

  private atom(n: AtomCstNode, at: number): Expr {
    const c = n.children;
    const tok = c.number?.[0] ?? c.string?.[0] ?? c.bool?.[0];
    if (tok) {
      if (!isReal(tok)) return this.errorAt(at);
      if (c.number) {
        const parts = splitNumber(tok.image);
        const span = this.tokSpan(tok);
        return parts.unit
          ? { kind: 'number', value: parts.value, raw: tok.image, unit: parts.unit, span }
          : { kind: 'number', value: parts.value, raw: tok.image, span };
      }
      if (c.string) return this.stringLit(tok);
      return { kind: 'bool', value: tok.image === 'true', span: this.tokSpan(tok) };
    }
    if (c.nameOrCall) return this.nameOrCall(c.nameOrCall[0], at);
    if (c.list) {
      const l = c.list[0].children;
      const open = l.LBracket?.[0];
      const itemAt = isReal(open) ? tokenEnd(open) : at;
      const exprs = l.items?.[0]?.children.items ?? [];
      const items = exprs.map((e) => this.expr(e, itemAt));
      const node: Expr = { kind: 'list', items, span: this.cover(at, open, items, l.RBracket?.[0]) };
      return this.checked(node, items);
    }
    if (c.paren) {
      const p = c.paren[0].children;
      const open = p.LParen?.[0];
      const innerAt = isReal(open) ? tokenEnd(open) : at;
      const inner = p.inner?.[0] ? this.expr(p.inner[0], innerAt) : this.errorAt(innerAt);
      return this.checked({ kind: 'paren', inner, span: this.cover(at, open, inner.span, p.RParen?.[0]) }, [inner]);
    }
    return this.errorAt(at);
  }

  private nameOrCall(n: NameOrCallCstNode, at: number): Expr {
    const c = n.children;
    const tok = c.name?.[0];
    if (tok && this.input.tooDeep.has(tok)) return this.poison(this.tokSpan(tok));
    const callee = this.ident(tok);
    if (!callee) return this.errorAt(at);
    if (!c.LParen) return { kind: 'name', name: callee.name, span: callee.span };
    const argAt = isReal(c.LParen[0]) ? tokenEnd(c.LParen[0]) : callee.span.end.offset;
    const args = (c.args?.[0]?.children.items ?? []).map((a) => this.arg(a, argAt));
    const node: Expr = {
      kind: 'call',
      callee,
      args,
      span: this.cover(at, callee.span, args, c.RParen?.[0]),
    };
    return this.checked(
      node,
      args.map((a) => a.value),
    );
  }

  private arg(n: ArgCstNode, at: number): Arg {
    const c = n.children;
    const name = c.Equals ? this.ident(c.name?.[0]) : undefined;
    const value = this.valueAfter(c.value?.[0], at, c.Equals?.[0]);
    const arg: Arg = { kind: 'arg', value, span: this.cover(at, name?.span, value.span) };
    if (name) arg.name = name;
    return arg;
  }
}
