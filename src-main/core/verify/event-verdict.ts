import type { RecordVerdict } from '../../shared/model';
import type { SourceVerdict } from './bundle';

/** The words a single record's verdict can take (shared/model.ts), shown on every timeline row and graph node. */
export type { RecordVerdict };

/**
 * The verdict of one record, from the verdict of its source: a record before the first bad one still
 * matches its sealed leaf, which the signed Merkle root vouches for, so it is as good as an intact chain;
 * the first bad record and every record after it are "broken" (a break can shift everything after it);
 * records of loose files, outside any bundle, are "unverifiable".
 */
export function recordVerdict(
  source: Pick<SourceVerdict, 'verdict' | 'first_bad_position'> | undefined,
  signed: boolean,
  position: number,
): RecordVerdict {
  if (!source) return 'unverifiable';
  if (source.verdict !== 'broken') return source.verdict;
  if (source.first_bad_position !== undefined && position < source.first_bad_position) return signed ? 'intact' : 'unsigned';
  return 'broken';
}
