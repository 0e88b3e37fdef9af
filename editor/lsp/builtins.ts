// The stdlib signature table, seen from the editor: which built-ins fit where, and how a
// signature or a parameter reads in a hover.
import type { DeclKind } from '../../compiler/ast.js';
import { formatSignature, listBuiltins, lookupBuiltin } from '../../stdlib/signatures.js';
import type { BuiltinKind, BuiltinSpec, DefaultSpec, ParamSpec, ValueRange } from '../../stdlib/types.js';

/** Where an expression sits: a declaration kind, or one of the other statements. */
export type ExprContext = DeclKind | 'plot' | 'sweep' | 'let' | 'setting';

/** Built-in kinds callable in each context, most specific first (`naive` is both a model and a sampler). */
export function kindsFor(context: ExprContext | undefined): BuiltinKind[] {
  switch (context) {
    case undefined:
      return ['function'];
    case 'plot':
      return ['plot'];
    case 'sweep':
      return ['sweep', 'function'];
    case 'let':
    case 'setting':
      return ['function', 'sweep'];
    case 'map':
      return ['map', 'grid', 'function'];
    case 'data':
    case 'forward':
    case 'features':
    case 'model':
    case 'sample':
    case 'metric':
      return [context, 'function'];
    default: {
      const unhandled: never = context;
      throw new Error(`internal: unhandled context ${JSON.stringify(unhandled)}`);
    }
  }
}

export function builtinsFor(context: ExprContext | undefined): BuiltinSpec[] {
  return kindsFor(context).flatMap((kind) => listBuiltins(kind));
}

/** The built-in a call names, preferring the kinds of its context and falling back to any kind. */
export function findBuiltin(name: string, context: ExprContext | undefined): BuiltinSpec | undefined {
  for (const kind of kindsFor(context)) {
    const hit = lookupBuiltin(kind, name);
    if (hit) return hit;
  }
  return listBuiltins().find((b) => b.name === name);
}

export function signatureLine(spec: BuiltinSpec): string {
  return `${spec.kind} ${formatSignature(spec)}`;
}

export function builtinMarkdown(spec: BuiltinSpec): string {
  const lines = ['```gtv', signatureLine(spec), '```', spec.doc];
  if (spec.params.length > 0) lines.push('', ...spec.params.map((p) => `- ${paramSummary(p)}`));
  return lines.join('\n');
}

export function paramMarkdown(spec: BuiltinSpec, param: ParamSpec): string {
  return [`\`${param.name}\` (parameter of \`${spec.name}\`): ${paramFacts(param)}`, '', param.doc].join('\n');
}

export function settingMarkdown(setting: ParamSpec): string {
  return [
    `\`${setting.name}\` (study setting): ${paramFacts(setting)}`,
    '',
    setting.doc,
    '',
    'Also the default of every built-in parameter of the same name.',
  ].join('\n');
}

function paramSummary(p: ParamSpec): string {
  return `\`${p.name}\`: ${paramFacts(p)}`;
}

/** `count, range >= 1, default 16`: the facts a user needs before typing a value. */
function paramFacts(p: ParamSpec): string {
  const facts = [`${p.type}${p.values ? ` (${p.values.map((v) => `"${v}"`).join(' | ')})` : ''}`];
  if (p.unit) facts.push(`unit ${p.unit}`);
  const range = p.range && rangeText(p.range);
  if (range) facts.push(`range ${range}`);
  if (p.default) facts.push(`default ${defaultText(p.default)}`);
  else if (p.optional) facts.push('optional');
  return facts.join(', ');
}

function rangeText(r: ValueRange): string | undefined {
  const lo = r.min === undefined ? undefined : `${r.minExclusive ? '>' : '>='} ${r.min}`;
  const hi = r.max === undefined ? undefined : `${r.maxExclusive ? '<' : '<='} ${r.max}`;
  return [lo, hi].filter(Boolean).join(' and ') || undefined;
}

function defaultText(d: DefaultSpec): string {
  if ('value' in d) return typeof d.value === 'string' ? `"${d.value}"` : String(d.value);
  if ('setting' in d) return `the study setting \`${d.setting}\``;
  return d.computed;
}
