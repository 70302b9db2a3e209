// The `causa` command: a dispatcher over src-main/cli/<command>.ts. Each command exports its usage and
// `run<Command>(args, io)`, returning an exit code (cli/exit.ts); a command given the wrong arguments throws
// a ServiceError 'invalid_input' (cli/options.ts), and every error thrown out of a command is reported here,
// one way: `causa COMMAND: message` on stderr, the command's usage after a usage error, exit 2.
import { ACTORS_USAGE, runActors } from './cli/actors';
import { COMPARE_USAGE, runCompare } from './cli/compare';
import { CAPTURE_USAGE, runCapture } from './cli/capture';
import { EVENTS_USAGE, runEvents } from './cli/events';
import { EXCERPT_USAGE, runExcerpt } from './cli/excerpt';
import { EXIT_OK, EXIT_USAGE } from './cli/exit';
import { EXPORT_USAGE, runExport } from './cli/export';
import { FILTER_USAGE } from './cli/filter';
import { FINDINGS_USAGE, runFindings } from './cli/findings';
import { GRAPH_USAGE, runGraph } from './cli/graph';
import { GUARDRAILS_USAGE, runGuardrails } from './cli/guardrails';
import { IMPORT_USAGE, runImport } from './cli/import';
import type { CliIo } from './cli/io';
import { KEYGEN_USAGE, runKeygen } from './cli/keygen';
import { LIMIT_USAGE } from './cli/limits';
import { PULL_USAGE, runPull } from './cli/pull';
import { REPORT_USAGE, runReport } from './cli/report';
import { runSample, SAMPLE_USAGE } from './cli/sample';
import { runSeal, SEAL_USAGE } from './cli/seal';
import { runServe, SERVE_USAGE } from './cli/serve';
import { runTrust, TRUST_USAGE } from './cli/trust';
import { runVerify, VERIFY_USAGE } from './cli/verify';
import { runWhoami, WHOAMI_USAGE } from './cli/whoami';
import { toServiceError } from './service/errors';
import { ServiceError } from './shared/errors';

export type { CliIo } from './cli/io';
export { EXIT_EVIDENCE, EXIT_OK, EXIT_USAGE } from './cli/exit';

interface Command {
  usage: string;
  run: (args: string[], io: CliIo) => Promise<number>;
}

/** Every command, in the order `causa --help` lists them. A new command is one line here. */
const COMMANDS: Record<string, Command> = {
  sample: { usage: SAMPLE_USAGE, run: runSample },
  keygen: { usage: KEYGEN_USAGE, run: runKeygen },
  seal: { usage: SEAL_USAGE, run: runSeal },
  verify: { usage: VERIFY_USAGE, run: runVerify },
  trust: { usage: TRUST_USAGE, run: runTrust },
  whoami: { usage: WHOAMI_USAGE, run: runWhoami },
  serve: { usage: SERVE_USAGE, run: runServe },
  import: { usage: IMPORT_USAGE, run: runImport },
  events: { usage: EVENTS_USAGE, run: runEvents },
  graph: { usage: GRAPH_USAGE, run: runGraph },
  actors: { usage: ACTORS_USAGE, run: runActors },
  compare: { usage: COMPARE_USAGE, run: runCompare },
  findings: { usage: FINDINGS_USAGE, run: runFindings },
  guardrails: { usage: GUARDRAILS_USAGE, run: runGuardrails },
  report: { usage: REPORT_USAGE, run: runReport },
  excerpt: { usage: EXCERPT_USAGE, run: runExcerpt },
  export: { usage: EXPORT_USAGE, run: runExport },
  capture: { usage: CAPTURE_USAGE, run: runCapture },
  pull: { usage: PULL_USAGE, run: runPull },
};

export const COMMAND_NAMES = Object.keys(COMMANDS);

/** Options several commands share, listed after the command they follow in the help. */
const SHARED_USAGE: Record<string, string[]> = { graph: [FILTER_USAGE, LIMIT_USAGE] };

const USAGE = `Usage: causa <command> [options]

Commands:
${Object.entries(COMMANDS)
  .flatMap(([name, command]) => [command.usage, ...(SHARED_USAGE[name] ?? [])])
  .join('\n')}

Every command takes --json for machine-readable output on stdout.
Exit codes: 0 success, 1 the evidence failed a check, 2 the command could not run.
`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return name ? EXIT_OK : EXIT_USAGE;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(`causa: unknown command "${name}"\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    return reportError(name, command, error, io);
  }
}

/**
 * The one error path: what went wrong, in words (service/errors.ts, as the API says it), and exit 2 — the
 * evidence failing a check is a result the command returns (EXIT_EVIDENCE), not an error. An argument the
 * command refused (a ServiceError 'invalid_input' thrown as such) is followed by the command's usage.
 */
function reportError(name: string, command: Command, error: unknown, io: CliIo): number {
  io.stderr.write(`causa ${name}: ${toServiceError(error).message}\n`);
  if (error instanceof ServiceError && error.code === 'invalid_input') {
    io.stderr.write(`Usage (causa --help for every command):\n${command.usage}\n`);
  }
  return EXIT_USAGE;
}
