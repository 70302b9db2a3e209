#!/usr/bin/env node
// Entry of the `causa` command from a built checkout (`npx causa …`). npm puts the project's pinned Node
// first on the PATH of `npx` and `npm run`, so `node` here is that Node, not the machine's.
import { existsSync } from 'node:fs';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `causa: needs Node 24 or newer (this is Node ${process.versions.node}); run it as \`npx causa\` from the ` +
      'checkout, which uses the Node pinned in package.json\n',
  );
  process.exit(2);
}
// Memory: V8 sizes its young generation for throughput (up to 3 × 32 MiB semi-spaces on a machine this
// size), which is most of what an import's resident set would grow by; 4 MiB semi-spaces cost nothing
// measurable in time and keep the peak flat (docs/limits.md, "Memory"). V8 reads the flag only when the
// process starts, so the command runs in a child Node started with it, in the same terminal; this
// process waits, passes signals on, and exits as the child did. The old generation likewise: V8 lets it
// grow by half or more before it collects again, and linking a million events promotes garbage enough
// to carry it from 30 to 95 MB before each collection; growing it by a tenth keeps it near what is live.
// And V8's allocation-site pretenuring: once it judges that a site's objects survive (the linker's
// in-flight requests do, for a while), it allocates them straight in the old generation, where each dies
// as garbage that only a full collection frees; without it they die young, as they are.
// And glibc's allocator, which V8's array buffers and SQLite allocate from: past the first large block
// freed it raises the size it maps apart (up to 32 MiB) and keeps freed memory below it in its heap, so
// the linker's columns (the audit-ID table is 7 MB at a million events) stayed resident through the
// report built after them. A fixed 1 MiB threshold returns them when they are freed (`causa report` of a
// million events linked anew 152 → 139 MiB; the import's time unchanged). Set only where the user has not.
const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '1048576', MALLOC_TRIM_THRESHOLD_: '1048576' };
const SEMI_SPACE = '--max-semi-space-size=';
const HEAP_GROWING = '--heap-growing-percent=10';
const NO_PRETENURING = '--no-allocation-site-pretenuring';
if (!process.execArgv.some((arg) => arg.startsWith(SEMI_SPACE)) && process.env.CAUSA_SAME_PROCESS !== '1') {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const child = spawn(
    process.execPath,
    [...process.execArgv, `${SEMI_SPACE}4`, HEAP_GROWING, NO_PRETENURING, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      // The IPC channel closes when this process dies, however it dies: the child then stops too.
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...MALLOC_ENV, ...process.env },
    },
  );
  // Ctrl-C in a terminal reaches the whole foreground group, the child included; a signal sent to this
  // process alone (a script, a supervisor, `kill`) is passed on.
  const fromTerminal = process.stdin.isTTY === true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (!(signal === 'SIGINT' && fromTerminal)) child.kill(signal);
    });
  }
  const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.exit(code ?? 1);
}
if (process.channel) {
  process.channel.unref();
  process.on('disconnect', () => process.exit(129));
}
const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('causa: not built yet: run `npm run build` in the checkout first\n');
  process.exit(2);
}
// `causa events … | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
