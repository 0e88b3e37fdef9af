// IR builders for runtime tests, and the backend every runtime test uses (wasm).

import type { IrCell, IrDocument, IrForward, IrNode, IrSample, IrTimeGrid } from '../../compiler/ir/types.js';
import { selectBackend } from '../../runtime/backend.js';
import { executeCell } from '../../runtime/execute.js';

export function useWasm(): void {
  before(async function () {
    this.timeout(30_000);
    await selectBackend('wasm');
  });
}

export function dataNode(name: string, points: number[][], weights?: number[]): IrNode {
  return {
    kind: 'data',
    name,
    dim: points[0].length,
    points,
    weights: weights ?? points.map(() => 1 / points.length),
  };
}

export const VP: IrForward = { kind: 'forward', name: 'fwd', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 };

export function grid(steps: number, t_min: number): IrTimeGrid {
  return { steps, t_min, spacing: 'uniform', rho: 7 };
}

export function pfOdeNode(over: Partial<Extract<IrSample, { method: 'pf_ode' }>> = {}): IrNode {
  return {
    kind: 'sample',
    name: 'samples',
    data: 'data',
    forward: 'fwd',
    draws: 20000,
    grid: grid(30, 0.01),
    solver: 'euler',
    seed: 7,
    histogram: { bins: 60, range: [[-1.5, 1.5]] },
    method: 'pf_ode',
    model: 'true',
    compat_grid_lookup: null,
    ...over,
  } as IrNode;
}

export function docOf(nodes: IrNode[], seed = 1): { doc: IrDocument; cell: IrCell } {
  const cell: IrCell = { id: 'main', index: 0, values: {}, seed, nodes };
  return { doc: { ir_version: 1, study: 'test', source: 'test.gtv', seed, axes: [], cells: [cell], plots: [] }, cell };
}

/** What executeCell threw, or undefined when it did not throw (the caller's expect then fails). */
export async function executeError(...args: Parameters<typeof executeCell>): Promise<unknown> {
  try {
    await executeCell(...args);
  } catch (e) {
    return e;
  }
  return undefined;
}
