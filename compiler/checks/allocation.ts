// Arrays the run would allocate in one piece, against the most elements a JavaScript typed array
// holds: beyond it `gtv run` fails with V8's "Invalid typed array length" whatever the machine,
// so it is an error here, pointing at the argument that sets the size. Sizes that fit an array
// but not the machine are the lint's cell-memory finding (compiler/lint/rules/cell-memory.ts).
import { SEM } from '../codes/semantic.js';
import type { Reporter, Spanned } from './report.js';

/**
 * V8's typed-array length limit in Node 20 (buffer.constants.MAX_LENGTH there). Fixed rather
 * than read from the engine, so that `gtv check` says the same on every machine; newer engines
 * allow more, so a study that passes here allocates everywhere.
 */
export const MAX_ARRAY_ELEMENTS = 2 ** 32;

export const short = (x: number) => (x >= 1e6 ? x.toExponential(2).replace(/\.?0*e\+?/, 'e') : String(x));

/**
 * Reports `what` (elements = factor x the argument's value) when it exceeds the limit; the hint
 * gives the argument's largest value that fits. True when it fits.
 */
export function checkArraySize(
  r: Reporter,
  what: string,
  elements: number,
  arg: { name: string; value: number; at: Spanned },
  exponent = 1,
): boolean {
  if (elements <= MAX_ARRAY_ELEMENTS) return true;
  const perUnit = elements / arg.value ** exponent;
  const fits = Math.floor((MAX_ARRAY_ELEMENTS / perUnit) ** (1 / exponent));
  r.report(
    SEM.arrayTooLarge,
    `${what} = ${short(elements)} elements in one array, more than a JavaScript typed array holds (2^32 = ${short(MAX_ARRAY_ELEMENTS)})`,
    arg.at,
    `keep ${arg.name} at or below ${fits}`,
  );
  return false;
}
