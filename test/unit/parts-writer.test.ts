import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { writeCombined } from '../../shared/pdf/combine';
import { writeMerged, type MergeSource } from '../../shared/pdf/merge';
import { PdfAppendix } from '../../shared/pdf/stream-writer';
import { labelledPdf, TINY_JPEG } from '../support/pdf-fixtures';
import { pageTexts, pdfPageCount, qpdfCheck, qpdfOutline, savePdf } from '../support/pdf-tools';

/**
 * A backup part's appendix (PdfAppendix): MergePart appends its summary to the part it wrote, as
 * an incremental update, and Combine's PartsWriter finds it in the part it copies — and leaves it
 * out of the backup.
 */

/** A part as MergePart writes it: merged as it goes, then `appendix` appended, if any. */
async function writtenPart(sources: MergeSource[], appendix?: (pages: number) => string) {
  const chunks: Uint8Array[] = [];
  const output = new PdfAppendix(async (chunk) => void chunks.push(new Uint8Array(chunk)));
  const { pages } = await writeMerged(sources, output.write);
  if (appendix) await output.append(Buffer.from(appendix(pages), 'utf8'));
  const pdf = Buffer.concat(chunks);
  expect(output.bytes).toBe(pdf.byteLength);
  return { pdf, pages };
}

async function combined(parts: Uint8Array[]) {
  const chunks: Uint8Array[] = [];
  const appendices: Array<string | undefined> = [];
  const result = await writeCombined(
    { title: 'Invoice backup', lines: ['Harbour Tower (HT-1)'] },
    parts.length,
    async (index) => parts[index]!,
    (index, appendix) => {
      appendices.push(appendix && Buffer.from(appendix).toString('utf8'));
      const summary = JSON.parse(appendices[index] ?? '{}') as { pages?: number };
      return { title: `Part ${index + 1}`, pages: summary.pages ?? 2, sources: [{ title: 'Invoice.pdf', pages: summary.pages ?? 2 }] };
    },
    async (chunk) => void chunks.push(new Uint8Array(chunk)),
  );
  return { ...result, pdf: Buffer.concat(chunks), appendices };
}

describe('a part with an appendix', () => {
  it('stays a valid PDF with the same pages, its appendix the stream its last trailer names', async () => {
    const summary = JSON.stringify({ title: 'SC-2 Électricité — Invoice 1 (PC-1)', note: 'parentheses ( and \\ backslashes' });
    const { pdf } = await writtenPart([{ title: 'Invoice.pdf', bytes: await labelledPdf('Invoice', 2) }, { title: 'Photo.jpg', bytes: TINY_JPEG }], () => summary);

    expect(qpdfCheck(pdf)).toContain('No syntax or stream encoding errors');
    expect(pdfPageCount(pdf)).toBe(3);
    expect(pageTexts(pdf)[0]?.trim()).toBe('Invoice page 1');
    const file = savePdf(pdf);
    const trailer = execFileSync('qpdf', ['--show-object=trailer', file], { encoding: 'utf8' });
    const appendix = /\/PCAppendix (\d+) 0 R/.exec(trailer)?.[1];
    expect(trailer).toMatch(/\/Prev \d+/);
    expect(execFileSync('qpdf', [`--show-object=${appendix}`, '--raw-stream-data', file], { encoding: 'utf8' })).toBe(summary);
  });

  it('cannot be appended to a PDF that is not finished', async () => {
    const appendix = new PdfAppendix(async () => undefined);
    await appendix.write(Buffer.from('%PDF-1.7\n1 0 obj\n<< >>\nendobj\n', 'latin1'));

    await expect(appendix.append(Buffer.from('{}'))).rejects.toThrow('The PDF is not finished');
  });
});

describe('writeCombined over parts with appendices', () => {
  it('hands each part’s appendix to `describe` (none for a part without one) and copies none into the backup, the cover first', async () => {
    const parts = [
      (await writtenPart([{ title: 'Invoice.pdf', bytes: await labelledPdf('First', 2) }], (pages) => JSON.stringify({ pages, marker: 'APPENDIX-ONE' }))).pdf,
      (await writtenPart([{ title: 'Invoice.pdf', bytes: await labelledPdf('Second', 2) }])).pdf,
      (await writtenPart([{ title: 'Invoice.pdf', bytes: await labelledPdf('Third', 3) }], (pages) => JSON.stringify({ pages, marker: 'APPENDIX-THREE' }))).pdf,
    ];

    const result = await combined(parts);

    expect(result.appendices).toEqual([JSON.stringify({ pages: 2, marker: 'APPENDIX-ONE' }), undefined, JSON.stringify({ pages: 3, marker: 'APPENDIX-THREE' })]);
    expect(Buffer.from(result.pdf).includes('APPENDIX-')).toBe(false);
    expect(result.pdf.includes('/PCAppendix')).toBe(false);
    expect(qpdfCheck(result.pdf)).toContain('No syntax or stream encoding errors');
    expect(result).toMatchObject({ coverPages: 1, pages: 1 + 7 });
    const texts = pageTexts(result.pdf);
    expect(texts[0]).toMatch(/^\s*Invoice backup[^]*Contents\s*\n\s*Part 1\s+2\s*\n\s*Part 2\s+4\s*\n\s*Part 3\s+6\s*\n/);
    expect(texts.slice(1).map((text) => text.trim())).toEqual(['First page 1', 'First page 2', 'Second page 1', 'Second page 2', 'Third page 1', 'Third page 2', 'Third page 3']);
    expect(qpdfOutline(result.pdf).map((item) => [item.title, item.page])).toEqual([
      ['Part 1', 2],
      ['Part 2', 4],
      ['Part 3', 6],
    ]);
  });

  it('fails when a part has other pages than its summary says', async () => {
    const part = (await writtenPart([{ title: 'Invoice.pdf', bytes: await labelledPdf('First', 2) }], () => JSON.stringify({ pages: 3 }))).pdf;

    await expect(combined([part])).rejects.toThrow('Part 1 ("Part 1") has 2 pages; its summary says 3');
  });
});
