// Writes a resource listing as `kubectl get … -o json` prints it: a v1 List whose items carry their own
// kind and apiVersion, indented with four spaces (kubectl's JSON printer). Being indented, it is a document
// rather than a record stream, so a bundle hashes it whole.
export function writeListing(items: unknown[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`;
}
