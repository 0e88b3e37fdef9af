// What touching fresh memory costs on this machine, against touching the same memory again: a
// 400 MB Float64Array filled twice, three times (bench/README.md "Whole studies": on these
// machines the first fill pays a page fault per 4 KiB page, which is why ensembles keep only the
// samples their results write and member loops reuse their state arrays).
// Run: npx tsx bench/first-touch.ts [MB]

const mb = Number(process.argv[2] ?? 400);
const pages = (mb * 1e6) / 4096;
for (let r = 0; r < 3; r++) {
  const a = new Float64Array((mb * 1e6) / 8);
  const t0 = performance.now();
  a.fill(1);
  const t1 = performance.now();
  a.fill(2);
  const t2 = performance.now();
  console.log(
    `${mb} MB: first fill ${(t1 - t0).toFixed(0)} ms (${(((t1 - t0) * 1000) / pages).toFixed(2)} us per 4 KiB page), ` +
      `second fill ${(t2 - t1).toFixed(0)} ms (${(((t2 - t1) * 1000) / pages).toFixed(3)} us per page)`,
  );
}
