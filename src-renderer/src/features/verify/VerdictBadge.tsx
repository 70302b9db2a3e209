const VERDICTS: Record<string, { mark: string; text: string }> = {
  intact: { mark: '✓', text: 'intact: matches the sealed, signed record' },
  unsigned: { mark: '○', text: 'unsigned: matches its chain, but no valid signature covers it' },
  broken: { mark: '✗', text: 'broken: at or after the first record that differs from what was sealed' },
  unverifiable: { mark: '–', text: 'unverifiable: from a loose file, not sealed in a bundle' },
};

export function VerdictBadge({ verdict, long = false }: { verdict: string; long?: boolean }) {
  const known = VERDICTS[verdict] ?? { mark: '?', text: verdict };
  return (
    <span className={`verdict-badge verdict-${verdict}`} title={known.text} data-testid="verdict-badge" data-verdict={verdict}>
      {long ? `${known.mark} ${known.text}` : known.mark}
    </span>
  );
}
