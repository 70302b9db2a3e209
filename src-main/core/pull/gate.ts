// The read-only gate every statement to the log store passes (docs/pull.md), as cluster capture's
// (core/capture/read-only-gate.ts): decided from the statement's text, before any byte goes to the
// network. Allowed: one SELECT, reading only the profile's table and the system.tables/system.columns
// look-ups (or nothing: SELECT version()). Refused: anything else — another statement kind, a second
// statement, comments, table functions or subqueries in FROM, INTO OUTFILE, a FORMAT or SETTINGS clause
// (the client chooses the format; readonly=1 is a request setting the statement must not touch).

export type StatementDecision = { ok: true } | { ok: false; reason: string };

/** Tables a statement may read, as "database.table". */
export const SYSTEM_LOOKUPS = ['system.tables', 'system.columns'] as const;

type Token = { kind: 'word' | 'quoted' | 'string' | 'number' | 'punct'; text: string };

class GateSyntaxError extends Error {}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (sql.startsWith('--', i) || sql.startsWith('/*', i) || ch === '#') throw new GateSyntaxError('a comment');
    if (ch === "'" || ch === '`' || ch === '"') {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= sql.length) throw new GateSyntaxError(`an unterminated ${ch === "'" ? 'string' : 'quoted name'}`);
        const c = sql[j]!;
        if (c === '\\') {
          text += sql.slice(j, j + 2);
          j += 2;
          continue;
        }
        if (c === ch) {
          if (sql[j + 1] === ch) {
            text += c;
            j += 2;
            continue;
          }
          break;
        }
        text += c;
        j += 1;
      }
      tokens.push({ kind: ch === "'" ? 'string' : 'quoted', text });
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i, i + 256));
    if (word) {
      tokens.push({ kind: 'word', text: word[0] });
      i += word[0].length;
      continue;
    }
    const number = /^[0-9][0-9A-Za-z_.]*/.exec(sql.slice(i, i + 64));
    if (number) {
      tokens.push({ kind: 'number', text: number[0] });
      i += number[0].length;
      continue;
    }
    tokens.push({ kind: 'punct', text: ch });
    i += 1;
  }
  return tokens;
}

/** Words that never appear in a statement Causa sends, wherever they stand (outside string literals). */
const FORBIDDEN_WORDS = new Set([
  'INSERT',
  'ALTER',
  'CREATE',
  'DROP',
  'TRUNCATE',
  'RENAME',
  'ATTACH',
  'DETACH',
  'OPTIMIZE',
  'KILL',
  'GRANT',
  'REVOKE',
  'SET',
  'USE',
  'EXCHANGE',
  'DELETE',
  'UPDATE',
  'CHECK',
  'BACKUP',
  'RESTORE',
  'UNDROP',
  'MOVE',
  'INTO',
  'OUTFILE',
  'FORMAT',
  'SETTINGS',
  'INFILE',
]);

function refuse(reason: string): StatementDecision {
  return { ok: false, reason: `refused by Causa's read-only gate: ${reason}` };
}

const isName = (token: Token | undefined): boolean => token !== undefined && (token.kind === 'word' || token.kind === 'quoted');

/**
 * Decides whether `sql` may be sent. `tables` are the "database.table" names it may read besides the
 * system look-ups; comparison is exact (ClickHouse names are case-sensitive).
 */
export function checkStatement(sql: string, tables: readonly string[]): StatementDecision {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch (error) {
    return refuse(`${(error as Error).message} in the statement`);
  }
  const first = tokens[0];
  if (!first || first.kind !== 'word' || first.text.toUpperCase() !== 'SELECT') {
    return refuse(`only SELECT is sent to the log store, not ${first ? `"${first.text}"` : 'an empty statement'}`);
  }
  const allowed = new Set([...tables, ...SYSTEM_LOOKUPS]);
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    if (token.kind === 'punct' && token.text === ';') return refuse('one statement at a time (";")');
    if (token.kind !== 'word') continue;
    const upper = token.text.toUpperCase();
    if (upper === 'SELECT' && i > 0) return refuse('a second SELECT (subqueries and UNION are never sent)');
    if (FORBIDDEN_WORDS.has(upper)) return refuse(`"${token.text}" in a statement`);
    if (upper === 'FROM' || upper === 'JOIN') {
      const name = tokens[i + 1];
      if (!isName(name)) return refuse(`${upper} must name a table, not "${name?.text ?? ''}"`);
      let target = name!.text;
      let next = i + 2;
      if (tokens[next]?.text === '.' && isName(tokens[next + 1])) {
        target = `${target}.${tokens[next + 1]!.text}`;
        next += 2;
      }
      if (tokens[next]?.text === '(') return refuse(`table function ${target}() in ${upper}`);
      if (!target.includes('.')) return refuse(`${upper} ${target}: name the database too`);
      if (!allowed.has(target)) return refuse(`${upper} ${target}: only the profile's table and ${SYSTEM_LOOKUPS.join(', ')} are read`);
      i = next - 1;
    }
  }
  return { ok: true };
}
