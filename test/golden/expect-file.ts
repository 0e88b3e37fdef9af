// Golden-file comparison shared by the golden and snapshot tests: compare with the committed
// file, or rewrite it when UPDATE_GOLDEN=1 (then review the diff with git).
import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const UPDATING = process.env.UPDATE_GOLDEN === '1';

export function expectFile(path: string, actual: string): void {
  if (UPDATING) {
    writeFileSync(path, actual);
    return;
  }
  expect(existsSync(path), `${path} is missing: run UPDATE_GOLDEN=1 npm test`).to.equal(true);
  const expected = readFileSync(path, 'utf8');
  // Comparing strings (not booleans) so mocha prints the line diff on a mismatch.
  expect(actual, `${path} differs (UPDATE_GOLDEN=1 npm test rewrites it)`).to.equal(expected);
}
