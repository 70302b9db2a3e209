// The `causa` command. Exit codes (docs/design.md): 0 success; 1 the evidence failed a check (invalid input
// records, tampering); 2 the command could not run (bad arguments, unreadable file).
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CAPTURE_USAGE, runCapture } from './cli/capture';
import { EXPORT_USAGE, runExcerpt, runExport, runReport, verifyExcerptFile } from './cli/export';
import { FILTER_OPTIONS, FILTER_USAGE, filterFromOptions } from './cli/filter';
import { LIMIT_OPTIONS, LIMIT_USAGE, limitsFromOptions } from './cli/limits';
import { PULL_USAGE, runPull } from './cli/pull';
import { runWhoami, WHOAMI_USAGE } from './cli/whoami';
import { DEFAULT_MAX_BODY_BYTES, startHttpHost } from './host/http';
import { isSampleName, makeKey, SAMPLES, sealFolder, verifyBundleAt, writeSample } from './service/bundles';
import {
  addTrustedKey,
  installationKeyFingerprint,
  installationKeyPath,
  listTrustedKeys,
  readPublicKeyFile,
  removeTrustedKey,
  trustStorePath,
} from './service/trust';
import { verdictPasses, type BundleVerdict } from './service/bundles';
import { caseBusyMessage } from './service/busy';
import { formatNames } from './service/import';
import { Workbench } from './service/workbench';
import { verificationHistory } from './service/verification';
import type { ImportIntegrity, ImportProgress, ImportReport, VerifyProgress } from './shared/contract';
import type { Graph } from './shared/graph';
import { ServiceError } from './shared/errors';
import type { EventJson } from './shared/model';

export interface CliIo {
  stdout: { write(text: string): unknown; once?(event: 'drain', listener: () => void): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Resolves when the user asks a long-running command (serve) to stop. */
  untilInterrupted?: () => Promise<void>;
}

export const EXIT_OK = 0;
export const EXIT_EVIDENCE = 1;
export const EXIT_USAGE = 2;

class UsageError extends Error {}

const USAGE = `Usage: causa <command> [options]

Commands:
  sample [NAME] -o DIR [--events N]          write a built-in sample incident as a signed bundle
                                             (${Object.keys(SAMPLES).join(', ')}); -o x.zip writes a zip
  keygen -o KEY.pem                          make an Ed25519 signing key pair (KEY.pem, KEY.pub.pem)
  seal SRC_DIR -o BUNDLE [--key KEY.pem] [--title T] [--incident ID]
                                             chain, hash and optionally sign raw evidence into a bundle
  verify BUNDLE [--trust KEY.pub.pem]... [--tsa-anchor CERT.pem]... [--require-signature]
                                             verify a bundle's files, chains, signature and timestamp;
                                             unsigned fails when a key is trusted or one is required
  verify CASE.causa                          re-check the records a case keeps against their bundles
  verify EXCERPT.json [--trust KEY.pub.pem]  check an evidence excerpt's records, proofs and signature
  trust add KEY.pub.pem [--label L] | trust list | trust remove FINGERPRINT
                                             the signing keys you trust (in $CAUSA_HOME/trust.json)
${WHOAMI_USAGE}
  serve [PATH...] [--case FILE] [--port N] [--max-body MIB] [--trust KEY.pub.pem]...
                                             open the workbench in web mode on 127.0.0.1; PATH is a case
                                             file (.causa) or evidence to import into a new case; a
                                             request body (files dropped at once) may hold up to MIB
                                             (default 256); --trust trusts a signing key for this case
                                             only (a journal entry)
  import PATH... --case FILE [--format F] [--require-signature]
                                             import evidence files or folders into a case file; the format
                                             of each file is detected from its content unless F names it;
                                             a bundle that fails its check makes the import exit 1
  events CASE [filters] [--stages]           print the case's normalized events in time order, one line
                                             per audited API call (its latest stage) unless --stages
  graph CASE [filters]                       print the causal graph: chains, and every edge with its
                                             rule, strength and joining fields (--json: {nodes, edges});
                                             with filters, the nodes whose events match
${FILTER_USAGE}
${LIMIT_USAGE}
${EXPORT_USAGE}
${CAPTURE_USAGE}
${PULL_USAGE}

Every command takes --json for machine-readable output on stdout.
Exit codes: 0 success, 1 the evidence failed a check, 2 the command could not run.
`;

const COMMON = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function writeImportReport(report: ImportReport, io: CliIo, json: boolean): number {
  for (const file of report.files) {
    for (const error of file.errors) io.stderr.write(`${error.file}:${error.line}: ${error.reason}\n`);
    if (file.more_errors > 0) io.stderr.write(`${file.file}: … and ${plural(file.more_errors, 'more error')}\n`);
  }
  if (json) {
    io.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    for (const file of report.files) {
      const what =
        file.status === 'already_imported'
          ? `already in the case (${plural(file.events, 'event')})`
          : file.status === 'failed'
            ? 'nothing imported'
            : file.status === 'skipped'
              ? `skipped: no importer for ${file.format} yet`
              : file.status === 'cancelled'
                ? 'cancelled: nothing of it imported'
                : `imported ${plural(file.events, 'event')} (${file.format})`;
      const errors = file.errors.length + file.more_errors;
      io.stdout.write(`${file.file}: ${what}${errors > 0 ? `, ${plural(errors, 'error')}` : ''}\n`);
    }
    io.stdout.write(
      `Imported ${plural(report.events, 'event')} from ${plural(report.files.length, 'file')}; ` +
        `${report.errors === 0 ? 'no errors' : `${plural(report.errors, 'record')} could not be imported`}.\n`,
    );
    if (report.cancelled) io.stdout.write('Cancelled: the file being read was rolled back; the files after it were not read.\n');
    for (const failed of report.integrity ?? []) writeImportIntegrity(failed, io);
  }
  // A cancelled import could not run to its end.
  if (report.cancelled) return EXIT_USAGE;
  return report.errors > 0 || (report.integrity ?? []).length > 0 ? EXIT_EVIDENCE : EXIT_OK;
}

/** A bundle that failed its check on import: what is wrong, which sources, how many records the case now holds from them. */
function writeImportIntegrity(failed: ImportIntegrity, io: CliIo): void {
  const what = {
    broken: 'BROKEN: its content differs from what was sealed',
    unsigned: 'UNSIGNED: no valid signature covers its seal, and a signature was required',
    untrusted: `UNTRUSTED: signed by a key you have not trusted (${failed.fingerprint ?? 'unknown'})`,
    intact: 'intact',
  }[failed.status];
  const sources = failed.sources.map((s) => `${s.path} (${plural(s.records, 'record')}${s.verdict === 'broken' ? ', broken' : ''})`);
  io.stdout.write(
    `${failed.bundle}: ${what}; ${plural(failed.records, 'record')} imported from ${plural(failed.sources.length, 'source')} at fault` +
      `${sources.length > 0 ? `: ${sources.join(', ')}` : ''}\n`,
  );
  for (const problem of failed.problems) io.stdout.write(`  ${problem.item}: ${problem.reason}\n`);
}

async function runImport(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { case: { type: 'string' }, format: { type: 'string' }, 'require-signature': { type: 'boolean' }, ...LIMIT_OPTIONS });
  const limits = limitsFromOptions(values);
  if (!values.case) throw new UsageError('import needs --case FILE (the case file to import into)');
  if (positionals.length === 0) throw new UsageError('import needs at least one PATH to import');
  if (values.format !== undefined && !formatNames().includes(values.format)) {
    throw new UsageError(`unknown format "${values.format}"; known formats: ${formatNames().join(', ')}`);
  }
  // Check the evidence before creating anything: a typo must not leave an empty case file behind.
  const missing = positionals.find((path) => !existsSync(path));
  if (missing) throw new ServiceError('io', `${missing}: no such file or folder`);
  const workbench = Workbench.open(values.case, { create: true, limits });
  // Ctrl+C stops at the next record: the file being read is rolled back, the files before it stay.
  const cancel = (): void => void workbench.imports.cancel();
  process.once('SIGINT', cancel);
  const progress = io.stderr.isTTY ? setInterval(() => io.stderr.write(`\r${describeProgress(workbench.imports.snapshot())}\x1b[K`), 250) : undefined;
  // Said once, TTY or not: a second import into a case another program is writing waits for it.
  let toldWaiting = false;
  const waiting = setInterval(() => {
    if (toldWaiting || !workbench.imports.snapshot().waiting) return;
    toldWaiting = true;
    if (!io.stderr.isTTY) io.stderr.write(`causa import: waiting for another import to finish writing to ${values.case} (Ctrl+C to give up)\n`);
  }, 100);
  try {
    const options = { limits, ...(values.format ? { format: values.format } : {}), ...(values['require-signature'] ? { requireSignature: true } : {}) };
    const report = await workbench.importPaths(positionals, options);
    if (progress) io.stderr.write('\r\x1b[K');
    return writeImportReport(report, io, values.json === true);
  } finally {
    if (progress) clearInterval(progress);
    clearInterval(waiting);
    process.removeListener('SIGINT', cancel);
    workbench.close();
  }
}

function describeProgress(p: ImportProgress): string {
  if (!p.active) return 'importing…';
  if (p.waiting) return 'waiting for another import to finish…';
  const percent = p.bytes_total > 0 ? Math.min(100, Math.floor((p.bytes_read / p.bytes_total) * 100)) : 0;
  return `${p.cancelling ? 'cancelling' : 'importing'} ${p.file ?? ''} (file ${Math.min(p.files_done + 1, p.files_total)} of ${p.files_total}): ${percent}%, ${p.events.toLocaleString('en')} events`;
}

function describeEvent(e: EventJson): string {
  const target = e.target
    ? [e.target.resource, [e.target.namespace, e.target.name].filter(Boolean).join('/')].filter(Boolean).join(' ')
    : '';
  const actor = e.actor ? `${e.actor.id}${e.actor.on_behalf_of ? ` (for ${e.actor.on_behalf_of})` : ''}` : '-';
  return [e.time ?? '-', e.kind, actor, [e.action, target].filter(Boolean).join(' ') || '-', e.outcome].join('  ');
}

async function runEvents(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { ...FILTER_OPTIONS, stages: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('events needs exactly one CASE file');
  const casePath = positionals[0]!;
  if (!existsSync(casePath)) throw new ServiceError('io', `${casePath}: no such case file`);
  const filter = filterFromOptions(values, { stages: values.stages });
  const workbench = Workbench.open(casePath);
  try {
    let buffer = '';
    for (const event of workbench.events(filter)) {
      buffer += `${values.json ? JSON.stringify(event) : describeEvent(event)}\n`;
      if (buffer.length >= 1 << 16) {
        await writeWithBackpressure(io, buffer);
        buffer = '';
      }
    }
    if (buffer) await writeWithBackpressure(io, buffer);
  } finally {
    workbench.close();
  }
  return EXIT_OK;
}

function describeGraph(graph: Graph): string {
  const lines: string[] = [];
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  for (const chain of graph.chains) {
    lines.push(`chain ${chain.id}: ${chain.label} — ${plural(chain.nodes, 'node')}, ${chain.notable} notable, ${chain.first_time ?? '?'} … ${chain.last_time ?? '?'}`);
    for (const edge of graph.edges) {
      const from = byId.get(edge.from);
      if (from?.chain !== chain.id || edge.status === 'rejected') continue;
      const fields = edge.fields.map((f) => `${f.from}=${f.to}=${f.value}`).join(', ');
      lines.push(`  ${from.label}  -[${edge.rule}, ${edge.strength}${fields ? `: ${fields}` : ''}]->  ${byId.get(edge.to)?.label ?? edge.to}`);
    }
  }
  const background = graph.groups.reduce((n, g) => n + g.count, 0);
  lines.push(`${plural(graph.nodes.length, 'node')}, ${plural(graph.edges.length, 'edge')}, ${plural(graph.chains.length, 'chain')}; ${plural(background, 'background event')} in ${plural(graph.groups.length, 'group')}`);
  return `${lines.join('\n')}\n`;
}

async function runGraph(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, FILTER_OPTIONS);
  if (positionals.length !== 1) throw new UsageError('graph needs exactly one CASE file');
  const casePath = positionals[0]!;
  if (!existsSync(casePath)) throw new ServiceError('io', `${casePath}: no such case file`);
  const filter = filterFromOptions(values);
  const workbench = Workbench.open(casePath);
  try {
    const graph = workbench.graph(filter);
    await writeWithBackpressure(io, values.json ? `${JSON.stringify(graph)}\n` : describeGraph(graph));
  } finally {
    workbench.close();
  }
  return EXIT_OK;
}

/** Millions of events must not pile up in memory when stdout is a slow pipe. */
async function writeWithBackpressure(io: CliIo, text: string): Promise<void> {
  if (io.stdout.write(text) === false && io.stdout.once) {
    await new Promise<void>((resolve) => io.stdout.once!('drain', resolve));
  }
}

/** A new case is named after the evidence it was opened on ("inc-0047"), or "untitled". */
function caseNameFor(paths: string[]): string {
  const first = paths[0] ? basename(paths[0].replace(/[\\/]+$/, '')) : '';
  return first.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'untitled';
}

function rendererDir(): string {
  return fileURLToPath(new URL('../renderer', import.meta.url));
}

async function runServe(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    case: { type: 'string' },
    port: { type: 'string' },
    'max-body': { type: 'string' },
    trust: { type: 'string', multiple: true },
    ...LIMIT_OPTIONS,
  });
  const limits = limitsFromOptions(values);
  // Read before anything is created: a key that cannot be read must not leave a half-made case behind.
  const caseKeys = await Promise.all((values.trust ?? []).map(async (file) => ({ file, ...(await readPublicKeyFile(file)) })));
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: "${values.port}" is not a port number`);
  const maxBodyMib = values['max-body'] === undefined ? DEFAULT_MAX_BODY_BYTES / 2 ** 20 : Number(values['max-body']);
  if (!Number.isInteger(maxBodyMib) || maxBodyMib < 1 || maxBodyMib > 2048) {
    throw new UsageError(`--max-body: "${values['max-body']}" is not a whole number of MiB from 1 to 2048`);
  }
  const dir = rendererDir();
  if (!existsSync(join(dir, 'index.html'))) {
    throw new ServiceError('io', `the workbench is not built (${dir} is missing): run npm run build first`);
  }
  const opensCase = positionals.length === 1 && positionals[0]!.endsWith('.causa') && !values.case;
  const casePath = opensCase
    ? positionals[0]!
    : (values.case ?? join(await mkdtemp(join(tmpdir(), 'causa-')), `${caseNameFor(positionals)}.causa`));
  if (opensCase && !existsSync(casePath)) throw new ServiceError('io', `${casePath}: no such case file`);
  const workbench = Workbench.open(casePath, { create: !opensCase, indexInBackground: true, limits });
  // Trusted for this case only, as a journal entry (who, when), before anything is imported so that the
  // import's own verification already counts it; the trust store is left as it was.
  const trusted: string[] = [];
  for (const key of caseKeys) {
    if (!(await workbench.handlers.analysis({})).trusted_signers.includes(key.fingerprint)) {
      await workbench.handlers.record({ action: { type: 'trust_signer', fingerprint: key.fingerprint, trusted: true } });
    }
    trusted.push(`Trusted key ${key.fingerprint} (${key.file}) for this case only.`);
  }
  let report: ImportReport | undefined;
  if (!opensCase && positionals.length > 0) {
    report = await workbench.importPaths(positionals);
    for (const file of report.files) {
      for (const error of file.errors) io.stderr.write(`${error.file}:${error.line}: ${error.reason}\n`);
    }
  }
  const host = await startHttpHost({
    handlers: {
      ...workbench.handlers,
      capabilities: () => ({ open_dialog: false, transport: 'http' as const }),
      openEvidence: () => {
        throw new ServiceError('unsupported', 'web mode has no Open dialog: drop files on the window instead');
      },
    },
    rendererDir: dir,
    port,
    maxBodyBytes: maxBodyMib * 2 ** 20,
  });
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ url: host.url, port: host.port, case: casePath, import: report, trusted_for_case: caseKeys.map((k) => k.fingerprint) })}\n`);
  } else {
    io.stdout.write(`Causa workbench on ${casePath}\n`);
    if (report) io.stdout.write(`Imported ${plural(report.events, 'event')}, ${plural(report.errors, 'error')}.\n`);
    for (const line of trusted) io.stdout.write(`${line}\n`);
    for (const failed of report?.integrity ?? []) writeImportIntegrity(failed, io);
    io.stdout.write(`Open ${host.url}\n(press Ctrl+C to stop)\n`);
  }
  await (io.untilInterrupted ?? untilSignal)();
  await host.close();
  workbench.close();
  return EXIT_OK;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

async function runKeygen(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { out: { type: 'string', short: 'o' } });
  if (!values.out || positionals.length > 0) throw new UsageError('keygen needs -o KEY.pem and nothing else');
  const made = await makeKey(values.out);
  io.stdout.write(
    values.json
      ? `${JSON.stringify(made)}\n`
      : `Wrote ${made.private_key} (private, keep it secret) and ${made.public_key}\nKey fingerprint (SHA-256 of the public key): ${made.fingerprint}\n`,
  );
  return EXIT_OK;
}

async function runSeal(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    out: { type: 'string', short: 'o' },
    key: { type: 'string' },
    title: { type: 'string' },
    incident: { type: 'string' },
  });
  if (positionals.length !== 1 || !values.out) throw new UsageError('seal needs one SRC_DIR and -o BUNDLE');
  const sealed = await sealFolder({
    source: positionals[0]!,
    out: values.out,
    ...(values.key ? { key: values.key } : {}),
    ...(values.title ? { title: values.title } : {}),
    ...(values.incident ? { incident: values.incident } : {}),
  });
  io.stdout.write(
    values.json
      ? `${JSON.stringify(sealed)}\n`
      : `Sealed ${plural(sealed.sources, 'file')} into ${sealed.out}${sealed.signed_by ? `, signed by key ${sealed.signed_by}` : ' (unsigned)'}\n`,
  );
  return EXIT_OK;
}

async function runSample(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { out: { type: 'string', short: 'o' }, events: { type: 'string' } });
  const name = positionals[0] ?? 'inc-0047';
  if (positionals.length > 1 || !values.out) throw new UsageError('sample takes at most one NAME and needs -o DIR');
  if (!isSampleName(name)) throw new UsageError(`sample: no sample named "${name}" (samples: ${Object.keys(SAMPLES).join(', ')})`);
  const events = values.events === undefined ? undefined : Number(values.events);
  if (events !== undefined && (!Number.isInteger(events) || events < 1)) throw new UsageError(`--events: "${values.events}" is not a positive whole number`);
  await writeSample(name, values.out, events ? { events } : {});
  io.stdout.write(values.json ? `${JSON.stringify({ sample: name, out: values.out })}\n` : `Wrote sample ${name} to ${values.out}\n`);
  return EXIT_OK;
}

/** `timestamp` is given for a bundle's own verdict; a case's re-check of its records does not look at manifest.tsr. */
function writeVerdict(verdict: BundleVerdict, io: CliIo, timestamp?: { anchorsGiven: boolean }): void {
  for (const problem of verdict.problems) io.stdout.write(`${problem.item}: ${problem.reason}\n`);
  const count = (v: string) => verdict.sources.filter((s) => s.verdict === v).length;
  const fileProblems = verdict.problems.filter((p) => p.position === undefined && !p.item.startsWith('manifest.') && p.item !== 'archive').length;
  io.stdout.write(`Results for ${verdict.bundle}:\n`);
  if (verdict.files_checked > 0) {
    io.stdout.write(`  ${verdict.files_checked - Math.min(fileProblems, verdict.files_checked)}/${verdict.files_checked} listed files match the manifest\n`);
  }
  io.stdout.write(
    `  ${verdict.sources.length} sources: ${count('intact')} intact, ${count('untrusted')} signed by a key you have not trusted, ` +
      `${count('unsigned')} unsigned, ${count('broken')} broken, ${count('sealed_whole')} documents sealed whole (file hash checked), ` +
      `${count('unverifiable')} unverifiable\n`,
  );
  const sig = verdict.signature;
  io.stdout.write(
    `  signature: ${sig.status === 'absent' ? 'none' : sig.status === 'invalid' ? `INVALID (${sig.reason})` : `valid, key ${sig.fingerprint} (${sig.trusted ? 'trusted' : 'NOT in the trust store'})`}\n`,
  );
  if (timestamp) io.stdout.write(`  timestamp: ${describeTimestamp(verdict, timestamp.anchorsGiven)}\n`);
  io.stdout.write(`  ${describeStatus(verdict)}\n`);
}

/** The verdict's last line: exactly what holds, in one sentence. */
function describeStatus(verdict: BundleVerdict): string {
  switch (verdict.status ?? (verdict.intact ? 'intact' : 'broken')) {
    case 'intact':
      return 'INTACT: every file and record as sealed, and the seal signed by a key you trust';
    case 'untrusted':
      return `UNTRUSTED: as sealed, but signed by a key you have not trusted (${verdict.signature.fingerprint}); trust it with causa trust add, or pass --trust`;
    case 'unsigned':
      return verdictPasses(verdict)
        ? 'UNSIGNED: as sealed, but no signature covers the seal, so anyone could have re-sealed it (no key is trusted, so none was required)'
        : 'UNSIGNED: no valid signature covers the seal, so anyone could have re-sealed it; a signature was required';
    default:
      return `BROKEN: ${plural(verdict.problems.length, 'problem')} found`;
  }
}

async function runVerifyCase(casePath: string, json: boolean, io: CliIo): Promise<number> {
  if (!existsSync(casePath)) throw new ServiceError('io', `${casePath}: no such case file`);
  const workbench = Workbench.open(casePath);
  // Ctrl+C stops at the next pause, and a cancelled run records nothing.
  const cancel = (): void => void workbench.verifications.cancel();
  process.once('SIGINT', cancel);
  // On a terminal: a line as each source begins, then at most four a second as its records are checked.
  let shown = { at: 0, source: '' };
  const unwatch = io.stderr.isTTY
    ? workbench.verifications.watch((p) => {
        const source = `${p.subject}\n${p.source}`;
        if (source === shown.source && Date.now() - shown.at < 250) return;
        shown = { at: Date.now(), source };
        io.stderr.write(`\r${describeVerifyProgress(p)}\x1b[K`);
      })
    : undefined;
  try {
    const verifications = await workbench.handlers.verifyCase({});
    if (json) io.stdout.write(`${JSON.stringify(verifications)}\n`);
    else if (verifications.length === 0) io.stdout.write(`${casePath}: no bundles in this case, so nothing sealed to check the records against (loose files are unverifiable)\n`);
    else {
      for (const v of verifications) {
        const what =
          v.subject === 'seal'
            ? `the seals of ${casePath}'s sources (the records, rows and import errors as imported)`
            : v.subject === 'journal'
              ? `the analyst journal of ${casePath} (its chain and signed heads)`
              : `${v.location} (records kept in ${casePath})`;
        writeVerdict({ ...v.verdict, bundle: what } as BundleVerdict, io);
        const chain = v.subject === 'ledger' ? v.verdict.sources[0] : undefined;
        if (chain) io.stdout.write(`  ledger chain: ${chain.verdict}, ${chain.records ?? 0} records, rule ${chain.rule ?? 'none'}, genesis ${chain.genesis ?? 'unknown'} (records cut off the end cannot be known without an anchor)\n`);
      }
    }
    // Verdicts only get worse: a source an earlier run found broken stays on record and is shown with today's
    // verdict (a signer not trusted then is today's question, answered by today's run).
    const earlier = verificationHistory(workbench.store).filter((h) => h.broken && h.at < (verifications[0]?.at ?? ''));
    if (!json && earlier.length > 0) {
      io.stdout.write(`Earlier findings (kept in the case; a later intact run does not erase them):\n`);
      for (const h of earlier) io.stdout.write(`  ${h.at} ${h.subject} ${h.location}: ${h.problems.join('; ')}\n`);
    }
    const stillBroken = earlier.length > 0;
    return verifications.every((v) => verdictPasses(v.verdict)) && !stillBroken ? EXIT_OK : EXIT_EVIDENCE;
  } finally {
    if (unwatch) {
      unwatch();
      io.stderr.write('\r\x1b[K');
    }
    process.removeListener('SIGINT', cancel);
    workbench.close();
  }
}

function describeVerifyProgress(p: VerifyProgress): string {
  const percent = p.records_total > 0 ? Math.min(100, Math.floor((p.records_done / p.records_total) * 100)) : 0;
  // A bundle's source is named as an import names it (BUNDLE/sources/…); a ledger by its own name.
  const where = p.source === p.subject ? p.source : `${basename(p.subject ?? '')}/${p.source ?? ''}`;
  return `${p.cancelling ? 'cancelling' : 'verifying'} ${where} (source ${Math.min(p.sources_done + 1, p.sources_total)} of ${p.sources_total}): ${percent}%, ${p.records_done.toLocaleString('en')} of ${p.records_total.toLocaleString('en')} records`;
}

function describeTimestamp(verdict: BundleVerdict, anchorsGiven: boolean): string {
  const ts = verdict.timestamp;
  switch (ts.status) {
    case 'absent':
      return 'none';
    case 'valid':
      return `valid, ${ts.gen_time} by ${ts.tsa}`;
    case 'untrusted':
      return `${ts.gen_time} by ${ts.tsa ?? 'an unknown TSA'}, NOT trusted${anchorsGiven ? '' : ' (no --tsa-anchor given)'}`;
    default:
      return `${ts.status.toUpperCase()} (${ts.reason})`;
  }
}

async function runVerify(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    trust: { type: 'string', multiple: true },
    'tsa-anchor': { type: 'string', multiple: true },
    'require-signature': { type: 'boolean' },
    ...LIMIT_OPTIONS,
  });
  const limits = limitsFromOptions(values);
  if (positionals.length !== 1) throw new UsageError('verify needs exactly one BUNDLE or CASE.causa');
  if (positionals[0]!.endsWith('.causa')) return runVerifyCase(positionals[0]!, values.json === true, io);
  const excerpt = await verifyExcerptFile(positionals[0]!, values.trust ?? [], values.json === true, io);
  if (excerpt !== undefined) return excerpt;
  const tsaAnchors = values['tsa-anchor'] ?? [];
  const verdict = await verifyBundleAt(positionals[0]!, values.trust ?? [], tsaAnchors, { requireSignature: values['require-signature'] === true, limits });
  if (values.json) io.stdout.write(`${JSON.stringify(verdict)}\n`);
  else writeVerdict(verdict, io, { anchorsGiven: tsaAnchors.length > 0 });
  return verdictPasses(verdict) ? EXIT_OK : EXIT_EVIDENCE;
}

async function runTrust(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { label: { type: 'string' } });
  const [action, argument] = positionals;
  if (action === 'list' && positionals.length === 1) {
    const keys = await listTrustedKeys();
    const installation = { path: installationKeyPath(), fingerprint: installationKeyFingerprint() ?? null };
    if (values.json) io.stdout.write(`${JSON.stringify({ store: trustStorePath(), keys, installation })}\n`);
    else if (keys.length === 0) io.stdout.write(`No trusted keys (${trustStorePath()}).\n`);
    else for (const key of keys) io.stdout.write(`${key.fingerprint}  ${key.label}  (added ${key.added_at})\n`);
    if (!values.json) {
      io.stdout.write(
        installation.fingerprint
          ? `${installation.fingerprint}  this installation's key: signs its case seals and journal heads (${installation.path}, private)\n`
          : `This installation has no key yet: one is made in ${installation.path} when a case is first sealed.\n`,
      );
    }
    return EXIT_OK;
  }
  if (action === 'add' && argument && positionals.length === 2) {
    const key = await addTrustedKey(argument, values.label);
    io.stdout.write(values.json ? `${JSON.stringify(key)}\n` : `Trusted ${key.fingerprint} (${key.label})\n`);
    return EXIT_OK;
  }
  if (action === 'remove' && argument && positionals.length === 2) {
    const key = await removeTrustedKey(argument);
    io.stdout.write(values.json ? `${JSON.stringify(key)}\n` : `No longer trusted: ${key.fingerprint} (${key.label})\n`);
    return EXIT_OK;
  }
  throw new UsageError('trust takes: add KEY.pub.pem [--label L] | list | remove FINGERPRINT');
}

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  trust: runTrust,
  whoami: runWhoami,
  sample: runSample,
  keygen: runKeygen,
  seal: runSeal,
  verify: runVerify,
  import: runImport,
  events: runEvents,
  graph: runGraph,
  serve: runServe,
  capture: runCapture,
  pull: runPull,
  report: runReport,
  excerpt: runExcerpt,
  export: runExport,
};

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(USAGE);
    return command ? EXIT_OK : EXIT_USAGE;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr.write(`causa: unknown command "${command}"\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  try {
    return await run(args, io);
  } catch (error) {
    const message = caseBusyMessage(error) ?? (error instanceof Error ? error.message : String(error));
    io.stderr.write(`causa ${command}: ${message}\n`);
    if (error instanceof UsageError) io.stderr.write(`Run causa --help for usage.\n`);
    return EXIT_USAGE;
  }
}
