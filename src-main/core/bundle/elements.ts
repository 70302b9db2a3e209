// The values of a JSON document that a bundle seals one by one (docs/bundle-format.md, "Documents"):
// selected by path patterns, in document order, each with its JSON path and its exact bytes. Sealing,
// verifying a bundle and excerpting a record all find them the same way.
import { formatJsonPath, JsonElementScanner, type PathPattern } from '../ingest/json-document';
import { elementLeafHash } from './hashing';

export interface SealedElement {
  locator: string;
  bytes: Buffer;
}

/** The selected values of a whole document, in order; throws (a JsonSyntaxError) when it does not parse. */
export function documentElements(content: Buffer, patterns: readonly PathPattern[]): SealedElement[] {
  const scanner = new JsonElementScanner(patterns);
  // Fed in slices, as a stream would be, so that no single call holds a second copy of a large document.
  const found = [];
  for (let at = 0; at < content.length; at += 1 << 20) found.push(...scanner.push(content.subarray(at, at + (1 << 20))));
  found.push(...scanner.end());
  return found.map((element) => ({ locator: formatJsonPath(element.path), bytes: element.bytes }));
}

export function elementLeaves(elements: readonly SealedElement[]): Buffer[] {
  return elements.map((element) => elementLeafHash(element.locator, element.bytes));
}

/**
 * The values of a record's stored context (`{"$.path":<bytes>,…}`, core/ingest/index.ts contextBytes),
 * each with its JSON path and its exact bytes, in order: the same values the document sealed.
 */
export function contextElements(context: Buffer): SealedElement[] {
  const scanner = new JsonElementScanner([['*']]);
  const found = [...scanner.push(context), ...scanner.end()];
  return found.map((element) => ({ locator: String(element.path[0]), bytes: element.bytes }));
}
