// `causa verify`: a bundle's files, chains, signature and timestamp; a case's records against their
// bundles (and its seals, journal and ledgers); or an evidence excerpt's proofs. The work is
// service/bundles.ts, service/verification.ts and service/exports.ts.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { verdictPasses, verifyBundleAt } from '../service/bundles';
import { readJsonFile, verifyExcerptAt } from '../service/exports';
import { Workbench } from '../service/workbench';
import type { VerifyProgress } from '../shared/contract';
import type { RecordedVerdict, TimestampCheck } from '../shared/verdict';
import { ServiceError } from '../shared/errors';
import { EXIT_EVIDENCE, EXIT_OK } from './exit';
import { plural, type CliIo } from './io';
import { LIMIT_OPTIONS, limitsFromOptions } from './limits';
import { parseOptions, usageError } from './options';

export const VERIFY_USAGE = `  verify BUNDLE [--trust KEY.pub.pem]... [--tsa-anchor CERT.pem]... [--require-signature]
                                             verify a bundle's files, chains, signature and timestamp;
                                             unsigned fails when a key is trusted or one is required
  verify CASE.causa [--rederive]             re-check the case: its bundles, its own seals and its journal;
                                             --rederive reads every record again with its importer
  verify EXCERPT.json [--trust KEY.pub.pem]  check an evidence excerpt's records, proofs and signature`;

export async function runVerify(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    trust: { type: 'string', multiple: true },
    'tsa-anchor': { type: 'string', multiple: true },
    'require-signature': { type: 'boolean' },
    rederive: { type: 'boolean' },
    ...LIMIT_OPTIONS,
  });
  const limits = limitsFromOptions(values);
  if (positionals.length !== 1) throw usageError('verify needs exactly one BUNDLE or CASE.causa');
  if (positionals[0]!.endsWith('.causa')) return runVerifyCase(positionals[0]!, values.json === true, io, values.rederive === true);
  const excerpt = await verifyExcerptFile(positionals[0]!, values.trust ?? [], values.json === true, io);
  if (excerpt !== undefined) return excerpt;
  const tsaAnchors = values['tsa-anchor'] ?? [];
  const verdict = await verifyBundleAt(positionals[0]!, values.trust ?? [], tsaAnchors, {
    requireSignature: values['require-signature'] === true,
    limits,
  });
  if (values.json) io.stdout.write(`${JSON.stringify(verdict)}\n`);
  else writeVerdict(verdict, io, { anchorsGiven: tsaAnchors.length > 0 });
  return verdictPasses(verdict) ? EXIT_OK : EXIT_EVIDENCE;
}

/** A verdict as printed: a bundle's own (with its timestamp), or one a case recorded, named by what it checked. */
type ShownVerdict = RecordedVerdict & { bundle: string; files_checked?: number; timestamp?: TimestampCheck };

/** `timestamp` is given for a bundle's own verdict; a case's re-check of its records does not look at manifest.tsr. */
function writeVerdict(verdict: ShownVerdict, io: CliIo, timestamp?: { anchorsGiven: boolean }): void {
  for (const problem of verdict.problems) io.stdout.write(`${problem.item}: ${problem.reason}\n`);
  const count = (v: string) => verdict.sources.filter((s) => s.verdict === v).length;
  const fileProblems = verdict.problems.filter(
    (p) => p.position === undefined && !p.item.startsWith('manifest.') && p.item !== 'archive',
  ).length;
  io.stdout.write(`Results for ${verdict.bundle}:\n`);
  const files = verdict.files_checked ?? 0;
  if (files > 0) {
    io.stdout.write(`  ${files - Math.min(fileProblems, files)}/${files} listed files match the manifest\n`);
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
  if (timestamp && verdict.timestamp) io.stdout.write(`  timestamp: ${describeTimestamp(verdict.timestamp, timestamp.anchorsGiven)}\n`);
  io.stdout.write(`  ${describeStatus(verdict)}\n`);
}

/** The verdict's last line: exactly what holds, in one sentence. */
function describeStatus(verdict: ShownVerdict): string {
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

async function runVerifyCase(casePath: string, json: boolean, io: CliIo, rederive = false): Promise<number> {
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
    const verifications = await workbench.handlers.verifyCase({ rederive });
    if (json) io.stdout.write(`${JSON.stringify(verifications)}\n`);
    else if (verifications.length === 0)
      io.stdout.write(
        `${casePath}: no bundles in this case, so nothing sealed to check the records against (loose files are unverifiable)\n`,
      );
    else {
      for (const v of verifications) {
        const what =
          v.subject === 'seal'
            ? `the seals of ${casePath}'s sources (the records, rows and import errors as imported)`
            : v.subject === 'journal'
              ? `the analyst journal of ${casePath} (its chain and signed heads)`
              : `${v.location} (records kept in ${casePath})`;
        writeVerdict({ ...v.verdict, bundle: what }, io);
        const chain = v.subject === 'ledger' ? v.verdict.sources[0] : undefined;
        if (rederive && v.subject === 'seal') {
          io.stdout.write(
            `  re-derived: every record read again by its importer${v.verdict.intact ? ', and every stored row is what it derives' : '; what differs is listed above'}\n`,
          );
        }
        if (chain)
          io.stdout.write(
            `  ledger chain: ${chain.verdict}, ${chain.records ?? 0} records, rule ${chain.rule ?? 'none'}, genesis ${chain.genesis ?? 'unknown'} (records cut off the end cannot be known without an anchor)\n`,
          );
      }
    }
    // Verdicts only get worse: a source an earlier run found broken stays on record and is shown with today's
    // verdict (a signer not trusted then is today's question, answered by today's run).
    const earlier = workbench.verificationHistory().filter((h) => h.broken && h.at < (verifications[0]?.at ?? ''));
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

function describeTimestamp(ts: TimestampCheck, anchorsGiven: boolean): string {
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

/** `causa verify FILE` for an excerpt; undefined when FILE is not one (then it is a bundle). */
async function verifyExcerptFile(path: string, trust: string[], json: boolean, io: CliIo): Promise<number | undefined> {
  if (!path.endsWith('.json') || !existsSync(path)) return undefined;
  const value = await readJsonFile(path);
  if (value === undefined || (value as { format?: unknown }).format !== 'causa-evidence-excerpt') return undefined;
  const verdict = await verifyExcerptAt(path, value, trust);
  if (json) io.stdout.write(`${JSON.stringify(verdict)}\n`);
  else {
    for (const p of verdict.problems) io.stdout.write(`${p.item}: ${p.reason}\n`);
    io.stdout.write(
      `Results for excerpt ${path}:\n  ${verdict.proven}/${verdict.events} events proven against their manifest's or case seal's Merkle root\n`,
    );
    const words = (s: Awaited<ReturnType<typeof verifyExcerptAt>>['bundles'][number]['signature']): string =>
      s.status === 'valid' ? `valid, key ${s.fingerprint} (${s.trusted ? 'trusted' : 'NOT in the trust store'})` : s.status;
    for (const b of verdict.bundles) io.stdout.write(`  ${b.id} ${b.location}: signature ${words(b.signature)}\n`);
    for (const c of verdict.case_seals) {
      io.stdout.write(
        `  case seal of ${c.source} (${c.records} records, Merkle root ${c.merkle_root.slice(0, 16)}…): signature ${words(c.signature)}\n`,
      );
    }
    io.stdout.write(
      `  ${verdict.intact ? 'INTACT: nothing invalid found' : `${verdict.problems.length} problem${verdict.problems.length === 1 ? '' : 's'} found`}\n`,
    );
  }
  return verdict.intact ? EXIT_OK : EXIT_EVIDENCE;
}
