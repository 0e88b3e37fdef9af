// Parser throughput: generated files of 1k, 10k and 100k lines of realistic declarations, each
// parsed several times; reports ms per parse, microseconds per line, and the per-line ratio of
// the largest file against the 1k-line baseline measured in the same run (goal: flat, ~1).
// The source (run through tsx) and, when `npm run build` has made it, the compiled dist/ are both
// measured: tsx's transform is not free, and the CLI runs dist/.
// Run: npx tsx bench/parse.ts
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseSource, type ParseResult } from '../compiler/parse.js';

type Parse = (text: string, file: string) => ParseResult;

const STATEMENTS = [
  (i: number) => `  data d${i} = points([-1], [0], [${i % 7}.5])   # training set ${i}`,
  (i: number) => `  forward f${i} = vp(beta_min = 0.1, beta_d = 19.9, T = 1)`,
  (i: number) => `  sweep s${i} = [1e-4, 1e-3, 1e-2]`,
  (i: number) => `  features phi${i} = gauss(x, n = 16, over = -1.5 .. 1.5) * gauss(t, n = 16, over = s${i} .. 1)`,
  (i: number) => `  model m${i} = linear(phi${i}, samples = 2 ^ 8, ridge = 0.1, data = d${i})`,
  (i: number) => `  sample e${i} = ensemble(m${i}, members = 100, draws = 1e5, range = -1.5 .. 1.5)`,
  (i: number) => `  metric g${i} = gap_mass(e${i}, radius = 0.2 * (1 + s${i}))`,
  (i: number) => `  plot density(e${i}) by (s${i}) to "out/${i}.svg"`,
];

/** A study file of exactly `lines` lines: one statement per line, a new study every 200 lines. */
export function generateStudy(lines: number): string {
  const out: string[] = [];
  for (let i = 0; out.length < lines; i++) {
    if (i % 200 === 0) out.push(`study s${i} {`);
    else if (i % 200 === 199 || out.length === lines - 1) out.push('}');
    else out.push(STATEMENTS[i % STATEMENTS.length](i));
  }
  return out.join('\n') + '\n';
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Median wall-clock and CPU milliseconds per parse. CPU time (this process only) is the figure to
 * compare when the machine is shared: wall time then also counts waiting for a core.
 */
function timeParse(parse: Parse, text: string, runs: number): { wall: number; cpu: number } {
  parse(text, 'warmup.gtv');
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const { diagnostics } = parse(text, 'bench.gtv');
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (diagnostics.length) throw new Error(`generated file has errors: ${diagnostics[0].message}`);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const sizes: [number, number][] = [
  [1_000, 15],
  [10_000, 7],
  [100_000, 3],
];

function report(label: string, parse: Parse): void {
  console.log(`${label}:`);
  // Steady state: the first parses run before V8 has optimized the parser (a fresh process parses
  // its first 1k lines several times slower), which would inflate the small file's per-line time.
  const warm = generateStudy(1_000);
  for (let i = 0; i < 20; i++) parse(warm, 'warmup.gtv');
  const rows = sizes.map(([lines, runs]) => {
    const { wall, cpu } = timeParse(parse, generateStudy(lines), runs);
    return { lines, runs, wall, cpu, usPerLine: (wall * 1000) / lines, cpuUsPerLine: (cpu * 1000) / lines };
  });
  for (const r of rows) {
    console.log(
      `${String(r.lines).padStart(7)} lines  wall ${r.wall.toFixed(1).padStart(8)} ms = ${r.usPerLine.toFixed(1).padStart(6)} us/line` +
        `  cpu ${r.cpu.toFixed(1).padStart(8)} ms = ${r.cpuUsPerLine.toFixed(1).padStart(6)} us/line  (median of ${r.runs})`,
    );
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  console.log(
    `per-line time 100k vs 1k: wall ${(last.usPerLine / first.usPerLine).toFixed(2)}x, cpu ${(last.cpuUsPerLine / first.cpuUsPerLine).toFixed(2)}x`,
  );
}

// CPU time is this process's own, but on a loaded machine it still grows (shared caches, cores).
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')} on this machine`,
);
report('source (tsx)', parseSource);
const dist = new URL('../dist/compiler/parse.js', import.meta.url);
if (existsSync(dist))
  report('dist/ (npm run build)', ((await import(dist.href)) as { parseSource: Parse }).parseSource);
else console.log('dist/ not built: run `npm run build` to measure it too');
