// Instruction-like content inside a tool result: text that addresses the model rather than reporting
// data. Each pattern is a finding kind: an override of earlier instructions, a chat role marker, tool
// call syntax, text addressed to an AI agent, and characters that render as nothing (the payload of
// hidden-text injections). Data about the cluster rarely looks like any of these.
import type { InjectionFinding } from '../../../shared/contract';
import { HIDDEN } from './spans';

type Kind = InjectionFinding['kind'];

const PATTERNS: readonly [Kind, RegExp][] = [
  [
    'override',
    /\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+)?(?:previous|prior|above|earlier|preceding|system|original)\s+(?:instructions?|prompts?|messages?|rules|directions|guidelines)/giu,
  ],
  ['override', /\bdo\s+not\s+(?:ask|wait)\s+(?:the\s+user\s+)?for\s+(?:confirmation|approval|permission)/giu],
  [
    'role-marker',
    /(?:^|\n|\\n)\s*(?:#{1,3}\s*)?(?:system|assistant|developer)\s*:|<\|im_start\|>|<\|(?:system|assistant)\|>|\[\/?INST\]|<\/?(?:system|assistant)>|\[SYSTEM[^\]\n]{0,60}\]/giu,
  ],
  ['tool-syntax', /<tool_call>|<function_calls>|<invoke\s+name=|"tool_calls"\s*:|\bfunctions\.[a-z_]+\(/giu],
  [
    'addressed-to-agent',
    /\b(?:note|message|instructions?)\s+(?:to|for)\s+(?:the\s+)?(?:AI|LLM|assistants?|agents?|models?)\b|\b(?:AI|LLM)\s+(?:assistants?|agents?)\s+(?:reading|processing|seeing)\s+this\b|\byou\s+are\s+now\s+(?:a|an|in)\b/giu,
  ],
];

const EXCERPT = 60;

function excerptAt(text: string, index: number, length: number): string {
  const from = Math.max(0, index - 10);
  const to = Math.min(text.length, index + Math.max(length, EXCERPT));
  return text.slice(from, to).replace(HIDDEN, (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`);
}

export interface ScannedRecord {
  event_id: number;
  source: string;
  position: number;
  text: string;
}

/** Every instruction-like passage of one tool result: one finding per kind and place. */
export function findInjections(record: ScannedRecord): InjectionFinding[] {
  const findings: InjectionFinding[] = [];
  for (const [kind, pattern] of PATTERNS) {
    for (const match of record.text.matchAll(pattern)) {
      findings.push({
        event_id: record.event_id,
        source: record.source,
        position: record.position,
        kind,
        excerpt: excerptAt(record.text, match.index, match[0].length),
        offset: match.index,
      });
    }
  }
  // Hidden characters: one finding for each run of them.
  for (const match of record.text.matchAll(/(?:[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|[\u{E0000}-\u{E007F}])+/gu)) {
    findings.push({
      event_id: record.event_id,
      source: record.source,
      position: record.position,
      kind: 'hidden-unicode',
      excerpt: excerptAt(record.text, match.index, match[0].length),
      offset: match.index,
    });
  }
  return findings.sort((a, b) => a.offset - b.offset);
}
