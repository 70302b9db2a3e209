// A bundle's leaves file read as it streams: one SHA-256 leaf per line, 64 hexadecimal digits (either
// case), empty lines skipped. The first line that is anything else ends the leaves (`stopped`), and the
// caller says what that means: a bundle's check names the file wrong (core/verify/bundle.ts); the case
// keeps the leaves read before it, which then fold to another Merkle root than the signed one, which
// every later check names (service/verification.ts). Read a byte at a time, with no line ever made into a
// string: a million leaves are 65 MB of text, and splitting it into lines, testing each with a pattern and
// decoding it took most of half a second at 200,000 (docs/limits.md).

/** Each byte's value as a hexadecimal digit, or 255 for a byte that is not one. */
const DIGIT = new Uint8Array(256).fill(255);
for (let c = 0; c < 10; c += 1) DIGIT[48 + c] = c;
for (let c = 0; c < 6; c += 1) {
  DIGIT[65 + c] = 10 + c;
  DIGIT[97 + c] = 10 + c;
}
const NEWLINE = 10;

export class LeafLines {
  /** The leaf being read, its digits so far (0–64), and whether the text has ended at a line that is no leaf. */
  private readonly leaf = Buffer.alloc(32);
  private digits = 0;
  private ended = false;

  /** `onLeaf` gets each leaf read, in a buffer used again for the next: copy what is kept. */
  constructor(private readonly onLeaf: (leaf: Buffer) => void) {}

  /** Whether a line that is not a leaf ended the leaves. */
  get stopped(): boolean {
    return this.ended;
  }

  feed(chunk: Uint8Array): void {
    if (this.ended) return;
    // The state in locals while the chunk is read (a property read and written for every byte took twice as long).
    const leaf = this.leaf;
    let digits = this.digits;
    for (let i = 0; i < chunk.length; i += 1) {
      const byte = chunk[i]!;
      if (byte === NEWLINE) {
        if (digits === 64) this.onLeaf(leaf);
        else if (digits !== 0) return this.stop();
        digits = 0;
        continue;
      }
      const digit = DIGIT[byte]!;
      if (digit === 255 || digits === 64) return this.stop();
      if ((digits & 1) === 0) leaf[digits >> 1] = digit << 4;
      else leaf[digits >> 1]! |= digit;
      digits += 1;
    }
    this.digits = digits;
  }

  /** The text's end: its last line, when it has no newline after it. */
  end(): void {
    if (this.ended) return;
    if (this.digits === 64) this.onLeaf(this.leaf);
    else if (this.digits !== 0) this.ended = true;
    this.digits = 0;
  }

  private stop(): void {
    this.ended = true;
    this.digits = 0;
  }
}
