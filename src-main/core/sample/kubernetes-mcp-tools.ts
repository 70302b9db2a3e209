// The tools the sample agents see from the Kubernetes MCP server: the names and argument names of
// containers/kubernetes-mcp-server's core toolset (test/fixtures/corpus/mcp), descriptions in our own words.
import type { ToolDefinition } from './mcp-writer';

const text = (description: string) => ({ type: 'string', description });
const ref = {
  apiVersion: text('apiVersion of the resource, e.g. v1, apps/v1, autoscaling/v2'),
  kind: text('kind of the resource, e.g. Pod, Deployment, HorizontalPodAutoscaler'),
  namespace: text('namespace of the resource (cluster-wide when omitted, for list)'),
  name: text('name of the resource'),
};

export const KUBERNETES_MCP_TOOLS: ToolDefinition[] = [
  {
    name: 'events_list',
    title: 'Events: List',
    description: 'List Kubernetes events, optionally in one namespace',
    readOnly: true,
    properties: { namespace: ref.namespace },
    required: [],
  },
  {
    name: 'pods_list_in_namespace',
    title: 'Pods: List in Namespace',
    description: 'List the pods of one namespace',
    readOnly: true,
    properties: { namespace: ref.namespace, labelSelector: text('label selector') },
    required: ['namespace'],
  },
  {
    name: 'resources_get',
    title: 'Resources: Get',
    description: 'Get one Kubernetes resource by apiVersion, kind, namespace and name',
    readOnly: true,
    properties: { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace, name: ref.name },
    required: ['apiVersion', 'kind', 'name'],
  },
  {
    name: 'resources_list',
    title: 'Resources: List',
    description: 'List Kubernetes resources of one apiVersion and kind, optionally in one namespace',
    readOnly: true,
    properties: { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace, labelSelector: text('label selector') },
    required: ['apiVersion', 'kind'],
  },
  {
    name: 'resources_create_or_update',
    title: 'Resources: Create or Update',
    description: 'Create or update a resource with server-side apply; the manifest is the complete desired state',
    readOnly: false,
    properties: { resource: text('the complete resource as JSON or YAML') },
    required: ['resource'],
  },
  {
    name: 'resources_scale',
    title: 'Resources: Scale',
    description: 'Read or set the replica count of a scalable resource',
    readOnly: false,
    properties: {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      namespace: ref.namespace,
      name: ref.name,
      scale: { type: 'integer', description: 'the new replica count' },
    },
    required: ['apiVersion', 'kind', 'name'],
  },
  {
    name: 'resources_delete',
    title: 'Resources: Delete',
    description: 'Delete one Kubernetes resource by apiVersion, kind, namespace and name',
    readOnly: false,
    properties: { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace, name: ref.name },
    required: ['apiVersion', 'kind', 'name'],
  },
];
