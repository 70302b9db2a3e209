// Taint chains: content from outside the user's instruction (a tool's result) followed into later model
// output and tool-call arguments. Pure: the linker calls linkTaint with its nodes and draws each link as
// an inferred `taint` edge; the service reads the same links for the report. A model turn that repeats
// a tool result's span passes the taint on to the tool call it asked for (the next call of its trace).
import { shinglesOf, SpanSource } from './spans';

export { findInjections } from './injection';
export { MIN_CHARS, MIN_CONTENT, MIN_WORDS, tokenize } from './spans';

export interface TaintItem {
  id: string;
  kind: string;
  text?: string;
  timeNs: bigint | null;
  source: string;
  position: number;
  traceId?: string;
  /** The record's own taint labels (`user`, `system`, `tool_output` …). */
  labels?: readonly string[];
}

export interface TaintLink {
  from: string;
  to: string;
  /** The repeated span as the tool result wrote it; absent for the hand-over from a model turn to its call. */
  span?: string;
  words?: number;
  match?: 'exact' | 'normalized';
  note: string;
}

const TARGETS = new Set(['tool_call', 'model_call', 'reasoning']);
const MODEL = new Set(['model_call', 'reasoning']);

/** Whether `a` happened before `b`: by time when both have one, else by position in the same source. */
function before(a: TaintItem, b: TaintItem): boolean {
  if (a.timeNs !== null && b.timeNs !== null) return a.timeNs < b.timeNs;
  return a.source === b.source && a.position < b.position;
}

const isSource = (item: TaintItem) =>
  item.kind === 'tool_result' || (item.labels ?? []).some((l) => l === 'tool_output' || l === 'retrieved' || l === 'external');
const isInstruction = (item: TaintItem) => item.kind === 'prompt' || (item.labels ?? []).some((l) => l === 'user' || l === 'system');

function clip(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function linkTaint(items: readonly TaintItem[]): TaintLink[] {
  const withText = items.filter((item) => item.text);
  const blocked = new Set<string>();
  for (const item of withText) if (isInstruction(item) && !isSource(item)) for (const s of shinglesOf(item.text!)) blocked.add(s);
  const sources = withText
    .filter(isSource)
    .map((item) => ({ item, index: new SpanSource(item.text!, blocked) }))
    .filter((s) => !s.index.empty);
  const targets = withText.filter((item) => TARGETS.has(item.kind) && !isSource(item));
  const links: TaintLink[] = [];
  const taintedTurns: TaintItem[] = [];
  for (const target of targets) {
    let hit = false;
    for (const { item, index } of sources) {
      if (!before(item, target)) continue;
      const shared = index.longestIn(target.text!);
      if (!shared) continue;
      hit = true;
      links.push({
        from: item.id,
        to: target.id,
        span: shared.span,
        words: shared.words,
        match: shared.exact ? 'exact' : 'normalized',
        note: `repeats ${shared.words} words of the tool result${shared.exact ? '' : ' (normalized)'}: “${clip(shared.span)}”`,
      });
    }
    if (hit && MODEL.has(target.kind) && target.traceId) taintedTurns.push(target);
  }
  // A tainted model turn hands the taint to the call it asked for: the next tool call of its trace
  // before the model speaks again.
  const byTrace = new Map<string, TaintItem[]>();
  for (const item of items) {
    if (!item.traceId || !(item.kind === 'tool_call' || MODEL.has(item.kind)) || item.timeNs === null) continue;
    byTrace.set(item.traceId, [...(byTrace.get(item.traceId) ?? []), item]);
  }
  for (const turn of taintedTurns) {
    const next = (byTrace.get(turn.traceId!) ?? [])
      .filter((i) => turn.timeNs !== null && i.timeNs! > turn.timeNs)
      .sort((a, b) => (a.timeNs! < b.timeNs! ? -1 : 1))[0];
    if (next?.kind === 'tool_call' && !links.some((l) => l.from === turn.id && l.to === next.id)) {
      links.push({ from: turn.id, to: next.id, note: 'the tool call this tainted model turn asked for' });
    }
  }
  return links;
}
