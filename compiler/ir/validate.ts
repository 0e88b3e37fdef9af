// IR validation against compiler/ir/schema.json (ajv), plus what JSON Schema cannot say: every
// number is finite. Used at the compiler output (a failure is an internal error) and at the
// runtime input.
import { Ajv, type ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import { SEM } from '../codes/semantic.js';
import type { Diagnostic } from '../diagnostics/types.js';

const require = createRequire(import.meta.url);
let validator: ValidateFunction | undefined;

function compiled(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, strict: true }).compile(require('./schema.json'));
  return validator;
}

function nonFinite(v: unknown, path: string): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : path || '/';
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const bad = nonFinite(x, `${path}/${k}`);
      if (bad) return bad;
    }
  }
  return undefined;
}

export function validateIr(doc: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  const validate = compiled();
  if (!validate(doc)) {
    const errs = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    out.push({ severity: 'error', code: SEM.internalError, message: `internal error: the IR does not match its schema: ${errs.join('; ')}` });
  }
  const bad = nonFinite(doc, '');
  if (bad) out.push({ severity: 'error', code: SEM.internalError, message: `internal error: the IR holds a non-finite number at ${bad}` });
  return out;
}
