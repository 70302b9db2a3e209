// A source profile for `causa pull` (docs/pull.md): where the log store is, which table holds the
// evidence, which column is its time, which its tiebreak, which holds the raw record and in what evidence
// format, and which columns filter by namespace, user and cluster. Credentials are named here (an
// environment variable, a file), never held: the profile is recorded in the bundle's manifest as it is.
import { z } from 'zod';

/** A ClickHouse identifier as profiles may name it: no quoting needed, nothing to escape. */
export const Identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'a plain identifier (letters, digits and _, not starting with a digit)');

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

export const PullProfile = z
  .object({
    /** A label for reports. */
    name: z.string().min(1).max(200).optional(),
    /** The server's HTTP interface: http(s)://host:port, no path, no credentials in it. */
    url: z
      .string()
      .url()
      .refine((text) => {
        const url = new URL(text);
        return (
          (url.protocol === 'http:' || url.protocol === 'https:') &&
          url.username === '' &&
          url.password === '' &&
          (url.pathname === '/' || url.pathname === '') &&
          url.search === '' &&
          url.hash === ''
        );
      }, 'an http:// or https:// URL of the server, without credentials, path or query'),
    database: Identifier,
    table: Identifier,
    /** The time column: DateTime (seconds; the only kind ClickHouse 18 has) or DateTime64(precision). */
    time_column: Identifier,
    /** 0 for DateTime; 1–9 for DateTime64(precision) (servers from 20.1). */
    time_precision: z.number().int().min(0).max(9).default(0),
    /** A column that orders rows of the same instant (an audit ID, a span ID): pages resume after it. */
    tiebreak_column: Identifier,
    /** The column holding the raw record (a String): sealed byte for byte. */
    raw_column: Identifier,
    /** The evidence format of the raw column (k8s-audit, otlp-json, …), as `causa import --format` names it. */
    format: z.string().min(1).max(64),
    /** Optional columns to filter by (and to group the plan by). */
    columns: z
      .object({ namespace: Identifier.optional(), user: Identifier.optional(), cluster: Identifier.optional() })
      .strict()
      .default({}),
    /** Where the credentials come from: names only, never values. */
    credentials: z
      .object({
        user_env: EnvName.optional(),
        password_env: EnvName.optional(),
        /** A file holding `{"username": …, "password": …}`. */
        file: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();
export type PullProfile = z.infer<typeof PullProfile>;

export class ProfileError extends Error {}

/** Parses a profile's text (JSON); every problem names the field. */
export function parseProfile(text: string, source: string): PullProfile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProfileError(`${source}: not JSON (${(error as Error).message})`);
  }
  if (json !== null && typeof json === 'object' && 'password' in json) {
    throw new ProfileError(`${source}: a profile never holds a password; name an environment variable or a file under "credentials"`);
  }
  const parsed = PullProfile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ProfileError(`${source}: ${issue.path.join('.') || 'profile'}: ${issue.message}`);
  }
  return parsed.data;
}

/** The columns a pull reads, each with what the profile calls it (for the missing-column check). */
export function profileColumns(profile: PullProfile): { role: string; column: string }[] {
  const list = [
    { role: 'time_column', column: profile.time_column },
    { role: 'tiebreak_column', column: profile.tiebreak_column },
    { role: 'raw_column', column: profile.raw_column },
  ];
  for (const [role, column] of Object.entries(profile.columns)) if (column) list.push({ role: `columns.${role}`, column });
  return list;
}
