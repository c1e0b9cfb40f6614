import { PDFHexString, PDFName, PDFNumber, type PDFDict, type PDFDocument, type PDFRef } from 'pdf-lib';

/**
 * PDF outlines (bookmarks), which pdf-lib has no high-level API for: the /Outlines dictionary
 * and its items written with the low-level object API (PDF 1.7, 12.3.3).
 */

export interface OutlineItem {
  title: string;
  /** Zero-based index of the page the bookmark opens (fitted to the window). */
  pageIndex: number;
  children?: OutlineItem[];
  /** Whether the children show when the document opens; closed by default. */
  open?: boolean;
}

/**
 * Replaces the document's outline with `items` and asks viewers to show it on opening.
 * Does nothing for an empty list. `pages` are the document's page references when they are
 * not all in `doc` (a document written as it goes: see PdfStreamWriter).
 */
export function setOutline(doc: PDFDocument, items: OutlineItem[], pages: Array<{ ref: PDFRef }> = doc.getPages()): void {
  if (items.length === 0) return;
  const context = doc.context;
  const rootRef = context.nextRef();
  const root = context.obj({ Type: 'Outlines' });

  /** Writes the items as the children of `parentRef`; returns the count of them that are visible. */
  const writeLevel = (level: OutlineItem[], parent: PDFDict, parentRef: PDFRef): number => {
    const refs = level.map(() => context.nextRef());
    let visible = 0;
    level.forEach((item, i) => {
      const page = pages[item.pageIndex];
      if (!page) throw new RangeError(`Outline item "${item.title}" points at page index ${item.pageIndex}; the document has ${pages.length} pages`);
      const dict = context.obj({});
      dict.set(PDFName.of('Title'), PDFHexString.fromText(item.title));
      dict.set(PDFName.of('Parent'), parentRef);
      if (i > 0) dict.set(PDFName.of('Prev'), refs[i - 1]!);
      if (i < refs.length - 1) dict.set(PDFName.of('Next'), refs[i + 1]!);
      dict.set(PDFName.of('Dest'), context.obj([page.ref, PDFName.of('Fit')]));
      visible += 1;
      if (item.children?.length) {
        const descendants = writeLevel(item.children, dict, refs[i]!);
        // A positive /Count is an open item's visible descendants; negative, a closed item's.
        dict.set(PDFName.of('Count'), PDFNumber.of(item.open ? descendants : -descendants));
        if (item.open) visible += descendants;
      }
      context.assign(refs[i]!, dict);
    });
    parent.set(PDFName.of('First'), refs[0]!);
    parent.set(PDFName.of('Last'), refs[refs.length - 1]!);
    return visible;
  };

  root.set(PDFName.of('Count'), PDFNumber.of(writeLevel(items, root, rootRef)));
  context.assign(rootRef, root);
  doc.catalog.set(PDFName.of('Outlines'), rootRef);
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}
