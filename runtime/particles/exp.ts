// exp(x) in plain arithmetic and two table lookups, for the per-particle loops: Math.exp measured
// about 18 ns a call inside them on this machine (two per particle and step were over half of
// the Fig. 2 loop). Table-driven: x = (64 e + j) ln2/64 + r with |r| <= ln2/128, exp(x) =
// 2^e 2^(j/64) p(r), p the degree-5 Taylor polynomial (truncation 3.5e-17); max relative error
// against Math.exp a few 1e-16 (test/runtime-models/speed-equivalence.test.ts). Pure arithmetic,
// so identical on every thread and platform.

const T = Float64Array.from({ length: 64 }, (_, j) => 2 ** (j / 64));
/** POW2[e + 1075] = 2^e for e = -1075..1023. */
const POW2 = Float64Array.from({ length: 2099 }, (_, i) => 2 ** (i - 1075));
const INV = 64 / Math.LN2;
// ln2/64 split so that k * LN2_HI is exact for |k| < 2^20.
const LN2_HI = Math.fround(Math.LN2 / 64);
const LN2_LO = Math.LN2 / 64 - LN2_HI;

/** The tables and constants tableExp uses, for the WebAssembly loops that repeat its arithmetic. */
export const EXP_TABLES = { T, POW2, INV, LN2_HI, LN2_LO };

/** exp(x); 0 below -745, Infinity above 709, NaN for NaN. */
export function fexp(x: number): number {
  if (!(x > -745)) return x === x ? 0 : x;
  if (x > 709) return Infinity;
  return tableExp(x);
}

/**
 * exp(x) for x <= 0, clamped at -708 (e^-708 = 3e-308): no branch returns a constant, which
 * made V8 box fexp's result in the exact-score loops (28 ns a call there instead of 7).
 */
export function expNonPositive(x: number): number {
  return tableExp(x < -708 ? -708 : x);
}

function tableExp(x: number): number {
  const kf = Math.floor(x * INV + 0.5);
  const r = x - kf * LN2_HI - kf * LN2_LO;
  const k = kf | 0;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  return POW2[(k >> 6) + 1075] * (T[k & 63] * p);
}
