// The capture as the workbench offers it: the renderer names a context and options, never a path; the
// bundle is sealed into a captures/ folder beside the case file, under a name the main side chooses.
import { dirname, join } from 'node:path';
import type { CaptureSummary } from '../../shared/contract';
import { captureCluster } from './run-capture';

export interface CaseCaptureInput {
  context: string;
  namespace?: string | undefined;
  since?: string | undefined;
  watch?: string | undefined;
}

function bundleNameFor(context: string, at: Date): string {
  const safe = context.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80) || 'cluster';
  return `${safe}-${at.toISOString().replace(/[:.]/g, '-')}.zip`;
}

export async function captureBesideCase(casePath: string, input: CaseCaptureInput): Promise<CaptureSummary> {
  const out = join(dirname(casePath), 'captures', bundleNameFor(input.context, new Date()));
  const result = await captureCluster({
    context: input.context,
    out,
    ...(input.namespace ? { namespace: input.namespace } : {}),
    ...(input.since ? { since: input.since } : {}),
    ...(input.watch ? { watch: input.watch } : {}),
  });
  const { capture } = result;
  return {
    out: result.out,
    complete: result.complete,
    ...(capture.identity.username ? { identity: capture.identity.username } : {}),
    may_mutate: capture.permissions.may_mutate,
    mutating_rules: capture.permissions.mutating_rules,
    resources: capture.resources.map((r) => ({
      name: r.name,
      api_version: r.api_version,
      scope: r.scope,
      status: r.status,
      ...(r.items !== undefined ? { items: r.items } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
    })),
    failed: capture.failed,
    warnings: capture.warnings,
  };
}
