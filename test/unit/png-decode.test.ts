import UPNG from '@pdf-lib/upng';
import { describe, expect, it } from 'vitest';
import { decode, toRGBA8 } from '../../infra/aws/upng-decode';
import { channelsOf, encodePng, expectedRgba, imageData, pngKinds, samplePng, type PngSpec } from '../support/png-fixtures';

/**
 * The PNG decoder deployed bundles give pdf-lib in place of @pdf-lib/upng (bundleAliases): pixel
 * for pixel what UPNG gives, on a PNG of every colour type and bit depth, plain and interlaced,
 * with and without tRNS, each row filter used, and what the samples themselves say.
 */

const rgbaOf = (png: Uint8Array) => new Uint8Array(toRGBA8(decode(png))[0]!);
const upngRgbaOf = (png: Uint8Array) => {
  // As pdf-lib calls it, with the file's bytes (the package's types say ArrayBuffer).
  const image = UPNG.decode(png as unknown as ArrayBuffer);
  return { ctype: image.ctype, width: image.width, height: image.height, rgba: new Uint8Array(UPNG.toRGBA8(image)[0]!) };
};

// UPNG undoes Average (filter 3) on the first row of an interlaced pass at the wrong offset (`data[x+1]` for
// `data[off+x+1]`): the corpus's passes start with the other filters, and the test after it shows the difference.
const noAverageFirst = (row: number, firstOfPass: boolean) => (firstOfPass ? [0, 1, 2, 4][row % 4]! : row % 5);

const corpus = pngKinds.flatMap((kind) =>
  [false, true].flatMap((interlace) =>
    (kind.colorType === 4 || kind.colorType === 6 ? [false] : [false, true]).flatMap((transparency) =>
      // Odd sizes: partial bytes at the end of low-depth rows, Adam7 passes of uneven sizes, and a 3×2 with empty passes.
      [
        { width: 13, height: 11 },
        { width: 3, height: 2 },
        { width: 37, height: 29 },
      ].map((size, index) => ({ kind, interlace, transparency, spec: { ...samplePng(kind, { ...size, interlace, transparency, seed: 7 + index + kind.bitDepth * 31 + kind.colorType * 101 }), filterOf: noAverageFirst } })),
    ),
  ),
);

/**
 * Where UPNG itself is wrong, the samples decide (pngjs, another decoder, was checked by hand to
 * agree with them there): it takes a grey tRNS value of 0 for no tRNS; it compares a 16-bit grey
 * image's tRNS value with the wrong bytes (`x<<i` for `x<<1`); it inflates an interlaced image into
 * a buffer of (row bytes + 2) × height, which the passes' filter bytes and part-filled bytes overrun
 * on small images and low bit depths (the rest is lost, or its inflater throws); and in an interlaced
 * image under 5 pixels wide, Adam7's second pass has rows but no columns, and UPNG still undoes a
 * Sub or Paeth filter of the row after it, moving the next pass's data a byte.
 */
function upngDefect(spec: PngSpec): string | undefined {
  const grey = spec.colorType === 0 && spec.transparency;
  if (grey && spec.transparency![0] === 0) return 'a grey tRNS value of 0 ignored';
  if (grey && spec.bitDepth === 16) return '16-bit grey tRNS read from the wrong bytes';
  const rowBytes = Math.ceil((spec.width * channelsOf[spec.colorType] * spec.bitDepth) / 8);
  if (spec.interlace && imageData(spec).length > (rowBytes + 2) * spec.height) return 'interlaced data past its buffer';
  if (spec.interlace && spec.width < 5) return 'a pass without columns';
  return undefined;
}

describe('the PNG decoder of deployed bundles (infra/aws/upng-decode.ts)', () => {
  it.each(corpus.map((entry) => [`colour type ${entry.kind.colorType}, ${entry.kind.bitDepth}-bit, ${entry.interlace ? 'interlaced' : 'not interlaced'}, ${entry.transparency ? 'tRNS' : 'no tRNS'}, ${entry.spec.width}×${entry.spec.height}`, entry] as const))(
    '%s: the pixels the samples say, and UPNG gives',
    (_name, { spec }) => {
      const png = encodePng(spec);
      const ours = decode(png);
      expect(new Uint8Array(toRGBA8(ours)[0]!)).toEqual(expectedRgba(spec));
      if (upngDefect(spec)) return;
      const reference = upngRgbaOf(png);
      expect({ ctype: ours.ctype, width: ours.width, height: ours.height }).toEqual({ ctype: reference.ctype, width: reference.width, height: reference.height });
      expect(rgbaOf(png)).toEqual(reference.rgba);
    },
  );

  it('compares most of the corpus with UPNG: every colour type and bit depth, and 30 interlaced images', () => {
    const compared = corpus.filter(({ spec }) => !upngDefect(spec));
    expect(compared.length).toBeGreaterThanOrEqual(100);
    expect(compared.filter(({ interlace }) => interlace).length).toBeGreaterThanOrEqual(30);
    for (const kind of pngKinds) expect(compared.some((entry) => entry.kind === kind)).toBe(true);
  });

  it('undoes Average on the first row of an interlaced pass as PNG defines it, where UPNG does not', () => {
    const spec = { ...samplePng({ colorType: 2, bitDepth: 8 }, { width: 13, height: 11, interlace: true, transparency: false, seed: 11 }), filterOf: () => 3 };
    const png = encodePng(spec);
    expect(rgbaOf(png)).toEqual(expectedRgba(spec));
    expect(upngRgbaOf(png).rgba).not.toEqual(expectedRgba(spec));
  });

  it('decodes the corpus to transparency where tRNS asks for it (the corpus is not all opaque)', () => {
    const transparent = corpus.filter(({ spec }) => rgbaOf(encodePng(spec)).some((value, i) => i % 4 === 3 && value < 255));
    expect(transparent.length).toBeGreaterThan(20);
  });

  it('throws on damaged image data instead of drawing zeros, and refuses animations as pdf-lib does', () => {
    const spec = samplePng({ colorType: 6, bitDepth: 8 }, { width: 4, height: 4, interlace: false, transparency: false, seed: 1 });
    const png = encodePng(spec);
    expect(() => decode(Buffer.from('not a png'))).toThrow('The input is not a PNG file!');
    // The data of a 4×3 image under the header of a 4×4 one.
    const short = encodePng({ ...spec, data: imageData({ ...spec, height: 3, pixels: spec.pixels.slice(0, 12) }) });
    expect(() => decode(short)).toThrow('Damaged PNG: image data inflates to 51 bytes, not 68');
    // A row filter PNG does not define (5 and up).
    const data = imageData(spec);
    data[0] = 5;
    expect(() => decode(encodePng({ ...spec, data }))).toThrow('Damaged PNG: unknown row filter 5');
    // Cut off inside its image data.
    expect(() => decode(png.subarray(0, png.length - 30))).toThrow(/Damaged PNG/);
    expect(() => decode(encodePng({ ...spec, frames: 2 }))).toThrow('Animated PNGs are not supported');
    expect(rgbaOf(encodePng({ ...spec, frames: 1 }))).toEqual(rgbaOf(png));
  });
});
