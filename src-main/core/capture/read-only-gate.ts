// The read-only rule every request to a cluster must pass (docs/design.md, security baseline): get, list and
// watch only, with one named exception — the two self-review POSTs, which persist nothing and are how a
// client learns who it is and what it may do. The rule is decided here, from the method, the path and
// the body, before any byte goes to the network.

export interface GateRequest {
  method: string;
  /** Path and query, as they will be sent ("/api/v1/pods?limit=500"). */
  path: string;
  body?: unknown;
}

export type GateDecision = { ok: true } | { ok: false; reason: string };

/** The only POSTs allowed: exact paths, and the body must be the review the path names. */
export const SELF_REVIEWS = {
  '/apis/authentication.k8s.io/v1/selfsubjectreviews': { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews': { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview' },
} as const;

/**
 * Subresources that a GET can open into something else: exec and attach run commands in a container over
 * a WebSocket upgrade of a GET, portforward opens a tunnel, proxy forwards the request to a workload
 * (whose GET handlers may do anything). None of them is reading the API's state.
 */
const CONNECT_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy']);

/**
 * The subresource a resource path names, if it is one of the connecting ones. Paths read
 * [api/v1 | apis/G/V] [namespaces/NS] RESOURCE NAME SUBRESOURCE…, so a namespace or an object that happens
 * to be called "exec" or "proxy" is not mistaken for one; the old top-level /api/v1/proxy/… is refused too.
 */
function connectSubresourceOf(segments: string[]): string | undefined {
  const prefix = segments[0] === 'api' ? 1 : segments[0] === 'apis' ? 2 : undefined;
  if (prefix === undefined) return undefined;
  let rest = segments.slice(prefix + 1);
  if (rest[0] === 'proxy') return 'proxy';
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  const sub = rest[2];
  return sub !== undefined && CONNECT_SUBRESOURCES.has(sub) ? sub : undefined;
}

function refuse(reason: string): GateDecision {
  return { ok: false, reason: `refused by Causa's read-only gate: ${reason}` };
}

function splitPath(path: string): { pathname: string; query: string } | undefined {
  if (!path.startsWith('/') || path.startsWith('//')) return undefined;
  const q = path.indexOf('?');
  return q === -1 ? { pathname: path, query: '' } : { pathname: path.slice(0, q), query: path.slice(q + 1) };
}

export function checkReadOnly(request: GateRequest): GateDecision {
  const method = request.method.toUpperCase();
  const parts = splitPath(request.path);
  if (!parts) return refuse(`${method} ${request.path}: not an absolute API path`);
  // Encoded or dot segments could make the server route the request somewhere the checks below did not see.
  if (/%|\\|#/.test(parts.pathname)) return refuse(`${method} ${parts.pathname}: escaped characters in the path`);
  const segments = parts.pathname.split('/').slice(1);
  if (segments.some((s) => s === '.' || s === '..' || s === '')) {
    if (parts.pathname !== '/') return refuse(`${method} ${parts.pathname}: empty or dot segments in the path`);
  }
  if (method === 'GET') {
    if (request.body !== undefined) return refuse(`GET ${parts.pathname} with a body`);
    const sub = connectSubresourceOf(segments);
    if (sub) return refuse(`GET ${parts.pathname}: the ${sub} subresource opens a connection into the workload, it does not read state`);
    return { ok: true };
  }
  if (method === 'POST') {
    const review = SELF_REVIEWS[parts.pathname as keyof typeof SELF_REVIEWS];
    if (!review) return refuse(`POST ${parts.pathname}: only SelfSubjectReview and SelfSubjectRulesReview may be posted`);
    if (parts.query !== '') return refuse(`POST ${parts.pathname}?${parts.query}: no query allowed on a self-review`);
    const body = request.body as { apiVersion?: unknown; kind?: unknown } | undefined;
    if (!body || body.apiVersion !== review.apiVersion || body.kind !== review.kind) {
      return refuse(`POST ${parts.pathname}: the body must be a ${review.kind} (${review.apiVersion})`);
    }
    return { ok: true };
  }
  return refuse(`${method} ${parts.pathname}: only GET (get, list, watch) reaches the cluster`);
}
