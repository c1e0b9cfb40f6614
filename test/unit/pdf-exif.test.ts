import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PDFDocument, rgb } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { jpegFrame } from '../../shared/pdf/exif';
import { mergeDocuments } from '../../shared/pdf/merge';
import { describePages, TINY_JPEG } from '../support/pdf-fixtures';
import { qpdfCheck, savePdf } from '../support/pdf-tools';

/** A 200×100 JPEG (made by poppler) with a dark block in its top-left corner. */
async function cornerJpeg(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([200, 100]);
  page.drawRectangle({ x: 0, y: 50, width: 60, height: 50, color: rgb(0, 0, 0) });
  const file = savePdf(await doc.save());
  execFileSync('pdftoppm', ['-jpeg', '-r', '72', '-singlefile', file, file]);
  return readFileSync(`${file}.jpg`);
}

/** The same JPEG with an EXIF APP1 segment (big-endian TIFF, IFD0 holding only Orientation) after SOI. */
function withOrientation(jpeg: Buffer, orientation: number): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(1, 8);
  tiff.writeUInt16BE(0x0112, 10);
  tiff.writeUInt16BE(3, 12); // SHORT
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(orientation, 18);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}

/** The merged page's size and where its dark pixels are, as fractions of the page (y downwards). */
function darkCentre(pdf: Uint8Array): { landscape: boolean; x: number; y: number } {
  const pgm = execFileSync('pdftoppm', ['-gray', '-r', '20', '-singlefile', savePdf(pdf)]);
  const [, width, height] = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.toString('latin1', 0, 30))!.map(Number) as [number, number, number];
  const pixels = pgm.subarray(pgm.length - width * height);
  let sumX = 0;
  let sumY = 0;
  let count = 0;
  pixels.forEach((value, index) => {
    if (value > 80) return;
    sumX += index % width;
    sumY += Math.floor(index / width);
    count++;
  });
  return { landscape: width > height, x: sumX / count / width, y: sumY / count / height };
}

describe('JPEG photos with an EXIF Orientation', () => {
  it.each([
    // [orientation, page landscape, dark block left?, dark block top?]
    [1, true, true, true],
    [2, true, false, true],
    [3, true, false, false],
    [4, true, true, false],
    [5, false, true, true],
    [6, false, false, true],
    [7, false, false, false],
    [8, false, true, false],
  ])('orientation %i is drawn upright (landscape %s, block left %s, top %s)', async (orientation, landscape, left, top) => {
    const result = await mergeDocuments([{ title: 'Site photo.jpg', bytes: withOrientation(await cornerJpeg(), orientation) }]);
    expect(result.warnings).toEqual([]);
    const centre = darkCentre(result.pdf);
    expect({ landscape: centre.landscape, left: centre.x < 0.5, top: centre.y < 0.5 }).toEqual({ landscape, left, top });
  });
});

describe('JPEG frames', () => {
  it('reads the frame past the EXIF segment, and embeds the JPEG as it is from a view into a larger buffer', async () => {
    const photo = withOrientation(await cornerJpeg(), 6);
    expect(jpegFrame(photo)).toEqual({ width: 200, height: 100, bitsPerComponent: 8, components: 3 });
    expect(jpegFrame(TINY_JPEG)).toEqual({ width: 8, height: 8, bitsPerComponent: 8, components: 1 });

    // As MergePart hands it over: the bytes at the start of a reused buffer holding an older, longer file.
    const pooled = Buffer.alloc(photo.length + 5000, 0xee);
    photo.copy(pooled);
    const result = await mergeDocuments([{ title: 'Site photo.jpg', bytes: new Uint8Array(pooled.buffer, pooled.byteOffset, photo.length) }]);

    expect(result.warnings).toEqual([]);
    expect((await describePages(result.pdf))[0]).toMatchObject({ images: 1 });
    expect(Buffer.from(result.pdf).includes(photo)).toBe(true);
    expect(qpdfCheck(result.pdf)).toContain('No syntax or stream encoding errors');
  });

  it('leaves out a JPEG whose headers end before its frame, with a placeholder', async () => {
    const photo = withOrientation(await cornerJpeg(), 1);
    const headless = photo.subarray(0, photo.indexOf(Buffer.from([0xff, 0xc0])));
    expect(() => jpegFrame(headless)).toThrow('Damaged JPEG');

    const result = await mergeDocuments([{ title: 'Site photo.jpg', bytes: headless }]);

    expect(result.sources).toEqual([{ title: 'Site photo.jpg', pages: 1, leftOut: 'the file is damaged or is not a valid JPEG image, so it could not be read' }]);
  });
});
