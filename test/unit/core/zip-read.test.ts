// The one zip reader serves a bundle on disk and one dropped in memory alike: the same strict findings,
// the same inflate limits, and entries streamed rather than held (core/bundle/zip-read.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleFilesFromZip, openBundleFiles, type BundleFiles } from '../../../src-main/core/bundle/files';
import { DEFAULT_LIMITS } from '../../../src-main/core/limits';
import { handZip, type HandEntry } from './hand-zip';

const MANIFEST: HandEntry = { name: 'manifest.json', data: Buffer.from('{}') };
const AUDIT = 'sources/audit.jsonl';

/** The same bytes opened from disk and from memory. */
async function bothWays(bytes: Buffer, limits = DEFAULT_LIMITS): Promise<BundleFiles[]> {
  const path = join(mkdtempSync(join(tmpdir(), 'causa-zip-read-')), 'b.zip');
  writeFileSync(path, bytes);
  return [await openBundleFiles(path, limits), await bundleFilesFromZip('dropped.zip', bytes, limits)];
}

async function drain(stream: AsyncIterable<Buffer>): Promise<number> {
  let length = 0;
  for await (const chunk of stream) length += chunk.length;
  return length;
}

/** Rewrites the size the central directory declares for the entry `name` (the local header too). */
function declareSize(bytes: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(bytes);
  for (let at = 0; at + 46 < out.length; at += 1) {
    const central = out.readUInt32LE(at) === 0x02014b50 && out.subarray(at + 46, at + 46 + name.length).toString() === name;
    const local = out.readUInt32LE(at) === 0x04034b50 && out.subarray(at + 30, at + 30 + name.length).toString() === name;
    if (central) out.writeUInt32LE(size, at + 24);
    if (local) out.writeUInt32LE(size, at + 22);
  }
  return out;
}

describe('the zip reader, on disk and in memory', () => {
  it('a dropped zip that names a file twice is reported as the same zip on disk is', async () => {
    const bytes = handZip([MANIFEST, { name: AUDIT, data: Buffer.from('forged\n') }, { name: AUDIT, data: Buffer.from('sealed\n') }]);
    for (const files of await bothWays(bytes)) {
      expect(files.findings).toContainEqual({ item: AUDIT, reason: expect.stringContaining('the zip holds 2 entries of this name') });
      expect((await files.read(AUDIT)).toString()).toBe('forged\n');
    }
  });

  it('an entry that inflates past the size its directory declares is a finding and cannot be read', async () => {
    const bytes = declareSize(handZip([MANIFEST, { name: AUDIT, data: Buffer.alloc(4096, 'a') }]), AUDIT, 10);
    for (const files of await bothWays(bytes)) {
      expect(files.findings).toContainEqual({
        item: AUDIT,
        reason: 'its data does not inflate to the 10 bytes declared (it inflates past them)',
      });
      expect(files.list()).toContain(AUDIT);
      expect(() => files.stream(AUDIT)).toThrow(/the zip entry sources\/audit\.jsonl cannot be read/);
    }
  });

  it('an entry that inflates to fewer bytes than declared is a finding; its bytes stay readable', async () => {
    const bytes = declareSize(handZip([MANIFEST, { name: AUDIT, data: Buffer.from('short\n') }]), AUDIT, 600);
    for (const files of await bothWays(bytes)) {
      expect(files.findings).toContainEqual({ item: AUDIT, reason: 'its data is 6 bytes, not the 600 the directory declares' });
      expect((await files.read(AUDIT)).toString()).toBe('short\n');
    }
  });

  it('a bomb dropped in memory is stopped by the inflate limit when read, not when opened, and is no archive finding', async () => {
    const limits = { ...DEFAULT_LIMITS, maxInflatedBytes: 2 ** 20 };
    const bytes = handZip([MANIFEST, { name: AUDIT, data: Buffer.alloc(8 * 2 ** 20, 'x') }]);
    expect(bytes.length).toBeLessThan(64 * 1024);
    for (const files of await bothWays(bytes, limits)) {
      expect(files.findings).toEqual([]);
      await expect(drain(files.stream(AUDIT))).rejects.toThrow(
        /zip entry sources\/audit\.jsonl inflates past the maximum inflated size \(1 MiB\)/,
      );
      await expect(files.read(AUDIT)).rejects.toThrow(/inflates past the maximum inflated size/);
    }
  });

  it('an entry in an unread compression method is a finding, listed but not readable', async () => {
    const bytes = handZip([MANIFEST, { name: AUDIT, data: Buffer.from('x\n'), method: 0 }]);
    // Method 12 (bzip2) in both headers: the reader names it rather than guessing.
    for (let at = 0; at + 4 < bytes.length; at += 1) {
      if (bytes.readUInt32LE(at) === 0x02014b50 && bytes.subarray(at + 46, at + 46 + AUDIT.length).toString() === AUDIT)
        bytes.writeUInt16LE(12, at + 10);
      if (bytes.readUInt32LE(at) === 0x04034b50 && bytes.subarray(at + 30, at + 30 + AUDIT.length).toString() === AUDIT)
        bytes.writeUInt16LE(12, at + 8);
    }
    for (const files of await bothWays(bytes)) {
      expect(files.findings).toContainEqual({ item: AUDIT, reason: 'compression method 12 is not read (only stored and deflate)' });
      expect(() => files.stream(AUDIT)).toThrow(/cannot be read/);
    }
  });
});
