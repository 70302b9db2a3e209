// Web mode's upload of dropped files: raw bytes in one request body, no base64 and no JSON string the size
// of the evidence. The body is a 4-byte big-endian header length, the header (UTF-8 JSON naming each file
// and its size, in order), then every file's bytes one after another (docs/architecture.md, "One
// contract, two transports"). The renderer writes it (src-renderer/src/upload-frames.ts); Electron's IPC
// carries the bytes as they are and needs none of this.

/** The Content-Type of a framed upload. */
export const FILE_FRAMES_TYPE = 'application/vnd.causa.files';

interface FrameHeader {
  files: { name: string; size: number }[];
}

/** Reads a framed body back into files; a body that does not add up throws, saying where. */
export function decodeFileFrames(body: Uint8Array): { name: string; data: Uint8Array }[] {
  if (body.byteLength < 4) throw new Error('a framed upload starts with a 4-byte header length');
  const headerLength = new DataView(body.buffer, body.byteOffset, 4).getUint32(0);
  if (4 + headerLength > body.byteLength) throw new Error(`the upload's header claims ${headerLength} bytes, more than the body holds`);
  let header: FrameHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(body.subarray(4, 4 + headerLength))) as FrameHeader;
  } catch {
    throw new Error("the upload's header is not valid JSON");
  }
  if (!Array.isArray(header?.files)) throw new Error("the upload's header lists no files");
  let offset = 4 + headerLength;
  const files = header.files.map((file, index) => {
    if (typeof file?.name !== 'string' || !Number.isSafeInteger(file.size) || file.size < 0) {
      throw new Error(`the upload's header entry ${index + 1} needs a name and a size`);
    }
    if (offset + file.size > body.byteLength) throw new Error(`${file.name}: the upload ends before its ${file.size} bytes`);
    const data = body.subarray(offset, offset + file.size);
    offset += file.size;
    return { name: file.name, data };
  });
  if (offset !== body.byteLength) throw new Error(`the upload holds ${body.byteLength - offset} bytes after its last file`);
  return files;
}
