// Who the analyst is: the name every journal entry is signed with. Set once by the analyst (the
// workbench's name control or `causa whoami --set`) and kept in the user's Causa folder beside the trust
// store ($CAUSA_HOME, else ~/.config/causa), not in a case: it follows the person from case to case. A
// run can name someone else with CAUSA_ANALYST (scripts, shared accounts); with neither, the account
// running Causa, as before.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { AnalystName, type AnalystInfo } from '../shared/contract';
import { ServiceError } from '../shared/errors';

const AnalystFile = z.object({ version: z.literal(1), name: AnalystName });

export function analystSettingsPath(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.CAUSA_HOME ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'causa');
  return join(home, 'analyst.json');
}

/** The name set with setAnalystName, or undefined when none was; a damaged file is an error naming it. */
export function readAnalystSetting(path = analystSettingsPath()): string | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return AnalystFile.parse(JSON.parse(readFileSync(path, 'utf8'))).name;
  } catch (error) {
    throw new ServiceError('io', `${path}: not a Causa analyst setting (${(error as Error).message.split('\n')[0]})`);
  }
}

function accountName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'analyst';
  }
}

/** Who the journal says did it, and where that name comes from. */
export function currentAnalyst(env: NodeJS.ProcessEnv = process.env): AnalystInfo {
  if (env.CAUSA_ANALYST) return { name: env.CAUSA_ANALYST, source: 'environment' };
  const set = readAnalystSetting(analystSettingsPath(env));
  if (set !== undefined) return { name: set, source: 'setting', path: analystSettingsPath(env) };
  return { name: accountName(), source: 'account' };
}

/** The name journal entries are signed with (see currentAnalyst). */
export function analystName(): string {
  return currentAnalyst().name;
}

/** Keeps `name` as the analyst's name (trimmed; refused when empty, too long or with control characters). */
export function setAnalystName(name: string, env: NodeJS.ProcessEnv = process.env): AnalystInfo {
  const parsed = AnalystName.safeParse(name);
  if (!parsed.success)
    throw new ServiceError('invalid_input', `analyst name ${JSON.stringify(name)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const path = analystSettingsPath(env);
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.partial`;
  writeFileSync(temporary, `${JSON.stringify({ version: 1, name: parsed.data }, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
  return currentAnalyst(env);
}
