// Looking at a PDF from a test: its pages rasterized by poppler's pdftoppm (gray PGM to count ink, PNG for
// a person to look at) and its text by pdftotext, as a reader's PDF viewer would see them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PdfPage {
  file: string;
  width: number;
  height: number;
  /** Pixels darker than light gray: ink. A blank page has none beyond its running header and footer. */
  inked: number;
}

/** Every page as a gray PGM at `dpi`, with how much of it is inked. */
export function rasterizePdf(pdf: string, outDir: string, dpi = 30): PdfPage[] {
  mkdirSync(outDir, { recursive: true });
  execFileSync('pdftoppm', ['-r', String(dpi), '-gray', pdf, join(outDir, 'page')]);
  return readdirSync(outDir)
    .filter((f) => f.endsWith('.pgm'))
    .sort()
    .map((file) => {
      // A binary PGM: "P5 width height maxval" and one byte a pixel after it.
      const bytes = readFileSync(join(outDir, file));
      const [width, height] = bytes.toString('latin1', 0, 40).split(/\s+/).slice(1, 3).map(Number) as [number, number];
      const pixels = bytes.subarray(bytes.length - width * height);
      return { file: join(outDir, file), width, height, inked: pixels.filter((p) => p < 200).length };
    });
}

/** Every page as a PNG, kept for a person (and CI) to look at. */
export function pdfToPng(pdf: string, outPrefix: string, dpi = 60): void {
  execFileSync('pdftoppm', ['-r', String(dpi), '-png', pdf, outPrefix]);
}

/** The PDF's text with runs of white space made one space, so a phrase wrapped over two lines still reads. */
export function pdfText(pdf: string): string {
  return execFileSync('pdftotext', [pdf, '-']).toString('utf8').replace(/\s+/g, ' ');
}
