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
