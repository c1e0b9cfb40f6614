import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeDocuments } from '../../shared/pdf/merge';
import { TINY_PNG } from '../support/pdf-fixtures';
import { qpdfCheck } from '../support/pdf-tools';

/**
 * PNG pages: the IDAT data embedded as it is (FlateDecode with the PNG predictor) where that is
 * exact, pdf-lib's decoder otherwise. Checked with poppler's pdfimages, which decodes the
 * stream as any reader would and writes the pixels out.
 */

const dir = mkdtempSync(join(tmpdir(), 'pdf-png-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG of raw rows (each row's bytes, filter type 0 added here). */
function png(options: { width: number; height: number; colorType: number; bitDepth: number; rows: number[][]; palette?: number[]; transparent?: boolean; idat?: Buffer }): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(options.width, 0);
  header.writeUInt32BE(options.height, 4);
  header.set([options.bitDepth, options.colorType, 0, 0, 0], 8);
  const raw = Buffer.concat(options.rows.map((row) => Buffer.from([0, ...row])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...(options.palette ? [chunk('PLTE', Buffer.from(options.palette))] : []),
    ...(options.transparent ? [chunk('tRNS', Buffer.from([0]))] : []),
    chunk('IDAT', options.idat ?? deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The one image of the PDF as pdfimages lists it and its pixels as it decodes them (PNM: grey or RGB bytes). */
function extractImage(pdf: Uint8Array): { list: string[]; pixels: number[] } {
  const file = join(dir, `png-${++count}.pdf`);
  writeFileSync(file, pdf);
  const list = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n')[2]!.trim().split(/\s+/);
  const prefix = join(dir, `img-${count}`);
  execFileSync('pdfimages', [file, prefix]);
  const image = readdirSync(dir).find((name) => name.startsWith(`img-${count}-`))!;
  const bytes = readFileSync(join(dir, image));
  // Netpbm: magic, width, height, a maximum value (not for bitmaps), then one whitespace byte before the samples.
  const header = /^(?:P4\s+\d+\s+\d+|P[56]\s+\d+\s+\d+\s+\d+)\s/.exec(bytes.toString('latin1'))!;
  return { list, pixels: [...bytes.subarray(header[0].length)] };
}

describe('PNG pages', { timeout: 10_000 }, () => {
  it('embeds an 8-bit RGB PNG as it is, with the same pixels', async () => {
    const result = await mergeDocuments([{ title: 'Photo.png', bytes: TINY_PNG }]);

    expect(result).toMatchObject({ pages: 1, warnings: [] });
    const { list, pixels } = extractImage(result.pdf);
    // page num type width height color comp bpc enc
    expect(list.slice(2, 9)).toEqual(['image', '2', '2', 'rgb', '3', '8', 'image']);
    expect(pixels).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
    expect(qpdfCheck(result.pdf)).toContain('No syntax or stream encoding errors');
  });

  it('embeds grey and palette PNGs as they are, 1-bit palettes included', async () => {
    const grey = png({ width: 3, height: 1, colorType: 0, bitDepth: 8, rows: [[0, 128, 255]] });
    const palette = [10, 20, 30, 200, 210, 220];
    const indexed = png({ width: 4, height: 1, colorType: 3, bitDepth: 8, rows: [[1, 0, 0, 1]], palette });
    const bilevel = png({ width: 9, height: 1, colorType: 3, bitDepth: 1, rows: [[0b10100000, 0b10000000]], palette });

    const [greyImage, indexedImage, bilevelImage] = await Promise.all(
      [grey, indexed, bilevel].map(async (bytes) => extractImage((await mergeDocuments([{ title: 'Scan.png', bytes }])).pdf)),
    );

    // pdfimages lists the grey image as grey and writes it out as RGB; it applies an 8-bit palette, and writes 1-bit samples as they are.
    expect(greyImage).toEqual({ list: expect.arrayContaining(['gray', '8']), pixels: [0, 0, 0, 128, 128, 128, 255, 255, 255] });
    expect(indexedImage).toEqual({ list: expect.arrayContaining(['index', '8']), pixels: [200, 210, 220, 10, 20, 30, 10, 20, 30, 200, 210, 220] });
    expect(bilevelImage).toEqual({ list: expect.arrayContaining(['index', '1']), pixels: [0b10100000, 0b10000000] });
  });

  it('checks a PNG whose data inflates to many times the check\'s 64 KB window: whole, it is embedded; a row short or cut off, it is left out', async () => {
    // 300 × 300 grey: 90,300 bytes of rows; each row a different shade so that the data does not shrink to nothing.
    const rows = Array.from({ length: 300 }, (_, y) => Array.from({ length: 300 }, (_, x) => (x * 7 + y * 13) % 256));
    const whole = png({ width: 300, height: 300, colorType: 0, bitDepth: 8, rows });
    const rowShort = png({ width: 300, height: 300, colorType: 0, bitDepth: 8, rows: rows.slice(1) });
    const compressed = deflateSync(Buffer.concat(rows.map((row) => Buffer.from([0, ...row]))));
    const cutOff = png({ width: 300, height: 300, colorType: 0, bitDepth: 8, rows: [], idat: compressed.subarray(0, compressed.length - 100) });

    const result = await mergeDocuments([
      { title: 'Scan.png', bytes: whole },
      { title: 'Row short.png', bytes: rowShort },
      { title: 'Cut off.png', bytes: cutOff },
    ]);

    const damaged = 'the file is damaged or is not a valid PNG image, so it could not be read';
    expect(result.sources).toEqual([
      { title: 'Scan.png', pages: 1 },
      { title: 'Row short.png', pages: 1, leftOut: damaged },
      { title: 'Cut off.png', pages: 1, leftOut: damaged },
    ]);
    const { list, pixels } = extractImage((await mergeDocuments([{ title: 'Scan.png', bytes: whole }])).pdf);
    expect(list.slice(2, 9)).toEqual(['image', '300', '300', 'gray', '1', '8', 'image']);
    // pdfimages writes grey out as RGB: every third byte is the grey sample.
    expect(pixels.filter((_, index) => index % 3 === 0)).toEqual(rows.flat());
    expect(qpdfCheck(result.pdf)).toContain('No syntax or stream encoding errors');
  });

  it('leaves transparency to pdf-lib, and a PNG whose data is damaged becomes a placeholder', async () => {
    const transparent = png({ width: 1, height: 1, colorType: 3, bitDepth: 8, rows: [[0]], palette: [1, 2, 3], transparent: true });
    const flipped = Buffer.from(TINY_PNG);
    flipped[flipped.indexOf('IDAT') + 6]! ^= 0xff;
    // Checksums right, contents wrong: image data that is not zlib, and data one row short.
    const notZlib = png({ width: 2, height: 2, colorType: 2, bitDepth: 8, rows: [], idat: Buffer.from('not zlib at all') });
    const short = png({ width: 2, height: 2, colorType: 2, bitDepth: 8, rows: [[1, 2, 3, 4, 5, 6]] });

    // pdf-lib's own decoder never returns on some damaged files: these must not reach it.
    const result = await mergeDocuments([
      { title: 'Logo.png', bytes: transparent },
      { title: 'Flipped.png', bytes: flipped },
      { title: 'Not zlib.png', bytes: notZlib },
      { title: 'Short.png', bytes: short },
    ]);

    const damaged = 'the file is damaged or is not a valid PNG image, so it could not be read';
    expect(result.sources).toEqual([
      { title: 'Logo.png', pages: 1 },
      { title: 'Flipped.png', pages: 1, leftOut: damaged },
      { title: 'Not zlib.png', pages: 1, leftOut: damaged },
      { title: 'Short.png', pages: 1, leftOut: damaged },
    ]);
    expect(qpdfCheck(result.pdf)).toContain('No syntax or stream encoding errors');
  });
});
