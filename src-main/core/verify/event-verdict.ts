import type { RecordVerdict } from '../../shared/model';
import type { SourceVerdict } from './bundle';

/** The words a single record's verdict can take (shared/model.ts), shown on every timeline row and graph node. */
export type { RecordVerdict };

/** Who vouches for a bundle's seal: a trusted key, a key the analyst has not trusted, or nobody. */
export type Signer = 'trusted' | 'untrusted' | 'none';

/**
 * The verdict of one record, from the verdict of its source: a record before the first bad one still
 * matches its sealed leaf, which the Merkle root vouches for, so it is as good as an intact chain signed
 * by the same signer; the first bad record and every record after it are "broken" (a break can shift
 * everything after it); records of loose files, outside any bundle, are "unverifiable".
 */
export function recordVerdict(
  source: Pick<SourceVerdict, 'verdict' | 'first_bad_position'> | undefined,
  signer: Signer,
  position: number,
): RecordVerdict {
  if (!source) return 'unverifiable';
  if (source.verdict !== 'broken') return source.verdict;
  if (source.first_bad_position !== undefined && position < source.first_bad_position) {
    return signer === 'trusted' ? 'intact' : signer === 'untrusted' ? 'untrusted' : 'unsigned';
  }
  return 'broken';
}
