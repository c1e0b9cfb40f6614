/**
 * What a JPEG's headers say of its image: its frame (size, colour components), read to embed it
 * as it is, and its EXIF Orientation (which way the stored pixels must be turned or mirrored to
 * stand upright).
 */

export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** The JPEG's EXIF Orientation (tag 0x0112 of IFD0), 1 when absent or unreadable. */
export function exifOrientation(jpeg: Uint8Array): Orientation {
  const view = new DataView(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
  let offset = 2;
  while (offset + 4 <= jpeg.byteLength && jpeg[offset] === 0xff) {
    const marker = jpeg[offset + 1]!;
    const length = view.getUint16(offset + 2);
    if (marker === 0xda || marker === 0xd9) break; // image data begins: no EXIF before it
    const start = offset + 4;
    if (marker === 0xe1 && start + 14 <= jpeg.byteLength && String.fromCharCode(...jpeg.subarray(start, start + 6)) === 'Exif\0\0') {
      return orientationInTiff(view, start + 6, Math.min(offset + 2 + length, jpeg.byteLength));
    }
    offset += 2 + length;
  }
  return 1;
}

/** The JPEG's frame header: the first SOF marker's fields. */
export interface JpegFrame {
  width: number;
  height: number;
  bitsPerComponent: number;
  /** 1 grey, 3 YCbCr/RGB, 4 CMYK. */
  components: 1 | 3 | 4;
}

/** SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC), which share the range. */
const isFrameMarker = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** The JPEG's frame; throws when the file has none before its image data, or one of an unknown number of components. */
export function jpegFrame(jpeg: Uint8Array): JpegFrame {
  const view = new DataView(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
  if (jpeg.byteLength < 4 || view.getUint16(0) !== 0xffd8) throw new Error('Damaged JPEG: no start-of-image marker');
  for (let offset = 2; offset + 4 <= jpeg.byteLength && jpeg[offset] === 0xff; ) {
    const marker = jpeg[offset + 1]!;
    // Fill bytes: a marker may be preceded by any number of 0xFF.
    if (marker === 0xff) {
      offset++;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break;
    const start = offset + 4;
    if (isFrameMarker(marker) && start + 6 <= jpeg.byteLength) {
      const components = jpeg[start + 5]!;
      if (components !== 1 && components !== 3 && components !== 4) throw new Error(`Damaged JPEG: ${components} colour components`);
      const frame = { bitsPerComponent: jpeg[start]!, height: view.getUint16(start + 1), width: view.getUint16(start + 3), components } as const;
      if (frame.width === 0 || frame.height === 0) throw new Error('Damaged JPEG: no image size');
      return frame;
    }
    offset += 2 + view.getUint16(offset + 2);
  }
  throw new Error('Damaged JPEG: no frame header before the image data');
}

function orientationInTiff(view: DataView, tiff: number, end: number): Orientation {
  const little = view.getUint16(tiff) === 0x4949; // "II"
  const u16 = (at: number) => view.getUint16(at, little);
  const ifd = tiff + view.getUint32(tiff + 4, little);
  if (ifd + 2 > end) return 1;
  const count = u16(ifd);
  for (let entry = ifd + 2; entry + 12 <= end && entry < ifd + 2 + count * 12; entry += 12) {
    if (u16(entry) !== 0x0112) continue;
    const value = u16(entry + 8);
    return value >= 1 && value <= 8 ? (value as Orientation) : 1;
  }
  return 1;
}

/**
 * The PDF matrix [a b c d e f] that paints an image XObject (the unit square, its first row at
 * the top) upright into the rectangle `at` of the displayed image. Per orientation, the
 * displayed X and Y (0–1, Y upwards) as functions of the stored u (along a row) and v (upwards).
 */
export function orientationMatrix(orientation: Orientation, at: { x: number; y: number; width: number; height: number }): [number, number, number, number, number, number] {
  // [X = xu·u + xv·v + x0, Y = yu·u + yv·v + y0]
  const maps: Record<Orientation, [number, number, number, number, number, number]> = {
    1: [1, 0, 0, 0, 1, 0],
    2: [-1, 0, 1, 0, 1, 0], // mirrored left to right
    3: [-1, 0, 1, 0, -1, 1], // turned 180°
    4: [1, 0, 0, 0, -1, 1], // mirrored top to bottom
    5: [0, -1, 1, -1, 0, 1], // transposed
    6: [0, 1, 0, -1, 0, 1], // stored turned a quarter anticlockwise: shown turned clockwise
    7: [0, 1, 0, 1, 0, 0], // transversed
    8: [0, -1, 1, 1, 0, 0], // stored turned a quarter clockwise
  };
  const [xu, xv, x0, yu, yv, y0] = maps[orientation];
  const { x, y, width: w, height: h } = at;
  return [w * xu, h * yu, w * xv, h * yv, x + w * x0, y + h * y0];
}
