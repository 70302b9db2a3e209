// Writes an osModa-shaped audit ledger: one JSON object a line, each with id, ts, event_type, actor,
// payload, the prev_hash of the record before it (64 zeros for the first) and its own hash, under a
// named rule (core/verify/ledger.ts): SHA-256 of the RFC 8785 canonical JSON of the record without
// `hash`, or of prev_hash ‖ that JSON. Entry types after what the ledger records: tool calls and their
// results, watchdog restarts, NixOS generation switches, SSH sessions, secrets access, mesh events.
// Pure and seeded: the same seed gives the same bytes.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { LedgerRule } from '../verify/ledger';
import { SeededRandom } from './random';

export interface LedgerOptions {
  seed?: number;
  records?: number;
  rule?: LedgerRule;
  /** First record's time, ms since the epoch. */
  startMs?: number;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Seals one record under a rule: the record's content plus its prev_hash, given its hash. */
export function sealLedgerRecord(rule: LedgerRule, record: Record<string, unknown>): Record<string, unknown> {
  const canonical = canonicalize(record) ?? '';
  const input = rule === 'sha256-jcs' ? canonical : `${String(record.prev_hash ?? '')}${canonical}`;
  return { ...record, hash: createHash('sha256').update(input, 'utf8').digest('hex') };
}

function entry(random: SeededRandom): { event_type: string; actor: string; payload: Record<string, unknown> } {
  const namespace = random.pick(['payments', 'checkout', 'default']);
  switch (random.int(0, 6)) {
    case 0:
    case 1: {
      const name = `${random.pick(['payment-api', 'cart', 'ledger-writer'])}`;
      return {
        event_type: 'tool.call',
        actor: 'agent:ops-assistant',
        payload: {
          tool: 'resources_scale',
          input: { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace, scale: random.int(0, 5) },
          session_id: `sess-${random.hex(8)}`,
        },
      };
    }
    case 2:
      return {
        event_type: 'tool.result',
        actor: 'agent:ops-assistant',
        payload: {
          tool: 'resources_scale',
          status: random.pick(['ok', 'ok', 'error']),
          output: `scaled in ${random.int(20, 900)}ms`,
          duration_ms: random.int(20, 900),
        },
      };
    case 3:
      return {
        event_type: 'watchdog.restart',
        actor: 'agentd-watchdog',
        payload: { process: 'ops-assistant', reason: random.pick(['crash', 'oom', 'health_check_failed']), attempt: random.int(1, 4) },
      };
    case 4:
      return {
        event_type: 'config.nixos_switch',
        actor: 'system',
        payload: { old_generation: random.int(100, 200), new_generation: random.int(201, 300), config_hash: random.hex(64) },
      };
    case 5:
      return {
        event_type: 'ssh.session_open',
        actor: random.pick(['alice@example.com', 'bob@example.com']),
        payload: { source_ip: `10.0.${random.int(0, 255)}.${random.int(1, 254)}`, status: 'ok' },
      };
    default:
      return {
        event_type: 'secrets.access',
        actor: 'agent:ops-assistant',
        payload: { secret: random.pick(['db-password', 'stripe-key']), status: 'ok' },
      };
  }
}

/** The ledger's lines, chained. */
export function generateOsmodaLedger(options: LedgerOptions = {}): string[] {
  const { seed = 3, records = 40, rule = 'sha256-jcs', startMs = Date.UTC(2026, 2, 14, 3, 0, 0) } = options;
  const random = new SeededRandom(seed);
  const lines: string[] = [];
  let prev = GENESIS_HASH;
  let atNs = BigInt(startMs) * 1_000_000n;
  for (let id = 1; id <= records; id += 1) {
    atNs += BigInt(random.int(1, 90_000)) * 1_000_000n + BigInt(random.int(0, 999_999));
    const sealed = sealLedgerRecord(rule, {
      id,
      ts: new Date(Number(atNs / 1_000_000n)).toISOString().replace('Z', '') + String(atNs % 1_000_000n).padStart(6, '0') + 'Z',
      ...entry(random),
      prev_hash: prev,
    });
    prev = sealed.hash as string;
    lines.push(JSON.stringify(sealed));
  }
  return lines;
}
