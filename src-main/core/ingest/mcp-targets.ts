// The Kubernetes object an MCP tool call is about, read from its arguments, in the one spelling of targets
// (k8s-kinds.ts) so a tool call joins the audit events it caused. Tool shapes covered: the
// containers/kubernetes-mcp-server tools (`resources_get|list|delete|scale` with apiVersion/kind/name/
// namespace, `resources_create_or_update` with a `resource` manifest, `pods_*`, `nodes_*`, `events_list`,
// `namespaces_list`) and strowk/mcp-k8s-go's (`get-k8s-resource` with kind/group/version, `k8s-pod-exec`
// with `pod`, `apply-k8s-resource` with a `manifest`). Other tools that name `kind`/`name`/`namespace`
// are read the same way.
import type { Target } from '../../shared/model';
import { compact, isObject, str } from './format';
import { kindOfResource, resourceOfKind } from './k8s-kinds';

/** `deployment` (as mcp-k8s-go's tools take it) → Deployment, so the group is known without an apiVersion. */
function resourceOf(kind: string, apiVersion: string | undefined): { api_group?: string; resource: string } {
  const spelled = resourceOfKind(kind, apiVersion);
  if (apiVersion !== undefined) return spelled;
  const canonical = kindOfResource(spelled.resource);
  return canonical ? resourceOfKind(canonical) : spelled;
}

function apiVersionOf(args: Record<string, unknown>): string | undefined {
  const apiVersion = str(args.apiVersion) ?? str(args.api_version);
  if (apiVersion) return apiVersion;
  const group = typeof args.group === 'string' ? args.group : undefined;
  const version = str(args.version);
  if (group === undefined) return undefined;
  return group === '' ? (version ?? 'v1') : `${group}/${version ?? 'v1'}`;
}

/** The first object of a YAML or JSON manifest: just the fields a target needs, without a YAML parser. */
export function manifestTarget(manifest: string): Target | undefined {
  const trimmed = manifest.trimStart();
  let kind: string | undefined;
  let apiVersion: string | undefined;
  let name: string | undefined;
  let namespace: string | undefined;
  if (trimmed.startsWith('{')) {
    try {
      const object: unknown = JSON.parse(trimmed);
      if (!isObject(object)) return undefined;
      kind = str(object.kind);
      apiVersion = str(object.apiVersion);
      const metadata = isObject(object.metadata) ? object.metadata : {};
      name = str(metadata.name);
      namespace = str(metadata.namespace);
    } catch {
      return undefined;
    }
  } else {
    // Only the first document of a multi-document stream, and only top-level kind/apiVersion and the
    // direct children of metadata: enough to name the object, never a full YAML reading.
    const first = manifest.split(/^---\s*$/m).find((doc) => doc.trim() !== '') ?? '';
    let inMetadata = false;
    for (const line of first.split('\n')) {
      const top = /^([A-Za-z]+):\s*(.*?)\s*$/.exec(line);
      if (top) {
        inMetadata = top[1] === 'metadata';
        if (top[1] === 'kind') kind = unquote(top[2]!);
        if (top[1] === 'apiVersion') apiVersion = unquote(top[2]!);
        continue;
      }
      const child = inMetadata ? /^ {2}([A-Za-z]+):\s*(.*?)\s*$/.exec(line) : null;
      if (child?.[1] === 'name') name = unquote(child[2]!);
      if (child?.[1] === 'namespace') namespace = unquote(child[2]!);
    }
  }
  if (!kind) return undefined;
  return compact<Target>({ ...resourceOf(kind, apiVersion), namespace, name });
}

function unquote(value: string): string | undefined {
  const bare = value.replace(/^(["'])(.*)\1$/, '$2');
  return bare === '' ? undefined : bare;
}

/** Pods tools act on a subresource for exec and logs, which the audit log writes `pods/exec`, `pods/log`. */
function podResource(tool: string): string {
  if (/exec/.test(tool)) return 'pods/exec';
  if (/log/.test(tool)) return 'pods/log';
  return 'pods';
}

/** The target a tool call names, or undefined when its arguments name no Kubernetes object. */
export function toolTarget(tool: string, args: unknown): Target | undefined {
  if (!isObject(args)) return undefined;
  const manifest = str(args.resource) ?? str(args.manifest) ?? str(args.yaml);
  if (manifest) {
    const fromManifest = manifestTarget(manifest);
    if (fromManifest) return fromManifest;
  }
  const namespace = str(args.namespace);
  const kind = str(args.kind);
  if (kind) return compact<Target>({ ...resourceOf(kind, apiVersionOf(args)), namespace, name: str(args.name) });
  const lower = tool.toLowerCase();
  if (/(^|[-_])pods?([-_]|$)/.test(lower)) {
    return compact<Target>({ resource: podResource(lower), namespace, name: str(args.pod) ?? str(args.name) });
  }
  if (/(^|[-_])nodes?([-_]|$)/.test(lower)) return compact<Target>({ resource: 'nodes', name: str(args.name) });
  if (/(^|[-_])events?([-_]|$)/.test(lower)) return compact<Target>({ resource: 'events', namespace });
  if (/(^|[-_])namespaces?([-_]|$)/.test(lower)) return compact<Target>({ resource: 'namespaces', name: str(args.name) });
  return undefined;
}
