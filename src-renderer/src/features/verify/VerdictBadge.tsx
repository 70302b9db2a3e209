// Each record's verdict as a mark, and a sentence that says exactly what was checked to reach it.
import './verify.css';

const VERDICTS: Record<string, { mark: string; text: string }> = {
  intact: { mark: '✓', text: 'intact: this record matches its sealed hash, and the seal is signed by a key you trust' },
  untrusted: {
    mark: '◐',
    text: 'signed by a key you have not trusted: this record matches its sealed hash, but the key that signed the seal is not one you trust',
  },
  unsigned: {
    mark: '○',
    text: 'unsigned: this record matches its chain, but no signature covers the chain, so anyone could have recomputed it',
  },
  sealed_whole: {
    mark: '▣',
    text: 'sealed whole: read from a document whose bytes matched the bundle manifest’s SHA-256 when imported; the record itself has no hash of its own to re-check (see Verification for the signature)',
  },
  broken: { mark: '✗', text: 'broken: at or after the first record that differs from what was sealed' },
  unverifiable: { mark: '–', text: 'unverifiable: from a loose file, not sealed in a bundle, so there is nothing to check it against' },
};

export function verdictText(verdict: string): string {
  return VERDICTS[verdict]?.text ?? verdict;
}

export function VerdictBadge({ verdict, long = false }: { verdict: string; long?: boolean }) {
  const known = VERDICTS[verdict] ?? { mark: '?', text: verdict };
  return (
    <span className={`verdict-badge verdict-${verdict}`} title={known.text} data-testid="verdict-badge" data-verdict={verdict}>
      {long ? `${known.mark} ${known.text}` : known.mark}
    </span>
  );
}
