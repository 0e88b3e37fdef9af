// The .gtv abstract syntax tree. Nodes follow the surface syntax one to one (parentheses and
// comments included) so the formatter and the language server can work from the same tree the
// checker sees. Every node carries a span; checks name nodes and diagnostics turn spans into
// line:col, so no check ever computes a position itself.

export interface Position {
  /** 0-based character offset into the source text. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column, counted in UTF-16 code units (what editors and LSP use). */
  column: number;
}

export interface Span {
  /** Path as the user gave it (relative to the working directory when possible). */
  file: string;
  start: Position;
  /** Exclusive end. */
  end: Position;
}

export interface Ident {
  kind: 'ident';
  name: string;
  span: Span;
}

export interface Comment {
  kind: 'comment';
  /** Full text including the leading `#`. */
  text: string;
  span: Span;
}

// ---- expressions -------------------------------------------------------------------------

export interface NumberLit {
  kind: 'number';
  value: number;
  /** The literal exactly as written (the formatter keeps number formatting). */
  raw: string;
  /** Unit suffix written directly after the number, e.g. `deg` in `22.5deg`. */
  unit?: string;
  span: Span;
}

export interface StringLit {
  kind: 'string';
  value: string;
  raw: string;
  span: Span;
}

export interface BoolLit {
  kind: 'bool';
  value: boolean;
  span: Span;
}

export interface NameRef {
  kind: 'name';
  name: string;
  span: Span;
}

export interface Arg {
  kind: 'arg';
  /** Present for named arguments (`n = 16`). */
  name?: Ident;
  value: Expr;
  span: Span;
}

export interface Call {
  kind: 'call';
  callee: Ident;
  args: Arg[];
  span: Span;
}

export interface ListExpr {
  kind: 'list';
  items: Expr[];
  span: Span;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '^';

export interface Binary {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
  span: Span;
}

export interface Unary {
  kind: 'unary';
  op: '-' | '+';
  operand: Expr;
  span: Span;
}

/** `lo .. hi`: an interval (for `over = -1.5 .. 1.5`) or an integer range in a sweep. */
export interface RangeExpr {
  kind: 'range';
  from: Expr;
  to: Expr;
  span: Span;
}

export interface Paren {
  kind: 'paren';
  inner: Expr;
  span: Span;
}

/** Placeholder produced by error recovery; the parser has already reported why. */
export interface ErrorExpr {
  kind: 'error';
  span: Span;
}

export type Expr =
  NumberLit | StringLit | BoolLit | NameRef | Call | ListExpr | Binary | Unary | RangeExpr | Paren | ErrorExpr;

// ---- statements --------------------------------------------------------------------------

export const DECL_KINDS = ['data', 'forward', 'features', 'model', 'sample', 'map', 'metric'] as const;
export type DeclKind = (typeof DECL_KINDS)[number];

/** `import "lib/datasets.gtv"`: brings the file's top-level definitions into scope. */
export interface ImportStmt {
  kind: 'import';
  path: StringLit;
  span: Span;
}

/** `seed = 2025`: a study setting. */
export interface Setting {
  kind: 'setting';
  name: Ident;
  value: Expr;
  span: Span;
}

/** `let w = 0.1`: a named constant. */
export interface LetStmt {
  kind: 'let';
  name: Ident;
  value: Expr;
  span: Span;
}

/** `sweep P = [64, 128]`: one axis of the study's grid of cells. */
export interface SweepStmt {
  kind: 'sweep';
  name: Ident;
  value: Expr;
  span: Span;
}

/** `model lin = linear(phi, samples = P)` and the other declaration kinds. */
export interface Decl {
  kind: 'decl';
  declKind: DeclKind;
  keyword: Span;
  name: Ident;
  value: Expr;
  span: Span;
}

/** `plot [name =] density(a, b) [by (eps, P)] [to "file.svg"]`. */
export interface PlotStmt {
  kind: 'plot';
  name?: Ident;
  value: Expr;
  by: Ident[];
  to?: StringLit;
  span: Span;
}

export type Stmt = Setting | LetStmt | SweepStmt | Decl | PlotStmt;

export interface StudyBlock {
  kind: 'study';
  name: Ident;
  body: Stmt[];
  span: Span;
}

export type TopLevel = ImportStmt | StudyBlock | LetStmt | Decl;

export interface SourceFile {
  kind: 'file';
  path: string;
  items: TopLevel[];
  /** Every comment in source order; the formatter re-attaches them. */
  comments: Comment[];
  span: Span;
}

export type Node = SourceFile | TopLevel | Stmt | Expr | Arg | Ident | Comment;
