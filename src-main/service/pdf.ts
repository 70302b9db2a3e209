// The PDF of a report, printed by a browser engine from the report's HTML, so that the PDF and the HTML
// are one document: here Chromium through playwright-core (the CLI, web mode), in the desktop app
// Electron's own printToPDF (src-main/window.ts). No network: the page is set from a string and the
// HTML's CSP forbids every fetch; offline also means no browser download, so the system's Chromium.
import { existsSync } from 'node:fs';
import { ServiceError } from '../shared/errors';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string | undefined {
  const given = process.env.CAUSA_CHROMIUM ?? process.env.CHROMIUM_PATH;
  if (given) return given;
  return CANDIDATES.find((path) => existsSync(path));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** Running header (the title) and footer (page N of M), in Chromium's print-template form. */
export function pdfTemplates(title: string): { headerTemplate: string; footerTemplate: string } {
  const style = 'font-family: Helvetica, Arial, sans-serif; font-size: 8px; color: #666; width: 100%; padding: 0 14mm;';
  return {
    headerTemplate: `<div style="${style} display: flex; justify-content: space-between;"><span>${escapeHtml(title)}</span><span>Causa postmortem</span></div>`,
    footerTemplate: `<div style="${style} text-align: right;">Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>`,
  };
}

export async function renderPdf(html: string, title: string): Promise<Buffer> {
  const executablePath = chromiumPath();
  if (!executablePath)
    throw new ServiceError('unsupported', 'PDF needs Chromium: none found (set CAUSA_CHROMIUM to its path), or export HTML and print it');
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      ...pdfTemplates(title),
      margin: { top: '18mm', bottom: '16mm', left: '14mm', right: '14mm' },
      preferCSSPageSize: false,
    });
    return Buffer.from(pdf);
  } finally {
    await browser.close();
  }
}
