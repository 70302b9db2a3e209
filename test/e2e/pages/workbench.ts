/// <reference lib="dom" />
// Page object of the workbench: what a test may touch, by data-testid, and the named states to wait for.
import type { Locator, Page } from 'playwright-core';

/**
 * Presses a long run's Cancel button from the page itself, the moment it is enabled and the progress text
 * matches `pattern` (any text when none), and returns the text shown then. A click sent from the test
 * takes a round trip, in which a fast run can end and take the button with it.
 */
export async function cancelWhenOffered(
  page: Page,
  selectors: { cancel: string; text: string; pattern?: string },
  timeout: number,
): Promise<string> {
  const shown = await page.waitForFunction(
    ({ cancel, text, pattern }) => {
      const button = document.querySelector<HTMLButtonElement>(cancel);
      const progress = document.querySelector(text)?.textContent ?? '';
      if (!button || button.disabled || (pattern !== undefined && !new RegExp(pattern).test(progress))) return undefined;
      button.click();
      return progress;
    },
    selectors,
    { polling: 'raf', timeout },
  );
  return (await shown.jsonValue()) as string;
}

export class WorkbenchPage {
  readonly rows: Locator;
  readonly timeline: Locator;
  readonly inspector: Locator;
  readonly rawRecord: Locator;

  constructor(readonly page: Page) {
    this.rows = page.getByTestId('timeline-row');
    this.timeline = page.getByTestId('timeline');
    this.inspector = page.getByTestId('inspector');
    this.rawRecord = page.getByTestId('raw-record');
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
  }

  /** Waits until the timeline knows how many events match (the first page has arrived). */
  async total(): Promise<number> {
    await this.page.waitForSelector('[data-testid=timeline][data-total]:not([data-total=""])');
    return Number(await this.timeline.getAttribute('data-total'));
  }

  async waitForTotal(expected: number): Promise<void> {
    await this.page.waitForSelector(`[data-testid=timeline][data-total="${expected}"]`);
  }

  row(text: string): Locator {
    return this.rows.filter({ hasText: text });
  }

  /**
   * Ticks values of a list filter (kind, outcome, verdict, namespace, taint) in its menu, as an analyst
   * does, and closes the menu. Each tick applies at once.
   */
  async chooseFilter(name: 'kind' | 'outcome' | 'verdict' | 'namespace' | 'taint', values: string[]): Promise<void> {
    await this.page.getByTestId(`filter-${name}-button`).click();
    const menu = this.page.getByTestId(`filter-${name}-menu`);
    for (const value of values) await menu.locator(`[data-testid=filter-option][data-value="${value}"]`).check();
    await this.page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('filter-search').fill(text);
  }

  /**
   * Drops one large file built in the page itself (`count` copies of `line`, one a line), so that tens of
   * MiB need not cross from the test to the browser.
   */
  async dropGenerated(name: string, line: string, count: number): Promise<void> {
    const dataTransfer = await this.page.evaluateHandle(
      ({ name, line, count }) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([`${line}\n`.repeat(count)], name, { type: 'application/json' }));
        return transfer;
      },
      { name, line, count },
    );
    await this.page.dispatchEvent('body', 'dragenter', { dataTransfer });
    await this.page.dispatchEvent('body', 'dragover', { dataTransfer });
    await this.page.dispatchEvent('body', 'drop', { dataTransfer });
  }

  /** Drops files on the window the way a file manager does: a real DataTransfer carrying File objects. */
  async dropFiles(files: { name: string; content: string }[]): Promise<void> {
    const dataTransfer = await this.page.evaluateHandle((list) => {
      const transfer = new DataTransfer();
      for (const file of list) transfer.items.add(new File([file.content], file.name, { type: 'application/json' }));
      return transfer;
    }, files);
    await this.page.dispatchEvent('body', 'dragenter', { dataTransfer });
    await this.page.dispatchEvent('body', 'dragover', { dataTransfer });
    await this.page.dispatchEvent('body', 'drop', { dataTransfer });
  }
}

/** The analyst's side of the workbench: findings, annotations in the inspector, story, clock, journal. */
export class AnnotatePage {
  constructor(readonly page: Page) {}

  role(role: string): Locator {
    return this.page.getByTestId(`role-${role}`);
  }

  /** Waits until the journal holds `count` entries (each action, undo and redo is one). */
  async waitForEntries(count: number): Promise<void> {
    await this.page.waitForSelector(`[data-testid=undo-redo][data-entries="${count}"]`);
  }

  deadline(name: string): Locator {
    return this.page.locator(`[data-testid=deadline][data-name="${name}"]`).getByTestId('deadline-due');
  }
}

/** The Export button of the case header: each item downloads one file in web mode. */
export class ExportMenu {
  constructor(readonly page: Page) {}

  item(item: 'md' | 'html' | 'pdf' | 'excerpt' | 'ocsf'): Locator {
    return this.page.getByTestId(`export-${item}`);
  }

  async open(): Promise<void> {
    await this.page.getByTestId('export-button').click();
    await this.item('md').waitFor();
  }

  /** Exports one item and saves the download as `to`; answers its suggested name and the status line. */
  async download(item: 'md' | 'html' | 'pdf' | 'excerpt' | 'ocsf', to: string): Promise<{ name: string; message: string }> {
    await this.open();
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.item(item).click()]);
    await download.saveAs(to);
    await this.page.waitForSelector('[data-testid=export][data-status=done]');
    return { name: download.suggestedFilename(), message: (await this.page.getByTestId('export-message').getAttribute('title')) ?? '' };
  }
}

/** Every value the verification progress bar takes, as the page records it. */
export interface ProgressSample {
  now: number;
  max: number;
}

/** The Evidence sidebar's verification panel: its verdicts, the Re-verify run, its progress bar. */
export class VerificationPanelPage {
  readonly panel: Locator;
  readonly progress: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('verification-panel');
    this.progress = page.getByRole('progressbar', { name: 'Verification progress' });
  }

  /**
   * Records every aria-valuenow the progress bar takes from now on, in the page itself, so that no value
   * is missed between two looks from the test.
   */
  async recordProgress(): Promise<void> {
    await this.page.evaluate(() => {
      const seen: { now: number; max: number }[] = [];
      (window as unknown as { verifyProgressSeen: typeof seen }).verifyProgressSeen = seen;
      const look = () => {
        const bar = document.querySelector('[data-testid=verify-progress]');
        const now = bar?.getAttribute('aria-valuenow');
        if (bar && now !== null && now !== undefined && seen.at(-1)?.now !== Number(now)) {
          seen.push({ now: Number(now), max: Number(bar.getAttribute('aria-valuemax')) });
        }
      };
      new MutationObserver(look).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['aria-valuenow'],
      });
    });
  }

  progressSeen(): Promise<ProgressSample[]> {
    return this.page.evaluate(() => (window as unknown as { verifyProgressSeen: { now: number; max: number }[] }).verifyProgressSeen);
  }

  /** Waits until the bar has shown a value short of its total, or the run is over (whichever comes first). */
  async waitForProgressOrEnd(): Promise<void> {
    await this.page.waitForFunction(
      () => {
        const seen = (window as unknown as { verifyProgressSeen: { now: number; max: number }[] }).verifyProgressSeen;
        return (
          seen.some((s) => s.now > 0 && s.now < s.max) ||
          document.querySelector('[data-testid=verify-last], [data-testid=verify-cancelled]') !== null
        );
      },
      undefined,
      { timeout: 100_000 },
    );
  }
}
