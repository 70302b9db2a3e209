// Reading the user's kubeconfig with @kubernetes/client-node: the file from --kubeconfig, else the
// KUBECONFIG list (merged, as kubectl does), else ~/.kube/config. The library is loaded on first use, so
// the commands that never talk to a cluster do not pay for it.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { ServiceError } from '../../shared/errors';

export interface KubeContextInfo {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
  server?: string;
}

export interface KubeTarget {
  config: KubeConfig;
  context: string;
  cluster: string;
  user: string;
  server: string;
}

async function readKubeConfig(kubeconfig?: string): Promise<{ config: KubeConfig; from: string }> {
  const { KubeConfig: Config } = await import('@kubernetes/client-node');
  const config = new Config();
  const env = process.env.KUBECONFIG?.split(delimiter).filter(Boolean) ?? [];
  const files = kubeconfig ? [kubeconfig] : env.length > 0 ? env : [join(homedir(), '.kube', 'config')];
  const present = files.filter((file) => existsSync(file));
  if (present.length === 0) {
    throw new ServiceError(
      'io',
      kubeconfig
        ? `${kubeconfig}: no such kubeconfig file`
        : `no kubeconfig found (${files.join(', ')}); set KUBECONFIG or pass --kubeconfig FILE`,
    );
  }
  try {
    if (kubeconfig || present.length === 1) config.loadFromFile(present[0]!);
    else config.loadFromDefault();
  } catch (error) {
    throw new ServiceError('invalid_input', `${present.join(delimiter)}: not a usable kubeconfig (${(error as Error).message})`);
  }
  return { config, from: present.join(delimiter) };
}

/** The contexts a kubeconfig names, with the server each points at. */
export async function listKubeContexts(kubeconfig?: string): Promise<{ from: string; current?: string; contexts: KubeContextInfo[] }> {
  const { config, from } = await readKubeConfig(kubeconfig);
  const contexts = config.getContexts().map((context) => ({
    name: context.name,
    cluster: context.cluster,
    user: context.user,
    ...(context.namespace ? { namespace: context.namespace } : {}),
    ...(config.getCluster(context.cluster)?.server ? { server: config.getCluster(context.cluster)!.server } : {}),
  }));
  const current = config.getCurrentContext();
  return { from, ...(current ? { current } : {}), contexts };
}

/** The kubeconfig with `context` selected; a context that does not exist is named with the ones that do. */
export async function loadKubeTarget(context: string, kubeconfig?: string): Promise<KubeTarget> {
  const { config, from } = await readKubeConfig(kubeconfig);
  const chosen = config.getContextObject(context);
  if (!chosen) {
    const names = config.getContexts().map((c) => c.name);
    throw new ServiceError('not_found', `${from}: no context named "${context}" (contexts: ${names.join(', ') || 'none'})`);
  }
  config.setCurrentContext(context);
  const cluster = config.getCurrentCluster();
  if (!cluster?.server)
    throw new ServiceError('invalid_input', `${from}: context "${context}" names cluster "${chosen.cluster}", which has no server`);
  return { config, context, cluster: cluster.name, user: chosen.user, server: cluster.server };
}
