// A query the parser refuses: the reason, and the 1-based column of the query text where it went wrong,
// so the search box can point at it and the CLI can print a caret under it.
export class QuerySyntaxError extends Error {
  constructor(
    readonly column: number,
    readonly reason: string,
  ) {
    super(`column ${column}: ${reason}`);
    this.name = 'QuerySyntaxError';
  }
}
