// IR validation against compiler/ir/schema.json, by the validator that ajv compiled ahead of time
// (schema-validator.ts, generated with the schema by scripts/ir-schema.ts), plus what JSON Schema
// cannot say: every number is finite. Used at the compiler output (a failure is an internal
// error) and at the runtime input.
import type { ValidateFunction } from 'ajv';
import { SEM } from '../codes/semantic.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { rowsOf } from '../../stdlib/files.js';
import { packedOf } from './packed-points.js';
import { validate as generated } from './schema-validator.js';

const validate = generated as ValidateFunction;

/**
 * The path of the first non-finite number, or undefined. Arrays are walked by index and the path
 * is built only on the way back from a hit: data sets put millions of points in the IR, and
 * building a path string (or an entries array) per number dominated `gtv check` there.
 */
function nonFinite(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : '';
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x === 'number' ? Number.isFinite(x) : x === null || typeof x !== 'object') continue;
      const bad = nonFinite(x);
      if (bad !== undefined) return `/${i}${bad}`;
    }
    return undefined;
  }
  if (v && typeof v === 'object') {
    const p = packedOf(v);
    if (p) {
      const xs = p.values;
      for (let i = 0; i < xs.length; i++)
        if (!Number.isFinite(xs[i])) return `/points/${Math.floor(i / p.dim)}/${i % p.dim}`;
    }
    for (const k of Object.keys(v)) {
      if (p && k === 'points') continue;
      const bad = nonFinite((v as Record<string, unknown>)[k]);
      if (bad !== undefined) return `/${k}${bad}`;
    }
  }
  return undefined;
}

export function validateIr(doc: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!validate(schemaView(doc))) {
    const errs = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    out.push({
      severity: 'error',
      code: SEM.internalError,
      message: `internal error: the IR does not match its schema: ${errs.join('; ')}`,
    });
  }
  const bad = nonFinite(doc);
  if (bad !== undefined)
    out.push({
      severity: 'error',
      code: SEM.internalError,
      message: `internal error: the IR holds a non-finite number at ${bad || '/'}`,
    });
  return out;
}

/**
 * doc with the packed points of each data set (packed-points.ts) cut to their first row, so that
 * the schema sees their form without their rows being made (nonFinite checks every value).
 * Arrays of numbers are not walked.
 */
function schemaView(v: unknown): unknown {
  if (Array.isArray(v)) {
    if (v.length === 0 || typeof v[0] !== 'object') return v;
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const w = schemaView(v[i]);
      if (w !== v[i]) (out ??= v.slice())[i] = w;
    }
    return out ?? v;
  }
  if (!v || typeof v !== 'object') return v;
  const p = packedOf(v);
  const rec = v as Record<string, unknown>;
  const view: Record<string, unknown> = {};
  let changed = false;
  for (const k of Object.keys(rec)) {
    if (p && k === 'points') {
      view[k] = rowsOf(p.values, p.dim, Math.min(1, p.count));
      changed = true;
      continue;
    }
    const w = schemaView(rec[k]);
    if (w !== rec[k]) changed = true;
    view[k] = w;
  }
  return changed ? view : v;
}
