// A `gtv run` of the fake gap study in its own process, for the concurrency tests: prints the
// outcome as one JSON line (or what runStudy threw). Arguments: STUDY_FILE OUT CACHE.
import { createReporter } from '../../study/progress.js';
import { runStudy } from '../../study/run.js';
import { FakeExecutor, fakeDeps, gapStudy } from '../study/fixtures.js';

const [file, out, cacheDir] = process.argv.slice(2);
runStudy(
  { file, out, cacheDir, reporter: createReporter({ quiet: true }) },
  fakeDeps(gapStudy(), new FakeExecutor()),
).then(
  (o) =>
    console.log(
      JSON.stringify({ status: o.status, message: 'message' in o ? o.message : 'error' in o ? o.error : null }),
    ),
  (err: unknown) => console.log(JSON.stringify({ status: 'threw', message: String(err) })),
);
