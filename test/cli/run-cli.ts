// bin/gtv.js, but loading the TypeScript sources (so the spawn tests need no build step).
import { main } from '../../cli/main.js';

process.exitCode = await main(process.argv.slice(2));
