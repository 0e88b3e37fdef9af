// Plots: inputs by name, panel axes (`by`), output file. Cell-independent, so they are built from
// the first cell's nodes.
import type { Decl, Expr } from '../ast.js';
import { SEM } from '../codes/semantic.js';
import type { Reporter } from '../checks/report.js';
import { kindNoun, type RefValue } from '../evaluate.js';
import { runOwnedConflict } from '../ir/plot-files.js';
import type { IrData, IrMap, IrNode, IrPlot, IrSample } from '../ir/types.js';
import type { StudyScope } from '../resolve.js';
import type { LowerContext } from './context.js';

const TYPES: Record<string, IrPlot['type']> = {
  density: 'density',
  heatmap: 'heatmap',
  vkernel: 'vkernel',
  table: 'metric_table',
  loss: 'loss',
};

export function lowerPlots(cx: LowerContext, scope: StudyScope, r: Reporter, roots: string[]): IrPlot[] {
  const out: IrPlot[] = [];
  const names = new Map<string, Expr | { span: Expr['span'] }>();
  const files = new Map<string, { span: Expr['span'] }>();
  const counts = new Map<string, number>();
  for (const p of scope.plots) {
    const c = cx.builtinCall(p.value, 'plot');
    if (!c) continue;
    const { v, ok, bound } = cx.evaluate(c.call, c.spec);
    const by: string[] = [];
    let layoutOk = true;
    for (const id of p.by) {
      const d = scope.defs.get(id.name);
      if (!d || d.kind !== 'sweep') {
        const sweeps = scope.sweeps.map((s) => s.name);
        r.report(
          SEM.notASweepAxis,
          d
            ? `\`${id.name}\` is ${/^[aeiou]/.test(kindNoun(d.kind)) ? 'an' : 'a'} ${kindNoun(d.kind)}, not a sweep axis`
            : `\`${id.name}\` is not a sweep axis of this study`,
          id,
          sweeps.length ? `sweep axes: ${sweeps.join(', ')}` : 'this study has no sweep axes',
        );
        layoutOk = false;
      } else if (by.includes(id.name)) {
        r.report(SEM.plotLayout, `\`${id.name}\` is listed twice in \`by\``, id);
        layoutOk = false;
      } else by.push(id.name);
    }
    if (p.by.length > 2) {
      r.report(
        SEM.plotLayout,
        `\`by\` takes at most two axes (panel rows, then columns), found ${p.by.length}`,
        p.by[2],
      );
      layoutOk = false;
    }
    if (!ok || !layoutOk) continue;
    const type = TYPES[c.spec.name];
    const inputs = (
      (type === 'density' || type === 'loss' ? v.samples : type === 'metric_table' ? v.metrics : [v.map]) as RefValue[]
    ).map((n) => (n as IrNode).name);
    if (type === 'loss' && !lossInputsOk(scope, r, v.samples as IrSample[], c.call)) continue;
    if (type === 'vkernel') {
      const m = v.map as IrMap;
      if (m.quantity !== 'vkernel' && m.quantity !== 'vkernel_time_correlation') {
        r.report(
          SEM.typeMismatch,
          `expected a vkernel or vkernel_time_correlation map, found the ${m.quantity} map \`${m.name}\``,
          bound.args.get('map') as Expr,
          'use heatmap(...) for other maps',
        );
        continue;
      }
    }
    const k = (counts.get(c.spec.name) ?? 0) + 1;
    counts.set(c.spec.name, k);
    const stem = p.to ? p.to.value.replace(/^.*\//, '').replace(/\.[^.]*$/, '') : undefined;
    const ext = p.to?.value.match(/\.([^./]+)$/)?.[1];
    let name = p.name?.name ?? (stem || `${c.spec.name}_${k}`);
    // Two files that differ only in extension (`x.svg`, `x.csv`) get `x` and `x_csv`.
    if (!p.name && names.has(name) && ext) name = `${name}_${ext}`;
    const file = p.to?.value ?? `${name}.${type === 'metric_table' ? 'csv' : 'svg'}`;
    if (p.to && (file.startsWith('/') || /^[A-Za-z]:/.test(file) || file.split('/').includes('..') || file === '')) {
      r.report(SEM.plotLayout, `the plot file \`${file}\` must be a relative path inside the run folder`, p.to);
      continue;
    }
    const reserved = runOwnedConflict(file, type);
    if (reserved) {
      r.report(
        SEM.plotFileReserved,
        `the plot file \`${file}\` ${reserved}`,
        p.to ?? p.name ?? p.value,
        p.to
          ? 'choose another file name, e.g. in a folder of its own: `to "plots/..."`'
          : 'rename the plot or give it a file with `to "..."`',
      );
      continue;
    }
    const prevName = names.get(name);
    if (prevName) {
      r.report(
        SEM.plotLayout,
        `two plots are named \`${name}\``,
        p.name ?? p.value,
        'give one a name: `plot other = ...`',
        [{ message: 'the other plot', span: prevName.span }],
      );
      continue;
    }
    const prevFile = files.get(file);
    if (prevFile) {
      r.report(SEM.plotLayout, `two plots write \`${file}\``, p.to ?? p.value, undefined, [
        { message: 'the other plot', span: prevFile.span },
      ]);
      continue;
    }
    names.set(name, p.name ?? p.value);
    files.set(file, p.to ?? p.value);
    const points = v.points as IrData | null | undefined;
    const yMax = type === 'density' && typeof v.y_max === 'number' ? v.y_max : null;
    const band = type === 'density' ? (v.band as IrPlot['band']) : null;
    out.push({ name, type, inputs, points: points ? points.name : null, by, file, y_max: yMax, band });
    for (const input of inputs) if (!roots.includes(input)) roots.push(input);
  }
  return out;
}

/** `plot loss(...)` draws training-loss curves: only ensembles of mlp models have them. */
function lossInputsOk(scope: StudyScope, r: Reporter, samples: IrSample[], at: { span: Expr['span'] }): boolean {
  for (const s of samples) {
    const value = (scope.defs.get(s.model)?.node as Decl | undefined)?.value;
    const model = value?.kind === 'call' ? value.callee.name : s.model;
    if (s.method === 'ensemble' && model === 'mlp') continue;
    r.report(
      SEM.typeMismatch,
      `\`loss\` draws the training losses of mlp ensembles; \`${s.name}\` is ${s.method === 'ensemble' ? `an ensemble of \`${s.model}\`, not an mlp model` : `a ${s.method} sample set`}`,
      at,
      'give ensemble(...) sample sets of mlp models',
    );
    return false;
  }
  return true;
}
