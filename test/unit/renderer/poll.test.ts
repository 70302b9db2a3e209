// The one poll-while-busy loop of the renderer (import and verify progress): it asks one request at a time,
// hands on only answers that arrive while the run is still busy, and stops when the run's request answers.
import { describe, expect, it } from 'vitest';
import { pollWhileBusy } from '../../../src-renderer/src/lib/poll';

describe('pollWhileBusy', () => {
  it('asks after each wait while busy, drops an answer that arrives after the run ended, and stops', async () => {
    let busy = true;
    let asked = 0;
    const waits: number[] = [];
    const seen: number[] = [];
    await pollWhileBusy({
      busy: () => busy,
      fetch: async () => {
        asked += 1;
        // The run's own request answers while the third progress request is in flight.
        if (asked === 3) busy = false;
        return asked;
      },
      onProgress: (n) => seen.push(n),
      intervalMs: 250,
      wait: async (ms) => void waits.push(ms),
    });
    expect(seen).toEqual([1, 2]);
    expect(asked).toBe(3);
    // The last wait ends on a run that is over: nothing more is asked.
    expect(waits).toEqual([250, 250, 250, 250]);
  });

  it('asks nothing when the run ended before the first wait was over', async () => {
    let asked = 0;
    await pollWhileBusy({ busy: () => false, fetch: async () => ++asked, onProgress: () => {}, intervalMs: 10, wait: async () => {} });
    expect(asked).toBe(0);
  });

  it('never has two requests in flight: the next wait starts after the previous answer', async () => {
    let inFlight = 0;
    let most = 0;
    let left = 5;
    await pollWhileBusy({
      busy: () => left > 0,
      fetch: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight -= 1;
        left -= 1;
        return left;
      },
      onProgress: () => {},
      intervalMs: 0,
      wait: async () => {},
    });
    expect(most).toBe(1);
  });
});
