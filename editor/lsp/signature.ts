// Signature help: while typing a call's arguments, the built-in's signature with the parameter
// the cursor is on highlighted (a named argument by its name, a positional one by its place).
import type { SignatureHelp } from 'vscode-languageserver';
import { formatSignature } from '../../stdlib/signatures.js';
import type { BuiltinSpec } from '../../stdlib/types.js';
import type { Analysis } from './analysis.js';
import { findBuiltin, paramMarkdown } from './builtins.js';
import { completionContext, type CallContext } from './completion-context.js';

export function signatureHelp(analysis: Analysis, offset: number): SignatureHelp | null {
  const ctx = completionContext(analysis.text, offset);
  if (ctx.kind !== 'expression' || !ctx.call) return null;
  const spec = findBuiltin(ctx.call.callee, ctx.context);
  if (!spec) return null;
  const label = formatSignature(spec);
  let from = label.indexOf('(') + 1;
  const parameters = spec.params.map((p) => {
    // The name as a whole word followed by what formatSignature writes after a name.
    const match = new RegExp(`\\b${p.name}(?=\\.\\.\\.|\\?|,| =|\\))`, 'g');
    match.lastIndex = from;
    const start = match.exec(label)?.index ?? from;
    from = start + p.name.length;
    return {
      label: [start, from] as [number, number],
      documentation: { kind: 'markdown' as const, value: paramMarkdown(spec, p) },
    };
  });
  return {
    signatures: [{ label, documentation: spec.doc, parameters }],
    activeSignature: 0,
    activeParameter: activeParameter(spec, ctx.call),
  };
}

/** Index of the parameter the cursor's argument binds to; undefined when it binds to none. */
function activeParameter(spec: BuiltinSpec, call: CallContext): number | undefined {
  if (call.argName) {
    const named = spec.params.findIndex((p) => p.name === call.argName);
    return named >= 0 ? named : undefined;
  }
  const positional = spec.params.filter((p) => !p.namedOnly);
  const last = positional[positional.length - 1];
  const param = positional[call.positional] ?? (last?.variadic ? last : undefined);
  return param ? spec.params.indexOf(param) : undefined;
}
