// Finds references in the repository's text files that point outside the repository: a clone must test and
// run with nothing beside it. A relative reference is resolved against the directory of the file that
// holds it, so an import of the shared errors module from src-main/cli/ (one step up, into src-main/shared)
// passes, and a corpus path climbing two steps up from test/unit/ (out of the root) does not. A reference
// into the folder named `shared` that sits beside the repository in its CI, when it names nothing inside
// the repository from its own folder (a comment citing that folder's context notes, a script run from the
// root copying its corpus), is refused too. Absolute paths into the machine the project happens to be
// built on (the CI's work folder, the checkout's own parents) are refused outright. (This file spells such
// paths only in pieces, since it is scanned like any other.)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, sep } from 'node:path';

export interface OutsideReference {
  /** The file holding the reference, relative to the root, with `/` separators. */
  file: string;
  line: number;
  /** The reference as written. */
  reference: string;
  reason: string;
}

/** A path written relatively: at least one `./` or `../` step, then path characters. */
const RELATIVE = /(?<![\w@.~/-])((?:\.\.?\/)+(?:[\w@.%+-]+\/?)*)/g;
/** A bare `..` chain with no trailing name (`'..'`, `'../..'`), as passed to join() or new URL(). */
const BARE_UP = /(?<=['"`])(\.\.(?:\/\.\.)*\/?)(?=['"`])/g;
/** join(…)/resolve(…) calls whose string arguments, put together, climb out (`__dirname`, then `'..'` twice …). */
const JOIN_CALL = /\b(?:join|resolve)\(([^()]*(?:\([^()]*\)[^()]*)*)\)/g;
const STRING_ARG = /(['"`])([^'"`\n]*)\1/g;

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const climbsOut = (path: string) => path === '..' || path.startsWith('../');

/**
 * Folders that sit beside this repository where it is developed (its CI keeps the design brief and the
 * third-party corpus in one named `shared`). A reference read from the root is only taken as one of these
 * when it names nothing from its own folder: other relative paths in tests and comments (a zip-slip
 * test's climbing entry name, the build's output folder seen from bin/) are about other things.
 */
const OUTSIDE_NEIGHBOURS = ['shared'];

/** The endings an import specifier may leave off. */
const IMPLIED_ENDINGS = ['', '.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.md', '/index.ts', '/index.tsx'];

/**
 * Why `reference`, read from the file at `file` (root-relative), points outside the root, or null when it
 * does not: it climbs out from the file's folder, or it names nothing there and climbs out from the root.
 */
function whyOutside(file: string, reference: string, exists: (path: string) => boolean): string | null {
  const fromFile = posix.normalize(posix.join(posix.dirname(file), reference));
  if (climbsOut(fromFile)) return `resolves outside the repository from ${posix.dirname(file)}/`;
  const fromRoot = posix.normalize(reference);
  if (!climbsOut(fromRoot)) return null;
  if (!OUTSIDE_NEIGHBOURS.includes(fromRoot.split('/').find((step) => step !== '..') ?? '')) return null;
  if (IMPLIED_ENDINGS.some((ending) => exists(posix.normalize(fromFile + ending).replace(/\/$/, '')))) return null;
  return `names nothing inside the repository from ${posix.dirname(file)}/ and leaves it from the root`;
}

/** Every reference in one file's text that leaves the root; `file` is root-relative with `/` separators. */
export function findOutsideReferences(
  file: string,
  text: string,
  absoluteParents: readonly string[],
  exists: (path: string) => boolean,
): OutsideReference[] {
  const found: OutsideReference[] = [];
  const add = (index: number, reference: string, reason: string) => found.push({ file, line: lineOf(text, index), reference, reason });

  for (const pattern of [RELATIVE, BARE_UP]) {
    for (const m of text.matchAll(pattern)) {
      const reference = m[1]!;
      if (!reference.startsWith('..')) continue;
      const why = whyOutside(file, reference, exists);
      if (why) add(m.index, reference, why);
    }
  }
  for (const m of text.matchAll(JOIN_CALL)) {
    const parts = [...m[1]!.matchAll(STRING_ARG)].map((s) => s[2]!);
    const first = parts.findIndex((p) => p.startsWith('..'));
    if (first === -1) continue;
    const joined = posix.join(...parts.slice(first));
    const why = whyOutside(file, joined, exists);
    if (why) add(m.index, m[0], `joins to ${joined}: ${why}`);
  }
  for (const parent of absoluteParents) {
    for (let i = text.indexOf(parent); i !== -1; i = text.indexOf(parent, i + 1)) {
      const before = i === 0 ? '' : text[i - 1]!;
      if (/[\w.~-]/.test(before)) continue;
      const end = text.slice(i).search(/[\s'"`)\]>,;]/);
      add(i, end === -1 ? text.slice(i) : text.slice(i, i + end), `absolute path under ${parent}`);
    }
  }
  return found;
}

/** The tracked files of the git work tree at `root`. */
export function trackedFiles(root: string): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\0')
    .filter(Boolean);
}

/** The CI's work folder, where this repository and the folder beside it are checked out. */
const CI_WORK = ['', 'work', ''].join('/');

/** Absolute prefixes no file may name: the checkout's parent directories (the tree it was built in) and CI_WORK. */
export function absoluteParentsOf(root: string): string[] {
  const parents = new Set<string>([CI_WORK]);
  for (let dir = dirname(root); dir !== dirname(dir); dir = dirname(dir)) parents.add(dir.endsWith(sep) ? dir : dir + sep);
  // "/" and one-level system folders such as /usr/ or /tmp/ are everyone's, not this machine's.
  return [...parents].filter((p) => p.split('/').filter(Boolean).length >= 2 || p === CI_WORK);
}

/** Scans `files` (root-relative) under `root`, skipping binary files (a NUL byte in the first 8 KiB). */
export function scanFiles(root: string, files: readonly string[]): OutsideReference[] {
  if (!isAbsolute(root)) throw new Error(`root must be absolute: ${root}`);
  const parents = absoluteParentsOf(root);
  const exists = (path: string) => existsSync(join(root, path));
  const found: OutsideReference[] = [];
  for (const file of files) {
    const bytes = readFileSync(join(root, file));
    if (bytes.subarray(0, 8192).includes(0)) continue;
    found.push(...findOutsideReferences(relative(root, join(root, file)).split(sep).join('/'), bytes.toString('utf8'), parents, exists));
  }
  return found;
}
