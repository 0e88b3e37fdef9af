// Formatting for gtv's own tools (`gtv fmt`, the language server): Prettier with this plugin and
// the user's Prettier configuration for the file, exactly as `prettier --plugin=gtv/prettier`
// would format it.
import * as prettier from 'prettier';
import plugin from './index.js';

/** Formats .gtv source. Rejects with a syntax error (with `loc`) or a FormatterInternalError. */
export async function formatGtv(text: string, filepath?: string): Promise<string> {
  const config = filepath ? ((await prettier.resolveConfig(filepath)) ?? {}) : {};
  return prettier.format(text, { ...config, filepath, parser: 'gtv', plugins: [plugin] });
}
