// Unused definitions and sweep axes (warnings). Uses are syntactic (every name written in a
// setting, declaration, constant or plot of the file) plus the implicit data / forward choices,
// so they do not depend on whether lowering succeeded.
import type { Expr, SourceFile } from '../ast.js';
import { SEM } from '../codes/semantic.js';
import { namesIn } from '../lower/implicit.js';
import { RESERVED, type Definition, type StudyScope } from '../resolve.js';
import type { Reporter } from './report.js';
import { closest } from './suggest.js';

const OUTPUTS = new Set(['sample', 'map', 'metric']);

const exprsOf = (scope: StudyScope): Expr[] => scope.study?.body.map((s) => s.value) ?? [];

/** A definition referenced only by other unused definitions still counts as used (one warning each chain). */
export function reportUnused(root: SourceFile, scopes: StudyScope[], implicit: Set<Definition>, r: Reporter): void {
  const fileUses = new Set<string>();
  for (const scope of scopes) {
    const uses = new Set<string>();
    for (const e of exprsOf(scope)) namesIn(e, uses);
    for (const d of scope.defs.values()) if (d.where !== 'study') namesIn(d.node.value, uses);
    for (const d of implicit) if (scope.defs.get(d.name) === d) uses.add(d.name);
    // A misspelled reference already gets "did you mean `phi`?"; `phi` is not also unused.
    for (const u of [...uses]) {
      if (scope.defs.has(u) || RESERVED.has(u)) continue;
      const near = closest(u, scope.defs.keys());
      if (near) uses.add(near);
    }
    uses.forEach((u) => fileUses.add(u));
    for (const d of scope.defs.values()) {
      if (d.where !== 'study' || uses.has(d.name) || OUTPUTS.has(d.kind)) continue;
      if (d.kind === 'sweep')
        r.report(
          SEM.unusedSweep,
          `the sweep axis \`${d.name}\` is never used`,
          d.node.name,
          'every cell along it repeats the same computation; use it or remove it',
        );
      else r.report(SEM.unusedDefinition, `\`${d.name}\` is never used`, d.node.name, 'remove it or use it');
    }
  }
  if (scopes.length === 0) return;
  for (const item of root.items) {
    if ((item.kind === 'let' || item.kind === 'decl') && item.name.name && !fileUses.has(item.name.name)) {
      if (item.kind === 'decl' && OUTPUTS.has(item.declKind)) continue;
      r.report(SEM.unusedDefinition, `\`${item.name.name}\` is never used`, item.name, 'remove it or use it');
    }
  }
}
