// What a case verification is doing right now, for the progress bar (polled by the UI, printed by the CLI)
// and for cancelling it. Verification reads the records a page at a time and gives the event loop back
// between chunks (`pause`), so that a poll — or any other request — is answered while it runs. Cancelling
// stops at the next pause, and a cancelled run records nothing: there is no partial verdict.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { VerifyProgress } from '../shared/contract';

export class VerifyCancelled extends Error {
  constructor() {
    super('the verification was cancelled: nothing was recorded');
  }
}

const IDLE: VerifyProgress = { active: false, sources_done: 0, sources_total: 0, records_done: 0, records_total: 0, cancelling: false };

export class VerifyMonitor {
  private state: VerifyProgress = { ...IDLE };
  /** Records of the sources begun before the current one, and of the current one. */
  private before = 0;
  private current = 0;
  private readonly watchers = new Set<(progress: VerifyProgress) => void>();

  /** Called as each source begins and as records are checked (the CLI's progress line); returns the unwatch. */
  watch(watcher: (progress: VerifyProgress) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  private changed(): void {
    for (const watcher of this.watchers) watcher(this.snapshot());
  }

  start(sourcesTotal: number, recordsTotal: number): void {
    this.state = { ...IDLE, active: true, sources_total: sourcesTotal, records_total: recordsTotal };
    this.before = 0;
    this.current = 0;
  }

  /**
   * The next source is being checked: `records` of it are counted in the total. Whatever the previous
   * source did not read (it stopped at its first bad record) counts as done: it is decided.
   */
  beginSource(subject: string, source: string, records: number): void {
    if (this.state.subject !== undefined) this.state.sources_done += 1;
    this.before += this.current;
    this.current = records;
    this.state = { ...this.state, subject, source, records_done: this.before };
    this.changed();
  }

  /** `count` more records read of the current source. */
  advance(count: number): void {
    this.state.records_done = Math.min(this.before + this.current, this.state.records_done + count);
    this.changed();
  }

  /** Every source decided: the counts reach their totals. */
  complete(): void {
    this.state = { ...this.state, sources_done: this.state.sources_total, records_done: this.state.records_total };
  }

  finish(): void {
    const { sources_done, sources_total, records_done, records_total } = this.state;
    this.state = { active: false, sources_done, sources_total, records_done, records_total, cancelling: false };
  }

  cancel(): boolean {
    if (!this.state.active) return false;
    this.state.cancelling = true;
    return true;
  }

  get active(): boolean {
    return this.state.active;
  }

  /** Between chunks of work: stops the run once a cancel was asked for, else lets other work in. */
  async pause(): Promise<void> {
    if (this.state.cancelling) throw new VerifyCancelled();
    await nextTurn();
    if (this.state.cancelling) throw new VerifyCancelled();
  }

  snapshot(): VerifyProgress {
    return { ...this.state };
  }
}
