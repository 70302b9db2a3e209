// How the page takes web mode's token: from the URL's fragment only (never the query, which reaches the
// server and its logs), out of the address bar at once, and kept for a reload of the same tab.
import { describe, expect, it } from 'vitest';
import { pageToken } from '../../../src-renderer/src/page-token';

function browser(hash: string, search = '') {
  const stored = new Map<string, string>();
  const replaced: string[] = [];
  return {
    location: { hash, search, pathname: '/' },
    history: { replaceState: (_data: unknown, _unused: string, url?: string | URL | null) => void replaced.push(String(url)) },
    storage: { getItem: (key: string) => stored.get(key) ?? null, setItem: (key: string, value: string) => void stored.set(key, value) },
    stored,
    replaced,
  };
}

describe('pageToken', () => {
  it('takes the token from the fragment and removes it from the address bar', () => {
    const b = browser('#token=abc_DEF-123');
    expect(pageToken(b.location, b.history, b.storage)).toBe('abc_DEF-123');
    expect(b.replaced).toEqual(['/']);
  });

  it('keeps the rest of the fragment and the query', () => {
    const b = browser('#token=t0k&view=graph', '?x=1');
    expect(pageToken(b.location, b.history, b.storage)).toBe('t0k');
    expect(b.replaced).toEqual(['/?x=1#view=graph']);
  });

  it('ignores a token in the query string', () => {
    const b = browser('', '?token=from-query');
    expect(pageToken(b.location, b.history, b.storage)).toBe('');
    expect(b.replaced).toEqual([]);
  });

  it('finds the token again after a reload of the same tab', () => {
    const b = browser('#token=first');
    pageToken(b.location, b.history, b.storage);
    b.location.hash = '';
    expect(pageToken(b.location, b.history, b.storage)).toBe('first');
  });

  it('lets a newly printed URL replace the token of an earlier start', () => {
    const b = browser('#token=old');
    pageToken(b.location, b.history, b.storage);
    b.location.hash = '#token=new';
    expect(pageToken(b.location, b.history, b.storage)).toBe('new');
  });
});
