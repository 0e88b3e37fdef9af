// normals() (runtime/rng.ts) with the WebAssembly Box-Muller (runtime/random/box-muller.wat)
// against its JS loop (Math.log, Math.cos, Math.sin), the same draws: interleaved repeats of 2e5
// normals into one array, one thread; ns per normal (uniforms included) and the ratio (median of
// the repeats).
// Both give the same bits (test/runtime/box-muller.test.ts). With --busy, a second process draws
// normals all the while, as a run's two threads share this machine's core.
// Run: npx tsx bench/normals.ts [--repeat R] [--busy]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { normalsInto } from '../runtime/rng.js';
import { setBoxMullerSimd } from '../runtime/random/box-muller.js';

const argv = process.argv.slice(2);
const at = argv.indexOf('--repeat');
const repeat = at >= 0 ? Number(argv[at + 1]) : 15;
const N = 200_000;
const out = new Float64Array(N);

function nsPerNormal(simd: boolean, seed: number): number {
  setBoxMullerSimd(simd);
  const t0 = process.hrtime.bigint();
  normalsInto(seed, out);
  return Number(process.hrtime.bigint() - t0) / N;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
if (argv.includes('--child')) {
  console.log('ready');
  for (let r = 0; ; r++) nsPerNormal(r % 2 === 0, r);
}
const busy = argv.includes('--busy')
  ? spawn(process.execPath, ['--import', 'tsx/esm', fileURLToPath(import.meta.url), '--child'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    })
  : null;
if (busy) await new Promise((resolve) => busy.stdout!.once('data', resolve));
for (let w = 0; w < 3; w++) {
  nsPerNormal(true, w);
  nsPerNormal(false, w);
}
const wasm: number[] = [];
const js: number[] = [];
for (let r = 0; r < repeat; r++) {
  wasm.push(nsPerNormal(true, 100 + r));
  js.push(nsPerNormal(false, 100 + r));
}
busy?.kill();
const [w, j] = [median(wasm), median(js)];
console.log(
  `normals, ${busy ? 'both cores busy' : 'one thread'}, median of ${repeat}: WebAssembly ${w.toFixed(1)} ns, JS ${j.toFixed(1)} ns per normal (uniforms included); JS / WebAssembly ${(j / w).toFixed(2)}`,
);
