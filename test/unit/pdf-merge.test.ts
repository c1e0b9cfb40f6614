import { execFileSync, spawnSync } from 'node:child_process';
import { PDFArray, PDFBool, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString } from 'pdf-lib';
import { describe, expect, it, vi } from 'vitest';
import { logger } from '../../shared/logger';
import { decryptWithEmptyPassword, mayBeEncrypted } from '../../shared/pdf/decrypt';
import type { CoverContent } from '../../shared/pdf/cover';
import { combineParts } from '../../shared/pdf/combine';
import { mergeDocuments, type MergeSource } from '../../shared/pdf/merge';
import { describePages, encryptedPdf, fontCount, labelledPdf, FORM_BOXES, qpdfEncrypted, qpdfMerged, viewerDrawnForm, TINY_JPEG, TINY_PNG, truncatedPdf } from '../support/pdf-fixtures';
import { pageTexts, pdfPageCount, qpdfCheck, qpdfOutline, readOutline, savePdf } from '../support/pdf-tools';

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
    expect(result.sources).toEqual([
      { title: 'Invoice 7.pdf', pages: 2 },
      { title: 'Locked statement.pdf', pages: 1, leftOut: result.warnings[0]?.reason },
      { title: 'Timesheets.pdf', pages: 3 },
      { title: 'Site photo.png', pages: 1 },
      { title: 'Delivery docket.jpg', pages: 1 },
      { title: 'Broken upload.pdf', pages: 1, leftOut: result.warnings[1]?.reason },
    ]);
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

  it('prints a placeholder for a title in any script, wrapping a long name', async () => {
    const longName = `${'Progress-claim-backup-'.repeat(8)}final.pdf`;
    const result = await mergeDocuments([
      { title: '見積書.pdf', bytes: Buffer.from('?'), contentType: 'application/pdf' },
      { title: longName, bytes: Buffer.from('?'), contentType: 'application/pdf' },
    ]);

    const pages = await describePages(result.pdf);
    expect(result.warnings.map((warning) => warning.title)).toEqual(['見積書.pdf', longName]);
    expect(pages[0]?.text).toContain('"見積書.pdf" was left out');
    // The name is broken across lines (joined here by spaces), but every character is printed.
    expect(pages[1]?.text.replace(/ /g, '')).toContain(`"${longName}"`);
  });

  it('names on the placeholder the part (commitment, invoice) and attachment the file belongs to, so files of the same name are told apart', async () => {
    const statement = (partOf: string, attachmentId: string): MergeSource => ({ title: 'Statutory declaration.pdf', bytes: Buffer.from('?'), contentType: 'application/pdf', partOf, attachmentId });
    const result = await mergeDocuments([
      statement('SC-001 Electrical services — Progress Claim 3 (PC-3)', 'att-1'),
      statement('SC-002 Łódź façade — Progress Claim 1', 'att-2'),
    ]);
    const [first = '', second = ''] = pageTexts(result.pdf).map((text) => text.replace(/\s+/g, ' '));
    expect(first).toContain('"Statutory declaration.pdf" was left out of this document');
    expect(first).toContain('Belongs to: SC-001 Electrical services — Progress Claim 3 (PC-3)');
    expect(first).toContain('Attachment id: att-1');
    expect(second).toContain('Belongs to: SC-002 Łódź façade — Progress Claim 1');
    expect(second).toContain('Attachment id: att-2');
  });

  it('releases each source once its pages are written, in order: bytes overwritten then (a reused buffer) leave the output as it was', async () => {
    const released: string[] = [];
    const reused = (title: string, bytes: Uint8Array): MergeSource => ({
      title,
      bytes,
      release: () => {
        released.push(title);
        bytes.fill(0);
      },
    });

    const result = await mergeDocuments([reused('A.pdf', await labelledPdf('A', 2)), reused('Photo.jpg', Buffer.from(TINY_JPEG)), reused('B.pdf', await labelledPdf('B', 1))]);

    expect(released).toEqual(['A.pdf', 'Photo.jpg', 'B.pdf']);
    expect((await describePages(result.pdf)).map(({ text, images }) => ({ text, images }))).toEqual([
      { text: 'A page 1', images: 0 },
      { text: 'A page 2', images: 0 },
      { text: '', images: 1 },
      { text: 'B page 1', images: 0 },
    ]);
    expect(qpdfCheck(result.pdf)).toContain('No syntax or stream encoding errors');
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

/** A merged part as MergePart makes it, kept in memory. */
async function part(title: string, sources: MergeSource[]) {
  const merged = await mergeDocuments(sources);
  return { title, pages: merged.pages, sources: merged.sources, pdf: merged.pdf };
}

/** Every /Link annotation, page by page: the page it sits on, its rectangle and the page it opens (zero-based). */
async function links(pdf: Uint8Array): Promise<Array<{ page: number; rect: number[]; target: number }>> {
  const doc = await PDFDocument.load(pdf);
  const pages = doc.getPages();
  return pages.flatMap((page, index) => {
    const annots = page.node.Annots();
    if (!annots) return [];
    return annots.asArray().flatMap((ref) => {
      const annot = doc.context.lookup(ref, PDFDict);
      if (annot.get(PDFName.of('Subtype')) !== PDFName.of('Link')) return [];
      const rect = annot.lookup(PDFName.of('Rect'), PDFArray).asArray().map((n) => (n as PDFNumber).asNumber());
      const dest = annot.lookup(PDFName.of('Dest'), PDFArray);
      const target = pages.findIndex((p) => p.ref === (dest.get(0) as PDFRef));
      return [{ page: index, rect, target }];
    });
  });
}

async function combine(parts: Array<Awaited<ReturnType<typeof part>>>, cover: CoverContent = { title: 'Subcontractor invoice backup', lines: ['Tower One (P-100)', '3 March 2026, 14:05'] }) {
  const loaded: number[] = [];
  const result = await combineParts(cover, parts, async (index) => {
    loaded.push(index);
    return parts[index]!.pdf;
  });
  return { ...result, loaded };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The page number the cover's contents give a title (pdftotext -layout keeps an entry on one line). */
function listedPage(coverText: string, title: string, wholeLine = true): number | undefined {
  const match = new RegExp(`${wholeLine ? '^\\s*' : ''}${escape(title)}\\s+(\\d+)\\s*$`, 'm').exec(coverText);
  return match ? Number(match[1]) : undefined;
}

describe('combineParts', () => {
  it('starts with a cover listing each part at its first page, then the parts, with bookmarks per part and per source', async () => {
    const parts = [
      await part('SC-001 Electrical services — Invoice 1 (PC-1)', [
        { title: 'Invoice PC-1.pdf', bytes: await labelledPdf('Electrical PC-1', 2) },
        { title: 'Locked statement.pdf', bytes: await encryptedPdf() },
        { title: 'Site photo.jpg', bytes: TINY_JPEG },
      ]),
      await part('SC-001 Electrical services — Invoice 2 (PC-2)', [{ title: 'Invoice PC-2.pdf', bytes: await labelledPdf('Electrical PC-2', 3) }]),
      await part('SC-002 Plumbing — Invoice 1 (PC-1)', [
        { title: 'Invoice PC-1.pdf', bytes: await labelledPdf('Plumbing PC-1', 1) },
        { title: 'Timesheets.pdf', bytes: await labelledPdf('Timesheets', 2) },
      ]),
    ];

    const result = await combine(parts);

    expect(result.loaded).toEqual([0, 1, 2]);
    expect(result.coverPages).toBe(1);
    expect(result.pages).toBe(1 + 4 + 3 + 3);
    expect(pdfPageCount(result.pdf)).toBe(result.pages);
    expect(qpdfCheck(result.pdf)).toContain('No syntax or stream encoding errors');
    const texts = pageTexts(result.pdf);
    const cover = texts[0]!;
    expect(cover).toMatch(/^\s*Subcontractor invoice backup\s*\n\s*Tower One \(P-100\)\s*\n\s*3 March 2026, 14:05/);
    expect(parts.map((p) => listedPage(cover, p.title))).toEqual([2, 6, 9]);
    // Each listed page is where the part's first page really is.
    expect([texts[1], texts[5], texts[8]].map((text) => text?.trim())).toEqual(['Electrical PC-1 page 1', 'Electrical PC-2 page 1', 'Plumbing PC-1 page 1']);
    expect(texts[3]).toContain('"Locked statement.pdf" was left out');
    // Each contents line is a link to its part's first page, one below the other on the cover.
    const contents = await links(result.pdf);
    expect(contents.map(({ page, target }) => [page, target])).toEqual([[0, 1], [0, 5], [0, 8]]);
    const tops = contents.map(({ rect }) => rect[3]!);
    expect(tops).toEqual([...tops].sort((a, b) => b - a));

    const outline = await readOutline(result.pdf);
    const bookmarks = outline.items.map(({ title, pageIndex, children }) => ({ title, pageIndex, children: children.map((c) => [c.title, c.pageIndex]) }));
    expect(bookmarks).toEqual([
      {
        title: parts[0]!.title,
        pageIndex: 1,
        children: [
          ['Invoice PC-1.pdf', 1],
          ['Locked statement.pdf (left out)', 3],
          ['Site photo.jpg', 4],
        ],
      },
      { title: parts[1]!.title, pageIndex: 5, children: [['Invoice PC-2.pdf', 5]] },
      {
        title: parts[2]!.title,
        pageIndex: 8,
        children: [
          ['Invoice PC-1.pdf', 8],
          ['Timesheets.pdf', 9],
        ],
      },
    ]);
    // Parts start closed: the outline shows one line per invoice until one is opened.
    expect(outline.count).toBe(3);
    expect(qpdfOutline(result.pdf).map((item) => [item.title, item.page, item.kids.map((kid) => kid.page)])).toEqual([
      [parts[0]!.title, 2, [2, 4, 5]],
      [parts[1]!.title, 6, [6]],
      [parts[2]!.title, 9, [9, 10]],
    ]);
  });

  it('continues the contents over more cover pages when there are many parts, counting them in every page number', async () => {
    const shared = await labelledPdf('x', 3);
    const parts = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const pages = (i % 3) + 1;
        const title = `SC-${String(Math.floor(i / 4) + 1).padStart(3, '0')} Subcontract ${i % 4 === 0 ? 'with a much longer description of the works that wraps onto a second line of the contents ' : ''}— Invoice ${(i % 4) + 1} (PC-${i + 1})`;
        return part(title, [{ title: `Invoice ${i + 1}.pdf`, bytes: await labelledPdf(`Part ${i + 1}`, pages) }, { title: 'Shared.pdf', bytes: shared }]);
      }),
    );

    const result = await combine(parts, { title: 'Subcontractor invoice backup', lines: ['Tower One (P-100)'] });

    const partPages = parts.reduce((sum, p) => sum + p.pages, 0);
    expect(result.coverPages).toBeGreaterThan(3);
    expect(result.pages).toBe(result.coverPages + partPages);
    const texts = pageTexts(result.pdf);
    expect(texts).toHaveLength(result.pages);
    expect(texts[1]).toMatch(/^\s*Contents \(continued\)/);
    const coverText = texts.slice(0, result.coverPages).join('\n');
    // Long titles wrap, with the number on their last line, which ends with the unique "(PC-n)".
    expect(coverText).toMatch(new RegExp(`SC-001 Subcontract with a much longer description .*\\n.*Invoice 1 \\(PC-1\\)\\s+${result.coverPages + 1}\\n`));
    parts.forEach((_, i) => {
      const listed = listedPage(coverText, `(PC-${i + 1})`, false);
      expect({ part: i + 1, listed, text: texts[(listed ?? 0) - 1]?.trim() }).toEqual({ part: i + 1, listed: expect.any(Number), text: `Part ${i + 1} page 1` });
    });
    const starts = parts.map((_, i) => result.coverPages + parts.slice(0, i).reduce((sum, p) => sum + p.pages, 0));
    expect((await readOutline(result.pdf)).items.map((item) => item.pageIndex)).toEqual(starts);
    // Every entry links to its part from the cover page that lists it.
    const contents = await links(result.pdf);
    expect(contents.map((link) => link.target)).toEqual(starts);
    parts.forEach((_, i) => expect(texts[contents[i]!.page]).toContain(`(PC-${i + 1})`));
  });

  it('prints non-Latin titles and file names (Korean, CJK, Greek, Hebrew, Arabic) on the cover and placeholders, extractable by pdftotext', async () => {
    const names = ['서울건설 주식회사', '東京建設', 'Ελληνικά Έργα', 'בניין ירושלים', 'مرحبا بالعالم'];
    const parts = [
      await part(`SC-001 ${names[0]} — 기성 청구 1`, [
        { title: `${names[1]}.pdf`, bytes: await labelledPdf('Invoice 1', 1) },
        { title: `${names[0]} 명세서.pdf`, bytes: await truncatedPdf() },
      ]),
    ];

    const result = await combine(parts, { title: '기성 청구 백업', lines: names.slice(2) });

    // poppler marks right-to-left runs with embedding controls and may give Arabic presentation forms.
    const text = pageTexts(result.pdf).join('\n').normalize('NFKC').replace(/[\u202a-\u202e\u2066-\u2069]/g, '');
    for (const expected of ['기성 청구 백업', ...names.slice(2), `SC-001 ${names[0]} — 기성 청구 1`, `"${names[0]} 명세서.pdf" was left out`]) expect(text).toContain(expected);
  });

  it('sets the document properties from the cover', async () => {
    const parts = [await part('SC-001 Electrical — Progress Claim 1', [{ title: 'Invoice 1.pdf', bytes: await labelledPdf('Invoice 1', 1) }])];
    const cover = { title: 'Progress Claim backup', lines: ['Tower One (P-100)'], subject: 'Tower One (P-100): 1 progress claim with their files', createdAt: '2026-03-03T03:05:00.000Z' };

    const doc = await PDFDocument.load((await combine(parts, cover)).pdf, { updateMetadata: false });

    expect({ title: doc.getTitle(), author: doc.getAuthor(), subject: doc.getSubject(), created: doc.getCreationDate()?.toISOString() }).toEqual({
      title: 'Progress Claim backup',
      author: 'Progress Claims',
      subject: cover.subject,
      created: cover.createdAt,
    });
  });

  it('copies each part as bytes, moving only its references: strings that read like references, names that start with /Pages, nested arrays survive', async () => {
    /** A one-page PDF whose page has a note annotation pointing at a marker object through nested arrays and dictionaries. */
    const annotated = async (label: string) => {
      const doc = await PDFDocument.create();
      const page = doc.addPage([300, 200]);
      const marker = doc.context.register(doc.context.obj({ Marker: PDFString.of(label) }));
      const note = doc.context.obj({
        Type: 'Annot',
        Subtype: 'Text',
        Rect: [10, 10, 30, 30],
        Contents: PDFString.of(`${label}: see 12 0 R \\) (nested 3 0 R) <not hex> [1 0 R]`),
        NM: PDFHexString.fromText('7 0 R'),
        PagesNote: PDFName.of('PagesX'),
        Nested: [[marker], { Deeper: [marker, 0, PDFName.of('R')] }],
      });
      page.node.set(PDFName.of('Annots'), doc.context.obj([doc.context.register(note)]));
      return doc.save({ useObjectStreams: false });
    };
    const parts = [await part('First', [{ title: 'One.pdf', bytes: await annotated('first') }]), await part('Second', [{ title: 'Two.pdf', bytes: await annotated('second') }])];

    const result = await combine(parts);

    expect(qpdfCheck(result.pdf)).toContain('No syntax or stream encoding errors');
    const doc = await PDFDocument.load(result.pdf);
    const notes = doc.getPages().slice(result.coverPages).map((page) => doc.context.lookup(page.node.Annots()!.get(0), PDFDict));
    expect(
      notes.map((note) => {
        const nested = note.lookup(PDFName.of('Nested'), PDFArray);
        const first = doc.context.lookup((nested.get(0) as PDFArray).get(0), PDFDict);
        const deeper = (nested.get(1) as PDFDict).lookup(PDFName.of('Deeper'), PDFArray);
        return {
          contents: note.lookup(PDFName.of('Contents'), PDFString).asString(),
          name: note.lookup(PDFName.of('NM'), PDFHexString).decodeText(),
          pagesNote: note.get(PDFName.of('PagesNote'))?.toString(),
          marker: first.lookup(PDFName.of('Marker'), PDFString).asString(),
          deeper: [doc.context.lookup(deeper.get(0), PDFDict).lookup(PDFName.of('Marker'), PDFString).asString(), deeper.get(1)?.toString(), deeper.get(2)?.toString()],
        };
      }),
    ).toEqual(
      ['first', 'second'].map((label) => ({
        contents: `${label}: see 12 0 R \\) (nested 3 0 R) <not hex> [1 0 R]`,
        name: '7 0 R',
        pagesNote: '/PagesX',
        marker: label,
        deeper: [label, '0', '/R'],
      })),
    );
  });

  it('refuses a part whose pages differ from its summary, since the cover already printed the numbers', async () => {
    const real = await part('Invoice 1', [{ title: 'Invoice 1.pdf', bytes: await labelledPdf('Invoice 1', 2) }]);

    await expect(combine([{ ...real, pages: 3, sources: [{ title: 'Invoice 1.pdf', pages: 3 }] }])).rejects.toThrow(/has 2 pages; its summary says 3/);
    await expect(combine([{ ...real, sources: [{ title: 'Invoice 1.pdf', pages: 1 }] }])).rejects.toThrow(/cover 1 pages; the part has 2/);
  });
});

describe('mergeDocuments: encrypted PDFs', () => {
  it.each([
    ['AES-256', ['256']],
    ['AES-128', ['128', '--use-aes=y']],
    ['RC4-128', ['128', '--use-aes=n']],
  ])('merges a file that opens without a password (%s), decrypted as the DecryptSources step does, as qpdf merges it', async (_name, encryption) => {
    const before = await labelledPdf('Supplier invoice', 1);
    const locked = qpdfEncrypted(await labelledPdf('Bank statement', 2), '', encryption);
    expect(execFileSync('qpdf', ['--show-encryption', savePdf(locked)], { encoding: 'utf8' })).toContain('User password = ');
    expect([mayBeEncrypted(locked), mayBeEncrypted(before)]).toEqual([true, false]);

    const decrypted = await decryptWithEmptyPassword(locked);
    const result = await mergeDocuments([
      { title: 'Supplier invoice.pdf', bytes: before },
      { title: 'Bank statement.pdf', bytes: decrypted! },
    ]);

    expect(result.warnings).toEqual([]);
    expect(result.sources).toEqual([
      { title: 'Supplier invoice.pdf', pages: 1 },
      { title: 'Bank statement.pdf', pages: 2 },
    ]);
    expect(qpdfCheck(result.pdf)).toContain('No syntax or stream encoding errors found');
    const words = (pages: string[]) => pages.map((page) => page.replace(/\s+/g, ' ').trim());
    expect(words(pageTexts(result.pdf))).toEqual(words(pageTexts(qpdfMerged([before, locked]))));
    expect(words(pageTexts(result.pdf))).toEqual(['Supplier invoice page 1', 'Bank statement page 1', 'Bank statement page 2']);
  });

  it('cannot decrypt a file that needs a password (nor one only marked encrypted): the merge leaves it out', async () => {
    expect(await decryptWithEmptyPassword(qpdfEncrypted(await labelledPdf('Payroll', 1), 'open-sesame'))).toBeUndefined();
    expect(await decryptWithEmptyPassword(await encryptedPdf())).toBeUndefined();
  });

  it('tells the caller of each encrypted file before leaving it out, and stops when the caller throws (MergePart hands the part to DecryptSources)', async () => {
    const locked = qpdfEncrypted(await labelledPdf('Bank statement', 2), '');
    const sources = async () => [
      { title: 'Supplier invoice.pdf', bytes: await labelledPdf('Supplier invoice', 1) },
      { title: 'Bank statement.pdf', bytes: locked },
    ];
    const seen: string[] = [];
    const result = await mergeDocuments(await sources(), { onEncrypted: (source) => void seen.push(source.title) });
    expect(seen).toEqual(['Bank statement.pdf']);
    expect(result.warnings).toEqual([{ title: 'Bank statement.pdf', reason: expect.stringContaining('password-protected') }]);

    const stop = new Error('decrypt first');
    await expect(
      mergeDocuments(await sources(), {
        onEncrypted: () => {
          throw stop;
        },
      }),
    ).rejects.toBe(stop);
  });

  it('keeps the placeholder for a file that needs a password to open', async () => {
    const locked = qpdfEncrypted(await labelledPdf('Payroll', 1), 'open-sesame');
    const result = await mergeDocuments([{ title: 'Payroll.pdf', bytes: locked }]);
    expect(result.warnings).toEqual([{ title: 'Payroll.pdf', reason: expect.stringContaining('password-protected') }]);
    expect(result.sources).toEqual([{ title: 'Payroll.pdf', pages: 1, leftOut: result.warnings[0]?.reason }]);
    expect(pageTexts(result.pdf)[0]).toContain('File left out');
  });

  it('keeps pdf-lib’s parse notes off the console and logs them once per file, at debug level', async () => {
    const locked = qpdfEncrypted(await labelledPdf('Payroll', 1), 'open-sesame');
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const consoleLog = vi.spyOn(console, 'log');
    const debug = vi.spyOn(logger, 'debug');
    try {
      await mergeDocuments([{ title: 'Payroll.pdf', bytes: locked }, { title: 'Clean.pdf', bytes: await labelledPdf('Clean', 1) }]);

      expect(consoleWarn).not.toHaveBeenCalled();
      expect(consoleLog).not.toHaveBeenCalled();
      const notes = debug.mock.calls.filter(([message]) => message === 'PDF parser notes');
      expect(notes).toEqual([['PDF parser notes', { file: 'Payroll.pdf', count: expect.any(Number), notes: expect.arrayContaining([expect.stringContaining('Invalid object ref')]) }]]);
      // The console is the console again afterwards.
      console.warn('after');
      expect(consoleWarn).toHaveBeenCalledWith('after');
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe('mergeDocuments: filled forms drawn by the viewer (NeedAppearances)', () => {
  /** The page rendered at 72 dpi in grey (PGM: one byte a pixel, so a pixel is a point). */
  function greyPage(file: string): { width: number; height: number; pixels: Buffer } {
    const pgm = execFileSync('pdftoppm', ['-r', '72', '-gray', '-singlefile', file]);
    const match = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 50).toString('latin1'));
    if (!match) throw new Error('pdftoppm did not write a PGM');
    const [header, width, height] = [match[0].length, Number(match[1]), Number(match[2])];
    return { width, height, pixels: pgm.subarray(header) };
  }
  /** Dark pixels inside a box, a point in from its border (the tick or dot, not the frame). */
  function inkInside(page: ReturnType<typeof greyPage>, [x, y, width, height]: readonly number[]): number {
    let dark = 0;
    for (let row = page.height - (y! + height!) + 3; row < page.height - y! - 3; row++) {
      for (let column = x! + 3; column < x! + width! - 3; column++) if (page.pixels[row * page.width + column]! < 128) dark++;
    }
    return dark;
  }

  it('flattens the form so ticks, radio selections and typed text survive the merge, as in qpdf\'s output of the same file', async () => {
    const form = await viewerDrawnForm();
    const result = await mergeDocuments([{ title: 'Statutory declaration.pdf', bytes: form }]);
    expect(result.warnings).toEqual([]);
    expect(qpdfCheck(result.pdf)).toContain('No syntax or stream encoding errors found');

    const qpdfFile = `${savePdf(form)}.qpdf.pdf`;
    execFileSync('qpdf', ['--generate-appearances', '--flatten-annotations=all', savePdf(form), qpdfFile]);
    const ours = greyPage(savePdf(result.pdf));
    const theirs = greyPage(qpdfFile);
    expect(inkInside(ours, FORM_BOXES.tick)).toBeGreaterThan(10);
    expect(inkInside(ours, FORM_BOXES.radioGreen)).toBeGreaterThan(10);
    expect(inkInside(ours, FORM_BOXES.radioRed)).toBe(0);
    for (const box of Object.values(FORM_BOXES)) {
      expect(Math.abs(inkInside(ours, box) - inkInside(theirs, box))).toBeLessThanOrEqual(Math.max(4, inkInside(theirs, box) * 0.25));
    }
    expect(pageTexts(result.pdf)[0]).toContain('Ada Lovelace');
    // No dangling references to the flattened widgets: poppler reads the file without complaint.
    expect(spawnSync('pdftotext', [savePdf(result.pdf), '-'], { encoding: 'utf8' }).stderr).toBe('');
  });

  it('flattens every kind of text a form shows — lines, comb cells, a choice, a list, a button caption — where the viewer would draw it', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([400, 400]);
    const form = doc.getForm();
    const notes = form.createTextField('notes');
    notes.enableMultiline();
    notes.addToPage(page, { x: 20, y: 300, width: 360, height: 80 });
    const postcode = form.createTextField('postcode');
    postcode.setMaxLength(4);
    postcode.enableCombing();
    postcode.addToPage(page, { x: 20, y: 250, width: 120, height: 30 });
    const region = form.createDropdown('region');
    region.addOptions(['Attica', 'Crete']);
    region.addToPage(page, { x: 20, y: 200, width: 200, height: 24 });
    const trades = form.createOptionList('trades');
    trades.addOptions(['Formwork', 'Steel fixing', 'Concrete']);
    trades.addToPage(page, { x: 20, y: 100, width: 200, height: 80 });
    const submit = form.createButton('submit');
    submit.addToPage('Submit', page, { x: 250, y: 100, width: 100, height: 30 });
    // Values WinAnsi has no code for, set once pdf-lib (with Helvetica) has drawn the widgets, then left to the viewer;
    // sizes as large as fits (pdf-lib wrote the size it drew the empty fields with).
    for (const field of [notes, postcode]) field.acroField.setDefaultAppearance('/Helv 0 Tf 0 g');
    notes.acroField.setValue(PDFHexString.fromText('Первая строка\nΔεύτερη γραμμή'));
    postcode.acroField.setValue(PDFHexString.fromText('2000'));
    region.addOptions(['Αττική']);
    region.acroField.setValues([PDFHexString.fromText('Αττική')]);
    trades.acroField.setValues([PDFHexString.fromText('Steel fixing')]);
    for (const widget of submit.acroField.getWidgets()) widget.dict.delete(PDFName.of('AP'));
    form.acroForm.dict.set(PDFName.of('NeedAppearances'), PDFBool.True);
    const bytes = await doc.save({ updateFieldAppearances: false });

    const result = await mergeDocuments([{ title: 'Site induction.pdf', bytes }]);
    expect(result.warnings).toEqual([]);
    expect(qpdfCheck(result.pdf)).toContain('No syntax or stream encoding errors found');
    expect((await PDFDocument.load(result.pdf)).getPage(0).node.Annots()?.size() ?? 0).toBe(0);
    const text = pageTexts(result.pdf)[0]!;
    for (const shown of ['Первая строка', 'Δεύτερη γραμμή', 'Αττική', 'Formwork', 'Steel fixing', 'Concrete', 'Submit']) expect(text).toContain(shown);
    // A comb field's characters each in a cell of their own.
    expect(text.replace(/\s/g, '')).toContain('2000');
    expect(spawnSync('pdftotext', [savePdf(result.pdf), '-'], { encoding: 'utf8' }).stderr).toBe('');
  });

  it('flattens typed text in any script with the fonts of our other pages (no standard font, which encodes WinAnsi alone)', async () => {
    const names = ['Łódź Budownictwo', 'Ελληνικά Έργα', 'Строительство', '東京建設', 'בניין ירושלים', 'مرحبا'];
    for (const name of names) {
      const result = await mergeDocuments([{ title: 'Statutory declaration.pdf', bytes: await viewerDrawnForm(name) }]);
      expect(result.warnings, name).toEqual([]);
      expect(qpdfCheck(result.pdf), name).toContain('No syntax or stream encoding errors found');
      const merged = await PDFDocument.load(result.pdf);
      expect(merged.getPage(0).node.Annots()?.size() ?? 0, name).toBe(0);
      // poppler marks right-to-left runs with embedding controls and may give Arabic presentation forms.
      const text = pageTexts(result.pdf)[0]!.normalize('NFKC').replace(/[\u202a-\u202e\u2066-\u2069]/g, '');
      expect(text, name).toContain(name);
      const ink = greyPage(savePdf(result.pdf));
      expect(inkInside(ink, FORM_BOXES.tick), name).toBeGreaterThan(10);
      expect(inkInside(ink, FORM_BOXES.radioGreen), name).toBeGreaterThan(10);
      const fonts = execFileSync('pdffonts', [savePdf(result.pdf)], { encoding: 'utf8' });
      expect(fonts, name).toMatch(/Noto/);
      expect(fonts, name).not.toMatch(/Helvetica/);
    }
  });
});
