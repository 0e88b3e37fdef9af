// `gtv check` (compiler + linter, in process) on studies with 1e6 training points: a 1D
// `mixture(n = 1e6)`, a 2D and a 3D 1e6-row CSV. Reports wall and process CPU time of each check
// (best of three) and the machine's load, against issue 10's goal of under 2 s. The CPU time is
// the better guide on a shared machine: wall time also counts waiting for the cores.
// Run: npx tsx bench/check.ts [points]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFile } from '../compiler/lint/check-file.js';

const N = Number(process.argv[2] ?? 1e6);
const GOAL_MS = 2000;
const dir = mkdtempSync(join(tmpdir(), 'gtv-bench-check-'));

const study = (data: string) =>
  `study big {\n  data d = ${data}\n  forward vp = vp()\n  sample a = pf_ode(true, draws = 1e4, bins = 100)\n  plot density(a) to "a.svg"\n}\n`;

function csv(dim: number): string {
  let s = 1;
  const r = () => ((s = (s * 48271) % 2147483647) / 2147483647) * 4 - 2;
  const rows: string[] = [];
  for (let i = 0; i < N; i++)
    rows.push(
      Array.from({ length: dim }, r)
        .map((v) => v.toFixed(6))
        .join(','),
    );
  return rows.join('\n') + '\n';
}

const cases: [string, string][] = [[`mixture, 1D, ${N} points`, study(`mixture([[-1], [1]], std = 0.3, n = ${N})`)]];
for (const dim of [2, 3]) {
  writeFileSync(join(dir, `d${dim}.csv`), csv(dim));
  cases.push([`csv, ${dim}D, ${N} rows`, study(`csv("d${dim}.csv")`)]);
}

console.log(
  `gtv check, ${N} data points; load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log('| study | wall ms | CPU ms | findings | goal < 2 s (wall) |');
console.log('| --- | ---: | ---: | --- | --- |');
try {
  cases.forEach(([name, text], i) => {
    const file = join(dir, `s${i}.gtv`);
    writeFileSync(file, text);
    let best = { wall: Infinity, cpu: Infinity, codes: '' };
    for (let k = 0; k < 3; k++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const out = checkFile(file, {
        totalMemory: 16 * 1024 ** 3,
        config: { config: { levels: new Map(), file: null }, diagnostics: [] },
      });
      const wall = performance.now() - t0;
      const c = process.cpuUsage(c0);
      const cpu = (c.user + c.system) / 1000;
      if (wall < best.wall) best = { wall, cpu, codes: out.diagnostics.map((d) => d.code).join(' ') };
    }
    console.log(
      `| ${name} | ${best.wall.toFixed(0)} | ${best.cpu.toFixed(0)} | ${best.codes || '-'} | ${best.wall < GOAL_MS ? 'PASS' : 'MISS'} |`,
    );
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
