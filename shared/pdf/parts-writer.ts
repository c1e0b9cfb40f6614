import { PDFArray, PDFContext, PDFDict, PDFName, PDFNumber, PDFObjectParser, PDFRef, type PDFObject } from 'pdf-lib';
import { APPENDIX_KEY, PdfStreamWriter } from './stream-writer';

/**
 * A PdfStreamWriter that also appends PDFs a PdfStreamWriter wrote (backup parts, for Combine),
 * copied as bytes rather than parsed as documents. Kept apart from stream-writer.ts so that
 * MergePart, which writes parts and never reads one, does not carry it.
 */
export class PartsWriter extends PdfStreamWriter {
  /**
   * Appends a PDF that a PdfStreamWriter wrote (a backup part), without parsing it as a
   * document: its cross-reference table gives each object's offset, and each object is copied
   * as bytes with only its references' numbers moved past the objects written so far (found by
   * `scanObject`, which reads tokens, not objects); stream data is copied as it is, unread. The
   * few objects that may be page-tree nodes are parsed, for the page order. Everything but its
   * catalog, document information and appendix (see PdfAppendix) is written; its page tree
   * becomes a kid of the frame's. Returns the new references of its pages in order, and a copy
   * of its appendix's data if it has one.
   */
  async appendWritten(bytes: Uint8Array): Promise<{ pages: PDFRef[]; appendix?: Uint8Array }> {
    const part = new WrittenPdfReader(bytes);
    const { offsets, root, info, appendix, xrefs } = part.trailer();
    const appendixData = appendix === undefined ? undefined : part.object(offsets[appendix]!).data;
    if (appendix !== undefined && !appendixData) throw new Error('The appendix the part\'s trailer names is not a stream');
    this.nextNumber = Math.max(this.nextNumber, this.frame.context.largestObjectNumber + 1);
    // Object n of the part becomes object `base + n`.
    const base = this.nextNumber - 1;
    const moved = (ref: PDFRef) => PDFRef.of(base + ref.objectNumber);
    const catalog = part.object(offsets[root]!).value;
    const treeRef = catalog instanceof PDFDict ? catalog.get(PDFName.of('Pages')) : undefined;
    if (!(treeRef instanceof PDFRef)) throw new Error('The part has no page tree');
    // Each object runs from its offset to the next object's or cross-reference section's, whichever comes first.
    const starts = [...offsets.flatMap((offset, number) => (offset === undefined ? [] : [{ number, offset }])), ...xrefs.map((offset) => ({ number: -1, offset }))].sort(
      (a, b) => a.offset - b.offset,
    );
    const kidsOf = new Map<number, PDFRef[]>();
    for (const [index, { number, offset }] of starts.entries()) {
      if (number === -1 || number === root || number === info || number === appendix) continue;
      const end = starts[index + 1]?.offset ?? bytes.length;
      const object = scanObject(bytes, offset, end);
      if (!object.stream && mayBePageTreeNode(bytes, object.valueStart, object.valueEnd)) {
        // Parsed: its kids give the page order, and the tree's root takes the frame's as its parent.
        const { value } = part.object(offset);
        shiftRefs(value, moved);
        if (value instanceof PDFDict && value.get(PDFName.of('Type')) === PDFName.of('Pages')) {
          kidsOf.set(number, value.lookup(PDFName.of('Kids'), PDFArray).asArray().map((kid) => PDFRef.of((kid as PDFRef).objectNumber - base)));
          if (number === treeRef.objectNumber) value.set(PDFName.of('Parent'), this.frame.catalog.get(PDFName.of('Pages'))!);
        }
        await this.writeObject(PDFRef.of(base + number), value);
        continue;
      }
      await this.writeMoved(base + number, bytes, object, end, base);
    }
    this.nextNumber = base + offsets.length;
    this.syncFrameNumbers();
    // The leaves of the page tree in order: a kid with no Kids of its own is a page.
    const pages: PDFRef[] = [];
    const walk = (ref: PDFRef) => {
      const kids = kidsOf.get(ref.objectNumber);
      if (kids) kids.forEach(walk);
      else pages.push(moved(ref));
    };
    walk(treeRef);
    this.appendedRoots.push({ ref: moved(treeRef), count: pages.length });
    return { pages, ...(appendixData && { appendix: bytes.slice(appendixData.start, appendixData.end) }) };
  }

  /**
   * Writes an object of a part as object `number`: its value's bytes with each reference's
   * number raised by `shift`, then the rest of it (`stream`, the data, `endstream`; or `endobj`) as it is.
   */
  private async writeMoved(number: number, bytes: Uint8Array, object: ScannedObject, end: number, shift: number): Promise<void> {
    const pieces: Uint8Array[] = [Buffer.from(`${number} 0 obj\n`, 'latin1')];
    let at = object.valueStart;
    for (let i = 0; i < object.refs.length; i += 2) {
      pieces.push(bytes.subarray(at, object.refs[i]!));
      const original = Number(Buffer.from(bytes.buffer, bytes.byteOffset + object.refs[i]!, object.refs[i + 1]! - object.refs[i]!).toString('latin1'));
      pieces.push(Buffer.from(String(original + shift), 'latin1'));
      at = object.refs[i + 1]!;
    }
    pieces.push(bytes.subarray(at, object.valueEnd));
    this.offsets[number] = this.bytes;
    await this.write(Buffer.concat(pieces));
    await this.write(bytes.subarray(object.valueEnd, end));
    this.syncFrameNumbers();
  }
}

/** Moves every reference inside `object` (a dictionary's, an array's, nested) with `moved`. */
function shiftRefs(object: PDFObject, moved: (ref: PDFRef) => PDFRef): void {
  if (object instanceof PDFDict) {
    for (const [key, value] of object.entries()) {
      if (value instanceof PDFRef) object.set(key, moved(value));
      else shiftRefs(value, moved);
    }
  } else if (object instanceof PDFArray) {
    for (let i = 0; i < object.size(); i++) {
      const value = object.get(i);
      if (value instanceof PDFRef) object.set(i, moved(value));
      else shiftRefs(value, moved);
    }
  }
}

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));
const keywords = { obj: ascii('obj'), stream: ascii('stream'), endobj: ascii('endobj') };

/**
 * Reads a PDF as PdfStreamWriter writes it — a cross-reference table (and the sections of
 * updates PdfAppendix adds), each object at the offset it gives, stream dictionaries with a
 * direct /Length — object by object, leaving stream data where it is (its offsets only).
 * Anything else is an error: parts are our own output.
 */
class WrittenPdfReader extends PDFObjectParser {
  constructor(private readonly pdf: Uint8Array) {
    // The parser's byte cursor is internal to pdf-lib: borrowed from a parser it builds.
    super((PDFObjectParser.forBytes(pdf, PDFContext.create()) as unknown as { bytes: ConstructorParameters<typeof PDFObjectParser>[0] }).bytes, PDFContext.create());
  }

  /**
   * Offsets by object number (an update's entries over the ones before), the numbers of the
   * catalog, the document information and the appendix, and where each cross-reference section starts.
   */
  trailer(): { offsets: Array<number | undefined>; root: number; info?: number; appendix?: number; xrefs: number[] } {
    const tail = Buffer.from(this.pdf.buffer, this.pdf.byteOffset + Math.max(0, this.pdf.length - 1024), Math.min(1024, this.pdf.length)).toString('latin1');
    const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
    if (!startxref) throw new Error('The part does not end with startxref');
    const text = (from: number, length: number) => Buffer.from(this.pdf.buffer, this.pdf.byteOffset + from, Math.max(0, Math.min(length, this.pdf.length - from))).toString('latin1');
    const offsets: Array<number | undefined> = [];
    /** Object numbers a later section has given (an offset, or free): earlier sections do not change them. */
    const given = new Set<number>();
    const xrefs: number[] = [];
    let last: PDFDict | undefined;
    for (let xref: number | undefined = Number(startxref[1]); xref !== undefined; ) {
      if (xrefs.includes(xref) || !(xref >= 0 && xref < this.pdf.length)) throw new Error(`The part's cross-reference sections loop or lie outside it (at ${xref})`);
      xrefs.push(xref);
      if (text(xref, 5) !== 'xref\n') throw new Error('The part has no cross-reference table where its trailer says');
      let at = xref + 5;
      // Subsections: "first count", then count entries of 20 bytes each.
      for (let header = /^(\d+) (\d+)\n/.exec(text(at, 32)); header; header = /^(\d+) (\d+)\n/.exec(text(at, 32))) {
        const [first, count] = [Number(header[1]), Number(header[2])];
        at += header[0].length;
        const table = text(at, count * 20);
        for (let n = 0; n < count; n++) {
          if (given.has(first + n)) continue;
          given.add(first + n);
          offsets[first + n] = table[n * 20 + 17] === 'n' ? Number(table.slice(n * 20, n * 20 + 10)) : undefined;
        }
        at += count * 20;
      }
      this.bytes.moveTo(at);
      this.skipWhitespaceAndComments();
      if (!this.matchKeyword(ascii('trailer'))) throw new Error('The part has no trailer after its cross-reference table');
      const trailer = this.parseObject();
      if (!(trailer instanceof PDFDict)) throw new Error('The part\'s trailer is not a dictionary');
      last ??= trailer;
      const prev = trailer.get(PDFName.of('Prev'));
      xref = prev instanceof PDFNumber ? prev.asNumber() : undefined;
    }
    const [root, info, appendix] = ['Root', 'Info', APPENDIX_KEY].map((key) => last!.get(PDFName.of(key)));
    if (!(root instanceof PDFRef)) throw new Error('The part has no catalog');
    return {
      offsets,
      root: root.objectNumber,
      ...(info instanceof PDFRef && { info: info.objectNumber }),
      ...(appendix instanceof PDFRef && { appendix: appendix.objectNumber }),
      xrefs,
    };
  }

  /** The object at `offset`: its value and, for a stream, where its data lies. */
  object(offset: number): { value: PDFObject; data?: { start: number; end: number } } {
    this.bytes.moveTo(offset);
    this.parseRawInt();
    this.skipWhitespace();
    this.parseRawInt();
    this.skipWhitespace();
    if (!this.matchKeyword(keywords.obj)) throw new Error(`No object at offset ${offset} of the part`);
    this.skipWhitespaceAndComments();
    if (this.bytes.peek() !== 0x3c || this.bytes.peekAhead(1) !== 0x3c) return { value: this.parseObject() };
    const dict = this.parseDict();
    this.skipWhitespaceAndComments();
    if (!this.matchKeyword(keywords.stream)) return { value: dict };
    if (this.bytes.peek() === 0x0d) this.bytes.next();
    if (this.bytes.peek() === 0x0a) this.bytes.next();
    const length = dict.get(PDFName.of('Length'));
    if (!(length instanceof PDFNumber)) throw new Error(`The stream at offset ${offset} of the part has no direct /Length`);
    const start = this.bytes.offset();
    return { value: dict, data: { start, end: start + length.asNumber() } };
  }
}

/** An object of a written part as `scanObject` finds it. */
interface ScannedObject {
  /** Where its value starts (after `n 0 obj`) and ends (before `stream` or `endobj`). */
  valueStart: number;
  valueEnd: number;
  stream: boolean;
  /** Start and end, in pairs, of each reference's object number (the `12` of `12 0 R`). */
  refs: number[];
}

const enum Char {
  Tab = 0x09,
  LineFeed = 0x0a,
  FormFeed = 0x0c,
  Return = 0x0d,
  Space = 0x20,
  Percent = 0x25,
  OpenParen = 0x28,
  CloseParen = 0x29,
  Slash = 0x2f,
  Zero = 0x30,
  Nine = 0x39,
  Less = 0x3c,
  Greater = 0x3e,
  OpenBracket = 0x5b,
  Backslash = 0x5c,
  CloseBracket = 0x5d,
  R = 0x52,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
}

/** PDF 1.7, 7.2.2: white-space (1) and delimiter (2) characters; anything else is regular (0). */
const charClass = new Uint8Array(256);
for (const c of [0x00, Char.Tab, Char.LineFeed, Char.FormFeed, Char.Return, Char.Space]) charClass[c] = 1;
for (const c of [Char.OpenParen, Char.CloseParen, Char.Less, Char.Greater, Char.OpenBracket, Char.CloseBracket, Char.OpenBrace, Char.CloseBrace, Char.Slash, Char.Percent]) charClass[c] = 2;

const isDigits = (bytes: Uint8Array, start: number, end: number) => {
  for (let i = start; i < end; i++) if (bytes[i]! < Char.Zero || bytes[i]! > Char.Nine) return false;
  return true;
};
const isKeyword = (bytes: Uint8Array, start: number, end: number, keyword: number[]) =>
  end - start === keyword.length && keyword.every((c, i) => bytes[start + i] === c);

/**
 * Reads the tokens of the object at `offset` (before `end`) as PDF 1.7, 7.2 and 7.3 define them —
 * literal strings with their nesting and escapes, hex strings, names, comments — to find where
 * its value ends and every reference in it (two unsigned integers and `R`), without building it.
 */
function scanObject(bytes: Uint8Array, offset: number, end: number): ScannedObject {
  let i = offset;
  // `n 0 obj`: three tokens before the value.
  for (let token = 0; token < 3; token++) {
    while (i < end && charClass[bytes[i]!] === 1) i++;
    const start = i;
    while (i < end && charClass[bytes[i]!] === 0) i++;
    if (token === 2 && !isKeyword(bytes, start, i, keywords.obj)) throw new Error(`No object at offset ${offset} of the part`);
  }
  const valueStart = i;
  const refs: number[] = [];
  // The last two tokens, when they were unsigned integers: [start, end] of each, else -1.
  let firstStart = -1;
  let firstEnd = -1;
  let secondStart = -1;
  let secondEnd = -1;
  let depth = 0;
  while (i < end) {
    const c = bytes[i]!;
    const kind = charClass[c]!;
    if (kind === 1) {
      i++;
      continue;
    }
    if (kind === 0) {
      const start = i;
      while (i < end && charClass[bytes[i]!] === 0) i++;
      if (isDigits(bytes, start, i)) {
        [firstStart, firstEnd, secondStart, secondEnd] = [secondStart, secondEnd, start, i];
        continue;
      }
      if (i - start === 1 && c === Char.R && firstStart !== -1 && secondStart !== -1) refs.push(firstStart, firstEnd);
      else if (depth === 0 && (isKeyword(bytes, start, i, keywords.stream) || isKeyword(bytes, start, i, keywords.endobj))) {
        return { valueStart, valueEnd: start, stream: bytes[start] === keywords.stream[0], refs };
      }
      firstStart = secondStart = -1;
      continue;
    }
    firstStart = secondStart = -1;
    if (c === Char.OpenParen) i = afterLiteralString(bytes, i, end);
    else if (c === Char.Less && bytes[i + 1] === Char.Less) {
      depth++;
      i += 2;
    } else if (c === Char.Greater && bytes[i + 1] === Char.Greater) {
      depth--;
      i += 2;
    } else if (c === Char.Less) {
      i = bytes.indexOf(Char.Greater, i + 1) + 1 || end;
    } else if (c === Char.OpenBracket) {
      depth++;
      i++;
    } else if (c === Char.CloseBracket) {
      depth--;
      i++;
    } else if (c === Char.Slash) {
      i++;
      while (i < end && charClass[bytes[i]!] === 0) i++;
    } else if (c === Char.Percent) {
      while (i < end && bytes[i] !== Char.LineFeed && bytes[i] !== Char.Return) i++;
    } else i++;
  }
  throw new Error(`The object at offset ${offset} of the part has no endobj`);
}

/** Where the literal string opening at `open` ends (after its closing parenthesis). */
function afterLiteralString(bytes: Uint8Array, open: number, end: number): number {
  let nesting = 0;
  for (let i = open; i < end; i++) {
    const c = bytes[i];
    if (c === Char.Backslash) i++;
    else if (c === Char.OpenParen) nesting++;
    else if (c === Char.CloseParen && --nesting === 0) return i + 1;
  }
  return end;
}

const pagesName = Buffer.from('/Pages', 'latin1');

/** Whether a value may be a page-tree node (it has the name /Pages), to be parsed rather than copied. */
function mayBePageTreeNode(bytes: Uint8Array, start: number, end: number): boolean {
  const value = Buffer.from(bytes.buffer, bytes.byteOffset, end);
  for (let at = value.indexOf(pagesName, start); at !== -1; at = value.indexOf(pagesName, at + 1)) {
    // /Pages itself, not a longer name that starts with it.
    if (at + pagesName.length === end || charClass[bytes[at + pagesName.length]!] !== 0) return true;
  }
  return false;
}

