import { PDFArray, PDFDict, PDFName, PDFNull, PDFNumber, PDFRef, PDFStream, type PDFDocument, type PDFObject } from 'pdf-lib';

/**
 * Writes a PDF as it goes, object by object, to a sink (an S3 multipart upload, a file), so
 * that memory holds one source document and the cross-reference offsets, never the output.
 *
 * Whole documents are appended without copying their objects into a new document: the objects
 * reachable from a document's page tree are renumbered in place and written out, and the
 * document's page-tree root becomes a kid of the output's (PDF 1.7, 7.7.3: page trees nest,
 * and inherited attributes such as /Resources or /MediaBox stay with the node that carries
 * them). The output's own pages, outline and catalog come last from a `frame` document built
 * with pdf-lib, whose object numbers are moved past every appended document's.
 */
export class PdfStreamWriter {
  /** Byte offset of each object, by object number (0 is the free-list head). */
  protected readonly offsets: number[] = [];
  private written = 0;
  /** Allocated when a write needs it, then reused for every chunk. */
  private buffer = noBuffer;
  private buffered = 0;
  /** The next object number an appended document's objects may take. */
  protected nextNumber: number;
  /** Page-tree roots of the appended documents, kids of the frame's root in this order. */
  protected readonly appendedRoots: Array<{ ref: PDFRef; count: number }> = [];

  /**
   * `frame` holds whatever of the output is drawn with pdf-lib (cover pages, fonts); its page
   * tree is the output's root, and anything it adds later (links, outline) is numbered after
   * the appended documents. `sink` must be done with each chunk when its promise resolves: it
   * copies what it keeps, since the writer reuses its buffer.
   */
  constructor(
    protected readonly frame: PDFDocument,
    private readonly sink: (chunk: Uint8Array) => Promise<void>,
    private readonly chunkSize = 1024 * 1024,
  ) {
    this.nextNumber = frame.context.largestObjectNumber + 1;
  }

  /** Bytes written so far (the output's size once `end` has resolved). */
  get bytes(): number {
    return this.written + this.buffered;
  }

  async start(): Promise<void> {
    // A binary comment on the second line tells transfer tools the file is binary (PDF 1.7, 7.5.2).
    await this.write(Uint8Array.from([...Buffer.from('%PDF-1.7\n%'), 0x81, 0x81, 0x81, 0x81, 0x0a, 0x0a]));
  }

  /**
   * Writes every object of `doc` that its pages reach, renumbered after those already written,
   * and returns the new references of its pages in order. `doc` is spent: its objects are
   * changed in place, and it must not be used afterwards.
   */
  async append(doc: PDFDocument): Promise<PDFRef[]> {
    await doc.flush(); // images and fonts embedded since the last flush become objects
    const context = doc.context;
    const rootRef = doc.catalog.get(PDFName.of('Pages'));
    if (!(rootRef instanceof PDFRef)) throw new Error('The document has no page tree');
    const pageRefs = doc.getPages().map((page) => page.ref);

    // Every object the page tree reaches, in the order found; each takes the next number.
    this.nextNumber = Math.max(this.nextNumber, this.frame.context.largestObjectNumber + 1);
    const renumbered = new Map<PDFRef, PDFRef>();
    const order: PDFRef[] = [];
    const pending: PDFObject[] = [rootRef];
    while (pending.length > 0) {
      const object = pending.pop();
      if (object instanceof PDFRef) {
        if (renumbered.has(object)) continue;
        const target = context.lookup(object);
        if (target === undefined) continue;
        renumbered.set(object, PDFRef.of(this.nextNumber++));
        order.push(object);
        pending.push(target);
      } else if (object instanceof PDFDict) {
        pending.push(...object.values());
      } else if (object instanceof PDFArray) {
        pending.push(...object.asArray());
      } else if (object instanceof PDFStream) {
        pending.push(object.dict);
      }
    }

    const rewritten = new Set<PDFObject>();
    for (const ref of order) {
      const object = context.lookup(ref)!;
      rewriteRefs(object, renumbered, rewritten);
      // After the rewrite: the frame's tree is numbered in the output, not in this document.
      if (ref === rootRef) (object as PDFDict).set(PDFName.of('Parent'), this.frame.catalog.get(PDFName.of('Pages'))!);
      await this.writeObject(renumbered.get(ref)!, object);
    }
    // Fonts, images and content streams of this document are written: let them go.
    for (const ref of order) context.delete(ref);
    const count = pageRefs.length;
    this.appendedRoots.push({ ref: renumbered.get(rootRef)!, count });
    return pageRefs.map((ref) => renumbered.get(ref)!);
  }

  /**
   * Hangs the appended documents under the frame's page tree, after its own pages, then writes
   * the frame's objects, the cross-reference table and the trailer, and flushes the sink.
   * Whatever the frame needs to add (links, an outline) must be added before.
   */
  async end(): Promise<void> {
    await this.frame.flush();
    const context = this.frame.context;
    const treeRef = this.frame.catalog.get(PDFName.of('Pages')) as PDFRef;
    const tree = context.lookup(treeRef, PDFDict);
    const kids = tree.lookup(PDFName.of('Kids'), PDFArray);
    for (const { ref } of this.appendedRoots) kids.push(ref);
    const ownPages = tree.lookup(PDFName.of('Count'), PDFNumber).asNumber();
    tree.set(PDFName.of('Count'), PDFNumber.of(ownPages + this.appendedRoots.reduce((sum, root) => sum + root.count, 0)));

    for (const [ref, object] of context.enumerateIndirectObjects()) await this.writeObject(ref, object);

    const xrefOffset = this.bytes;
    const size = Math.max(this.offsets.length, context.largestObjectNumber + 1);
    const lines = [`xref\n0 ${size}\n`, '0000000000 65535 f\r\n'];
    for (let n = 1; n < size; n++) {
      const offset = this.offsets[n];
      lines.push(offset === undefined ? '0000000000 00000 f\r\n' : `${String(offset).padStart(10, '0')} 00000 n\r\n`);
    }
    await this.write(Buffer.from(lines.join(''), 'latin1'));
    const trailer = context.obj({ Size: size, Root: context.trailerInfo.Root, Info: context.trailerInfo.Info });
    await this.write(Buffer.from(`trailer\n${trailer.toString()}\nstartxref\n${xrefOffset}\n%%EOF\n`, 'latin1'));
    await this.flush();
  }

  /** The number the frame's next new object takes: after every appended document's. */
  protected syncFrameNumbers(): void {
    this.frame.context.largestObjectNumber = Math.max(this.frame.context.largestObjectNumber, this.nextNumber - 1);
  }

  protected async writeObject(ref: PDFRef, object: PDFObject): Promise<void> {
    // A stream's data goes to the sink as it is: pdf-lib would copy it byte by byte.
    if (object instanceof PDFStream) {
      object.updateDict(); // its /Length (and /Filter for a stream pdf-lib compresses)
      return this.writeStream(ref.objectNumber, object.dict, object.getContents());
    }
    this.offsets[ref.objectNumber] = this.bytes;
    await this.write(Buffer.from(`${ref.objectNumber} 0 obj\n`, 'latin1'));
    await this.write(serialized(object));
    await this.write(endobj);
    this.syncFrameNumbers();
  }

  private async writeStream(number: number, dict: PDFDict, data: Uint8Array): Promise<void> {
    this.offsets[number] = this.bytes;
    dict.set(PDFName.of('Length'), PDFNumber.of(data.length));
    await this.write(Buffer.from(`${number} 0 obj\n`, 'latin1'));
    await this.write(serialized(dict));
    await this.write(streamStart);
    await this.write(data);
    await this.write(streamEnd);
    this.syncFrameNumbers();
  }

  protected async write(bytes: Uint8Array): Promise<void> {
    if (this.buffered + bytes.length > this.buffer.length) await this.flush();
    // Large pieces (images, page contents) go to the sink as they are: copying them gains nothing.
    if (bytes.length >= passThroughBytes) {
      await this.flush();
      this.written += bytes.length;
      await this.sink(bytes);
      return;
    }
    if (this.buffer === noBuffer) this.buffer = new Uint8Array(this.chunkSize);
    this.buffer.set(bytes, this.buffered);
    this.buffered += bytes.length;
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0) return;
    // The sink is done with a chunk when its promise resolves (it copies what it keeps), so the
    // one buffer is reused: fresh memory faults on first touch, and costs more than the copy.
    const chunk = this.buffer.subarray(0, this.buffered);
    this.written += this.buffered;
    this.buffered = 0;
    await this.sink(chunk);
  }
}

/**
 * The trailer's private key (PDF 1.7, 7.5.5: readers ignore keys they do not know) naming the
 * stream `PdfAppendix` adds: data for the PDF's next reader (a backup part's summary, for Combine).
 */
export const APPENDIX_KEY = 'PCAppendix';

/**
 * A PdfStreamWriter's sink that can then add data to the finished PDF as an incremental update
 * (PDF 1.7, 7.5.6): a stream object, a cross-reference section of its own and a trailer that
 * repeats the last one's entries and names the stream under `APPENDIX_KEY`. Nothing before is
 * rewritten, the pages are unchanged, and the PDF stays valid. Data known only once the PDF is
 * written — the pages and warnings of a merge — travels inside it instead of in a file beside it.
 */
export class PdfAppendix {
  private written = 0;
  /** The last bytes written, which hold the trailer once the PDF is finished. */
  private tail = new Uint8Array(0);

  constructor(private readonly sink: (chunk: Uint8Array) => Promise<void>) {}

  /** Bytes written so far (the PDF's size once `append` has resolved). */
  get bytes(): number {
    return this.written;
  }

  /** The sink to give the PdfStreamWriter: each chunk goes on to the sink as it is. */
  readonly write = async (chunk: Uint8Array): Promise<void> => {
    this.tail = chunk.byteLength >= tailBytes ? chunk.slice(-tailBytes) : Buffer.concat([this.tail, chunk]).subarray(-tailBytes);
    this.written += chunk.byteLength;
    await this.sink(chunk);
  };

  /** Appends `data` as the PDF's appendix; the PDF (as PdfStreamWriter ends it) must be finished. */
  async append(data: Uint8Array): Promise<void> {
    const tail = Buffer.from(this.tail).toString('latin1');
    const end = /^trailer\s*<<([^]*)>>\s*startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail.slice(tail.lastIndexOf('trailer')));
    const size = end && /\/Size (\d+)/.exec(end[1]!);
    if (!end || !size) throw new Error('The PDF is not finished: no trailer with its /Size at its end');
    const number = Number(size[1]);
    const objectOffset = this.written;
    await this.write(Buffer.from(`${number} 0 obj\n<< /Length ${data.byteLength} >>\nstream\n`, 'latin1'));
    await this.write(data);
    const xrefOffset = this.written + streamEnd.byteLength;
    const entries = end[1]!.replace(size[0], `/Size ${number + 1}`).trim();
    const update = `xref\n${number} 1\n${String(objectOffset).padStart(10, '0')} 00000 n\r\ntrailer\n<< ${entries} /Prev ${end[2]} /${APPENDIX_KEY} ${number} 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
    await this.write(Buffer.concat([streamEnd, Buffer.from(update, 'latin1')]));
  }
}

/** Enough for the trailer PdfStreamWriter writes (its /Size, /Root and /Info) and what follows it. */
const tailBytes = 1024;

const noBuffer = new Uint8Array(0);
const endobj = Buffer.from('\nendobj\n', 'latin1');
const passThroughBytes = 64 * 1024;
const streamStart = Buffer.from('\nstream\n', 'latin1');
const streamEnd = Buffer.from('\nendstream\nendobj\n', 'latin1');

function serialized(object: PDFObject): Uint8Array {
  const bytes = new Uint8Array(object.sizeInBytes());
  object.copyBytesInto(bytes, 0);
  return bytes;
}


/**
 * Replaces, inside `object`, every reference with its new number (one to no object with null,
 * as a reader would read it: PDF 1.7, 7.3.10). `rewritten` keeps a direct object shared by two
 * indirect ones from being renumbered twice.
 */
function rewriteRefs(object: PDFObject, renumbered: Map<PDFRef, PDFRef>, rewritten: Set<PDFObject>): void {
  if (rewritten.has(object)) return;
  if (object instanceof PDFDict) {
    rewritten.add(object);
    for (const [key, value] of object.entries()) {
      if (value instanceof PDFRef) object.set(key, renumbered.get(value) ?? PDFNull);
      else rewriteRefs(value, renumbered, rewritten);
    }
  } else if (object instanceof PDFArray) {
    rewritten.add(object);
    for (let i = 0; i < object.size(); i++) {
      const value = object.get(i);
      if (value instanceof PDFRef) object.set(i, renumbered.get(value) ?? PDFNull);
      else rewriteRefs(value, renumbered, rewritten);
    }
  } else if (object instanceof PDFStream) {
    rewriteRefs(object.dict, renumbered, rewritten);
  }
}
