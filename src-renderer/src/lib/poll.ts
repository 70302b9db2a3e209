// Polling a long run's progress while the request that runs it is still pending: import and verify both
// ask the main side "how far?" every so often until their own request answers.

export interface PollOptions<T> {
  /** Asked before each tick: false ends the polling (the run's request has answered). */
  busy: () => boolean;
  /** One progress request. */
  fetch: () => Promise<T>;
  /** Each answer that arrives while still busy. */
  onProgress: (progress: T) => void;
  intervalMs: number;
  /** The timer to wait with (tests pass their own). */
  wait?: (ms: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Asks for progress every `intervalMs` while `busy()` holds, one request at a time (the next waits for the
 * previous answer), and hands each answer that arrives while still busy to `onProgress`. Resolves when
 * `busy()` turns false.
 */
export async function pollWhileBusy<T>({ busy, fetch, onProgress, intervalMs, wait = sleep }: PollOptions<T>): Promise<void> {
  for (;;) {
    await wait(intervalMs);
    if (!busy()) return;
    const progress = await fetch();
    if (busy()) onProgress(progress);
  }
}
