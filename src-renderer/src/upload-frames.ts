// Web mode's upload of dropped files as framed bytes, read by src-main/host/file-frames.ts (the format is
// in docs/architecture.md, "One contract, two transports"): a Blob the browser streams, so a 100 MiB file
// never becomes a JSON string of base64 on the page's thread.

/** The Content-Type of a framed upload. */
export const FILE_FRAMES_TYPE = 'application/vnd.causa.files';

/** The parts of a framed body, for a Blob: the browser streams it without copying the files into a string. */
export function encodeFileFrames(files: { name: string; data: Uint8Array }[]): Uint8Array<ArrayBuffer>[] {
  const header = { files: files.map((file) => ({ name: file.name, size: file.data.byteLength })) };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, json.byteLength);
  return [length, json, ...files.map((file) => file.data as Uint8Array<ArrayBuffer>)];
}
