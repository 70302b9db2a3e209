// The walk of a dropped folder: every file under it, named by its path relative to the drop, however many
// batches the browser's directory reader answers in; plain files dropped beside it keep their names.
import { describe, expect, it } from 'vitest';
import { takeDropped, type DropEntry, type DropItem } from '../../../src-renderer/src/features/import/dropped-entries';

function file(name: string, text: string): DropEntry {
  const data = new File([text], name);
  return { name, isFile: true, isDirectory: false, file: (ok: (f: File) => void) => setTimeout(() => ok(data), 0) } as DropEntry;
}

function folder(name: string, children: DropEntry[], batch = 1): DropEntry {
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (ok: (entries: DropEntry[]) => void) => {
          const next = children.slice(at, at + batch);
          at += next.length;
          setTimeout(() => ok(next), 0);
        },
      };
    },
  } as DropEntry;
}

const item = (entry: DropEntry | null, plain?: File): DropItem => ({
  kind: 'file',
  getAsFile: () => plain ?? null,
  webkitGetAsEntry: () => entry,
});

describe('takeDropped', () => {
  it('walks a folder in every batch the reader gives, in name order, naming files by their relative path', async () => {
    const tree = folder('inc-0047', [
      file('manifest.json', 'm'),
      folder('sources', [file('b.jsonl', 'b'), file('a.jsonl', 'a')]),
      file('manifest.sig.json', 's'),
    ]);
    const dropped = await takeDropped([item(tree)], [])();
    expect(dropped.map((d) => d.name)).toEqual([
      'inc-0047/manifest.json',
      'inc-0047/manifest.sig.json',
      'inc-0047/sources/a.jsonl',
      'inc-0047/sources/b.jsonl',
    ]);
    expect(await dropped[2]!.file.text()).toBe('a');
  });

  it('takes an item without an entry as the file it carries, and reads entries at once (not after the drop)', async () => {
    let asked = 0;
    const plain = new File(['x'], 'audit.log');
    const counted: DropItem = { kind: 'file', getAsFile: () => plain, webkitGetAsEntry: () => (asked++, null) };
    const walk = takeDropped([counted, { kind: 'string', getAsFile: () => null }], []);
    expect(asked).toBe(1);
    expect((await walk()).map((d) => d.name)).toEqual(['audit.log']);
  });

  it('falls back to the file list when the drop has no items', async () => {
    const plain = new File(['x'], 'a.log');
    expect((await takeDropped(undefined, [plain])()).map((d) => [d.name, d.file])).toEqual([['a.log', plain]]);
  });
});
