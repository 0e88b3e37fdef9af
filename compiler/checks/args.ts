// Binding a call's arguments to a built-in's parameters (signature table): unknown, duplicate,
// missing and surplus arguments are reported here, once for every call site.
import type { Arg, Call, Expr } from '../ast.js';
import { SEM } from '../codes/semantic.js';
import type { BuiltinSpec, ParamSpec } from '../../stdlib/signatures.js';
import type { Reporter } from './report.js';
import { didYouMean } from './suggest.js';

export interface Bound {
  /** Parameter name -> argument expression (variadic parameters: every expression, in order). */
  args: Map<string, Expr | Expr[]>;
  /** The argument node of each bound parameter (for variadic ones: the first). */
  nodes: Map<string, Arg>;
  /** False when an argument problem was reported; the caller should not build a value. */
  ok: boolean;
}

export const isRequired = (p: ParamSpec) => !p.default && !p.optional;

export function bindArguments(call: Call, spec: BuiltinSpec, r: Reporter): Bound {
  const bound: Bound = { args: new Map(), nodes: new Map(), ok: true };
  const positional = spec.params.filter((p) => !p.namedOnly);
  let next = 0;
  const fail = (code: string, message: string, node: { span: Call['span'] }, hint?: string) => {
    r.report(code, message, node, hint);
    bound.ok = false;
  };
  for (const arg of call.args) {
    if (!arg.name) {
      const p = positional[next];
      if (!p) {
        const max = positional.length;
        fail(
          SEM.tooManyArguments,
          `\`${spec.name}\` takes ${max === 0 ? 'no' : `at most ${max}`} positional argument${max === 1 ? '' : 's'}`,
          arg,
          namedHint(spec),
        );
        continue;
      }
      if (p.variadic) {
        const list = (bound.args.get(p.name) as Expr[] | undefined) ?? [];
        list.push(arg.value);
        bound.args.set(p.name, list);
        if (!bound.nodes.has(p.name)) bound.nodes.set(p.name, arg);
        continue;
      }
      next++;
      if (bound.args.has(p.name)) {
        fail(SEM.duplicateArgument, `argument \`${p.name}\` of \`${spec.name}\` is given twice`, arg);
        continue;
      }
      bound.args.set(p.name, arg.value);
      bound.nodes.set(p.name, arg);
      continue;
    }
    const name = arg.name.name;
    const p = spec.params.find((q) => q.name === name);
    if (!p) {
      const names = spec.params.map((q) => q.name);
      fail(
        SEM.unknownArgument,
        `\`${spec.name}\` has no parameter \`${name}\``,
        arg.name,
        didYouMean(name, names) ??
          (names.length ? `its parameters are ${names.join(', ')}` : `\`${spec.name}\` takes no arguments`),
      );
      continue;
    }
    if (bound.args.has(name)) {
      fail(SEM.duplicateArgument, `argument \`${name}\` of \`${spec.name}\` is given twice`, arg.name);
      continue;
    }
    bound.args.set(name, p.variadic ? [arg.value] : arg.value);
    bound.nodes.set(name, arg);
  }
  for (const p of spec.params) {
    if (isRequired(p) && !bound.args.has(p.name)) {
      fail(
        SEM.missingArgument,
        `missing argument \`${p.name}\` of \`${spec.name}\``,
        call.callee,
        `${p.name}: ${p.doc}`,
      );
    }
  }
  return bound;
}

function namedHint(spec: BuiltinSpec): string | undefined {
  const named = spec.params.filter((p) => p.namedOnly).map((p) => p.name);
  return named.length ? `${named.join(', ')} can only be given by name, e.g. \`${named[0]} = ...\`` : undefined;
}
