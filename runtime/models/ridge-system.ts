// The parts of the ridge normal equations (models/linear.ts header) that do not depend on how the
// features are stored, shared by the dense solver (models/linear.ts) and the structured one
// (particles/train.ts) so both build the same matrices.

/** The weighted targets of one ridge fit: minimize (1/P) sum_i lambda_i |W phi_i - Y_i|^2 + gamma |W|^2. */
export interface RidgeTargets {
  P: number;
  lambda: Float64Array;
  Y: Float64Array;
  D: number;
  gamma: number;
}

/**
 * scalePrimal(G, B, F, t)      upper triangle of Phi^T Lambda Phi [F, F] and Phi^T Lambda Y [F, D]
 * -> full G / P + gamma I and B / P, in place
 */
export function scalePrimal(G: Float64Array, B: Float64Array, F: number, { P, D, gamma }: RidgeTargets): void {
  for (let a = 0; a < F; a++) {
    for (let b = a; b < F; b++) {
      const g = G[a * F + b] / P;
      G[a * F + b] = g;
      G[b * F + a] = g;
    }
    G[a * F + a] += gamma;
  }
  for (let k = 0; k < F * D; k++) B[k] /= P;
}

/**
 * scaleDual(K, t, stride = P): { sl, R }   lower triangle of Phi Phi^T [P, P] (row i at i stride) ->
 * that of L^(1/2) K L^(1/2) + P gamma I in place (the Cholesky reads no more);
 * sl = lambda^(1/2) [P], R = L^(1/2) Y [P, D]
 */
export function scaleDual(
  K: Float64Array,
  { P, lambda, Y, D, gamma }: RidgeTargets,
  stride = P,
): { sl: Float64Array; R: Float64Array } {
  const sl = lambda.map(Math.sqrt);
  for (let i = 0; i < P; i++) {
    for (let k = 0; k <= i; k++) K[i * stride + k] = sl[i] * sl[k] * K[i * stride + k];
    K[i * stride + i] += P * gamma;
  }
  const R = new Float64Array(P * D);
  for (let i = 0; i < P; i++) for (let d = 0; d < D; d++) R[i * D + d] = sl[i] * Y[i * D + d];
  return { sl, R };
}

/** singular(form, n, gamma)     the error for a normal matrix that is not positive definite */
export function singular(form: string, n: number, gamma: number): Error {
  return new Error(
    `ridge solve (${form}, ${n} x ${n}) is not positive definite in float64: ` +
      (gamma === 0 ? 'ridge = 0 with fewer samples than features; set ridge > 0' : 'features are degenerate'),
  );
}
