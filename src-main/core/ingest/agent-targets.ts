// Which Kubernetes object an agent's tool call is about, read from its arguments, so a tool call joins
// the audit events and workload events of the same object. Arguments name objects in three ways: fields
// (`{kind, name, namespace}` as Kubernetes MCP servers take them), a manifest (`{apiVersion, kind,
// metadata}`), or a shell command (`{command: "kubectl describe pod web-1 -n prod"}`). Only what the
// arguments say is used; nothing is guessed from free text beyond a kubectl command line.
import type { Target } from '../../shared/model';
import { compact, isObject, str } from './format';
import { resourceOfKind } from './k8s-kinds';
import { parseMaybeJson } from './agent-messages';

/** kubectl's short names (`kubectl api-resources`), to the audit log's resource. */
const SHORT_NAMES: Record<string, string> = {
  po: 'pods',
  svc: 'services',
  cm: 'configmaps',
  ns: 'namespaces',
  no: 'nodes',
  sa: 'serviceaccounts',
  ev: 'events',
  ep: 'endpoints',
  pvc: 'persistentvolumeclaims',
  pv: 'persistentvolumes',
  deploy: 'deployments',
  rs: 'replicasets',
  sts: 'statefulsets',
  ds: 'daemonsets',
  cj: 'cronjobs',
  hpa: 'horizontalpodautoscalers',
  pdb: 'poddisruptionbudgets',
  ing: 'ingresses',
  netpol: 'networkpolicies',
};

/** `pod`, `pods`, `po`, `deployment.apps`, `Deployment` → the audit spelling with its group. */
export function resourceOfName(word: string): { api_group?: string; resource: string } {
  const [name, group] = word.split(/\.(.*)/s) as [string, string | undefined];
  const lower = name.toLowerCase();
  const plural = SHORT_NAMES[lower] ?? resourceOfKind(lower).resource;
  // Looking the plural up again finds the group of a known resource (`deployments` → apps).
  const known = resourceOfKind(plural);
  return group ? { api_group: group, resource: known.resource } : known;
}

/** Verbs whose next words are `<resource> [<name>]`; other verbs (logs, exec, top) are handled below. */
const RESOURCE_VERBS = new Set([
  'get',
  'describe',
  'delete',
  'edit',
  'patch',
  'label',
  'annotate',
  'scale',
  'rollout',
  'set',
  'expose',
  'autoscale',
  'cordon',
  'uncordon',
  'drain',
  'taint',
]);
/** Flags that take a value, so their value is not read as a resource or name. */
const VALUE_FLAGS = new Set([
  '-n',
  '--namespace',
  '-l',
  '--selector',
  '-o',
  '--output',
  '-c',
  '--container',
  '--context',
  '--tail',
  '--since',
  '-f',
  '--filename',
  '--replicas',
  '--field-selector',
  '--sort-by',
  '--kubeconfig',
  '--cluster',
  '--user',
]);

function splitWords(command: string): string[] {
  const words: string[] = [];
  for (const match of command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) words.push(match[1] ?? match[2] ?? match[3]!);
  return words;
}

/**
 * The object a kubectl command line names: `kubectl <verb> <resource>[/<name>] [<name>] [-n <ns>]`,
 * read up to the first pipe or `;` (what follows is another program). Undefined when the command is not
 * kubectl or names no resource.
 */
export function targetOfKubectl(command: string): Target | undefined {
  const first = command.split(/\||;|&&/)[0]!;
  const words = splitWords(first);
  const at = words.findIndex((word) => word === 'kubectl' || word.endsWith('/kubectl'));
  if (at === -1) return undefined;
  let namespace: string | undefined;
  const positional: string[] = [];
  for (let i = at + 1; i < words.length; i += 1) {
    const word = words[i]!;
    const eq = word.indexOf('=');
    if (word === '-n' || word === '--namespace') namespace = words[++i];
    else if (word.startsWith('--namespace=')) namespace = word.slice(eq + 1);
    else if (word === '-A' || word === '--all-namespaces') namespace = undefined;
    else if (VALUE_FLAGS.has(word)) i += 1;
    else if (!word.startsWith('-')) positional.push(word);
  }
  const [verb, ...rest] = positional;
  if (!verb) return undefined;
  let resourceWord: string | undefined;
  let name: string | undefined;
  let subresource: string | undefined;
  let group: string | undefined;
  if (verb === 'logs' || verb === 'exec' || verb === 'attach' || verb === 'port-forward' || verb === 'cp') {
    // These name a pod (or `deploy/x`) directly; the audit log writes them as a pod subresource.
    const [object] = rest;
    if (!object) return undefined;
    [resourceWord, name] = object.includes('/') ? (object.split('/', 2) as [string, string]) : ['pods', object];
    subresource = { logs: 'log', exec: 'exec', attach: 'attach', 'port-forward': 'portforward', cp: 'exec' }[verb];
  } else if (verb === 'top') {
    // `kubectl top pod x` reads metrics.k8s.io, not the pod itself.
    [resourceWord, name] = rest;
    group = 'metrics.k8s.io';
  } else if (RESOURCE_VERBS.has(verb)) {
    const objects = verb === 'rollout' || verb === 'set' ? rest.slice(1) : rest;
    [resourceWord, name] = objects;
    if (resourceWord?.includes('/')) [resourceWord, name] = resourceWord.split('/', 2) as [string, string];
  }
  if (!resourceWord || resourceWord.includes(',')) return namespace ? { namespace } : undefined;
  const resource = resourceOfName(resourceWord);
  const resourceName = subresource && resource.resource === 'pods' ? `pods/${subresource}` : resource.resource;
  return compact<Target>({ api_group: group ?? resource.api_group, resource: resourceName, namespace, name });
}

/** The object named by fields; a name without a kind or namespace is not enough to say it is Kubernetes. */
function targetOfFields(args: Record<string, unknown>, impliedResource: string | undefined): Target | undefined {
  const metadata = isObject(args.metadata) ? args.metadata : {};
  const kind = str(args.kind) ?? str(args.resource_type) ?? str(args.resourceType) ?? str(args.resource) ?? impliedResource;
  const name = str(metadata.name) ?? str(args.name) ?? str(args.resource_name) ?? str(args.resourceName);
  const namespace = str(metadata.namespace) ?? str(args.namespace);
  if (!kind) return namespace ? compact<Target>({ namespace, name }) : undefined;
  const apiVersion = str(args.apiVersion) ?? str(args.api_version);
  const resource = /^[A-Z]/.test(kind) ? resourceOfKind(kind, apiVersion) : resourceOfName(kind);
  return compact<Target>({ ...resource, namespace, name, uid: str(metadata.uid) });
}

/** Tool names of Kubernetes MCP servers that imply the resource (`pods_get`, `pods_exec`, `namespaces_list`). */
function resourceOfToolName(tool: string | undefined): string | undefined {
  const match = tool ? /^(pods|nodes|namespaces|events|deployments|services|configmaps|secrets)_/.exec(tool) : null;
  return match?.[1];
}

/**
 * A manifest argument: an object, or the JSON or YAML text of one (kubernetes-mcp-server's
 * `resources_create_or_update` takes `resource` as a string). From YAML only the top-level `apiVersion`
 * and `kind` and the `metadata` block's `name`, `namespace` and `uid` are read.
 */
function manifestOf(value: unknown): Record<string, unknown> | undefined {
  if (isObject(value)) return value;
  if (typeof value !== 'string') return undefined;
  const parsed = parseMaybeJson(value);
  if (isObject(parsed)) return parsed;
  if (!/^kind:\s*\S/m.test(value)) return undefined;
  const top = (key: string) => new RegExp(`^${key}:\\s*["']?([^"'\\s#]+)`, 'm').exec(value)?.[1];
  const block = /^metadata:\s*\n((?:[ \t]+.*\n?)*)/m.exec(value)?.[1] ?? '';
  const inner = (key: string) => new RegExp(`^[ \\t]+${key}:\\s*["']?([^"'\\s#]+)`, 'm').exec(block)?.[1];
  const metadata = compact({ name: inner('name'), namespace: inner('namespace'), uid: inner('uid') }) ?? {};
  return compact({ apiVersion: top('apiVersion'), kind: top('kind'), metadata });
}

/**
 * The Kubernetes object a tool call's arguments name (a JSON string or an object), or undefined.
 * `tool` is the tool's name, which some servers use to say the resource (`pods_exec`).
 */
export function targetOfToolArguments(tool: string | undefined, args: unknown): Target | undefined {
  const value = parseMaybeJson(args);
  if (typeof value === 'string') {
    // Models write invalid JSON escapes (`grep 'a\|b'`); the command is still readable from the text.
    const command = /^\s*\{\s*"(?:command|cmd)"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(value);
    return targetOfKubectl(command ? command[1]!.replace(/\\(.)/g, '$1') : value);
  }
  if (!isObject(value)) return undefined;
  // Claude's tool spans wrap the arguments in `{input: {…}}`.
  if (isObject(value.input) && Object.keys(value).length === 1) return targetOfToolArguments(tool, value.input);
  const command = Array.isArray(value.command)
    ? value.command.filter((w) => typeof w === 'string').join(' ')
    : (str(value.command) ?? str(value.cmd));
  const fromCommand = command ? targetOfKubectl(command) : undefined;
  if (fromCommand?.resource) return fromCommand;
  const manifest = manifestOf(value.manifest) ?? manifestOf(value.resource);
  // pods_exec runs a command in a pod: the pod is the target, not the command.
  return targetOfFields(manifest ?? value, resourceOfToolName(tool)) ?? fromCommand;
}
