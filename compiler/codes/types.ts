// Every diagnostic code is declared once, with its long description for `gtv explain`.
// Blocks: GTV01xx syntax (grammar), GTV02xx-GTV07xx checker (semantic.ts), GTV08xx lint rules
// (lint.ts), GTV09xx runtime input checks.
import type { Severity } from '../diagnostics/types.js';

export interface CodeInfo {
  code: string;
  /** Short kebab-case name, e.g. `unknown-name`. */
  name: string;
  severity: Severity;
  /** One-line summary. */
  title: string;
  /** Long description for `gtv explain`: what triggers it, an example, how to fix it. */
  explain: string;
}
