// Lowering of one sweep cell: every declaration the cell needs becomes one IR node, built from
// arguments evaluated against the signature table. Declarations are lowered on demand (a model
// lowers its features first), memoized, and emitted dependencies first.
import type { Call, Decl, Expr } from '../ast.js';
import { SEM } from '../codes/semantic.js';
import { bindArguments } from '../checks/args.js';
import type { Reporter, Spanned } from '../checks/report.js';
import { didYouMean } from '../checks/suggest.js';
import { Evaluator, kindNoun, MAX_DEPTH, tooDeep, warmConstants, type NodeSource } from '../evaluate.js';
import type { IrData, IrForward, IrNode } from '../ir/types.js';
import { nodeSeed } from '../passes/seeds.js';
import type { Definition, StudyScope } from '../resolve.js';
import {
  kindsOfBuiltin,
  listBuiltins,
  lookupBuiltin,
  type BuiltinKind,
  type BuiltinSpec,
  type ParamSpec,
} from '../../stdlib/signatures.js';
import { lowerData, type DataValue } from './data.js';
import { lowerFeatures } from './features.js';
import { lowerForward } from './forward.js';
import { lowerMap } from './map.js';
import { lowerMetric } from './metric.js';
import { lowerModel } from './model.js';
import { lowerSample } from './sample.js';
import type { Evaluated, LowerContext, Shared } from './context.js';

/** How an unknown built-in of each kind is named in messages ("unknown sampler `pf_od`"). */
const BUILTIN_NOUN: Partial<Record<BuiltinKind, string>> = {
  data: 'data built-in',
  forward: 'forward process',
  features: 'feature built-in',
  model: 'model type',
  sample: 'sampler',
  map: 'map',
  metric: 'metric',
  plot: 'plot type',
};

export interface CellSettings {
  seed: number;
  t_min: number | undefined;
  steps: number | undefined;
}

export class CellLowering implements NodeSource, LowerContext {
  readonly ev: Evaluator;
  private readonly memo = new Map<Definition, IrNode | null>();
  private readonly stack: Definition[] = [];
  /** Node name -> names of the nodes it refers to. */
  readonly deps = new Map<string, Set<string>>();
  private readonly byName = new Map<string, IrNode>();

  constructor(
    readonly scope: StudyScope,
    readonly r: Reporter,
    readonly cell: ReadonlyMap<string, number>,
    readonly cellSeed: number,
    readonly settings: CellSettings,
    readonly shared: Shared,
  ) {
    this.ev = new Evaluator(scope, cell, r, this);
    warmConstants(this.ev);
  }

  seedFor(name: string): number {
    return nodeSeed(this.cellSeed, name);
  }

  node(def: Definition, at: Spanned): IrNode | undefined {
    const current = this.stack[this.stack.length - 1];
    // Data built from data is materialized and features built from features are inlined, so
    // those inputs are not dependencies of the cell (the runtime never looks them up).
    const inlined = current && (current.kind === 'data' || (current.kind === 'features' && def.kind === 'features'));
    if (current && !inlined) {
      const set = this.deps.get(current.name) ?? new Set();
      set.add(def.name);
      this.deps.set(current.name, set);
    }
    if (this.memo.has(def)) return this.memo.get(def) ?? undefined;
    if (this.stack.includes(def)) {
      this.r.report(SEM.circularDefinition, `\`${def.name}\` is defined in terms of itself`, at);
      return undefined;
    }
    if (this.stack.length >= MAX_DEPTH) return tooDeep(this.r, at);
    this.stack.push(def);
    let out: IrNode | undefined;
    try {
      out = this.lowerDecl(def.node as Decl);
    } finally {
      this.stack.pop();
    }
    this.memo.set(def, out ?? null);
    if (out) this.byName.set(out.name, out);
    return out;
  }

  private lowerDecl(d: Decl): IrNode | undefined {
    switch (d.declKind) {
      case 'data':
        return lowerData(this, d);
      case 'forward':
        return lowerForward(this, d);
      case 'features':
        return lowerFeatures(this, d);
      case 'model':
        return lowerModel(this, d);
      case 'sample':
        return lowerSample(this, d);
      case 'map':
        return lowerMap(this, d);
      case 'metric':
        return lowerMetric(this, d);
      default: {
        const unhandled: never = d.declKind;
        throw new Error(`internal: unhandled declaration kind ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** The nodes reachable from `roots`, dependencies first, roots in the given order. */
  emit(roots: string[]): IrNode[] {
    const out: IrNode[] = [];
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const dep of this.deps.get(name) ?? []) visit(dep);
      const n = this.byName.get(name);
      if (n) out.push(n);
    };
    roots.forEach(visit);
    return out;
  }

  /** The value must be a call to a built-in of `kind`; reports otherwise. */
  builtinCall(
    e: Expr,
    kind: BuiltinKind,
    noun = BUILTIN_NOUN[kind] ?? kindNoun(kind),
  ): { call: Call; spec: BuiltinSpec } | undefined {
    const inner = e.kind === 'paren' ? e.inner : e;
    if (inner.kind === 'error') return undefined;
    if (inner.kind !== 'call') {
      const example = listBuiltins(kind)[0]?.name ?? kind;
      const what = kindNoun(kind);
      this.r.report(
        SEM.expectedCall,
        `expected ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what} such as ${example}(...), found ${this.ev.describe(inner)}`,
        inner,
      );
      return undefined;
    }
    const spec = lookupBuiltin(kind, inner.callee.name);
    if (!spec) {
      const names = listBuiltins(kind).map((b) => b.name);
      const other = kindsOfBuiltin(inner.callee.name).filter((k) => k !== 'function');
      const hint =
        didYouMean(inner.callee.name, names) ??
        (other.length
          ? `\`${inner.callee.name}\` is ${other.length === 1 ? `a ${other[0]}` : 'another kind of'} built-in, not a ${kind} built-in`
          : `${kind} built-ins: ${names.join(', ')}`);
      this.r.report(SEM.unknownBuiltin, `unknown ${noun} \`${inner.callee.name}\``, inner.callee, hint);
      return undefined;
    }
    return { call: inner, spec };
  }

  /** Binds and evaluates every argument, filling table and study-setting defaults. */
  evaluate(call: Call, spec: BuiltinSpec): Evaluated {
    const bound = bindArguments(call, spec, this.r);
    const v: Record<string, any> = {};
    let ok = bound.ok;
    for (const p of spec.params) {
      const e = bound.args.get(p.name);
      if (e === undefined) {
        const def = this.defaultOf(p);
        if (def !== undefined) v[p.name] = def;
        else if (p.optional) v[p.name] = null;
        continue;
      }
      const val = Array.isArray(e) ? e.map((x) => this.param(x, p, spec)) : this.param(e, p, spec);
      if (val === undefined || (Array.isArray(e) && (val as unknown[]).some((x) => x === undefined))) ok = false;
      else v[p.name] = val;
    }
    return { v, ok, bound };
  }

  defaultOf(p: ParamSpec): unknown {
    if (!p.default) return undefined;
    if ('value' in p.default) return p.default.value;
    if ('setting' in p.default) return this.settings[p.default.setting];
    return undefined;
  }

  param(e: Expr, p: ParamSpec, spec: BuiltinSpec): unknown {
    const ev = this.ev;
    switch (p.type) {
      case 'count':
        // A count whose spec lists values also takes one of those strings (mlp's samples = "online").
        if (p.values && (e.kind === 'string' || (e.kind === 'name' && p.values.includes(e.name))))
          return ev.enumValue(e, p);
        return ev.checkedNumber(e, p, spec.name);
      case 'number':
      case 'integer':
      case 'angle':
        return ev.checkedNumber(e, p, spec.name);
      case 'interval':
        return ev.interval(e, p, spec.name);
      case 'intervals':
        return ev.intervals(e, p, spec.name);
      case 'numbers':
        return ev.numbers(e, 'a number');
      case 'point':
        return ev.point(e);
      case 'matrix':
        return ev.matrix(e);
      case 'enum':
        return ev.enumValue(e, p);
      case 'path':
        return ev.string(e, 'a file path string');
      case 'bool':
        return e.kind === 'bool' ? e.value : ev.mismatch('`true` or `false`', e);
      case 'axis':
        return ev.axis(e);
      case 'axes':
        return ev.axes(e);
      case 'time':
        return ev.time(e);
      case 'grid':
        return ev.grid(e);
      case 'data':
        if (spec.kind === 'data') return this.dataArg(e);
        return ev.ref(e, 'data', p, spec.name);
      case 'forward':
      case 'features':
      case 'model':
      case 'sample':
      case 'map':
      case 'metric':
        return ev.ref(e, p.type, p, spec.name);
      default: {
        const unhandled: never = p.type;
        throw new Error(`internal: unhandled parameter type ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** Inside data built-ins a data argument may be an inline call: shift(grid(...), by = [1, 0]). */
  private dataArg(e: Expr): DataValue | undefined {
    const inner = e.kind === 'paren' ? e.inner : e;
    if (inner.kind === 'call') {
      const c = this.builtinCall(inner, 'data');
      return c && lowerData(this, undefined, c);
    }
    return this.ev.ref(e, 'data', undefined, '') as IrData | undefined;
  }

  /** The data and forward of a model, sample or map: named, inherited, or the study's only one. */
  dataForward(
    v: Record<string, any>,
    site: Spanned,
    inherit?: { data: string; forward: string },
  ): { data: IrData; forward: IrForward } | undefined {
    const data =
      (v.data as IrData | null | undefined) ?? this.inherited('data', inherit?.data) ?? this.implicitNode('data', site);
    const forward =
      (v.forward as IrForward | null | undefined) ??
      this.inherited('forward', inherit?.forward) ??
      this.implicitNode('forward', site);
    return data && forward ? { data: data as IrData, forward: forward as IrForward } : undefined;
  }

  private inherited(kind: 'data' | 'forward', name: string | undefined): IrNode | undefined {
    if (!name) return undefined;
    const n = this.byName.get(name);
    return n && n.kind === kind ? n : undefined;
  }

  private implicitNode(kind: 'data' | 'forward', site: Spanned): IrNode | undefined {
    const def = this.shared.implicit.choose(this.scope, kind, site, this.r);
    return def && this.node(def, site);
  }
}
