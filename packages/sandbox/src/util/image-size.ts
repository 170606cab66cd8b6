/**
 * The pixel size of a PNG, GIF or JPEG, read from its header, so that the sandbox can tell an
 * image's `width`, `height` and `aspect_ratio` as Pact's v2 attachments do. Other files, and
 * images it cannot read, have no size.
 */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = (offset: number, text: string) =>
    [...text].every((char, i) => bytes[offset + i] === char.charCodeAt(0));
  if (bytes.length >= 24 && at(1, 'PNG') && at(12, 'IHDR')) {
    return sized(view.getUint32(16), view.getUint32(20));
  }
  if (bytes.length >= 10 && at(0, 'GIF8')) {
    return sized(view.getUint16(6, true), view.getUint16(8, true));
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSize(view);
  return undefined;
}

function sized(width: number, height: number) {
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/** Walks a JPEG's segments to its frame header (SOF0–SOF15, but not DHT, JPG or DAC). */
function jpegSize(view: DataView): { width: number; height: number } | undefined {
  let offset = 2;
  while (offset + 9 <= view.byteLength) {
    if (view.getUint8(offset) !== 0xff) return undefined;
    const marker = view.getUint8(offset + 1);
    const length = view.getUint16(offset + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) return sized(view.getUint16(offset + 7), view.getUint16(offset + 5));
    offset += 2 + length;
  }
  return undefined;
}
