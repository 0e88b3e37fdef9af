// Typed evaluation of argument expressions inside one sweep cell: constants folded, `let`
// names substituted, sweep variables replaced by the cell's values, angle units converted to
// radians, and every value checked against its parameter's type and range from the signature
// table. A failure reports a diagnostic and yields undefined; callers then skip the value.
import type { Call, Expr, NameRef } from './ast.js';
import { SEM } from './codes/semantic.js';
import type { Reporter, Spanned } from './checks/report.js';
import { closest, didYouMean } from './checks/suggest.js';
import type { IrAxisName, IrGrid, IrNode, IrTimeExpr } from './ir/types.js';
import { RESERVED, type Definition, type StudyScope } from './resolve.js';
import { bindArguments } from './checks/args.js';
import { lookupBuiltin, kindsOfBuiltin, listBuiltins, type ParamSpec, type RefKind } from '../stdlib/signatures.js';

export const UNITS: Record<string, number> = { deg: Math.PI / 180, rad: 1 };
export const AXES: readonly IrAxisName[] = ['x', 'y', 'z', 't'];

export type Intervals = { all: [number, number] } | { axes: [number, number][] };
export interface GridValue {
  grid: IrGrid;
  /** The call, for rank errors. */
  node: Call;
}
export type RefValue = IrNode | 'true' | 'true_density';

/** What the lowering provides: declarations by name, lowered on demand within the cell. */
export interface NodeSource {
  node(def: Definition, at: Spanned): IrNode | undefined;
}

const article = (kind: string) => (/^[aeiou]/.test(kind) ? 'an' : 'a');
const KIND_NOUN: Record<string, string> = {
  data: 'data set',
  forward: 'forward process',
  features: 'feature map',
  model: 'model',
  sample: 'sample set',
  map: 'map',
  metric: 'metric',
  let: 'constant',
  sweep: 'sweep variable',
};
export const kindNoun = (k: string) => KIND_NOUN[k] ?? k;

export class Evaluator {
  private readonly letStack = new Set<Definition>();
  /** Numeric values of constants, once computed in this cell. */
  private readonly letNumbers = new Map<Definition, number>();

  constructor(
    readonly scope: StudyScope,
    /** Values of the sweep variables in this cell; null where sweep variables are not allowed. */
    readonly cell: ReadonlyMap<string, number> | null,
    readonly r: Reporter,
    readonly nodes: NodeSource,
    /** Why sweep variables are not allowed, for the message (e.g. "in the seed setting"). */
    readonly noSweepReason = 'here',
  ) {}

  /** A short description of what an expression is, for "expected X, found Y" messages. */
  describe(e: Expr): string {
    switch (e.kind) {
      case 'number':
        return `the number ${e.raw}`;
      case 'string':
        return `the string ${e.raw}`;
      case 'bool':
        return `\`${e.value}\``;
      case 'list':
        return `a list of ${e.items.length}`;
      case 'range':
        return 'an interval';
      case 'call':
        return `a call to \`${e.callee.name}\``;
      case 'paren':
        return this.describe(e.inner);
      case 'name': {
        if (AXES.includes(e.name as IrAxisName)) return `the axis \`${e.name}\``;
        const d = this.scope.defs.get(e.name);
        return d ? `the ${kindNoun(d.kind)} \`${e.name}\`` : `\`${e.name}\``;
      }
      case 'binary':
      case 'unary':
      case 'error':
        return 'an expression';
      default: {
        const unhandled: never = e;
        throw new Error(`internal: unhandled expression ${JSON.stringify(unhandled)}`);
      }
    }
  }

  mismatch(expected: string, e: Expr, hint?: string): undefined {
    // The parser has already reported why this expression is broken.
    if (e.kind === 'error') return undefined;
    this.r.report(SEM.typeMismatch, `expected ${expected}, found ${this.describe(e)}`, e, hint);
    return undefined;
  }

  /** Follows `let` names to their expressions; reports cycles. `viaLet` allows angle units. */
  private withLet<T>(e: Expr, f: (inner: Expr, viaLet: boolean) => T | undefined): T | undefined {
    if (e.kind === 'paren') return this.withLet(e.inner, f);
    if (e.kind !== 'name') return f(e, false);
    const d = this.scope.defs.get(e.name);
    if (!d || d.kind !== 'let') return f(e, false);
    if (this.letStack.has(d)) {
      this.r.report(SEM.circularDefinition, `\`${d.name}\` is defined in terms of itself`, e);
      return undefined;
    }
    if (this.letStack.size >= MAX_DEPTH) return tooDeep(this.r, e);
    this.letStack.add(d);
    try {
      return this.withLet(d.node.value, (inner) => f(inner, true));
    } finally {
      this.letStack.delete(d);
    }
  }

  unknownName(e: NameRef): undefined {
    const names = [...this.scope.defs.keys(), 'pi'];
    this.r.report(SEM.unknownName, `unknown name \`${e.name}\``, e, didYouMean(e.name, names));
    return undefined;
  }

  // ---- numbers ------------------------------------------------------------------------------

  /** A folded number. `unit`: whether an angle unit is accepted here (converted to radians). */
  number(e: Expr, unit: boolean, what = 'a number'): number | undefined {
    const v = this.fold(e, unit, what);
    if (v === undefined) return undefined;
    if (!Number.isFinite(v)) {
      this.r.report(
        SEM.nonFinite,
        `this evaluates to ${v}, not a finite number`,
        e,
        'check for a division by zero, log or sqrt of a negative number, or an overflow',
      );
      return undefined;
    }
    return v;
  }

  private fold(e: Expr, unit: boolean, what: string): number | undefined {
    switch (e.kind) {
      case 'number': {
        if (e.unit === undefined) return e.value;
        const factor = UNITS[e.unit];
        if (factor === undefined) {
          this.r.report(
            SEM.unknownUnit,
            `unknown unit \`${e.unit}\``,
            e,
            didYouMean(e.unit, Object.keys(UNITS)) ?? 'the only units are `deg` and `rad` (angles)',
          );
          return undefined;
        }
        if (!unit) {
          this.r.report(
            SEM.unitNotAllowed,
            `a unit (\`${e.unit}\`) is not allowed here: ${what} takes no unit`,
            e,
            'only angles take a unit',
          );
          return undefined;
        }
        return e.value * factor;
      }
      case 'paren':
        return this.fold(e.inner, unit, what);
      case 'unary': {
        const v = this.number(e.operand, unit, what);
        return v === undefined ? undefined : e.op === '-' ? -v : v;
      }
      case 'binary': {
        const a = this.number(e.left, unit, what);
        const b = this.number(e.right, unit, what);
        if (a === undefined || b === undefined) return undefined;
        switch (e.op) {
          case '+':
            return a + b;
          case '-':
            return a - b;
          case '*':
            return a * b;
          case '/':
            return a / b;
          case '^':
            return a ** b;
          default: {
            const unhandled: never = e;
            throw new Error(`internal: unhandled operator ${JSON.stringify(unhandled)}`);
          }
        }
      }
      case 'name':
        return this.nameValue(e, what);
      case 'call':
        return this.callValue(e, unit, what);
      case 'error':
        return undefined;
      case 'string':
      case 'bool':
      case 'list':
      case 'range':
        return this.mismatch(what, e);
      default: {
        const unhandled: never = e;
        throw new Error(`internal: unhandled expression ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private nameValue(e: NameRef, what: string): number | undefined {
    if (e.name === 'pi') return Math.PI;
    if (AXES.includes(e.name as IrAxisName)) {
      return this.mismatch(
        what,
        e,
        e.name === 't' ? 'expressions of `t` are only allowed in `alpha_sigma(alpha = ..., sigma2 = ...)`' : undefined,
      );
    }
    const d = this.scope.defs.get(e.name);
    if (!d) return this.unknownName(e);
    if (d.kind === 'let') {
      if (this.letNumbers.has(d)) return this.letNumbers.get(d);
      const v = this.withLet(e, (inner) => this.number(inner, true, what));
      if (v !== undefined) this.letNumbers.set(d, v);
      return v;
    }
    if (d.kind === 'sweep') {
      if (!this.cell) {
        this.r.report(SEM.sweepNotAllowed, `the sweep variable \`${e.name}\` cannot be used ${this.noSweepReason}`, e);
        return undefined;
      }
      return this.cell.get(e.name);
    }
    return this.mismatch(what, e);
  }

  private callValue(e: Call, unit: boolean, what: string): number | undefined {
    const spec = lookupBuiltin('function', e.callee.name);
    if (!spec) {
      const other = kindsOfBuiltin(e.callee.name);
      if (other.length) return this.mismatch(what, e);
      const fns = listBuiltins('function').map((b) => b.name);
      this.r.report(
        SEM.unknownBuiltin,
        `unknown function \`${e.callee.name}\``,
        e.callee,
        didYouMean(e.callee.name, fns) ?? `functions: ${fns.join(', ')}`,
      );
      return undefined;
    }
    const b = bindArguments(e, spec, this.r);
    if (!b.ok) return undefined;
    const args = spec.params.map((p) => this.number(b.args.get(p.name) as Expr, unit, what));
    if (args.some((a) => a === undefined)) return undefined;
    const [a, c] = args as number[];
    switch (spec.name) {
      case 'sqrt':
        return Math.sqrt(a);
      case 'exp':
        return Math.exp(a);
      case 'log':
        return Math.log(a);
      case 'sin':
        return Math.sin(a);
      case 'cos':
        return Math.cos(a);
      case 'abs':
        return Math.abs(a);
      case 'min':
        return Math.min(a, c);
      case 'max':
        return Math.max(a, c);
    }
    return undefined;
  }

  /** A number checked against a parameter's type (integer, count) and range. */
  checkedNumber(e: Expr, p: ParamSpec, owner: string): number | undefined {
    const angle = p.type === 'angle';
    const v = this.number(
      e,
      angle,
      angle ? 'an angle' : `a ${p.type === 'number' ? 'number' : p.type} (\`${p.name}\` of \`${owner}\`)`,
    );
    if (v === undefined) return undefined;
    return this.inRange(v, e, p, owner) ? v : undefined;
  }

  inRange(v: number, e: Spanned, p: ParamSpec, owner: string): boolean {
    const label = `\`${p.name}\`${owner ? ` of \`${owner}\`` : ''}`;
    if ((p.type === 'integer' || p.type === 'count') && !Number.isInteger(v)) {
      this.r.report(SEM.notInteger, `${label} must be a whole number, found ${fmt(v)}`, e);
      return false;
    }
    const min = p.range?.min ?? (p.type === 'count' ? 1 : undefined);
    const max = p.range?.max;
    if (min !== undefined && (v < min || (p.range?.minExclusive && v === min))) {
      this.r.report(
        SEM.outOfRange,
        `${label} must be ${p.range?.minExclusive ? '>' : '>='} ${min}, found ${fmt(v)}`,
        e,
        rangeHint(p),
      );
      return false;
    }
    if (max !== undefined && (v > max || (p.range?.maxExclusive && v === max))) {
      this.r.report(
        SEM.outOfRange,
        `${label} must be ${p.range?.maxExclusive ? '<' : '<='} ${max}, found ${fmt(v)}`,
        e,
        rangeHint(p),
      );
      return false;
    }
    return true;
  }

  // ---- lists, intervals, points -----------------------------------------------------------

  numbers(e: Expr, what: string): number[] | undefined {
    return this.withLet(e, (inner, viaLet) => {
      if (inner.kind !== 'list') {
        const v = this.number(inner, viaLet, what);
        return v === undefined ? undefined : [v];
      }
      const out = inner.items.map((i) => this.number(i, viaLet, what));
      return out.some((v) => v === undefined) ? undefined : (out as number[]);
    });
  }

  point(e: Expr, what = 'a point such as [0, 1]'): number[] | undefined {
    return this.withLet(e, (inner, viaLet) => {
      if (inner.kind !== 'list')
        return this.mismatch(what, inner, inner.kind === 'number' ? `write a 1D point as [${inner.raw}]` : undefined);
      if (inner.items.length === 0) return this.mismatch(what, inner, 'a point needs at least one coordinate');
      const out = inner.items.map((i) => this.number(i, viaLet));
      return out.some((v) => v === undefined) ? undefined : (out as number[]);
    });
  }

  matrix(e: Expr): number[][] | undefined {
    return this.withLet(e, (inner) => {
      if (inner.kind !== 'list' || inner.items.length === 0)
        return this.mismatch('a non-empty list of rows such as [[1, 0], [0, 1]]', inner);
      const rows = inner.items.map((i) => this.point(i, 'a row such as [1, 0]'));
      if (rows.some((r) => r === undefined)) return undefined;
      const m = rows as number[][];
      const bad = m.findIndex((row) => row.length !== m[0].length);
      if (bad >= 0) {
        this.r.report(
          SEM.lengthMismatch,
          `row ${bad + 1} has ${m[bad].length} entries, row 1 has ${m[0].length}`,
          inner.items[bad],
        );
        return undefined;
      }
      return m;
    });
  }

  interval(e: Expr, p: ParamSpec | undefined, owner: string): [number, number] | undefined {
    return this.withLet(e, (inner, viaLet) => {
      let lo: number | undefined;
      let hi: number | undefined;
      if (inner.kind === 'range') {
        lo = this.number(inner.from, viaLet);
        hi = this.number(inner.to, viaLet);
      } else if (inner.kind === 'list' && inner.items.length === 2) {
        lo = this.number(inner.items[0], viaLet);
        hi = this.number(inner.items[1], viaLet);
      } else return this.mismatch('an interval `lo .. hi`', inner);
      if (lo === undefined || hi === undefined) return undefined;
      if (!(lo < hi)) {
        const label = p ? `\`${p.name}\` of \`${owner}\`` : 'the interval';
        this.r.report(SEM.emptyInterval, `${label} is empty: ${fmt(lo)} .. ${fmt(hi)} needs lo < hi`, inner);
        return undefined;
      }
      return [lo, hi];
    });
  }

  intervals(e: Expr, p: ParamSpec, owner: string): Intervals | undefined {
    return this.withLet(e, (inner) => {
      if (
        inner.kind === 'list' &&
        inner.items.length > 0 &&
        inner.items.every((i) => i.kind === 'list' || i.kind === 'range')
      ) {
        const ivs = inner.items.map((i) => this.interval(i, p, owner));
        return ivs.some((v) => v === undefined) ? undefined : { axes: ivs as [number, number][] };
      }
      const iv = this.interval(inner, p, owner);
      return iv && { all: iv };
    });
  }

  // ---- strings, axes ------------------------------------------------------------------------

  enumValue(e: Expr, p: ParamSpec): string | undefined {
    const values = p.values ?? [];
    const choices = values.map((v) => JSON.stringify(v)).join(', ');
    return this.withLet(e, (inner) => {
      if (inner.kind === 'name' && values.includes(inner.name))
        return this.mismatch(`one of ${choices}`, inner, `write it as a string: "${inner.name}"`);
      if (inner.kind !== 'string') return this.mismatch(`one of ${choices}`, inner);
      if (!values.includes(inner.value)) {
        const near = closest(inner.value, values);
        this.r.report(
          SEM.typeMismatch,
          `\`${p.name}\` must be one of ${choices}, found ${inner.raw}`,
          inner,
          near ? `did you mean "${near}"?` : undefined,
        );
        return undefined;
      }
      return inner.value;
    });
  }

  string(e: Expr, what: string): string | undefined {
    return this.withLet(e, (inner) => (inner.kind === 'string' ? inner.value : this.mismatch(what, inner)));
  }

  axis(e: Expr): IrAxisName | undefined {
    const inner = e.kind === 'paren' ? e.inner : e;
    if (inner.kind === 'name' && AXES.includes(inner.name as IrAxisName)) return inner.name as IrAxisName;
    if (inner.kind === 'name' && !this.scope.defs.has(inner.name)) {
      const near = closest(inner.name, AXES);
      if (near) return this.mismatch('an axis (x, y, z or t)', inner, `did you mean \`${near}\`?`);
    }
    return this.mismatch('an axis (x, y, z or t)', inner);
  }

  axes(e: Expr): IrAxisName[] | undefined {
    const inner = e.kind === 'paren' ? e.inner : e;
    if (inner.kind !== 'list') {
      const a = this.axis(inner);
      return a && [a];
    }
    const out = inner.items.map((i) => this.axis(i));
    if (out.some((a) => a === undefined)) return undefined;
    const axes = out as IrAxisName[];
    const dup = axes.findIndex((a, i) => axes.indexOf(a) !== i);
    if (dup >= 0) return this.mismatch('distinct axes', inner.items[dup]);
    return axes;
  }

  // ---- time expressions (alpha_sigma) -------------------------------------------------------

  time(e: Expr): IrTimeExpr | undefined {
    const t = this.timeRaw(e);
    return t && simplify(t);
  }

  private timeRaw(e: Expr): IrTimeExpr | undefined {
    switch (e.kind) {
      case 'name':
        if (e.name === 't') return { op: 't' };
        if (this.scope.defs.get(e.name)?.kind === 'let') return this.withLet(e, (inner) => this.timeRaw(inner));
        break;
      case 'paren':
        return this.timeRaw(e.inner);
      case 'unary': {
        const a = this.timeRaw(e.operand);
        return a && (e.op === '-' ? { op: 'neg', args: [a] } : a);
      }
      case 'binary': {
        const a = this.timeRaw(e.left);
        const b = this.timeRaw(e.right);
        if (!a || !b) return undefined;
        const op = ({ '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '^': 'pow' } as const)[e.op];
        return { op, args: [a, b] };
      }
      case 'call': {
        const unary = ['sqrt', 'exp', 'log', 'sin', 'cos'] as const;
        const fn = unary.find((f) => f === e.callee.name);
        if (fn && e.args.length === 1 && !e.args[0].name && mentionsT(e.args[0].value)) {
          const a = this.timeRaw(e.args[0].value);
          return a && { op: fn, args: [a] };
        }
        if (e.args.some((a) => mentionsT(a.value))) {
          return this.mismatch('an expression of t built from + - * / ^, sqrt, exp, log, sin, cos', e);
        }
        break;
      }
      case 'number':
      case 'string':
      case 'bool':
      case 'list':
      case 'range':
      case 'error':
        break;
      default: {
        const unhandled: never = e;
        throw new Error(`internal: unhandled expression ${JSON.stringify(unhandled)}`);
      }
    }
    const v = this.number(e, false, 'a number or an expression of t');
    return v === undefined ? undefined : { op: 'const', value: v };
  }

  // ---- grids ----------------------------------------------------------------------------------

  grid(e: Expr): GridValue | undefined {
    return this.withLet(e, (inner) => {
      if (inner.kind !== 'call') return this.mismatch('a grid such as square(-2, 2, 100)', inner);
      const spec = lookupBuiltin('grid', inner.callee.name);
      if (!spec) {
        const names = listBuiltins('grid').map((b) => b.name);
        this.r.report(
          SEM.unknownBuiltin,
          `unknown grid \`${inner.callee.name}\``,
          inner.callee,
          didYouMean(inner.callee.name, names) ?? `grids: ${names.join(', ')}`,
        );
        return undefined;
      }
      const b = bindArguments(inner, spec, this.r);
      if (!b.ok) return undefined;
      const n = this.checkedNumber(
        b.args.get('n') as Expr,
        spec.params.find((p) => p.name === 'n')!,
        spec.name,
      );
      let sides: ([number, number] | undefined)[];
      if (spec.name === 'box') sides = (b.args.get('sides') as Expr[]).map((s) => this.interval(s, undefined, 'box'));
      else {
        const lo = this.number(b.args.get('lo') as Expr, false);
        const hi = this.number(b.args.get('hi') as Expr, false);
        if (lo === undefined || hi === undefined) return undefined;
        if (!(lo < hi)) {
          this.r.report(SEM.emptyInterval, `the grid is empty: ${fmt(lo)} .. ${fmt(hi)} needs lo < hi`, inner);
          return undefined;
        }
        sides = Array(spec.name === 'square' ? 2 : 1).fill([lo, hi]);
      }
      if (n === undefined || sides.some((s) => s === undefined)) return undefined;
      return { grid: { axes: (sides as [number, number][]).map(([lo, hi]) => ({ lo, hi, n })) }, node: inner };
    });
  }

  // ---- references -----------------------------------------------------------------------------

  /** The declaration an argument names, lowered in this cell. */
  ref(e: Expr, kind: RefKind, p: ParamSpec | undefined, owner: string): RefValue | undefined {
    const inner = e.kind === 'paren' ? e.inner : e;
    const noun = kindNoun(kind);
    if (kind === 'model' && inner.kind === 'bool' && inner.value) return 'true';
    if (inner.kind !== 'name') {
      return this.mismatch(
        `the name of ${article(noun)} ${noun}${owner ? ` (argument of \`${owner}\`)` : ''}`,
        inner,
        inner.kind === 'call'
          ? `declare it first: \`${kind} name = ${inner.callee.name}(...)\`, then pass \`name\``
          : undefined,
      );
    }
    if (p?.acceptsTrueDensity && inner.name === 'true_density') return 'true_density';
    const d = this.scope.defs.get(inner.name);
    if (!d) {
      if (RESERVED.has(inner.name) || AXES.includes(inner.name as IrAxisName))
        return this.mismatch(`${article(noun)} ${noun}`, inner);
      const sameKind = [...this.scope.defs.values()].filter((x) => x.kind === kind).map((x) => x.name);
      this.r.report(
        SEM.unknownName,
        `unknown ${noun} \`${inner.name}\``,
        inner,
        didYouMean(inner.name, sameKind.length ? sameKind : this.scope.defs.keys()),
      );
      return undefined;
    }
    if (d.kind === 'let') return this.withLet(inner, (x) => (x === inner ? undefined : this.ref(x, kind, p, owner)));
    if (d.kind !== kind) {
      this.r.report(
        SEM.wrongKind,
        `\`${inner.name}\` is ${article(kindNoun(d.kind))} ${kindNoun(d.kind)}, but ${owner ? `\`${owner}\`` : 'this'} expects ${article(noun)} ${noun}`,
        inner,
        undefined,
        [{ message: `\`${inner.name}\` is declared here`, span: d.node.name.span }],
      );
      return undefined;
    }
    return this.nodes.node(d, inner);
  }
}

/** How deep definitions may refer to definitions (each level costs several stack frames). */
export const MAX_DEPTH = 400;

export function tooDeep(r: Reporter, at: Spanned): undefined {
  r.report(
    SEM.tooDeep,
    `definitions refer to definitions more than ${MAX_DEPTH} levels deep here`,
    at,
    'define things before they are used, or shorten the chain',
  );
  return undefined;
}

/**
 * Constants that are plain arithmetic, computed in declaration order, so a long chain
 * (`let a2 = a1 + 1`, `let a3 = a2 + 1`, ...) never recurses deeper than one level.
 */
export function warmConstants(ev: Evaluator): void {
  for (const d of ev.scope.defs.values()) {
    if (d.kind === 'let' && isArithmetic(d.node.value))
      ev.number({ kind: 'name', name: d.name, span: d.node.name.span }, true);
  }
}

function isArithmetic(e: Expr): boolean {
  switch (e.kind) {
    case 'number':
      return true;
    case 'name':
      return !AXES.includes(e.name as IrAxisName);
    case 'paren':
      return isArithmetic(e.inner);
    case 'unary':
      return isArithmetic(e.operand);
    case 'binary':
      return isArithmetic(e.left) && isArithmetic(e.right);
    case 'call':
      return lookupBuiltin('function', e.callee.name) !== undefined && e.args.every((a) => isArithmetic(a.value));
    case 'string':
    case 'bool':
    case 'list':
    case 'range':
    case 'error':
      return false;
    default: {
      const unhandled: never = e;
      throw new Error(`internal: unhandled expression ${JSON.stringify(unhandled)}`);
    }
  }
}

export function mentionsT(e: Expr): boolean {
  switch (e.kind) {
    case 'name':
      return e.name === 't';
    case 'paren':
      return mentionsT(e.inner);
    case 'unary':
      return mentionsT(e.operand);
    case 'binary':
      return mentionsT(e.left) || mentionsT(e.right);
    case 'call':
      return e.args.some((a) => mentionsT(a.value));
    case 'number':
    case 'string':
    case 'bool':
    case 'list':
    case 'range':
    case 'error':
      return false;
    default: {
      const unhandled: never = e;
      throw new Error(`internal: unhandled expression ${JSON.stringify(unhandled)}`);
    }
  }
}

/** Folds constant subtrees of a time expression (the IR keeps only what depends on t). */
function simplify(t: IrTimeExpr): IrTimeExpr {
  if (t.op === 'const' || t.op === 't') return t;
  const args = t.args.map(simplify) as IrTimeExpr[];
  if (args.every((a) => a.op === 'const')) {
    const v = args.map((a) => (a as { value: number }).value);
    const value = evalTimeOp(t.op, v);
    if (Number.isFinite(value)) return { op: 'const', value };
  }
  return { ...t, args } as IrTimeExpr;
}

function evalTimeOp(op: string, v: number[]): number {
  const [a, b] = v;
  const table: Record<string, () => number> = {
    add: () => a + b,
    sub: () => a - b,
    mul: () => a * b,
    div: () => a / b,
    pow: () => a ** b,
    neg: () => -a,
    sqrt: () => Math.sqrt(a),
    exp: () => Math.exp(a),
    log: () => Math.log(a),
    sin: () => Math.sin(a),
    cos: () => Math.cos(a),
  };
  return table[op]();
}

/** Evaluates a time expression at one t (for range checks such as sigma2 > 0). */
export function evalTime(t: IrTimeExpr, at: number): number {
  if (t.op === 'const') return t.value;
  if (t.op === 't') return at;
  return evalTimeOp(
    t.op,
    t.args.map((a) => evalTime(a, at)),
  );
}

/** Shortest round-trip form, as in cell ids and the IR. */
export function fmt(v: number): string {
  return Object.is(v, -0) ? '0' : String(v);
}

function rangeHint(p: ParamSpec): string | undefined {
  return p.doc ? `${p.name}: ${p.doc}` : undefined;
}
