import { describe, expect, it } from 'vitest';
import { bufferContent, detectFormat, parseSource } from '../../../src-main/core/ingest/index';
import { kindOfEntryType } from '../../../src-main/core/ingest/hash-ledger';
import { SeededRandom } from '../../../src-main/core/sample/random';
import { generateOsmodaLedger, GENESIS_HASH, sealLedgerRecord } from '../../../src-main/core/sample/osmoda-ledger';
import { LEDGER_RULES, verifyLedger, type LedgerRule } from '../../../src-main/core/verify/ledger';

const records = (lines: readonly string[]) => lines.map((line, i) => ({ position: i + 1, raw: Buffer.from(line) }));

describe('hash-ledger import', () => {
  it('is detected from its first record and derives kind, actor, time, target and keys', async () => {
    const lines = generateOsmodaLedger({ seed: 5, records: 30 });
    const bytes = Buffer.from(`${lines.join('\n')}\n`);
    const detected = detectFormat(bytes);
    if (!detected.ok) throw new Error(`not detected as a hash ledger: ${detected.reason}`);
    expect(detected.format.name).toBe('hash-ledger');
    const parsed = [];
    for await (const record of parseSource(bufferContent(bytes), detected)) parsed.push(record);
    expect(parsed.every((r) => r.ok)).toBe(true);
    expect(parsed).toHaveLength(30);
    const events = parsed.flatMap((r) => (r.ok ? r.events : []));
    const call = events.find((e) => e.kind === 'tool_call')!;
    const source = JSON.parse(lines[events.indexOf(call)]!) as {
      ts: string;
      payload: { input: { name: string; namespace: string }; session_id: string };
    };
    expect(call).toMatchObject({
      action: 'resources_scale',
      actor: { type: 'agent', id: 'agent:ops-assistant' },
      target: { api_group: 'apps', resource: 'deployments', name: source.payload.input.name, namespace: source.payload.input.namespace },
      time_text: source.ts,
      keys: { conversation_id: source.payload.session_id },
    });
    expect(call.time_ns).toBe(BigInt(Date.parse(source.ts.slice(0, 23) + 'Z')) * 1_000_000n + BigInt(source.ts.slice(23, 29)));
    const restart = events.find((e) => e.kind === 'workload_event')!;
    expect(restart).toMatchObject({ action: 'watchdog.restart', actor: { type: 'system', id: 'agentd-watchdog' } });
    const ssh = events.find((e) => e.kind === 'human_action');
    expect(ssh?.actor?.type).toBe('human');
  });

  it('maps entry types to kinds', () => {
    expect(
      ['tool.call', 'tool.result', 'config.nixos_switch', 'watchdog.restart', 'ssh.session_open', 'policy.denied', 'secrets.access'].map(
        kindOfEntryType,
      ),
    ).toEqual(['tool_call', 'tool_result', 'resource_change', 'workload_event', 'human_action', 'policy_decision', 'other']);
  });
});

describe('verifyLedger: the chain a ledger embeds', () => {
  for (const rule of LEDGER_RULES) {
    it(`detects the rule ${rule} and finds a generated ledger intact`, () => {
      const verdict = verifyLedger(records(generateOsmodaLedger({ records: 100, rule })));
      expect(verdict).toEqual({ verdict: 'intact', rule, records: 100, genesis: 'zeros' });
    });
  }

  it('says a ledger whose hashes no known rule reproduces is unverifiable, not broken', () => {
    const lines = generateOsmodaLedger({ records: 5 }).map((line) => {
      const record = JSON.parse(line) as Record<string, unknown>;
      return JSON.stringify({ ...record, hash: 'f'.repeat(64) });
    });
    expect(verifyLedger(records(lines))).toMatchObject({ verdict: 'unverifiable', records: 5 });
  });

  it('names a modified record, a deleted one, an inserted one and a swap', () => {
    const lines = generateOsmodaLedger({ records: 20 });
    const modified = [...lines];
    modified[6] = modified[6]!.replace('"id":7', '"id":70');
    expect(verifyLedger(records(modified))).toMatchObject({ verdict: 'broken', first_bad_position: 7, nature: 'modified' });
    expect(verifyLedger(records([...lines.slice(0, 9), ...lines.slice(10)]))).toMatchObject({ first_bad_position: 10, nature: 'deleted' });
    const swapped = [...lines];
    [swapped[4], swapped[5]] = [swapped[5]!, swapped[4]!];
    expect(verifyLedger(records(swapped))).toMatchObject({ first_bad_position: 5, nature: 'reordered' });
    expect(verifyLedger(records(lines.slice(1)))).toMatchObject({ first_bad_position: 1, nature: 'deleted' });
  });

  it('cannot see records cut off the end (that needs an anchor of the head), and says the chain is intact', () => {
    expect(verifyLedger(records(generateOsmodaLedger({ records: 20 }).slice(0, 12)))).toMatchObject({ verdict: 'intact', records: 12 });
  });

  it('mutation: hundreds of random tamperings are each detected and located', () => {
    const random = new SeededRandom(2026);
    type Tamper = { lines: string[]; position: number; nature?: string; what: string };
    const forged = (rule: LedgerRule, prev: string): string =>
      JSON.stringify(
        sealLedgerRecord(rule, {
          id: 999,
          ts: '2026-03-14T04:00:00.000000000Z',
          event_type: 'tool.call',
          actor: 'agent:intruder',
          payload: { tool: 'resources_delete' },
          prev_hash: prev,
        }),
      );
    // What each round did and what the verifier said: every kind of tampering must have been tried, under
    // every rule, and every one of them found (counting rounds would pass with a loop that checked nothing).
    const tried = new Map<string, number>();
    for (let round = 0; round < 400; round += 1) {
      const rule = random.pick(LEDGER_RULES);
      const n = random.int(3, 40);
      const lines = generateOsmodaLedger({ seed: round + 1, records: n, rule });
      const hashOf = (i: number) => (JSON.parse(lines[i]!) as { hash: string }).hash;
      const kind = random.int(0, 4);
      const kindName = ['modify a byte', 'delete', 'insert linked', 'insert unlinked', 'swap'][kind]!;
      let tamper: Tamper;
      if (kind === 0) {
        // One byte changed anywhere in one record, to any other printable byte.
        const at = random.int(0, n - 1);
        const bytes = Buffer.from(lines[at]!);
        const offset = random.int(0, bytes.length - 1);
        let next = bytes[offset]!;
        while (next === bytes[offset]) next = random.int(0x21, 0x7e);
        bytes[offset] = next;
        const copy = [...lines];
        copy[at] = bytes.toString('latin1');
        tamper = { lines: copy, position: at + 1, nature: 'modified', what: `byte ${offset} of record ${at + 1}` };
      } else if (kind === 1) {
        const at = random.int(0, n - 2); // deleting the last record is truncation, which no chain shows
        tamper = {
          lines: [...lines.slice(0, at), ...lines.slice(at + 1)],
          position: at + 1,
          nature: 'deleted',
          what: `delete record ${at + 1}`,
        };
      } else if (kind === 2) {
        // A forged record that links to the one before it and carries a correct hash of itself. Not at the
        // end: a well-forged record appended is, like truncation, invisible without an anchor of the head.
        const at = random.int(0, n - 1);
        const record = forged(rule, at === 0 ? GENESIS_HASH : hashOf(at - 1));
        tamper = {
          lines: [...lines.slice(0, at), record, ...lines.slice(at)],
          position: at + 1,
          nature: 'inserted',
          what: `insert linked record at ${at + 1}`,
        };
      } else if (kind === 3) {
        // A forged record with a correct own hash but a made-up link.
        const at = random.int(0, n - 1);
        const record = forged(rule, random.hex(64));
        tamper = {
          lines: [...lines.slice(0, at), record, ...lines.slice(at)],
          position: at + 1,
          what: `insert unlinked record at ${at + 1}`,
        };
      } else {
        const a = random.int(0, n - 2);
        const b = random.int(a + 1, n - 1);
        const copy = [...lines];
        [copy[a], copy[b]] = [copy[b]!, copy[a]!];
        tamper = { lines: copy, position: a + 1, nature: 'reordered', what: `swap records ${a + 1} and ${b + 1}` };
      }
      const verdict = verifyLedger(records(tamper.lines));
      expect(verdict.verdict, tamper.what).toBe('broken');
      expect(verdict.first_bad_position, tamper.what).toBe(tamper.position);
      if (tamper.nature) expect(verdict.nature, tamper.what).toBe(tamper.nature);
      else expect(['inserted', 'modified'], tamper.what).toContain(verdict.nature);
      tried.set(`${rule}: ${kindName}`, (tried.get(`${rule}: ${kindName}`) ?? 0) + 1);
    }
    const expected = LEDGER_RULES.flatMap((rule) =>
      ['modify a byte', 'delete', 'insert linked', 'insert unlinked', 'swap'].map((k) => `${rule}: ${k}`),
    );
    expect([...tried.keys()].sort()).toEqual(expected.sort());
    for (const [what, count] of tried) expect(count, what).toBeGreaterThanOrEqual(5);
  });
});
