// bin/gtv.js, but loading the TypeScript sources (so the spawn tests need no build step).
import { main } from '../../cli/main.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
