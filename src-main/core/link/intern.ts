// One copy of each repeated string in a linked graph (issue 17): the graph of a million events names the
// same source, actors, authorization reasons and targets on thousands of nodes, and each node parsed from
// JSON text or read from a row holds its own copy (2.3 MB of string text in 86,000 strings, 0.27 MB of it
// unique, in the bench's graph at 1,000,000 events).

/** Replaces every string value under `value` (object fields and list items) by the copy `seen` holds, keeping the first one seen. */
export function internStrings(value: unknown, seen: Map<string, string>): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const item: unknown = value[i];
      if (typeof item === 'string') value[i] = canonical(item, seen);
      else if (typeof item === 'object' && item !== null) internStrings(item, seen);
    }
  } else if (typeof value === 'object' && value !== null) {
    const fields = value as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      const field = fields[key];
      if (typeof field === 'string') fields[key] = canonical(field, seen);
      else if (typeof field === 'object' && field !== null) internStrings(field, seen);
    }
  }
}

function canonical(text: string, seen: Map<string, string>): string {
  const kept = seen.get(text);
  if (kept !== undefined) return kept;
  seen.set(text, text);
  return text;
}
