// The query language of the search box, `causa events --query`, the API and saved views (docs/query.md):
// one parser, pure; the store compiles its tree to SQL (store/query-sql.ts).
export { QuerySyntaxError } from './errors';
export { parseQuery, MAX_DEPTH, MAX_TERMS } from './parser';
export { parseQueryTime } from './time';
export { tokenize, type Token } from './lexer';
