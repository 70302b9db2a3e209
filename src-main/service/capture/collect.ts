// Reading one type from the cluster: every page of its list (limit/continue), and for Events a watch that
// appends what arrives and survives expiry (410 Gone) by listing again.
import { readListPage, readWatchLine, type CapturedObject } from '../../core/capture/documents';
import { apiVersionOf, collectionPath, type ResourceType } from '../../core/capture/resources';
import { KubeRequestError, type ReadOnlyKubeClient } from './kube-client';

/** Large enough to keep the request count low, small enough that the server never has to buffer much. */
export const PAGE_SIZE = 500;

export interface Listed {
  objects: CapturedObject[];
  resourceVersion?: string;
  pages: number;
}

function what(type: ResourceType, namespace?: string): string {
  return `${type.name} (${apiVersionOf(type)})${type.namespaced && namespace ? ` in namespace ${namespace}` : ''}`;
}

/**
 * Every object of the type, page by page. A continue token can expire between pages (410 Gone); the list
 * then starts over once, since a snapshot stitched from two moments would not be one list.
 */
export async function listAll(
  client: ReadOnlyKubeClient,
  type: ResourceType,
  namespace: string | undefined,
  onPage?: (count: number) => void,
): Promise<Listed> {
  for (let attempt = 0; ; attempt += 1) {
    const objects: CapturedObject[] = [];
    let pages = 0;
    let token: string | undefined;
    let resourceVersion: string | undefined;
    try {
      do {
        const query = new URLSearchParams({ limit: String(PAGE_SIZE), ...(token ? { continue: token } : {}) });
        const body = await client.send({ method: 'GET', path: `${collectionPath(type, namespace)}?${query}` }, what(type, namespace));
        const page = readListPage(body, apiVersionOf(type), type.kind);
        objects.push(...page.objects);
        pages += 1;
        token = page.continueToken;
        resourceVersion ??= page.resourceVersion;
        onPage?.(objects.length);
      } while (token);
      return { objects, pages, ...(resourceVersion ? { resourceVersion } : {}) };
    } catch (error) {
      if (error instanceof KubeRequestError && error.kind === 'gone' && pages > 0 && attempt === 0) continue;
      throw error;
    }
  }
}

export interface WatchOutcome {
  arrived: number;
  relists: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * Watches the type from `resourceVersion` until `until` aborts (at the deadline, or on Ctrl+C), handing each new state of an object to
 * `append` (the same uid at the same resourceVersion only once). DELETED is the cluster dropping an old
 * Event, not something that happened, so it adds nothing.
 */
export async function watchAppend(
  client: ReadOnlyKubeClient,
  type: ResourceType,
  namespace: string | undefined,
  start: { resourceVersion?: string; seen: Set<string>; deadline: number },
  until: AbortSignal,
  append: (object: CapturedObject) => void,
): Promise<WatchOutcome> {
  const outcome: WatchOutcome = { arrived: 0, relists: 0 };
  const deliver = (object: CapturedObject) => {
    const key = object.uid && object.resourceVersion ? `${object.uid}@${object.resourceVersion}` : undefined;
    if (key && start.seen.has(key)) return;
    if (key) start.seen.add(key);
    outcome.arrived += 1;
    append(object);
  };
  let resourceVersion = start.resourceVersion;
  while (!until.aborted) {
    const query = new URLSearchParams({
      watch: '1',
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(Math.max(1, Math.ceil((start.deadline - Date.now()) / 1000))),
      ...(resourceVersion ? { resourceVersion } : {}),
    });
    const opened = Date.now();
    try {
      for await (const line of client.watchLines(`${collectionPath(type, namespace)}?${query}`, what(type, namespace), until)) {
        const event = readWatchLine(line);
        if (event.type === 'ERROR') {
          if (event.code === 410) throw new KubeRequestError('gone', `watch of ${what(type, namespace)} expired (410 Gone)`, 410);
          throw new KubeRequestError(
            'http',
            `watch of ${what(type, namespace)} failed: ${event.message ?? event.reason ?? 'ERROR'}`,
            event.code,
          );
        }
        if (event.type === 'BOOKMARK') {
          resourceVersion = event.resourceVersion ?? resourceVersion;
          continue;
        }
        resourceVersion = event.object.resourceVersion ?? resourceVersion;
        if (event.type !== 'DELETED') deliver(event.object);
      }
    } catch (error) {
      if (!(error instanceof KubeRequestError) || error.kind !== 'gone') throw error;
      // The version we watched from is older than the server keeps: list again, keep what is new, watch on.
      const listed = await listAll(client, type, namespace);
      for (const object of listed.objects) deliver(object);
      resourceVersion = listed.resourceVersion;
      outcome.relists += 1;
      continue;
    }
    // A watch the server closed at once would otherwise spin: wait a moment before opening the next.
    if (Date.now() - opened < 1000) await sleep(1000, until);
  }
  return outcome;
}
