import { constants, crc32, createInflate, inflateSync } from 'node:zlib';
import { PDFHexString, type PDFDocument, type PDFRef } from 'pdf-lib';

/**
 * Embeds a PNG as an image XObject without decoding it: PDF's FlateDecode with the PNG
 * predictor reads a PNG's IDAT data as it is. pdf-lib's `embedPng` inflates the image, splits
 * it and deflates it again in JavaScript, which was most of a backup's merge time; this is
 * what qpdf-class tools do.
 *
 * Every PNG is checked first, with native zlib (chunk checksums, the image data inflating to
 * its exact size): a damaged one throws here, never reaching pdf-lib, whose decoder can spin
 * forever on corrupt data. Only what maps one to one is embedded directly — non-interlaced,
 * 8-bit grey or RGB, or a palette, without transparency; for anything else this returns
 * undefined and pdf-lib embeds it.
 */
export function embedPngDirect(doc: PDFDocument, bytes: Uint8Array): { ref: PDFRef; width: number; height: number } | undefined {
  const png = readPng(bytes);
  const { width, height, bitDepth, colorType, interlace, palette, transparent, data } = png;
  let colorSpace: unknown;
  let colors: number;
  if (interlace !== 0 || transparent) return undefined;
  if (colorType === 0 && bitDepth === 8) [colorSpace, colors] = ['DeviceGray', 1];
  else if (colorType === 2 && bitDepth === 8) [colorSpace, colors] = ['DeviceRGB', 3];
  else if (colorType === 3 && palette) {
    colorSpace = ['Indexed', 'DeviceRGB', palette.length / 3 - 1, PDFHexString.of(Buffer.from(palette).toString('hex'))];
    colors = 1;
  } else return undefined;

  const context = doc.context;
  const stream = context.stream(data, {
    Type: 'XObject',
    Subtype: 'Image',
    Width: width,
    Height: height,
    ColorSpace: colorSpace as never,
    BitsPerComponent: bitDepth,
    Filter: 'FlateDecode',
    DecodeParms: { Predictor: 15, Colors: colors, BitsPerComponent: bitDepth, Columns: width },
  });
  return { ref: context.register(stream), width, height };
}

/** Samples per pixel by PNG colour type: grey, -, RGB, palette, grey + alpha, -, RGBA. */
const channels: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** The PNG's header fields and its compressed image data; throws when the file is damaged. */
function readPng(bytes: Uint8Array) {
  const damaged = (why: string) => new Error(`Damaged PNG: ${why}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: { width: number; height: number; bitDepth: number; colorType: number; interlace: number } | undefined;
  let palette: Uint8Array | undefined;
  let transparent = false;
  let ended = false;
  const data: Uint8Array[] = [];
  for (let offset = 8; offset < bytes.byteLength && !ended; ) {
    if (offset + 12 > bytes.byteLength) throw damaged('cut off inside a chunk');
    const length = view.getUint32(offset);
    const start = offset + 8;
    if (start + length + 4 > bytes.byteLength) throw damaged('cut off inside a chunk');
    const type = String.fromCharCode(...bytes.subarray(offset + 4, start));
    if (crc32(bytes.subarray(offset + 4, start + length)) !== view.getUint32(start + length)) throw damaged(`${type} checksum mismatch`);
    const chunk = bytes.subarray(start, start + length);
    if (type === 'IHDR' && length >= 13) {
      header = { width: view.getUint32(start), height: view.getUint32(start + 4), bitDepth: chunk[8]!, colorType: chunk[9]!, interlace: chunk[12]! };
    } else if (type === 'PLTE') palette = chunk;
    else if (type === 'tRNS') transparent = true;
    else if (type === 'IDAT') data.push(chunk);
    else if (type === 'IEND') ended = true;
    offset = start + length + 4;
  }
  if (!header || !ended || data.length === 0) throw damaged('a required chunk is missing');
  const { width, height, bitDepth, colorType } = header;
  const samples = channels[colorType];
  if (!samples || width === 0 || height === 0) throw damaged('unknown colour type or empty image');
  if (palette && palette.length % 3 !== 0) throw damaged('palette length');
  if (colorType === 3 && !palette) throw damaged('palette missing');

  const compressed = Buffer.concat(data);
  // Non-interlaced rows: a filter-type byte, then the row's samples (interlaced images, in passes, are only inflated).
  const expected = height * (1 + Math.ceil((width * samples * bitDepth) / 8));
  let inflated: number;
  try {
    inflated = inflatedLength(compressed, header.interlace === 0 ? expected + 1 : Number.POSITIVE_INFINITY);
  } catch (error) {
    throw damaged((error as Error).message);
  }
  if (header.interlace === 0 && inflated !== expected) throw damaged(`image data inflates to ${inflated} bytes, not ${expected}`);
  return { ...header, palette, transparent, data: compressed };
}

/** Node's zlib binding as `inflateSync` drives it (lib/zlib.js): no public API inflates into a buffer of ours. */
interface ZlibBinding {
  writeSync(flush: number, input: Uint8Array, inOffset: number, inLength: number, output: Uint8Array, outOffset: number, outLength: number): void;
  onerror: (message: string) => void;
}

/** Where every check inflates to, overwritten window after window: its contents are never read. */
let scratch: Uint8Array | undefined;
const SCRATCH_BYTES = 64 * 1024;

/**
 * How many bytes `compressed` inflates to (at most `limit`: past it, inflating stops); throws
 * when it is not whole zlib data. The image's pixels are never held: native zlib inflates,
 * synchronously, into one small buffer reused by every check. Node's streaming inflate did the
 * same through a callback and a fresh 64 KB buffer per window, three times the CPU; its
 * one-shot `inflateSync` gathers the whole output, and is only the fallback should Node's
 * binding change shape.
 */
function inflatedLength(compressed: Uint8Array, limit: number): number {
  const inflate = createInflate() as unknown as { _handle?: ZlibBinding; _writeState?: Uint32Array; close(): void };
  const binding = inflate._handle;
  const state = inflate._writeState;
  if (typeof binding?.writeSync !== 'function' || !(state instanceof Uint32Array)) {
    inflate.close();
    return inflateSync(compressed, { maxOutputLength: Number.isFinite(limit) ? limit : undefined }).byteLength;
  }
  let failure: string | undefined;
  binding.onerror = (message) => (failure = message);
  scratch ??= new Uint8Array(SCRATCH_BYTES);
  let length = 0;
  let offset = 0;
  try {
    while (length < limit) {
      binding.writeSync(constants.Z_FINISH, compressed, offset, compressed.byteLength - offset, scratch, 0, scratch.byteLength);
      if (failure !== undefined) throw new Error(failure);
      const [outLeft, inLeft] = [state[0]!, state[1]!];
      length += scratch.byteLength - outLeft;
      offset = compressed.byteLength - inLeft;
      // Room left in the window: the data's end was reached (bytes after it are ignored, as zlib's streams do).
      if (outLeft > 0) break;
    }
    return length;
  } finally {
    inflate.close();
  }
}
