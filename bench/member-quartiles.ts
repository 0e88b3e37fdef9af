// The quartile band across members (runtime/samplers/members.ts memberQuartiles) against sorting
// each bin's whole column (the form it replaced), on a member_density.npy of a run (e.g. Figure 3's
// cells/degrees=22.5/wave_theory.member_density.npy, 100 members x 200 x 200 bins) or, without
// one, on 100 members x 40 000 bins of which each member fills about 40%. Same process,
// interleaved, the results checked equal.
// Run: npx tsx bench/member-quartiles.ts [member_density.npy] [repeats]
import * as fs from 'node:fs';
import { uniforms } from '../runtime/rng.js';
import { memberQuartiles, quantile } from '../runtime/samplers/members.js';
import { decodeNpy } from '../study/npy.js';

const file = process.argv[2];
const repeats = Number(process.argv[3] ?? 5);
let md: Float64Array;
let K: number;
if (file) {
  const a = decodeNpy(fs.readFileSync(file));
  K = a.shape[0];
  md = Float64Array.from(a.data);
} else {
  K = 100;
  const u = uniforms(1, K * 40_000);
  md = u.map((v) => (v < 0.6 ? 0 : Math.round(v * 30) / 7));
}
const B = md.length / K;

function wholeSort(): Float64Array[] {
  const q25 = new Float64Array(B);
  const q75 = new Float64Array(B);
  const col = new Float64Array(K);
  for (let b = 0; b < B; b++) {
    for (let m = 0; m < K; m++) col[m] = md[m * B + b];
    col.sort();
    q25[b] = quantile(col, 0.25);
    q75[b] = quantile(col, 0.75);
  }
  return [q25, q75];
}

console.log(`${K} members x ${B} bins${file ? ` (${file})` : ''}`);
for (let r = 0; r < repeats; r++) {
  let t = performance.now();
  const plain = wholeSort();
  const tPlain = performance.now() - t;
  t = performance.now();
  const fast = memberQuartiles(md, K, B);
  const tFast = performance.now() - t;
  for (let b = 0; b < B; b++)
    if (!Object.is(fast.q25[b], plain[0][b]) || !Object.is(fast.q75[b], plain[1][b]))
      throw new Error(`bin ${b} differs`);
  console.log(
    `whole sort ${tPlain.toFixed(0)} ms, memberQuartiles ${tFast.toFixed(0)} ms, ratio ${(tPlain / tFast).toFixed(2)}`,
  );
}
