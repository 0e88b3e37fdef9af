// Completion: statement keywords and settings where a statement starts; inside an expression,
// the parameter names of the enclosing call, enum values, built-ins valid for the declaration
// kind, and the names defined in scope.
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver';
import { DECL_KINDS, type SourceFile, type StudyBlock } from '../../compiler/ast.js';
import { SETTINGS } from '../../stdlib/signatures.js';
import type { Analysis } from './analysis.js';
import {
  builtinMarkdown,
  builtinsFor,
  findBuiltin,
  paramMarkdown,
  settingMarkdown,
  signatureLine,
} from './builtins.js';
import { completionContext } from './completion-context.js';
import { spanContains } from './positions.js';
import { visibleDefinitions } from './scope.js';

const TOP_KEYWORDS = ['import', 'study', 'let', ...DECL_KINDS];
const STUDY_KEYWORDS = ['let', 'sweep', ...DECL_KINDS, 'plot'];
const CONSTANTS = ['x', 'y', 'z', 't', 'pi', 'true_density', 'true', 'false'];

export function complete(analysis: Analysis, offset: number): CompletionItem[] {
  const ctx = completionContext(analysis.text, offset);
  if (ctx.kind === 'none') return [];
  if (ctx.kind === 'statement') {
    const keywords = (ctx.inStudy ? STUDY_KEYWORDS : TOP_KEYWORDS).map(keywordItem);
    const settings = ctx.inStudy
      ? SETTINGS.map((s) => ({
          label: s.name,
          kind: CompletionItemKind.Property,
          insertText: `${s.name} = `,
          detail: 'study setting',
          documentation: { kind: 'markdown' as const, value: settingMarkdown(s) },
        }))
      : [];
    return [...keywords, ...settings];
  }

  if (ctx.kind === 'axes') {
    const study = analysis.ast && studyAt(analysis.ast, offset);
    return (study?.body ?? [])
      .filter((s) => s.kind === 'sweep')
      .map((s) => ({ label: s.name.name, kind: CompletionItemKind.Variable, detail: 'sweep' }));
  }

  const items: CompletionItem[] = [];
  const call = ctx.call;
  const spec = call && findBuiltin(call.callee, ctx.context);
  if (spec && call.atArgumentStart) {
    for (const p of spec.params) {
      if (call.usedNames.includes(p.name) || p.variadic) continue;
      items.push({
        label: p.name,
        kind: CompletionItemKind.Property,
        insertText: `${p.name} = `,
        detail: `${spec.name} parameter`,
        documentation: { kind: 'markdown', value: paramMarkdown(spec, p) },
        sortText: `0${p.name}`,
      });
    }
  }
  const param = spec && call.argName ? spec.params.find((p) => p.name === call.argName) : undefined;
  for (const value of param?.values ?? []) {
    items.push({ label: `"${value}"`, kind: CompletionItemKind.EnumMember, sortText: `0${value}` });
  }
  for (const b of builtinsFor(ctx.context)) {
    items.push({
      label: b.name,
      kind: CompletionItemKind.Function,
      detail: signatureLine(b),
      documentation: { kind: 'markdown', value: builtinMarkdown(b) },
      sortText: `2${b.name}`,
    });
  }
  if (analysis.ast) {
    const study = ctx.inStudy ? studyAt(analysis.ast, offset) : undefined;
    const seen = new Set<string>();
    for (const d of visibleDefinitions(analysis.ast, study, analysis.asts)) {
      if (seen.has(d.name.name)) continue;
      seen.add(d.name.name);
      const what = d.stmt.kind === 'decl' ? d.stmt.declKind : d.stmt.kind;
      // After `model =` (a parameter that names a declaration), names of that kind come first.
      const fits = param?.type === what;
      items.push({
        label: d.name.name,
        kind: CompletionItemKind.Variable,
        detail: what,
        sortText: `${fits ? 0 : 1}${d.name.name}`,
      });
    }
  }
  for (const c of CONSTANTS) items.push({ label: c, kind: CompletionItemKind.Constant, sortText: `3${c}` });
  return items;
}

function keywordItem(word: string): CompletionItem {
  return { label: word, kind: CompletionItemKind.Keyword };
}

/** The study around the cursor; while a study is being typed its span may end early, so fall back to the last one begun. */
function studyAt(file: SourceFile, offset: number): StudyBlock | undefined {
  const studies = file.items.filter((i): i is StudyBlock => i.kind === 'study');
  return studies.find((s) => spanContains(s.span, offset)) ?? studies.filter((s) => s.span.start.offset < offset).pop();
}
