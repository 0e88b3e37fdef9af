// Hand-made IR documents and a fake executor for the study tests: they exercise the run folder,
// cache, interruption, plots and report without the real runtime (which has its own tests).
import type { IrCell, IrDocument, IrForward, IrNode } from '../../compiler/ir/types.js';
import type { CellResult, ExecuteOptions, NodeResult, ResultArray } from '../../runtime/results.js';
import type { Executor, RunDeps } from '../../study/run.js';

const vp = { kind: 'forward', name: 'vp', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 } as const;
const grid = { steps: 30, t_min: 0.001, spacing: 'uniform', rho: 7 } as const;
const hist1d = { bins: 60, range: [[-1.5, 1.5]] as [number, number][] };

function gapCell(index: number, eps: number, P: number): IrCell {
  const common = {
    data: 'train',
    forward: 'vp',
    grid: { ...grid, t_min: eps },
    solver: 'euler',
    histogram: hist1d,
  } as const;
  const nodes: IrNode[] = [
    { kind: 'data', name: 'train', dim: 1, points: [[-1], [0], [1]], weights: [1 / 3, 1 / 3, 1 / 3] },
    vp,
    {
      kind: 'features',
      name: 'phi',
      count: 16,
      tree: { op: 'basis', basis: 'gauss', axes: ['x'], n: 16, over: [-1.5, 1.5], width: 0.1, seed: 0 },
    },
    {
      kind: 'model',
      name: 'lin',
      data: 'train',
      forward: 'vp',
      type: 'linear',
      features: 'phi',
      samples: P,
      ridge: 0.1,
      parametrization: 'denoiser',
      t_range: [eps, 1],
      seed: 7,
    },
    {
      kind: 'sample',
      name: 'exact',
      ...common,
      draws: 100000,
      seed: 1,
      method: 'pf_ode',
      model: 'true',
      compat_grid_lookup: null,
    },
    {
      kind: 'sample',
      name: 'trained',
      ...common,
      draws: 1000,
      seed: 2,
      method: 'ensemble',
      model: 'lin',
      members: 100,
      eval: 'table',
      table_points: null,
    },
    {
      kind: 'sample',
      name: 'theory',
      ...common,
      draws: 1000,
      seed: 3,
      method: 'effective_sde',
      model: 'lin',
      variant: 'gaussian_field',
      members: 50,
      mc_samples: 4000,
      eval: 'table',
      table_points: null,
    },
    {
      kind: 'metric',
      name: 'gap',
      metric: 'gap_mass',
      of: 'trained',
      against: null,
      data: 'train',
      forward: 'vp',
      radius: 0.2,
      histogram: hist1d,
    },
  ];
  return { id: `eps=${eps},P=${P}`, index, values: { eps, P }, seed: 100 + index, nodes };
}

/** A 1D gap-filling study: eps x P = 2 x 2 cells, three sample sets, a metric, two plots. */
export function gapStudy(): IrDocument {
  const eps = [0.001, 0.01];
  const P = [64, 128];
  return {
    ir_version: 1,
    study: 'gap',
    source: 'gap.gtv',
    seed: 2025,
    axes: [
      { name: 'eps', values: eps },
      { name: 'P', values: P },
    ],
    cells: eps.flatMap((e, i) => P.map((p, j) => gapCell(i * P.length + j, e, p))),
    plots: [
      {
        name: 'gap_density',
        type: 'density',
        inputs: ['exact', 'trained', 'theory'],
        points: 'train',
        by: ['eps', 'P'],
        file: 'gap_filling.svg',
        y_max: 2.5,
        band: 'quartiles',
      },
      {
        name: 'gap_table',
        type: 'metric_table',
        inputs: ['gap'],
        points: null,
        by: [],
        file: 'tables/gap.svg',
        y_max: null,
        band: null,
      },
    ],
  };
}

/** A 2D study without sweeps: a Figure-1 style ratio map at three times and a 2D sample density. */
export function mapStudy(): IrDocument {
  const polygon = Array.from({ length: 6 }, (_, m) => [
    Math.cos((2 * Math.PI * m) / 6),
    Math.sin((2 * Math.PI * m) / 6),
  ]);
  const fwd: IrForward = {
    kind: 'forward',
    name: 'simple',
    T: 1,
    process: 'alpha_sigma',
    alpha: { op: 'sqrt', args: [{ op: 'sub', args: [{ op: 'const', value: 1 }, { op: 't' }] }] },
    sigma2: { op: 't' },
  };
  const nodes: IrNode[] = [
    { kind: 'data', name: 'polygon', dim: 2, points: polygon, weights: polygon.map(() => 1 / 6) },
    fwd,
    {
      kind: 'map',
      name: 'frac',
      quantity: 'score_variance_ratio',
      data: 'polygon',
      forward: 'simple',
      model: null,
      grid: {
        axes: [
          { lo: -2, hi: 2, n: 40 },
          { lo: -2, hi: 2, n: 30 },
        ],
      },
      t: [0.05, 0.2, 0.75],
      ref: null,
      mc_samples: 0,
      seed: 0,
    },
    {
      kind: 'sample',
      name: 'cloud',
      data: 'polygon',
      forward: 'simple',
      draws: 5000,
      grid,
      solver: 'euler',
      seed: 4,
      histogram: {
        bins: 50,
        range: [
          [-1.5, 1.5],
          [-1.5, 1.5],
        ],
      },
      method: 'pf_ode',
      model: 'true',
      compat_grid_lookup: null,
    },
  ];
  return {
    ir_version: 1,
    study: 'proxy',
    source: 'proxy.gtv',
    seed: 0,
    axes: [],
    cells: [{ id: 'main', index: 0, values: {}, seed: 1, nodes }],
    plots: [
      {
        name: 'ratio',
        type: 'heatmap',
        inputs: ['frac'],
        points: 'polygon',
        by: [],
        file: 'polygon.png',
        y_max: null,
        band: null,
      },
      {
        name: 'cloud_density',
        type: 'density',
        inputs: ['cloud'],
        points: 'polygon',
        by: [],
        file: 'cloud.svg',
        y_max: null,
        band: 'quartiles',
      },
    ],
  };
}

/** Map fields of other shapes: a 1D V-kernel map (as `V`) and a 2D score map (vector tail). */
export function fieldStudy(): IrDocument {
  const doc = mapStudy();
  const cell = doc.cells[0];
  const line: IrNode = { kind: 'data', name: 'line', dim: 1, points: [[-1], [1]], weights: [0.5, 0.5] };
  const map = cell.nodes.find((n) => n.kind === 'map');
  if (map?.kind !== 'map') throw new Error('fixture');
  cell.nodes.push(
    line,
    {
      ...map,
      name: 'vk',
      quantity: 'vkernel',
      data: 'line',
      grid: { axes: [{ lo: -2, hi: 2, n: 80 }] },
      t: [0.1, 0.5],
    },
    { ...map, name: 'sc', quantity: 'score', t: [0.3] },
  );
  doc.plots = [
    {
      name: 'vk_plot',
      type: 'vkernel',
      inputs: ['vk'],
      points: 'line',
      by: [],
      file: 'vk.svg',
      y_max: null,
      band: null,
    },
    {
      name: 'score_plot',
      type: 'heatmap',
      inputs: ['sc'],
      points: 'polygon',
      by: [],
      file: 'score.svg',
      y_max: null,
      band: null,
    },
  ];
  return doc;
}

function arr(shape: number[], data: Float64Array, doc: string): ResultArray {
  return { shape, dtype: 'float64', data, doc, dims: shape.map((_, i) => `axis_${i}`) };
}

function gauss(x: number, m: number, s: number): number {
  return Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
}

/** Plausible outputs of a node: smooth densities around the training points, a smooth map. */
function fakeNode(node: IrNode, cell: IrCell): NodeResult {
  const res: NodeResult = { arrays: {}, scalars: {}, notes: [] };
  const data = cell.nodes.find((n) => n.kind === 'data');
  const pts = data && data.kind === 'data' ? data.points : [[0]];
  if (node.kind === 'sample') {
    const [lo, hi] = node.histogram.range[0];
    const bins = node.histogram.bins;
    const edges = Float64Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
    const width = 0.05 + node.grid.t_min * (node.method === 'pf_ode' ? 1 : 20);
    const c = (i: number, e: Float64Array) => (e[i] + e[i + 1]) / 2;
    if (node.histogram.range.length === 1) {
      const d = Float64Array.from(
        { length: bins },
        (_, i) => pts.reduce((s, p) => s + gauss(c(i, edges), p[0], width), 0) / pts.length,
      );
      res.arrays.density = arr([bins], d, 'density per bin [bins]');
      res.arrays.edges_x = arr([bins + 1], edges, 'x bin edges [bins+1]');
      if (node.method === 'ensemble') {
        res.arrays.density_q25 = arr(
          [bins],
          d.map((v) => v * 0.8),
          'lower quartile across members [bins]',
        );
        res.arrays.density_q75 = arr(
          [bins],
          d.map((v) => v * 1.25),
          'upper quartile across members [bins]',
        );
      }
    } else {
      const d = new Float64Array(bins * bins);
      for (let i = 0; i < bins; i++)
        for (let j = 0; j < bins; j++)
          d[i * bins + j] =
            pts.reduce((s, p) => s + gauss(c(i, edges), p[0], 0.1) * gauss(c(j, edges), p[1], 0.1), 0) / pts.length;
      res.arrays.density = arr([bins, bins], d, 'density per bin [bins_x, bins_y]');
      res.arrays.edges_x = arr([bins + 1], edges, 'x bin edges');
      res.arrays.edges_y = arr([bins + 1], edges, 'y bin edges');
    }
    res.scalars.n = node.draws;
  } else if (node.kind === 'map') {
    // Grid values from the distance to the nearest training point; V-kernel maps come as `V`
    // with a D x D tail, score maps with a dim tail, like the runtime's.
    const axes = node.grid.axes.map((a) =>
      Float64Array.from({ length: a.n }, (_, i) => a.lo + ((a.hi - a.lo) * i) / (a.n - 1)),
    );
    const G = axes.reduce((n, a) => n * a.length, 1);
    const D = axes.length;
    const tail = node.quantity.startsWith('vkernel') ? D * D : node.quantity === 'score' ? D : 1;
    const own = cell.nodes.find((n) => n.kind === 'data' && n.name === node.data);
    const mp = own?.kind === 'data' ? own.points : pts;
    const v = new Float64Array(node.t.length * G * tail);
    node.t.forEach((t, k) => {
      for (let g = 0; g < G; g++) {
        const x = D === 1 ? [axes[0][g]] : [axes[0][Math.floor(g / axes[1].length)], axes[1][g % axes[1].length]];
        const near = Math.min(...mp.map((p) => Math.hypot(...x.map((xi, a) => xi - p[a]))));
        for (let j = 0; j < tail; j++)
          v[(k * G + g) * tail + j] = Math.exp(-near / (0.2 + t)) * (1 - Math.exp(-near * 10)) * (j + 1);
      }
    });
    const shape = [
      node.t.length,
      ...axes.map((a) => a.length),
      ...(tail > 1 ? (node.quantity.startsWith('vkernel') ? [D, D] : [tail]) : []),
    ];
    res.arrays[node.quantity.startsWith('vkernel') ? 'V' : 'values'] = arr(shape, v, 'field [n_t, grid..., tail]');
    axes.forEach((a, i) => (res.arrays[['grid_x', 'grid_y'][i]] = arr([a.length], a, 'grid')));
    res.arrays.t = arr([node.t.length], Float64Array.from(node.t), 't');
  } else if (node.kind === 'metric') {
    res.scalars.value = cell.values.eps !== undefined ? cell.values.eps * 10 + 64 / cell.values.P / 10 : 0.1;
    res.scalars.stderr = 0.01;
    res.notes.push('fake metric');
  }
  return res;
}

export class FakeExecutor implements Executor {
  calls: string[] = [];
  /** Throw (simulating a crash) when this many cells have finished in this executor. */
  failAfter: number | null = null;
  /** Raise this flag (simulating Ctrl-C) once this many cells have finished. */
  interruptAfter: number | null = null;
  interrupted = false;
  seenDraws: number[] = [];

  async resolveBackend(requested: string | undefined): Promise<string> {
    if (requested !== undefined && requested !== 'cpu') throw new Error(`unknown backend '${requested}'`);
    return 'cpu';
  }

  async executeCell(doc: IrDocument, cell: IrCell, opts: ExecuteOptions): Promise<CellResult> {
    if (this.failAfter !== null && this.calls.length >= this.failAfter) throw new Error('simulated runtime failure');
    if (this.interruptAfter !== null && this.calls.length >= this.interruptAfter) {
      this.interrupted = true;
      if (opts.interrupted?.()) throw new Error('interrupted');
    }
    this.calls.push(cell.id);
    opts.progress?.start(`cell ${cell.id}`, 3);
    for (let i = 1; i <= 3; i++) opts.progress?.tick(i);
    opts.progress?.end();
    const nodes: Record<string, NodeResult> = {};
    const timings: Record<string, number> = {};
    for (const n of cell.nodes) {
      nodes[n.name] = fakeNode(n, cell);
      timings[n.name] = 1;
      if (n.kind === 'sample') this.seenDraws.push(n.draws);
    }
    return { cellId: cell.id, nodes, timings, backend: 'cpu' };
  }
}

export function fakeDeps(doc: IrDocument, executor: FakeExecutor): RunDeps {
  return { compile: () => ({ diagnostics: [], studies: [doc] }), executor };
}
