// The dispatcher (src-main/cli.ts) and the shape of every command under src-main/cli/: one error path, one
// options parser, the exit-code constants, a usage string and a run function per command file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, EXIT_OK, EXIT_USAGE } from '../../src-main/cli';
import { runCli } from '../support/cli';

const CLI_DIR = new URL('../../src-main/cli/', import.meta.url).pathname;
const source = (file: string): string => readFileSync(join(CLI_DIR, file), 'utf8');

describe('the causa dispatcher', () => {
  it('lists every command in --help, in the table order', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(EXIT_OK);
    const listed = [...help.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]);
    expect([...new Set(listed)].filter((name) => name !== 'filters' && name !== 'limits')).toEqual(COMMAND_NAMES);
  });

  it.each(COMMAND_NAMES)('reports an unknown option of %s as a usage error: message, that command’s usage, exit 2', async (name) => {
    const result = await runCli([name, '--no-such-option']);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stdout).toBe('');
    const [first, heading, usage] = result.stderr.split('\n');
    expect(first).toMatch(new RegExp(`^causa ${name}: Unknown option '--no-such-option'`));
    expect(heading).toBe('Usage (causa --help for every command):');
    expect(usage).toMatch(new RegExp(`^ {2}${name}\\b`));
  });

  it('reports an error that is not a usage error without the usage', async () => {
    const result = await runCli(['events', '/nonexistent/case.causa']);
    expect(result).toEqual({ code: EXIT_USAGE, stdout: '', stderr: 'causa events: /nonexistent/case.causa: no such case file\n' });
  });

  it('does not take an inherited property for a command', async () => {
    const result = await runCli(['constructor']);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toMatch(/^causa: unknown command "constructor"/);
  });
});

describe('the command files', () => {
  const files = readdirSync(CLI_DIR).filter((f) => f.endsWith('.ts'));
  const commandFiles = files.filter((f) => /export async function run[A-Z]/.test(source(f)));

  it('give every dispatched command its own file exporting <COMMAND>_USAGE and run<Command>', () => {
    for (const name of COMMAND_NAMES) {
      const text = source(`${name}.ts`);
      const Name = name[0]!.toUpperCase() + name.slice(1);
      expect(text, `${name}.ts`).toMatch(new RegExp(`export const ${name.toUpperCase()}_USAGE\\b`));
      expect(text, `${name}.ts`).toMatch(
        new RegExp(`export async function run${Name}\\(args: string\\[\\], io: CliIo\\): Promise<number>`),
      );
    }
    expect(commandFiles.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it('use the exit-code constants and the one options parser, never bare numbers or parseArgs of their own', () => {
    for (const file of files) {
      const text = source(file);
      expect(text, file).not.toMatch(/\breturn [0-9]\b/);
      expect(text, file).not.toMatch(/\? [0-9] : [0-9]\b/);
      if (file !== 'options.ts') expect(text, file).not.toMatch(/\bparseArgs\(/);
    }
  });
});
