// What the lowering of one declaration may ask of its cell: the interface the per-kind lowerings
// (compiler/lower/<kind>.ts) are written against. CellLowering (cell.ts) implements it and is
// the only module that imports the per-kind lowerings, so they never import it back.
import type { Call, Expr } from '../ast.js';
import type { Bound } from '../checks/args.js';
import type { Reporter, Spanned } from '../checks/report.js';
import type { Evaluator } from '../evaluate.js';
import type { CompilerHost, ReadFailure } from '../host.js';
import type { IrData, IrForward } from '../ir/types.js';
import type { BuiltinKind, BuiltinSpec } from '../../stdlib/signatures.js';
import type { Implicit } from './implicit.js';

export interface Evaluated {
  /** Parameter name -> value (defaults included; absent when it failed or has a computed default). */
  v: Record<string, any>;
  ok: boolean;
  bound: Bound;
}

export interface Shared {
  host: CompilerHost;
  /** Data files read once per compile (path -> points or error). */
  fileCache: Map<string, { points: number[][] } | { error: string } | { failure: ReadFailure | undefined }>;
  implicit: Implicit;
}

export interface LowerContext {
  readonly r: Reporter;
  readonly ev: Evaluator;
  readonly shared: Shared;
  /** The seed of the node `name` in this cell. */
  seedFor(name: string): number;
  /** The value must be a call to a built-in of `kind`; reports otherwise. */
  builtinCall(e: Expr, kind: BuiltinKind, noun?: string): { call: Call; spec: BuiltinSpec } | undefined;
  /** Binds and evaluates every argument, filling table and study-setting defaults. */
  evaluate(call: Call, spec: BuiltinSpec): Evaluated;
  /** The data and forward of a model, sample or map: named, inherited, or the study's only one. */
  dataForward(
    v: Record<string, any>,
    site: Spanned,
    inherit?: { data: string; forward: string },
  ): { data: IrData; forward: IrForward } | undefined;
}
