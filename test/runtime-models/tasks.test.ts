// The worker pool's task table (runtime/tasks.ts): a worker finds a job's task there by kind, so a
// task missing from it would make every worker fail and its caller run all tasks alone.
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TASK_LIST, TASKS } from '../../runtime/tasks.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('runtime/tasks.ts: the pool task table', () => {
  it('holds each kind once, each under its own kind', () => {
    const kinds = TASK_LIST.map((t) => t.kind);
    expect(new Set(kinds).size, kinds.join(', ')).to.equal(kinds.length);
    for (const t of TASK_LIST) expect(TASKS.get(t.kind)).to.equal(t);
  });

  it('lists every task the runtime defines (every exported `const x: Task<...>`)', async () => {
    const defined: unknown[] = [];
    for (const file of sources('runtime')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/^export const (\w+): Task</gm)) {
        const mod = (await import(pathToFileURL(join(process.cwd(), file)).href)) as Record<string, unknown>;
        defined.push(mod[m[1]]);
      }
    }
    expect(defined.length).to.be.greaterThan(3);
    for (const t of defined) expect(TASK_LIST, (t as { kind: string }).kind).to.include(t);
  });
});
