// The workbench's "Pull from log store…" (docs/pull.md, "In the workbench"): the page names a profile
// file, a window and filters; the main side reads the profile (and, at run time, the credentials it
// names), plans or pulls, writes the bundle beside the case file and imports it into the case. Nothing
// the page sends chooses where anything is written, and no credential passes through the page.
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseProfile, ProfileError } from '../../core/pull/profile';
import type {
  ImportReport,
  PullPlanSummary,
  PullProfileInfo,
  PullProgressInfo,
  PullSummary,
  PullWindowRequest,
} from '../../shared/contract';
import { ServiceError } from '../../shared/errors';
import { planPull, pullToBundle, type PullTarget } from './run-pull';

/** The pull running now: one at a time per workbench. */
export class PullMonitor {
  private progress: PullProgressInfo = { active: false, rows: 0 };
  private controller: AbortController | undefined;

  snapshot(): PullProgressInfo {
    return { ...this.progress };
  }

  start(): AbortSignal {
    if (this.progress.active) throw new ServiceError('busy', 'a pull is already running: wait for it, or cancel it');
    this.controller = new AbortController();
    this.progress = { active: true, phase: 'connecting', rows: 0 };
    return this.controller.signal;
  }

  update(progress: Omit<PullProgressInfo, 'active'>): void {
    if (this.progress.active) this.progress = { active: true, ...progress };
  }

  /** Aborts the pull; false when none runs or it is past pulling (the import has its own cancel). */
  cancel(): boolean {
    if (!this.progress.active || !this.controller || this.progress.phase === 'importing') return false;
    this.controller.abort();
    return true;
  }

  finish(): void {
    this.progress = { active: false, rows: this.progress.rows };
    this.controller = undefined;
  }
}

export async function describeProfile(path: string): Promise<PullProfileInfo> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ServiceError('io', `${path}: cannot read the profile (${(error as Error).message})`);
  }
  let profile;
  try {
    profile = parseProfile(text, path);
  } catch (error) {
    if (error instanceof ProfileError) throw new ServiceError('invalid_input', error.message);
    throw error;
  }
  const { credentials } = profile;
  const from = [
    ...(credentials.file ? [`file ${credentials.file}`] : []),
    ...(credentials.user_env ? [`user from $${credentials.user_env}`] : []),
    ...(credentials.password_env ? [`password from $${credentials.password_env}`] : []),
  ];
  return {
    path,
    ...(profile.name ? { name: profile.name } : {}),
    url: profile.url,
    table: `${profile.database}.${profile.table}`,
    format: profile.format,
    time_column: profile.time_column,
    tiebreak_column: profile.tiebreak_column,
    filters: (['namespace', 'user', 'cluster'] as const).filter((role) => profile.columns[role] !== undefined),
    credentials: from.length > 0 ? from.join(', ') : 'user default, no password',
  };
}

function targetOf(input: PullWindowRequest): PullTarget {
  const filters = {
    ...(input.namespace !== undefined ? { namespace: input.namespace } : {}),
    ...(input.user !== undefined ? { user: input.user } : {}),
    ...(input.cluster !== undefined ? { cluster: input.cluster } : {}),
  };
  return { profile: input.profile, from: input.from, to: input.to, filters };
}

export async function planForCase(input: PullWindowRequest): Promise<PullPlanSummary> {
  const plan = await planPull(targetOf(input));
  return { ...plan, statements: [...plan.statements] };
}

/** A new folder beside the case: `<case dir>/pulls/<table>-<time>[-n]`. */
function bundlePathFor(casePath: string, table: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '').replace(/Z$/, 'Z');
  const base = join(dirname(casePath), 'pulls', `${basename(table).replace(/[^A-Za-z0-9_.-]/g, '_')}-${stamp}`);
  let out = base;
  for (let n = 2; existsSync(out); n += 1) out = `${base}-${n}`;
  return out;
}

export async function pullIntoCase(
  casePath: string,
  input: PullWindowRequest,
  monitor: PullMonitor,
  importInto: (out: string) => Promise<ImportReport>,
): Promise<PullSummary> {
  const info = await describeProfile(input.profile);
  const signal = monitor.start();
  try {
    const out = bundlePathFor(casePath, info.table, new Date());
    await mkdir(dirname(out), { recursive: true });
    const result = await pullToBundle({
      ...targetOf(input),
      out,
      signal,
      onProgress: (p) =>
        monitor.update({ phase: p.phase, rows: p.rows, ...(p.server_rows !== undefined ? { server_rows: p.server_rows } : {}) }),
    });
    let imported: ImportReport | undefined;
    if (result.complete) {
      monitor.update({ phase: 'importing', rows: result.rows, server_rows: result.server_rows });
      imported = await importInto(out);
    }
    return {
      out,
      complete: result.complete,
      cancelled: signal.aborted,
      rows: result.rows,
      server_rows: result.server_rows,
      ...(result.failed ? { failed: result.failed } : {}),
      warnings: result.warnings,
      statements: result.statements.length,
      ...(imported ? { imported } : {}),
    };
  } finally {
    monitor.finish();
  }
}
