// The exit codes of every `causa` command (docs/cli.md): 0 success; 1 the evidence failed a check (invalid
// input records, tampering, a partial capture); 2 the command could not run (bad arguments, unreadable file).
export const EXIT_OK = 0;
export const EXIT_EVIDENCE = 1;
export const EXIT_USAGE = 2;

export type ExitCode = typeof EXIT_OK | typeof EXIT_EVIDENCE | typeof EXIT_USAGE;
