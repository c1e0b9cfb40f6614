import { crc32, deflateSync } from 'node:zlib';

/**
 * PNGs of any colour type, bit depth, interlace and transparency, written from raw samples with
 * every row filter (None, Sub, Up, Average, Paeth in turn), and the 8-bit RGBA a viewer shows for
 * them — worked out from the samples, not by decoding the file.
 */

export interface PngSpec {
  width: number;
  height: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  colorType: 0 | 2 | 3 | 4 | 6;
  bitDepth: 1 | 2 | 4 | 8 | 16;
  interlace?: boolean;
  /** Each pixel's samples at full depth, row by row (a palette index for colour type 3). */
  pixels: number[][];
  /** RGB triples (colour type 3). */
  palette?: number[];
  /** tRNS: the palette entries' alphas, or the transparent grey value / RGB triple (full depth). */
  transparency?: number[];
  /** Adds an APNG animation control and this many frame controls. */
  frames?: number;
  /** The image data as stored before deflating, in place of the pixels' (to write a damaged file). */
  data?: Buffer;
  /** The row filter of each row (counted across passes): None, Sub, Up, Average, Paeth in turn unless given. */
  filterOf?: (row: number, firstOfPass: boolean) => number;
}

export const channelsOf = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

/** Every colour type with each bit depth PNG allows it. */
export const pngKinds = [
  ...([1, 2, 4, 8, 16] as const).map((bitDepth) => ({ colorType: 0 as const, bitDepth })),
  ...([8, 16] as const).map((bitDepth) => ({ colorType: 2 as const, bitDepth })),
  ...([1, 2, 4, 8] as const).map((bitDepth) => ({ colorType: 3 as const, bitDepth })),
  ...([8, 16] as const).map((bitDepth) => ({ colorType: 4 as const, bitDepth })),
  ...([8, 16] as const).map((bitDepth) => ({ colorType: 6 as const, bitDepth })),
];

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, crc]);
}

const adam7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The image data before deflating: each pass's rows, packed at the bit depth and filtered. */
export function imageData(spec: PngSpec): Buffer {
  const { width, height, bitDepth } = spec;
  const channels = channelsOf[spec.colorType];
  const bpp = Math.max(1, (channels * bitDepth) / 8);
  const rows: Buffer[] = [];
  let rowCount = 0;
  for (const [x0, y0, dx, dy] of spec.interlace ? adam7 : [[0, 0, 1, 1] as const]) {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    if (w <= 0 || h <= 0) continue;
    let above: Buffer = Buffer.alloc(Math.ceil((w * channels * bitDepth) / 8));
    for (let y = y0; y < height; y += dy) {
      const type = spec.filterOf ? spec.filterOf(rowCount, y === y0) : rowCount % 5;
      rowCount++;
      const raw = Buffer.alloc(above.length);
      let bit = 0;
      for (let x = x0; x < width; x += dx) {
        for (const value of spec.pixels[y * width + x]!) {
          if (bitDepth === 16) raw.writeUInt16BE(value, bit / 8);
          else if (bitDepth === 8) raw[bit / 8] = value;
          else raw[bit >> 3]! |= value << (8 - bitDepth - (bit & 7));
          bit += bitDepth;
        }
      }
      const filtered = raw.map((byte, i) => {
        const a = i < bpp ? 0 : raw[i - bpp]!;
        const b = above[i]!;
        const c = i < bpp ? 0 : above[i - bpp]!;
        return byte - [0, a, b, (a + b) >> 1, paeth(a, b, c)][type]!;
      });
      rows.push(Buffer.from([type]), Buffer.from(filtered));
      above = Buffer.from(raw);
    }
  }
  return Buffer.concat(rows);
}

export function encodePng(spec: PngSpec): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(spec.width, 0);
  header.writeUInt32BE(spec.height, 4);
  header.set([spec.bitDepth, spec.colorType, 0, 0, spec.interlace ? 1 : 0], 8);
  const compressed = deflateSync(spec.data ?? imageData(spec));
  const half = compressed.length >> 1;
  const transparency = spec.transparency && (spec.colorType === 3 ? Buffer.from(spec.transparency) : Buffer.concat(spec.transparency.map((v) => Buffer.from([v >> 8, v & 255]))));
  const frameControls = Array.from({ length: spec.frames ?? 0 }, (_, i) => {
    const control = Buffer.alloc(26);
    control.writeUInt32BE(i, 0);
    control.writeUInt32BE(spec.width, 4);
    control.writeUInt32BE(spec.height, 8);
    return chunk('fcTL', control);
  });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...(spec.frames ? [chunk('acTL', Buffer.from([0, 0, 0, spec.frames, 0, 0, 0, 0]))] : []),
    ...(spec.palette ? [chunk('PLTE', Buffer.from(spec.palette))] : []),
    ...(transparency ? [chunk('tRNS', transparency)] : []),
    ...frameControls,
    // Two IDAT chunks: a decoder must join them.
    chunk('IDAT', compressed.subarray(0, half)),
    chunk('IDAT', compressed.subarray(half)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The RGBA (8 bits a sample) the spec's pixels show: 16-bit samples keep their high byte, low depths are scaled up. */
export function expectedRgba(spec: PngSpec): Uint8Array {
  const max = 2 ** spec.bitDepth - 1;
  const eight = (v: number) => (spec.bitDepth === 16 ? v >> 8 : Math.round((v * 255) / max));
  const t = spec.transparency;
  return Uint8Array.from(
    spec.pixels.flatMap((samples) => {
      switch (spec.colorType) {
        case 0:
          return [...Array<number>(3).fill(eight(samples[0]!)), t && samples[0] === t[0] ? 0 : 255];
        case 2:
          return [...samples.map(eight), t && samples.every((v, i) => v === t[i]) ? 0 : 255];
        case 3: {
          const j = samples[0]!;
          return [spec.palette![3 * j] ?? 0, spec.palette![3 * j + 1] ?? 0, spec.palette![3 * j + 2] ?? 0, t?.[j] ?? 255];
        }
        case 4:
          return [...Array<number>(3).fill(eight(samples[0]!)), eight(samples[1]!)];
        case 6:
          return samples.map(eight);
      }
    }),
  );
}

/** A deterministic PNG of the kind: random samples (seeded), a palette and tRNS when asked, some pixels transparent. */
export function samplePng(kind: { colorType: PngSpec['colorType']; bitDepth: PngSpec['bitDepth'] }, options: { width: number; height: number; interlace: boolean; transparency: boolean; seed: number }): PngSpec {
  let state = options.seed;
  const random = (below: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % below;
  };
  const { colorType, bitDepth } = kind;
  const max = 2 ** bitDepth;
  // A palette one entry short of what the indices reach (an index past it shows black), tRNS shorter still.
  const entries = Math.max(1, Math.min(max, 9) - 1);
  const palette = colorType === 3 ? Array.from({ length: entries * 3 }, () => random(256)) : undefined;
  // Samples drawn from a few values a channel, as in a drawing, so the data deflates into Huffman-coded blocks.
  const pools = Array.from({ length: channelsOf[colorType] }, () => Array.from({ length: 5 }, () => random(max)));
  const pixels = Array.from({ length: options.width * options.height }, () => pools.map((pool) => (colorType === 3 ? random(entries + 1) : pool[random(pool.length)]!)));
  let transparency: number[] | undefined;
  if (options.transparency) {
    if (colorType === 3) transparency = Array.from({ length: Math.max(1, entries - 1) }, () => random(256));
    else if (colorType === 0 || colorType === 2) {
      // The value of some pixel, given to a few more.
      transparency = [...pixels[random(pixels.length)]!];
      for (let i = 0; i < 3; i++) pixels[random(pixels.length)] = [...transparency];
    }
  }
  return { ...kind, width: options.width, height: options.height, interlace: options.interlace, pixels, palette, transparency };
}
