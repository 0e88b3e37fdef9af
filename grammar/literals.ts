// Decoding the text of number and string tokens; shared by the lexer checks in compiler/parse.ts
// and by cst-to-ast, so both agree on what a literal means.

export interface NumberParts {
  /** The numeric part, e.g. `22.5` of `22.5deg`. */
  numeric: string;
  /** The directly attached unit suffix, if any. */
  unit?: string;
  value: number;
  /** Why the literal is malformed (the lexer keeps near-misses such as `1.` and `1e-` whole). */
  problem?: string;
}

// Mirrors the lexer's matcher: an exponent needs digits (`1e4`) or a sign (`1e-`, malformed);
// a bare `e` starts a unit (`1em`).
const NUMBER = /^(\d+(?:\.\d*)?|\.\d+)([eE][+-]\d*|[eE]\d+)?([A-Za-z_][A-Za-z0-9_]*)?$/;

export function splitNumber(raw: string): NumberParts {
  const m = NUMBER.exec(raw);
  if (!m) return { numeric: raw, value: Number.NaN, problem: 'it is not a number' };
  const [, mantissa, exponent = '', unit] = m;
  const numeric = mantissa + exponent;
  const parts: NumberParts = { numeric, value: parseFloat(numeric) };
  if (unit) parts.unit = unit;
  if (mantissa.endsWith('.')) {
    parts.problem = `a decimal point must be followed by digits: write \`${mantissa}0\` or \`${mantissa.slice(0, -1)}\``;
  } else if (/^[eE][+-]$/.test(exponent)) {
    parts.problem = `the exponent has no digits: write e.g. \`${mantissa}${exponent}3\``;
  }
  return parts;
}

export interface StringParts {
  value: string;
  terminated: boolean;
  /** Offsets (relative to the start of the literal) of escapes other than `\"` and `\\`. */
  badEscapes: number[];
}

/** Decodes `"..."` with `\"` and `\\` escapes; unknown escapes are kept as written. */
export function decodeString(raw: string): StringParts {
  let value = '';
  const badEscapes: number[] = [];
  for (let i = 1; i < raw.length; i++) {
    const c = raw[i];
    if (c === '"') return { value, terminated: true, badEscapes };
    if (c === '\\' && i + 1 < raw.length) {
      const next = raw[i + 1];
      if (next === '"' || next === '\\') value += next;
      else {
        badEscapes.push(i);
        value += c + next;
      }
      i++;
    } else value += c;
  }
  return { value, terminated: false, badEscapes };
}
