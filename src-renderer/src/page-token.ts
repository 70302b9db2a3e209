// Web mode's access token, as the page receives it (docs/architecture.md, "One contract, two transports").
const TOKEN_KEY = 'causa-token';

/**
 * The token `causa serve` printed in the URL's fragment (`#token=…`): the browser sends a fragment to no
 * server, so only this page sees it. It is taken out of the address bar at once and kept in memory, and
 * in this tab's sessionStorage so that a reload still works: storage belongs to this origin (scheme, host
 * and port), so no other local server's page can read it, unlike a cookie, which every port is sent.
 */
export function pageToken(
  location: Pick<Location, 'hash' | 'pathname' | 'search'>,
  history: Pick<History, 'replaceState'>,
  storage: Pick<Storage, 'getItem' | 'setItem'>,
): string {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromUrl = params.get('token');
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    return fromUrl;
  }
  return storage.getItem(TOKEN_KEY) ?? '';
}
