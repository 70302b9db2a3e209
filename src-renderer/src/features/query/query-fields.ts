// The query language's fields from the API, fetched once per page for the box's autocomplete.
import { api } from '../../api';
import type { FieldInfo } from './autocomplete';

let fields: Promise<FieldInfo[]> | undefined;

export function loadQueryFields(): Promise<FieldInfo[]> {
  fields ??= api.queryFields({}).then((result) => (result.ok ? result.value : []));
  return fields;
}
