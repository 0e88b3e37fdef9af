// The project's lint configuration: the nearest `gtv.json`, or `"gtv"` key of a package.json,
// found by walking up from the study's folder (a gtv.json wins over a package.json in the same
// folder; a package.json without the key is passed over). Validated with ajv; problems come back
// as GTV0800 diagnostics pointing into the configuration file. ajv is loaded only when a
// configuration exists: most studies have none, and loading it is a tenth of `gtv check`'s start-up.
//
//   { "rules": { "float32-score": "error", "unused-sweep": "off", "GTV0804": "info" } }
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { closest } from '../checks/suggest.js';
import { LINT } from '../codes/lint.js';
import type { Diagnostic, Severity } from '../diagnostics/types.js';
import { LineIndex } from '../line-index.js';
import { CONFIGURABLE, ruleCode } from './registry.js';

export type Level = Severity | 'off';
export const LEVELS: readonly Level[] = ['off', 'info', 'warning', 'error'];

export interface LintConfig {
  /** Rule code -> level; rules not listed keep their default severity. */
  levels: Map<string, Level>;
  /** The file it came from (for messages), or null when none was found. */
  file: string | null;
}

export interface LoadedConfig {
  config: LintConfig;
  diagnostics: Diagnostic[];
  /** Text of the configuration file, for rendering its diagnostics. */
  source?: { path: string; text: string };
}

const SCHEMA = {
  type: 'object',
  properties: {
    $schema: { type: 'string' },
    rules: { type: 'object', additionalProperties: { enum: LEVELS } },
  },
  additionalProperties: false,
} as const;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };
    compiled = new Ajv({ allErrors: true, strict: true }).compile(SCHEMA);
  }
  return compiled;
}

/** Finds and loads the configuration that applies to `studyPath`. */
export function loadConfigFor(studyPath: string): LoadedConfig {
  let dir = dirname(resolve(studyPath));
  for (;;) {
    const own = join(dir, 'gtv.json');
    if (existsSync(own)) return parseConfig(display(own), readFileSync(own, 'utf8'), false);
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const text = readFileSync(pkg, 'utf8');
      const hasKey = (() => {
        try {
          return Object.hasOwn(JSON.parse(text) as object, 'gtv');
        } catch {
          return false;
        }
      })();
      if (hasKey) return parseConfig(display(pkg), text, true);
    }
    const up = dirname(dir);
    if (up === dir) return { config: { levels: new Map(), file: null }, diagnostics: [] };
    dir = up;
  }
}

/** Paths relative to the working directory when below it, as the compiler shows study paths. */
function display(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel.startsWith('..') ? p : rel.split('\\').join('/');
}

export function parseConfig(path: string, text: string, inPackageJson: boolean): LoadedConfig {
  const lines = new LineIndex(text, path);
  const config: LintConfig = { levels: new Map(), file: path };
  const fail = (message: string, at = 0, length = 1, hint?: string): LoadedConfig => {
    const d: Diagnostic = { severity: 'error', code: LINT.lintConfig, message, span: lines.span(at, at + length) };
    if (hint) d.hint = hint;
    return { config, diagnostics: [d], source: { path, text } };
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const at = Number(/position (\d+)/.exec(String(e))?.[1] ?? 0);
    return fail(`${path} is not valid JSON: ${(e as Error).message.replace(/ in JSON at.*$/, '')}`, at);
  }
  const value = inPackageJson ? (json as Record<string, unknown>).gtv : json;
  const where = inPackageJson ? 'the "gtv" key of package.json' : path;
  const validate = validator();
  if (!validate(value)) {
    const diagnostics: Diagnostic[] = [];
    for (const err of validate.errors ?? []) {
      const key =
        err.params && 'additionalProperty' in err.params
          ? String(err.params.additionalProperty)
          : (err.instancePath.split('/').pop() ?? '');
      const at = key ? text.indexOf(`"${key}"`) : -1;
      const detail =
        err.keyword === 'enum'
          ? `must be one of ${LEVELS.join(', ')}`
          : err.keyword === 'additionalProperties'
            ? `has an unknown key \`${key}\` (allowed: rules, $schema)`
            : (err.message ?? 'is invalid');
      const subject =
        err.keyword === 'additionalProperties'
          ? where
          : `\`${err.instancePath.slice(1).replace(/\//g, '.') || 'the configuration'}\` in ${where}`;
      diagnostics.push(...fail(`${subject} ${detail}`, Math.max(0, at), key ? key.length + 2 : 1).diagnostics);
    }
    return { config, diagnostics, source: { path, text } };
  }
  const rules = (value as { rules?: Record<string, Level> }).rules ?? {};
  const diagnostics: Diagnostic[] = [];
  for (const [name, level] of Object.entries(rules)) {
    const code = ruleCode(name);
    if (!code) {
      const near = closest(
        name,
        CONFIGURABLE.map((c) => c.name),
      );
      const at = text.indexOf(`"${name}"`);
      diagnostics.push(
        ...fail(
          `unknown lint rule \`${name}\` in ${where}`,
          Math.max(0, at),
          name.length + 2,
          near ? `did you mean \`${near}\`?` : 'run `gtv explain` for the rule names',
        ).diagnostics,
      );
      continue;
    }
    config.levels.set(code, level);
  }
  return { config, diagnostics, source: { path, text } };
}
