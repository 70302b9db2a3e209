// The identity table's objects found by the reader, from the value each JSON line was parsed into
// (ParsedRecord's `objects`), are the objects the collector finds by parsing each record again: the same
// sightings, kinds and deletions, for every format of JSON lines that names objects (the bare audit log of
// each API version, EKS's and OpenShift's wrappers, OpenShift's node logs, the generated incident).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat, parseSourceBatches } from '../../../src-main/core/ingest/index';
import { generateInc0047Audit } from '../../../src-main/core/sample';
import { ObjectCollector } from '../../../src-main/service/objects';

const FIXTURES = new URL('../../fixtures/', import.meta.url);
const FILES = [
  'corpus/k8s-audit/crowdsec_k8s-audit-priv-pod-file.log',
  'k8s-audit-versions/v1.log',
  'k8s-audit-versions/v1beta1.log',
  'k8s-audit-versions/v1alpha1.log',
  'eks-cloudwatch/events.jsonl',
  'openshift-audit/audit.log',
  'openshift-audit/node-logs-role-master.log',
];

async function* once(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}

/** The collector's tables after every record of `bytes`, with the reader's objects or without them. */
async function collected(bytes: Buffer, fromReader: boolean) {
  const detected = detectFormat(bytes.subarray(0, 64 * 1024), undefined, true);
  if (!detected.ok) throw new Error(detected.reason);
  const collector = new ObjectCollector(detected.format.name);
  let id = 0;
  let found = 0;
  for await (const batch of parseSourceBatches(once(bytes), detected, undefined, { objects: fromReader })) {
    for (const record of batch) {
      if (!record.ok) continue;
      id += 1;
      if (record.objects) found += 1;
      collector.add(record.raw, record.events[0], id, fromReader ? record.objects : undefined);
    }
  }
  return {
    format: detected.format.name,
    found,
    objects: [...collector.objects()],
    kinds: [...collector.kinds],
    deletions: collector.takeDeletions(),
  };
}

describe('objects found by the reader', () => {
  it.each(FILES)('are the objects found by parsing each record again: %s', async (file) => {
    const bytes = readFileSync(new URL(file, FIXTURES));
    const read = await collected(bytes, true);
    const parsed = await collected(bytes, false);
    expect(parsed.found).toBe(0);
    expect({ ...read, found: 0 }).toEqual(parsed);
    expect(read.objects.length).toBeGreaterThan(0);
    expect(read.found).toBeGreaterThan(0);
  });

  it('are the same for the generated incident, deletions and kinds included', async () => {
    const bytes = Buffer.from(`${generateInc0047Audit({ events: 3000 }).join('\n')}\n`);
    const read = await collected(bytes, true);
    expect({ ...read, found: 0 }).toEqual(await collected(bytes, false));
    expect(read.kinds.length).toBeGreaterThan(0);
    expect(read.deletions.length).toBeGreaterThan(0);
  });
});
