import { PDFDocument, PDFName } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { setOutline } from '../../shared/pdf/outline';
import { qpdfCheck, qpdfOutline, readOutline } from '../support/pdf-tools';

async function blankPdf(pages: number): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([300, 200]);
  return doc;
}

describe('setOutline', () => {
  it('writes nested bookmarks that point at their pages, in order, closed unless asked open', async () => {
    const doc = await blankPdf(8);
    setOutline(doc, [
      {
        title: 'SC-001 Electrical — Invoice 1',
        pageIndex: 1,
        children: [
          { title: 'Invoice 1.pdf', pageIndex: 1 },
          { title: 'Timesheets.pdf', pageIndex: 3 },
        ],
      },
      { title: 'SC-002 Plumbing — Invoice 1', pageIndex: 4, open: true, children: [{ title: 'Invoice.pdf', pageIndex: 4 }, { title: 'Photo.jpg', pageIndex: 6 }] },
      { title: 'Notes 見積書', pageIndex: 7 },
    ]);
    const pdf = await doc.save();

    const outline = await readOutline(pdf);

    // Visible: the three top-level items and the two children of the open one.
    expect(outline.count).toBe(5);
    expect(outline.items).toEqual([
      {
        title: 'SC-001 Electrical — Invoice 1',
        pageIndex: 1,
        count: -2,
        children: [
          { title: 'Invoice 1.pdf', pageIndex: 1, count: undefined, children: [] },
          { title: 'Timesheets.pdf', pageIndex: 3, count: undefined, children: [] },
        ],
      },
      {
        title: 'SC-002 Plumbing — Invoice 1',
        pageIndex: 4,
        count: 2,
        children: [
          { title: 'Invoice.pdf', pageIndex: 4, count: undefined, children: [] },
          { title: 'Photo.jpg', pageIndex: 6, count: undefined, children: [] },
        ],
      },
      { title: 'Notes 見積書', pageIndex: 7, count: undefined, children: [] },
    ]);
    expect((await PDFDocument.load(pdf)).catalog.get(PDFName.of('PageMode'))).toBe(PDFName.of('UseOutlines'));
    expect(qpdfCheck(pdf)).toContain('No syntax or stream encoding errors');
    // qpdf resolves the same destinations (one-based) and the same open/closed states.
    expect(qpdfOutline(pdf)).toEqual([
      { title: 'SC-001 Electrical — Invoice 1', page: 2, open: false, kids: [expect.objectContaining({ page: 2 }), expect.objectContaining({ title: 'Timesheets.pdf', page: 4 })] },
      { title: 'SC-002 Plumbing — Invoice 1', page: 5, open: true, kids: [expect.objectContaining({ page: 5 }), expect.objectContaining({ title: 'Photo.jpg', page: 7 })] },
      { title: 'Notes 見積書', page: 8, open: true, kids: [] },
    ]);
  });

  it('counts a closed item’s descendants as those an open one would show, deeper levels included', async () => {
    const doc = await blankPdf(3);
    setOutline(doc, [
      { title: 'Closed', pageIndex: 0, children: [{ title: 'Open child', pageIndex: 1, open: true, children: [{ title: 'Grandchild', pageIndex: 2 }] }] },
    ]);

    const outline = await readOutline(await doc.save());

    expect(outline.count).toBe(1);
    expect(outline.items[0]).toMatchObject({ count: -2, children: [{ title: 'Open child', count: 1, children: [{ title: 'Grandchild', pageIndex: 2 }] }] });
  });

  it('writes no outline for no items and refuses a page the document does not have', async () => {
    const doc = await blankPdf(2);
    setOutline(doc, []);
    expect(doc.catalog.get(PDFName.of('Outlines'))).toBeUndefined();
    expect(() => setOutline(doc, [{ title: 'Beyond', pageIndex: 2 }])).toThrow(/page index 2; the document has 2 pages/);
  });
});
