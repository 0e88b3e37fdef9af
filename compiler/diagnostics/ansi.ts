// Minimal ANSI styling for the human renderer; a no-op palette when colour is off.
import type { Severity } from './types.js';

export interface Palette {
  severity(sev: Severity, s: string): string;
  gutter(s: string): string;
  bold(s: string): string;
  note(s: string): string;
}

const wrap = (open: string) => (s: string) => (s === '' ? s : `\x1b[${open}m${s}\x1b[0m`);
const SEVERITY_STYLE: Record<Severity, (s: string) => string> = {
  error: wrap('1;31'),
  warning: wrap('1;33'),
  info: wrap('1;36'),
};

export const COLOR: Palette = {
  severity: (sev, s) => SEVERITY_STYLE[sev](s),
  gutter: wrap('1;34'),
  bold: wrap('1'),
  note: wrap('1;32'),
};

const plain = (s: string) => s;
export const PLAIN: Palette = { severity: (_sev, s) => s, gutter: plain, bold: plain, note: plain };
