// What the full-text index reads of a raw record (migration 0026). Words there are runs of letters and
// digits, so an escape glues the word after it to its own letters: `app%3Dapi-service` in a request URI
// holds the word `3dapi`, and `\napi` in a JSON string the word `napi`. A search for `api-service` must find
// both, so a record with escapes is indexed twice over: as written, and with every escape read as a
// separator. The index keeps no positions, so the words the two share cost nothing more.

/** A percent-encoded byte, or a JSON string escape that is written with letters. */
const ESCAPE = /%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\[nrtbf]/g;

export function searchableText(raw: string): string {
  ESCAPE.lastIndex = 0;
  if (!ESCAPE.test(raw)) return raw;
  return `${raw}\n${raw.replace(ESCAPE, ' ')}`;
}
