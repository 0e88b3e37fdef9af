// Runtime errors. Execution never returns a silent NaN: the first non-finite value stops the
// computation with the node, step, time and the most likely cause.

/** class RuntimeError extends Error            base; `node` names the IR node when known */
export class RuntimeError extends Error {
  node: string | null = null;
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeError';
  }
}

export interface FiniteSite {
  /** What was being computed, e.g. "PF-ODE state" or "ridge solve". */
  quantity: string;
  /** Step index in the time grid, or null outside a time loop. */
  step: number | null;
  t: number | null;
  /** S_t scale (s2) at t, used to tell overflow at tiny noise from other causes. */
  s2?: number;
}

/** class NonFiniteError extends RuntimeError   { step, t, quantity } */
export class NonFiniteError extends RuntimeError {
  constructor(readonly site: FiniteSite) {
    super(
      `non-finite ${site.quantity}` +
        (site.step !== null ? ` at step ${site.step}` : '') +
        (site.t !== null ? ` (t = ${site.t.toPrecision(4)})` : '') +
        `: ${likelyCause(site)}`,
    );
    this.name = 'NonFiniteError';
  }
}

/** class MemoryLimitError extends RuntimeError the smallest unit of work exceeds the budget */
export class MemoryLimitError extends RuntimeError {
  constructor(message: string) {
    super(message);
    this.name = 'MemoryLimitError';
  }
}

/** class RuntimeInterrupted extends RuntimeError  ExecuteOptions.interrupted() returned true */
export class RuntimeInterrupted extends RuntimeError {
  constructor() {
    super('interrupted');
    this.name = 'RuntimeInterrupted';
  }
}

/** likelyCause(quantity, t, s2): one sentence for the message */
export function likelyCause(site: FiniteSite): string {
  if (site.s2 !== undefined && site.s2 < 1e-6)
    return `the noise variance S_t = ${site.s2.toExponential(2)} is so small that 1/S_t overflows the score; raise t_min or use more steps near t_min`;
  if (site.quantity.includes('solve'))
    return 'the linear system is singular or badly conditioned; increase the ridge or the sample count';
  if (site.step !== null)
    return 'the state blew up; the time step is too large for this score (use more steps, heun, or karras spacing)';
  return 'an input produced an overflow or an undefined operation (0/0, log of a non-positive number)';
}

/** checkFinite(values, where): throws NonFiniteError on the first NaN/Inf in a typed array */
export function checkFinite(values: ArrayLike<number>, site: FiniteSite): void {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) throw new NonFiniteError(site);
}
