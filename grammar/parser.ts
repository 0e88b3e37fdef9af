// The .gtv parser: the grammar of docs/language.md (Grammar), LL(2), no backtracking. One instance is
// reused (set `parser.input`, call `parser.file()`); recovery is on so a file reports all its
// syntax errors in one pass. CST nodes carry no locations: cst-to-ast computes every span from
// token offsets, and tracking them cost a third of the parse time.
//
// One deliberate reshaping: the plan's `unary := ('-'|'+') unary | power` and
// `power := atom ('^' unary)?` are written here as the equivalent loop
// `power := sign* atom exponent*` with `exponent := '^' sign* atom`, so sign and `^` chains never recurse in the
// parser (cst-to-ast rebuilds the right-associative tree). Brackets are the only recursion, and
// parse.ts bounds their depth before parsing.
import { CstParser, type CstNode, type IOrAlt, type IParserErrorMessageProvider } from './chevrotain.js';
import {
  ALL_TOKENS,
  ArgName,
  Caret,
  Comma,
  DeclKeyword,
  DotDot,
  Equals,
  False,
  Ident,
  Import,
  LBracket,
  LCurly,
  Let,
  LParen,
  Minus,
  NumberLit,
  Plot,
  Plus,
  RBracket,
  RCurly,
  RParen,
  Slash,
  Star,
  StringLit,
  Study,
  Sweep,
  To,
  True,
  By,
} from './tokens.js';
import { gtvErrorMessages } from './messages.js';
import type { ItemCstNode, StmtCstNode } from './cst.js';

/**
 * Takes each statement and top-level item the moment it is parsed. Turning them into AST there and
 * letting their CST go keeps the live heap small: holding the CST of a whole large file until the
 * end made the garbage collector (copying it from young to old space) most of the parse time.
 */
export interface CstSink {
  stmt(node: StmtCstNode): void;
  item(node: ItemCstNode): void;
}

export class GtvParser extends CstParser {
  /**
   * Each OR's alternatives, built once: creating the closures on every call (and tsx/esbuild
   * naming each `ALT` function) made parsing several times slower. Chevrotain documents this cache.
   */
  private readonly alts: Record<string, IOrAlt<unknown>[]> = {};
  /** Set by the caller for one parse (parse.ts), cleared after it. */
  sink: CstSink | undefined;

  constructor(errorMessageProvider: IParserErrorMessageProvider) {
    super(ALL_TOKENS, {
      recoveryEnabled: true,
      nodeLocationTracking: 'none',
      maxLookahead: 2,
      errorMessageProvider,
    });
    this.performSelfAnalysis();
  }

  file = this.RULE('file', () => {
    this.MANY(() => {
      const node = this.SUBRULE(this.item);
      this.ACTION(() => this.sink?.item(node as ItemCstNode));
    });
  });

  item = this.RULE('item', () => {
    this.OR(
      (this.alts.item ??= [
        { ALT: () => this.SUBRULE(this.importStmt) },
        { ALT: () => this.SUBRULE(this.study) },
        { ALT: () => this.SUBRULE(this.letStmt) },
        { ALT: () => this.SUBRULE(this.decl) },
      ]),
    );
  });

  importStmt = this.RULE('importStmt', () => {
    this.CONSUME(Import);
    this.CONSUME(StringLit, { LABEL: 'path' });
  });

  study = this.RULE('study', () => {
    this.CONSUME(Study);
    this.CONSUME(Ident, { LABEL: 'name' });
    this.CONSUME(LCurly);
    this.MANY(() => {
      const node = this.SUBRULE(this.stmt);
      this.ACTION(() => this.sink?.stmt(node as StmtCstNode));
    });
    this.CONSUME(RCurly);
  });

  stmt = this.RULE('stmt', () => {
    this.OR(
      (this.alts.stmt ??= [
        { ALT: () => this.SUBRULE(this.setting) },
        { ALT: () => this.SUBRULE(this.letStmt) },
        { ALT: () => this.SUBRULE(this.sweep) },
        { ALT: () => this.SUBRULE(this.decl) },
        { ALT: () => this.SUBRULE(this.plot) },
      ]),
    );
  });

  setting = this.RULE('setting', () => {
    this.CONSUME(Ident, { LABEL: 'name' });
    this.CONSUME(Equals);
    this.SUBRULE(this.expr, { LABEL: 'value' });
  });

  letStmt = this.RULE('letStmt', () => {
    this.CONSUME(Let);
    this.CONSUME(Ident, { LABEL: 'name' });
    this.CONSUME(Equals);
    this.SUBRULE(this.expr, { LABEL: 'value' });
  });

  sweep = this.RULE('sweep', () => {
    this.CONSUME(Sweep);
    this.CONSUME(Ident, { LABEL: 'name' });
    this.CONSUME(Equals);
    this.SUBRULE(this.expr, { LABEL: 'value' });
  });

  decl = this.RULE('decl', () => {
    this.CONSUME(DeclKeyword, { LABEL: 'keyword' });
    this.CONSUME(Ident, { LABEL: 'name' });
    this.CONSUME(Equals);
    this.SUBRULE(this.expr, { LABEL: 'value' });
  });

  plot = this.RULE('plot', () => {
    this.CONSUME(Plot);
    this.OPTION(() => {
      this.CONSUME(Ident, { LABEL: 'name' });
      this.CONSUME(Equals);
    });
    this.SUBRULE(this.expr, { LABEL: 'value' });
    this.OPTION2(() => {
      this.CONSUME(By);
      this.CONSUME(LParen);
      this.CONSUME2(Ident, { LABEL: 'axes' });
      this.MANY(() => {
        this.CONSUME(Comma);
        this.CONSUME3(Ident, { LABEL: 'axes' });
      });
      this.CONSUME(RParen);
    });
    this.OPTION3(() => {
      this.CONSUME(To);
      this.CONSUME(StringLit, { LABEL: 'target' });
    });
  });

  expr = this.RULE('expr', () => {
    this.SUBRULE(this.sum, { LABEL: 'from' });
    this.OPTION(() => {
      this.CONSUME(DotDot);
      this.SUBRULE2(this.sum, { LABEL: 'to' });
    });
  });

  sum = this.RULE('sum', () => {
    this.SUBRULE(this.product, { LABEL: 'operands' });
    this.MANY(() => {
      this.OR(
        (this.alts.sum ??= [
          { ALT: () => this.CONSUME(Plus, { LABEL: 'operators' }) },
          { ALT: () => this.CONSUME(Minus, { LABEL: 'operators' }) },
        ]),
      );
      this.SUBRULE2(this.product, { LABEL: 'operands' });
    });
  });

  product = this.RULE('product', () => {
    this.SUBRULE(this.power, { LABEL: 'operands' });
    this.MANY(() => {
      this.OR(
        (this.alts.product ??= [
          { ALT: () => this.CONSUME(Star, { LABEL: 'operators' }) },
          { ALT: () => this.CONSUME(Slash, { LABEL: 'operators' }) },
        ]),
      );
      this.SUBRULE2(this.power, { LABEL: 'operands' });
    });
  });

  power = this.RULE('power', () => {
    this.MANY(() => this.SUBRULE(this.sign, { LABEL: 'signs' }));
    this.SUBRULE(this.atom, { LABEL: 'base' });
    this.MANY2(() => this.SUBRULE(this.exponent, { LABEL: 'exponents' }));
  });

  exponent = this.RULE('exponent', () => {
    this.CONSUME(Caret);
    this.MANY(() => this.SUBRULE(this.sign, { LABEL: 'signs' }));
    this.SUBRULE(this.atom, { LABEL: 'base' });
  });

  sign = this.RULE('sign', () => {
    this.OR(
      (this.alts.sign ??= [
        { ALT: () => this.CONSUME(Minus, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(Plus, { LABEL: 'op' }) },
      ]),
    );
  });

  atom = this.RULE('atom', () => {
    this.OR(
      (this.alts.atom ??= [
        { ALT: () => this.CONSUME(NumberLit, { LABEL: 'number' }) },
        { ALT: () => this.CONSUME(StringLit, { LABEL: 'string' }) },
        { ALT: () => this.CONSUME(True, { LABEL: 'bool' }) },
        { ALT: () => this.CONSUME(False, { LABEL: 'bool' }) },
        { ALT: () => this.SUBRULE(this.nameOrCall) },
        { ALT: () => this.SUBRULE(this.list) },
        { ALT: () => this.SUBRULE(this.paren) },
      ]),
    );
  });

  nameOrCall = this.RULE('nameOrCall', () => {
    this.CONSUME(Ident, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(LParen);
      this.OPTION2(() => this.SUBRULE(this.args));
      this.CONSUME(RParen);
    });
  });

  args = this.RULE('args', () => {
    this.SUBRULE(this.arg, { LABEL: 'items' });
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.arg, { LABEL: 'items' });
    });
    this.OPTION(() => this.CONSUME2(Comma, { LABEL: 'trailingComma' }));
  });

  arg = this.RULE('arg', () => {
    this.OPTION(() => {
      this.CONSUME(ArgName, { LABEL: 'name' });
      this.CONSUME(Equals);
    });
    this.SUBRULE(this.expr, { LABEL: 'value' });
  });

  list = this.RULE('list', () => {
    this.CONSUME(LBracket);
    this.OPTION(() => this.SUBRULE(this.items));
    this.CONSUME(RBracket);
  });

  items = this.RULE('items', () => {
    this.SUBRULE(this.expr, { LABEL: 'items' });
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.expr, { LABEL: 'items' });
    });
    this.OPTION(() => this.CONSUME2(Comma, { LABEL: 'trailingComma' }));
  });

  paren = this.RULE('paren', () => {
    this.CONSUME(LParen);
    this.SUBRULE(this.expr, { LABEL: 'inner' });
    this.CONSUME(RParen);
  });
}

/** The one shared instance (building a Chevrotain parser is costly; parsing with it is not). */
export const parser = new GtvParser(gtvErrorMessages);

export type { CstNode };
