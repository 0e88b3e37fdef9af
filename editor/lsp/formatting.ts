// Formatting goes through the gtv Prettier plugin (editor/prettier/), the same printer and
// configuration lookup as `gtv fmt` and `prettier --plugin=gtv/prettier`.
import type { TextEdit } from 'vscode-languageserver';
import { formatGtv } from '../prettier/format.js';
import { positionAt } from './positions.js';

export type FormatOutcome = { edits: TextEdit[] } | { error: string };

export async function formatDocument(text: string, filePath: string): Promise<FormatOutcome> {
  try {
    const formatted = await formatGtv(text, filePath);
    if (formatted === text) return { edits: [] };
    return {
      edits: [{ range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) }, newText: formatted }],
    };
  } catch (e) {
    // Usually a syntax error, which the diagnostics already show: its first line is enough here.
    return { error: (e instanceof Error ? e.message : String(e)).split('\n')[0] };
  }
}
