// plan.json: how a study's cells are split into slices that run as separate processes
// (`gtv run --jobs N`) or Slurm array tasks (`gtv run --emit slurm`), and everything
// `gtv collect` needs to assemble the run folder from the cache afterwards. Paths are absolute
// because slices run from other working directories and on other machines.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from './atomic.js';
import type { PreparedStudy } from './run.js';
import { formatSlice, sliceOf } from './slices.js';
import { gtvVersion } from './version.js';

export const PLAN_FILE = 'plan.json';
/** Each slice's run folder is slices/<i>/ under the plan's run folder. */
export const SLICES_DIR = 'slices';

export interface Plan {
  plan_version: 1;
  gtv_version: string;
  /** Absolute path of the .gtv file. */
  study_file: string;
  study: string;
  /** sha256 of the compiled IR before --scale, as in the manifest; collect refuses a changed study. */
  study_hash: string;
  scale: number;
  /** The backend resolved when planning: every slice and the collect step use it, since the
   * cache keys include it. */
  backend: string;
  /** Absolute path of the result cache the slices fill and collect reads. */
  cache: string;
  fresh: boolean;
  slices: number;
  cells: number;
  created: string;
}

export function makePlan(prep: PreparedStudy, file: string, cacheDir: string, slices: number, fresh: boolean): Plan {
  return {
    plan_version: 1,
    gtv_version: gtvVersion(),
    study_file: path.resolve(file),
    study: prep.doc.study,
    study_hash: prep.studyHash,
    scale: prep.scale,
    backend: prep.backend,
    cache: path.resolve(cacheDir),
    fresh,
    slices,
    cells: prep.doc.cells.length,
    created: new Date().toISOString(),
  };
}

export function writePlan(runDir: string, plan: Plan): void {
  writeJsonAtomic(path.join(runDir, PLAN_FILE), plan);
}

/** The plan in `runDir`; throws a user-facing message when there is none or it is unreadable. */
export function readPlan(runDir: string): Plan {
  const file = path.join(runDir, PLAN_FILE);
  if (!fs.existsSync(file))
    throw new Error(`${runDir} has no ${PLAN_FILE} (written by \`gtv run --jobs N\` or \`gtv run --emit slurm\`)`);
  let plan: Plan;
  try {
    plan = JSON.parse(fs.readFileSync(file, 'utf8')) as Plan;
  } catch (err) {
    throw new Error(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (plan.plan_version !== 1 || typeof plan.study_file !== 'string' || !(plan.slices >= 1))
    throw new Error(`${file} is not a gtv plan (plan_version 1)`);
  return plan;
}

export function sliceDir(runDir: string, index: number): string {
  return path.join(path.resolve(runDir), SLICES_DIR, String(index));
}

/**
 * The `gtv` arguments that compute slice `index` of the plan into slices/<index>/. `index` is a
 * string so the Slurm script can pass "${SLURM_ARRAY_TASK_ID}" through unexpanded.
 */
export function sliceArgs(plan: Plan, runDir: string, index: string): string[] {
  return [
    'run',
    plan.study_file,
    '--study',
    plan.study,
    '--cells',
    `${index}/${plan.slices}`,
    '--scale',
    String(plan.scale),
    '--backend',
    plan.backend,
    '--cache',
    plan.cache,
    '--out',
    path.join(path.resolve(runDir), SLICES_DIR, index),
    ...(plan.fresh ? ['--fresh'] : []),
  ];
}

/** "cell (--cells i/n)" for each missing cell, so the user knows which slice to rerun. */
export function describeMissing(missing: { id: string; index: number }[], plan: Plan): string[] {
  return missing.map(
    (m) => `${m.id} (--cells ${formatSlice({ index: sliceOf(m.index, plan.slices), count: plan.slices })})`,
  );
}
