/**
 * Stands in for `@pdf-lib/upng` (25 KB) in deployed bundles (`bundleAliases`, infra/aws/bundling.ts):
 * PNG decoding alone, over Node's zlib. UPNG.js is a CommonJS module, so its encoder, quantizer and
 * inflater in JavaScript come along whatever is called; pdf-lib (es/utils/png.js) calls only
 * `decode(bytes)`, reads `ctype`, `width` and `height`, and takes `toRGBA8(image)[0]`: 8-bit RGBA,
 * with the colour type's transparency (tRNS) applied.
 *
 * The PNGs that get here are the ones shared/pdf/png.ts cannot embed as they are: transparency,
 * interlace, 16-bit or grey below 8 bits (and every drawn signature, sign-invoice-pdf.ts).
 * test/unit/png-decode.test.ts decodes every colour type, bit depth, row filter, interlace and tRNS
 * to the pixels their samples give, and to UPNG's wherever UPNG is right; test/unit/pdf-bundle.test.ts
 * embeds PNGs through the bundled pdf-lib.
 *
 * Where this differs from UPNG, UPNG is wrong (the test lists how): a grey tRNS value of 0, 16-bit
 * grey tRNS, narrow or low-depth interlaced images, Average on an interlaced pass's first row. Damaged
 * image data (too short, an unknown row filter, data that does not inflate) throws rather than being
 * drawn as zeros, or spinning. Animation frames are never composed: pdf-lib refuses more than one
 * frame, and a single-frame APNG is drawn from its default image.
 */
import { constants, inflateSync } from 'node:zlib';

export interface DecodedPng {
  width: number;
  height: number;
  depth: number;
  /** PNG colour type: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  ctype: number;
  interlace: number;
  palette: Uint8Array;
  /** tRNS: the alpha of each palette entry, or the one transparent grey or RGB value (full sample depth). */
  transparency: Uint8Array | number[] | undefined;
  /** The inflated image data, unfiltered in place by `decode`: each (pass's) row its filter-type byte and its samples. */
  data: Uint8Array;
}

/** Samples per pixel by colour type. */
const channelsOf = [1, 0, 3, 1, 2, 0, 4];
const depthsOf: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
/** Adam7's passes: first column, first row, column step, row step. */
const adam7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** The passes of an image and each one's size in pixels (empty passes left out, as PNG stores none). */
function passesOf({ width, height, interlace }: Pick<DecodedPng, 'width' | 'height' | 'interlace'>) {
  return (interlace ? adam7 : [[0, 0, 1, 1]])
    .map(([x0, y0, dx, dy]) => ({ x0: x0!, y0: y0!, dx: dx!, dy: dy!, w: Math.ceil((width - x0!) / dx!), h: Math.ceil((height - y0!) / dy!) }))
    .filter(({ w, h }) => w > 0 && h > 0);
}

export function decode(input: ArrayBuffer | Uint8Array): DecodedPng {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || view.getUint32(0) !== 0x89504e47 || view.getUint32(4) !== 0x0d0a1a0a) throw new Error('The input is not a PNG file!');
  let header: Omit<DecodedPng, 'palette' | 'transparency' | 'data'> | undefined;
  let palette: Uint8Array = new Uint8Array(0);
  let tRNS: Uint8Array | undefined;
  let frames = 0;
  const idat: Uint8Array[] = [];
  for (let offset = 8; offset + 8 <= bytes.byteLength; ) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const start = offset + 8;
    if (start + length > bytes.byteLength) throw new Error(`Damaged PNG: ${type} cut off`);
    const chunk = bytes.subarray(start, start + length);
    if (type === 'IHDR') header = { width: view.getUint32(start), height: view.getUint32(start + 4), depth: chunk[8]!, ctype: chunk[9]!, interlace: chunk[12]! };
    else if (type === 'PLTE') palette = chunk;
    else if (type === 'tRNS') tRNS = chunk;
    else if (type === 'IDAT') idat.push(chunk);
    else if (type === 'fcTL') frames++;
    else if (type === 'IEND') break;
    offset = start + length + 4;
  }
  if (!header) throw new Error('Damaged PNG: no IHDR');
  const { ctype, depth } = header;
  if (!depthsOf[ctype]?.includes(depth)) throw new Error(`Unsupported PNG: colour type ${ctype}, bit depth ${depth}`);
  if (frames > 1) throw new Error('Animated PNGs are not supported');
  // Grey and RGB name their transparent value in 16-bit samples; palettes give each entry's alpha.
  const transparency = tRNS && (ctype === 3 ? tRNS : ctype === 0 || ctype === 2 ? Array.from({ length: channelsOf[ctype]! }, (_, i) => (tRNS![2 * i]! << 8) | tRNS![2 * i + 1]!) : undefined);

  const bits = channelsOf[ctype]! * depth;
  const expected = passesOf(header).reduce((sum, { w, h }) => sum + h * (1 + Math.ceil((w * bits) / 8)), 0);
  let data: Uint8Array;
  try {
    // As UPNG, a stream cut short of its end is read as far as it goes; too short for the image, it throws below.
    data = inflateSync(Buffer.concat(idat), { finishFlush: constants.Z_SYNC_FLUSH });
  } catch (error) {
    throw new Error(`Damaged PNG: ${(error as Error).message}`);
  }
  if (data.byteLength < expected) throw new Error(`Damaged PNG: image data inflates to ${data.byteLength} bytes, not ${expected}`);
  const image = { ...header, palette, transparency, data };
  const bpp = Math.max(1, bits >> 3);
  eachRow(image, (row, _y, filter, above) => unfilter(filter, row, above, bpp));
  return image;
}

/** Calls back with each row of each pass (its samples, its filter type, the row above: zeros above a pass's first). */
function eachRow(image: DecodedPng, each: (row: Uint8Array, y: number, filter: number, above: Uint8Array, pass: ReturnType<typeof passesOf>[number]) => void): void {
  const bits = channelsOf[image.ctype]! * image.depth;
  let offset = 0;
  for (const pass of passesOf(image)) {
    const rowBytes = Math.ceil((pass.w * bits) / 8);
    let above: Uint8Array = new Uint8Array(rowBytes);
    for (let y = 0; y < pass.h; y++) {
      const row = image.data.subarray(offset + 1, offset + 1 + rowBytes);
      each(row, y, image.data[offset]!, above, pass);
      offset += 1 + rowBytes;
      above = row;
    }
  }
}

/** Undoes one row's filter in place, given the row above (unfiltered; zeros above the first) and bytes per pixel (at least 1). */
function unfilter(type: number, row: Uint8Array, above: Uint8Array, bpp: number): void {
  const n = row.length;
  if (type === 1) for (let i = bpp; i < n; i++) row[i]! += row[i - bpp]!;
  else if (type === 2) for (let i = 0; i < n; i++) row[i]! += above[i]!;
  else if (type === 3) for (let i = 0; i < n; i++) row[i]! += ((i < bpp ? 0 : row[i - bpp]!) + above[i]!) >> 1;
  else if (type === 4) {
    for (let i = 0; i < n; i++) {
      const a = i < bpp ? 0 : row[i - bpp]!;
      const b = above[i]!;
      const c = i < bpp ? 0 : above[i - bpp]!;
      const pa = Math.abs(b - c);
      const pb = Math.abs(a - c);
      const pc = Math.abs(a + b - 2 * c);
      row[i]! += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
  } else if (type !== 0) throw new Error(`Damaged PNG: unknown row filter ${type}`);
}

/** The image as 8-bit RGBA, one frame (pdf-lib takes the first). */
export function toRGBA8(image: DecodedPng): ArrayBuffer[] {
  const { width, ctype, depth, palette, transparency: t } = image;
  const channels = channelsOf[ctype]!;
  const max = 2 ** depth - 1;
  // To 8 bits: UPNG keeps a 16-bit sample's high byte and scales 1, 2 and 4 bits up (×255, ×85, ×17).
  const shift = depth === 16 ? 8 : 0;
  const scale = depth < 8 ? 255 / max : 1;
  const rgba = new Uint8Array(width * image.height * 4);
  const samples = new Uint16Array(width * channels);
  eachRow(image, (row, y, _filter, _above, { x0, y0, dx, dy, w }) => {
    const n = w * channels;
    if (depth === 8) samples.set(row);
    else if (depth === 16) for (let i = 0; i < n; i++) samples[i] = (row[2 * i]! << 8) | row[2 * i + 1]!;
    else for (let i = 0, bit = 0; i < n; i++, bit += depth) samples[i] = (row[bit >> 3]! >> (8 - depth - (bit & 7))) & max;
    for (let x = 0, s = 0, q = ((y0 + y * dy) * width + x0) * 4; x < w; x++, s += channels, q += dx * 4) {
      const v = samples[s]!;
      if (ctype === 3) {
        // An index past the palette reads undefined, stored as 0 (black), as in UPNG.
        rgba[q] = palette[3 * v]!;
        rgba[q + 1] = palette[3 * v + 1]!;
        rgba[q + 2] = palette[3 * v + 2]!;
        rgba[q + 3] = t && v < t.length ? t[v]! : 255;
      } else if (ctype === 0 || ctype === 4) {
        rgba[q] = rgba[q + 1] = rgba[q + 2] = (v >> shift) * scale;
        rgba[q + 3] = ctype === 4 ? samples[s + 1]! >> shift : t && v === t[0] ? 0 : 255;
      } else {
        const g = samples[s + 1]!;
        const b = samples[s + 2]!;
        rgba[q] = v >> shift;
        rgba[q + 1] = g >> shift;
        rgba[q + 2] = b >> shift;
        rgba[q + 3] = ctype === 6 ? samples[s + 3]! >> shift : t && v === t[0] && g === t[1] && b === t[2] ? 0 : 255;
      }
    }
  });
  return [rgba.buffer];
}

export default { decode, toRGBA8 };
