import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { mergeDocuments } from '../../shared/pdf/merge';
import { describePages, encryptedPdf, fontCount, labelledPdf, TINY_JPEG, TINY_PNG, truncatedPdf } from '../support/pdf-fixtures';

const A4 = { width: 595.28, height: 841.89 };

describe('mergeDocuments', () => {
  it('merges PDFs and images in source order, with a placeholder page for each file it leaves out', async () => {
    const result = await mergeDocuments([
      { title: 'Invoice 7.pdf', bytes: await labelledPdf('Invoice', 2), contentType: 'application/pdf' },
      { title: 'Locked statement.pdf', bytes: await encryptedPdf(), contentType: 'application/pdf' },
      { title: 'Timesheets.pdf', bytes: await labelledPdf('Timesheets', 3) },
      { title: 'Site photo.png', bytes: TINY_PNG, contentType: 'image/png' },
      { title: 'Delivery docket.jpg', bytes: TINY_JPEG, contentType: 'image/jpeg' },
      { title: 'Broken upload.pdf', bytes: await truncatedPdf(), contentType: 'application/pdf' },
    ]);

    expect(result.warnings).toEqual([
      { title: 'Locked statement.pdf', reason: expect.stringContaining('password-protected') },
      { title: 'Broken upload.pdf', reason: expect.stringContaining('damaged') },
    ]);
    const pages = await describePages(result.pdf);
    expect(result.pages).toBe(2 + 1 + 3 + 1 + 1 + 1);
    expect(pages.map((page) => (page.images ? `${page.images} image` : page.text))).toEqual([
      'Invoice page 1',
      'Invoice page 2',
      `File left out "Locked statement.pdf" was left out of this document: ${result.warnings[0]?.reason}. Open the original file to see its contents.`,
      'Timesheets page 1',
      'Timesheets page 2',
      'Timesheets page 3',
      '1 image',
      '1 image',
      `File left out "Broken upload.pdf" was left out of this document: ${result.warnings[1]?.reason}. Open the original file to see its contents.`,
    ]);
    // Image and placeholder pages are A4; copied pages keep their own size.
    expect(pages.map(({ width, height }) => ({ width, height }))).toEqual([
      ...Array(2).fill({ width: 300, height: 200 }),
      A4,
      ...Array(3).fill({ width: 300, height: 200 }),
      A4,
      A4,
      A4,
    ]);
  });

  it('explains, in its warnings and placeholders, files that are unknown, empty, mislabelled or unavailable', async () => {
    const result = await mergeDocuments([
      { title: 'Notes.txt', bytes: Buffer.from('call the site office'), contentType: 'text/plain' },
      { title: 'Blank.pdf', bytes: await (await PDFDocument.create()).save({ addDefaultPage: false }) },
      { title: 'Scan.pdf', bytes: Buffer.from('not a pdf at all'), contentType: 'application/pdf' },
      { title: 'Photo.png', bytes: Buffer.from('not a png either'), contentType: 'image/png' },
      { title: 'Gone.pdf', unavailable: 'the file was not found in storage' },
    ]);

    expect(result.warnings).toEqual([
      { title: 'Notes.txt', reason: 'only PDF, JPEG and PNG files can be merged, and this file is none of those' },
      { title: 'Blank.pdf', reason: 'the file has no pages' },
      { title: 'Scan.pdf', reason: 'the file is damaged or is not a valid PDF, so it could not be read' },
      { title: 'Photo.png', reason: 'the file is damaged or is not a valid PNG image, so it could not be read' },
      { title: 'Gone.pdf', reason: 'the file was not found in storage' },
    ]);
    const pages = await describePages(result.pdf);
    expect(pages.map((page) => page.text)).toEqual(
      result.warnings.map(({ title, reason }) => expect.stringContaining(`"${title}" was left out of this document: ${reason}.`)),
    );
  });

  it('prints a placeholder for a title the standard fonts cannot encode, wrapping a long name', async () => {
    const longName = `${'Progress-claim-backup-'.repeat(8)}final.pdf`;
    const result = await mergeDocuments([
      { title: '見積書.pdf', bytes: Buffer.from('?'), contentType: 'application/pdf' },
      { title: longName, bytes: Buffer.from('?'), contentType: 'application/pdf' },
    ]);

    const pages = await describePages(result.pdf);
    expect(result.warnings.map((warning) => warning.title)).toEqual(['見積書.pdf', longName]);
    expect(pages[0]?.text).toContain('"???.pdf" was left out');
    // The name is broken across lines (joined here by spaces), but every character is printed.
    expect(pages[1]?.text.replace(/ /g, '')).toContain(`"${longName}"`);
  });

  it('copies the resources a source shares between its pages once, not once per page', async () => {
    const result = await mergeDocuments([
      { title: 'A.pdf', bytes: await labelledPdf('A', 2) },
      { title: 'B.pdf', bytes: await labelledPdf('B', 3) },
    ]);

    expect(result).toMatchObject({ pages: 5, warnings: [] });
    expect(await fontCount(result.pdf)).toBe(2);
  });
});
