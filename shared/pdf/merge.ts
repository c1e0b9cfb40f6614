import {
  adjustDimsForRotation, clip, closePath, cmyk, componentsToColor, concatTransformationMatrix, degrees, drawObject, drawRectangle, EncryptedPDFError, endPath, grayscale,
  layoutCombedText, layoutMultilineText, layoutSinglelineText, lineTo, moveTo, ParseSpeeds, PDFBool, PDFButton, PDFCheckBox, PDFContentStream, PDFDict, PDFDocument,
  PDFDropdown, PDFName, PDFOptionList, PDFRadioGroup, PDFRef, PDFTextField, popGraphicsState, pushGraphicsState, reduceRotation, rgb, rotateInPlace, TextAlignment, translate,
  type Color, type PDFFont, type PDFPage, type PDFWidgetAnnotation,
} from 'pdf-lib';
import { logger } from '../logger';
import { exifOrientation, jpegFrame, orientationMatrix } from './exif';
import { withParseNotesLogged } from './parse-notes';
import { embedPngDirect } from './png';
import { PdfStreamWriter } from './stream-writer';
import { printable, wrap } from './text';
import { Typesetter } from './typeset';

/** Why a file was left out of a merged PDF; the same words are printed on its placeholder page. */
export interface MergeWarning {
  title: string;
  reason: string;
}

/** What a placeholder page says of the file besides its title: whose it is, so two "Statutory declaration.pdf" are told apart. */
export interface SourceOrigin {
  /** The part it belongs to, as titled: "SC-001 Electrical services — Progress Claim 3 (PC-3)". */
  partOf?: string;
  attachmentId?: string;
}

export interface SourceDocument extends SourceOrigin {
  title: string;
  bytes: Uint8Array;
  /** The declared type (e.g. S3's Content-Type); the bytes decide, this only words the warning. */
  contentType?: string;
  /**
   * Called once the source is written to the output (its pages, or its placeholder): nothing
   * reads its bytes afterwards, and their buffer may be reused.
   */
  release?: () => void;
}

/** A source that could not even be fetched: it still gets a warning and a placeholder page. */
export interface UnavailableSource extends SourceOrigin {
  title: string;
  unavailable: string;
}

export type MergeSource = SourceDocument | UnavailableSource;

/** The pages one source occupies in a merged PDF: its own, or its placeholder's when left out (`leftOut` says why). */
export interface SourceSummary {
  title: string;
  pages: number;
  leftOut?: string;
}

export interface MergeResult {
  pdf: Uint8Array;
  pages: number;
  warnings: MergeWarning[];
  sources: SourceSummary[];
}

export interface MergeOptions {
  /**
   * Called with an encrypted PDF before it is left out as password-protected (pdf-lib cannot
   * decrypt). It may throw to stop the merge: MergePart does, so the workflow decrypts the part's
   * files that open without a password (DecryptSources, shared/pdf/decrypt.ts) and merges it again.
   */
  onEncrypted?: (source: SourceDocument) => void;
}

type SourceType = 'pdf' | 'png' | 'jpeg';

const typeLabels: Record<SourceType, string> = { pdf: 'PDF', png: 'PNG image', jpeg: 'JPEG image' };

const reasons = {
  encrypted: 'the file is password-protected (it needs a password to open), so its pages cannot be copied',
  noPages: 'the file has no pages',
  unsupported: 'only PDF, JPEG and PNG files can be merged, and this file is none of those',
  damaged: (type: SourceType) => `the file is damaged or is not a valid ${typeLabels[type]}, so it could not be read`,
};

/** A4 portrait in points: the size of image and placeholder pages. */
const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 36;
/** Long titles are cut so that a placeholder always fits on its one page. */
const MAX_TITLE_LENGTH = 300;

// pdf-lib is compiled to ES5, so the error it throws is not `instanceof EncryptedPDFError`:
// its message is the one stable mark.
const encryptedMessage = new EncryptedPDFError().message;

/**
 * Parsed without pausing every 100 objects for a timer tick: a Lambda has nothing else to do
 * meanwhile. Handed over as a Buffer: pdf-lib takes each stream's data with `slice`, which
 * copies out of a Uint8Array (into fresh memory, most of a PDF's bytes) but is a view of a
 * Buffer. The document's streams are then views of `bytes`, read until the document is written.
 */
const loadPdf = (bytes: Uint8Array) => PDFDocument.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });

/**
 * Written without object streams (pdf-lib deflates each one; parts are read again at once, and
 * the streams inside, the bulk of the bytes, are compressed already) and without timer ticks.
 */
const saveOptions = { useObjectStreams: false, objectsPerTick: Number.POSITIVE_INFINITY };

/**
 * Builds one PDF out of many, appending as it goes so that a source's bytes and parsed
 * document can be released as soon as its pages are copied.
 */
export class PdfMerger {
  readonly warnings: MergeWarning[] = [];
  readonly sources: SourceSummary[] = [];
  /** Made when first needed: a merger of one PDF (see `writeMerged`) adopts that PDF's document instead. */
  private output: PDFDocument | undefined;
  /** Fonts are embedded only once a placeholder draws text, so clean merges carry none. */
  private typesetter: Typesetter | undefined;

  private constructor(
    private readonly adoptFirstPdf: boolean,
    private readonly onEncrypted: MergeOptions['onEncrypted'],
  ) {}

  /**
   * `adoptFirstPdf`: a merger of one source (see `writeMerged`) takes a PDF's parsed document
   * as its own instead of copying its pages into an empty one.
   */
  static async create(options: { adoptFirstPdf?: boolean } & MergeOptions = {}): Promise<PdfMerger> {
    return new PdfMerger(options.adoptFirstPdf ?? false, options.onEncrypted);
  }

  /** The document being built (an empty one while nothing was added). */
  async document(): Promise<PDFDocument> {
    // No Producer nor dates: whoever writes the merged output sets its own document properties.
    this.output ??= await PDFDocument.create({ updateMetadata: false });
    return this.output;
  }

  get pageCount(): number {
    return this.output?.getPageCount() ?? 0;
  }

  /** Appends a source; one that cannot be merged becomes a warning and a placeholder page. */
  async add(source: MergeSource): Promise<SourceSummary> {
    const before = this.pageCount;
    const reason = 'unavailable' in source ? source.unavailable : await this.tryAppend(source);
    if (reason !== undefined) {
      this.warnings.push({ title: source.title, reason });
      await this.addPlaceholder(source, reason);
    }
    const summary: SourceSummary = { title: source.title, pages: this.pageCount - before, ...(reason !== undefined && { leftOut: reason }) };
    this.sources.push(summary);
    return summary;
  }

  /**
   * Appends every page of a PDF with one `copyPages` call (so shared fonts and images are
   * copied once), or throws. Returns the number of pages appended.
   */
  async appendPdf(bytes: Uint8Array): Promise<number> {
    const source = await loadPdf(bytes);
    // Text a flattened field drew is in fonts embedded only now, before its pages are copied or written.
    if (flattenViewerDrawnForm(source)) await source.flush();
    if (this.adoptFirstPdf && this.output === undefined && source.getPageCount() > 0) {
      // Nothing was drawn yet, and a PDF that has pages needs no placeholder.
      this.output = source;
      return source.getPageCount();
    }
    const output = await this.document();
    const pages = await output.copyPages(source, source.getPageIndices());
    for (const page of pages) output.addPage(page);
    return pages.length;
  }

  async save(): Promise<{ pdf: Uint8Array; pages: number }> {
    const output = await this.document();
    return { pdf: await output.save(saveOptions), pages: output.getPageCount() };
  }

  /** Appends the source and returns undefined, or returns why it could not be appended. */
  private async tryAppend(source: SourceDocument): Promise<string | undefined> {
    const type = sniffType(source.bytes);
    if (!type) {
      const declared = declaredType(source.contentType);
      return declared ? reasons.damaged(declared) : reasons.unsupported;
    }
    try {
      if (type === 'pdf') {
        const pages = await withParseNotesLogged(source.title, () => this.appendPdf(source.bytes));
        return pages === 0 ? reasons.noPages : undefined;
      }
      await this.appendImage(source.bytes, type);
      return undefined;
    } catch (error) {
      if (!(error instanceof Error && error.message === encryptedMessage)) {
        logger.warn('Source left out of merged PDF', { title: source.title, error: (error as Error).message });
        return reasons.damaged(type);
      }
    }
    // Only an encrypted PDF gets here, outside the catch: a caller that has files decrypted elsewhere stops the merge.
    this.onEncrypted?.(source);
    logger.warn('Source left out of merged PDF', { title: source.title, error: encryptedMessage });
    return reasons.encrypted;
  }

  /**
   * One page per image: A4, turned to landscape for wide images, the image fitted inside the
   * margins, upright as its EXIF Orientation says (phone photos are stored sideways with one).
   */
  private async appendImage(bytes: Uint8Array, type: 'png' | 'jpeg'): Promise<void> {
    const output = await this.document();
    const stored = await embedImage(output, bytes, type);
    const orientation = type === 'jpeg' ? exifOrientation(bytes) : 1;
    // Orientations 5–8 turn the image a quarter: its displayed width is its stored height.
    const image = orientation >= 5 ? { width: stored.height, height: stored.width } : stored;
    const landscape = image.width > image.height;
    const [width, height] = landscape ? [A4.height, A4.width] : [A4.width, A4.height];
    const scale = Math.min((width - 2 * MARGIN) / image.width, (height - 2 * MARGIN) / image.height);
    const fitted = { width: image.width * scale, height: image.height * scale };
    const page = output.addPage([width, height]);
    const at = { x: (width - fitted.width) / 2, y: (height - fitted.height) / 2, ...fitted };
    const name = page.node.newXObject('Image', stored.ref);
    const operators = [pushGraphicsState(), concatTransformationMatrix(...orientationMatrix(orientation, at)), drawObject(name), popGraphicsState()];
    // Four operators, left uncompressed: pdf-lib deflates a page's content, and a deflate's
    // set-up alone (pako's, or Node's zlib where it stands in) allocates a quarter of a megabyte.
    page.node.addContentStream(output.context.register(PDFContentStream.of(output.context.obj({}), operators, false)));
  }

  /** A page in the file's place: its name, the part (commitment and invoice) and attachment it belongs to, and why it is left out. */
  private async addPlaceholder(source: { title: string } & SourceOrigin, reason: string): Promise<void> {
    const output = await this.document();
    const type = (this.typesetter ??= new Typesetter(output));
    const page = output.addPage([A4.width, A4.height]);
    const maxWidth = A4.width - 2 * MARGIN;
    let y = A4.height - MARGIN - 18;
    type.draw(page, 'File left out', { x: MARGIN, y, size: 18, bold: true });
    y -= 32;
    const cut = (text: string) => (text.length > MAX_TITLE_LENGTH ? `${text.slice(0, MAX_TITLE_LENGTH)}...` : text);
    const paragraph = (text: string, indent = 0) => {
      for (const line of wrap(printable(text), (candidate) => type.width(candidate, 12), maxWidth - indent)) {
        type.draw(page, line, { x: MARGIN + indent, y, size: 12 });
        y -= 16;
      }
    };
    paragraph(`"${cut(source.title)}" was left out of this document: ${reason}.`);
    y -= 8;
    const facts: Array<[string, string | undefined]> = [
      ['Belongs to', source.partOf && cut(source.partOf)],
      ['Attachment id', source.attachmentId],
    ];
    for (const [label, value] of facts) {
      if (!value) continue;
      type.draw(page, `${label}:`, { x: MARGIN, y, size: 12, bold: true });
      paragraph(value, type.width(`${label}: `, 12, true));
    }
    if (facts.some(([, value]) => value)) y -= 8;
    paragraph('Open the original file to see its contents.');
  }
}

/**
 * A filled form whose AcroForm says NeedAppearances leaves drawing its fields to the viewer,
 * from their values; `copyPages` drops the AcroForm, so ticks, radio selections and typed text
 * would vanish. Such a form is flattened first: every field drawn from its value into the page.
 * Ticks and radio dots are pdf-lib's (paths, no font); the text of text fields, choices and
 * button captions is set with the Typesetter, in the fonts of every page we draw, so text in any
 * script flattens (a standard font encodes WinAnsi only, and no PDF function bundles one). A form
 * that cannot be flattened (e.g. more characters than a combed field's cells) is copied as it is.
 * Answers whether it drew text: that text's fonts are embedded at the document's `flush()`.
 */
function flattenViewerDrawnForm(document: PDFDocument): boolean {
  const acroForm = document.catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict);
  if (acroForm?.lookupMaybe(PDFName.of('NeedAppearances'), PDFBool) !== PDFBool.True) return false;
  let typesetter: Typesetter | undefined;
  try {
    const form = document.getForm();
    for (const field of form.getFields()) {
      // The viewer would redraw every field, so every field is redrawn, not only those without a look.
      if (field instanceof PDFCheckBox || field instanceof PDFRadioGroup) field.updateAppearances();
      if (!(field instanceof PDFTextField || field instanceof PDFDropdown || field instanceof PDFOptionList || field instanceof PDFButton)) continue;
      // A push button keeps the look it has (its caption is set only where it has none).
      if (field instanceof PDFButton && field.acroField.getWidgets().every((widget) => widget.getAppearances()?.normal)) continue;
      for (const widget of field.acroField.getWidgets()) {
        const page = widgetPage(document, widget);
        if (page) typesetWidget((typesetter ??= new Typesetter(document)), page, field, widget);
        // Drawn: the widget goes (pdf-lib's removeField needs an appearance to find it by).
        const ref = document.context.getObjectRef(widget.dict);
        if (ref) document.context.delete(ref);
      }
      form.acroForm.removeField(field.acroField);
      document.context.delete(field.ref);
    }
    form.flatten({ updateFieldAppearances: false });
  } catch (error) {
    logger.warn('Form not flattened before merging', { error: (error as Error).message });
  } finally {
    // pdf-lib deletes the flattened widgets but leaves some in the pages' /Annots, as the typeset ones are
    // (also when a later field failed): drop those.
    for (const page of document.getPages()) {
      const annots = page.node.Annots();
      if (!annots) continue;
      for (let index = annots.size() - 1; index >= 0; index--) {
        const entry = annots.get(index);
        if (entry instanceof PDFRef && document.context.lookup(entry) === undefined) annots.remove(index);
      }
    }
  }
  return typesetter !== undefined;
}

type TextWidgetField = PDFTextField | PDFDropdown | PDFOptionList | PDFButton;

/** The page a widget is on: the one it names, or the one that lists it (as pdf-lib's flatten finds it). */
function widgetPage(document: PDFDocument, widget: PDFWidgetAnnotation): PDFPage | undefined {
  const named = widget.P();
  return document.getPages().find((page) => page.ref === named) ?? document.findPageForAnnotationRef(document.context.getObjectRef(widget.dict)!);
}

/** pdf-lib's highlight of a list's selected options. */
const selectedOptionColor = rgb(153 / 255, 193 / 255, 218 / 255);

/**
 * Draws a text-bearing widget into its page as pdf-lib's default appearances draw it — the same
 * box (rotation, background, border, padding, clip), font size (the DA's, or the largest that
 * fits) and layout (alignment, lines, comb cells), measured by the Typesetter — with its text set
 * by the Typesetter.
 */
function typesetWidget(typesetter: Typesetter, page: PDFPage, field: TextWidgetField, widget: PDFWidgetAnnotation): void {
  const rectangle = widget.getRectangle();
  const look = widget.getAppearanceCharacteristics();
  const borderWidth = widget.getBorderStyle()?.getWidth() ?? 0;
  const rotation = reduceRotation(look?.getRotation());
  const { width, height } = adjustDimsForRotation(rectangle, rotation);
  const combed = field instanceof PDFTextField && field.isCombed();
  const padding = combed ? 0 : 1;
  const inset = borderWidth + padding;
  const bounds = { x: inset, y: inset, width: width - inset * 2, height: height - inset * 2 };
  // The widget's DA first, then the field's (where a form sets it for all its widgets).
  const appearance = [widget.getDefaultAppearance(), field.acroField.getDefaultAppearance()];
  const fontSize = appearance.map(fontSizeOf).find((size) => size !== undefined);
  const color = appearance.map(colorOf).find((found) => found !== undefined) ?? rgb(0, 0, 0);
  // pdf-lib's layout measures through a font; ours measures what the Typesetter draws (several fonts).
  const measure = {
    widthOfTextAtSize: (text: string, size: number) => typesetter.width(text, size),
    heightAtSize: (size: number, options?: { descender?: boolean }) => typesetter.height(size, options),
    encodeText: () => undefined,
  } as unknown as PDFFont;
  const layout = (): { size: number; lines: Array<{ text: string; x: number; y: number }>; selected?: Array<{ x: number; y: number; height: number; lineHeight: number }> } => {
    if (field instanceof PDFOptionList) {
      const options = field.getOptions();
      const selected = new Set(field.getSelected());
      const laidOut = layoutMultilineText(options.join('\n'), { alignment: TextAlignment.Left, fontSize, font: measure, bounds });
      const highlighted = laidOut.lines.filter((_, index) => selected.has(options[index]!)).map((line) => ({ ...line, lineHeight: laidOut.lineHeight }));
      return { size: laidOut.fontSize, lines: laidOut.lines, selected: highlighted };
    }
    if (field instanceof PDFTextField && field.isMultiline()) {
      const laidOut = layoutMultilineText(field.getText() ?? '', { alignment: field.getAlignment(), fontSize, font: measure, bounds });
      return { size: laidOut.fontSize, lines: laidOut.lines };
    }
    if (field instanceof PDFTextField && combed) {
      const text = field.getText() ?? '';
      const laidOut = layoutCombedText(text, { fontSize, font: measure, bounds, cellCount: field.getMaxLength() ?? 0 });
      // Each cell's character (pdf-lib's cells carry the whole line as their text).
      const chars = [...text.replace(/\r\n|\r|\n/g, ' ')];
      return { size: laidOut.fontSize, lines: laidOut.cells.map((cell, index) => ({ ...cell, text: chars[index] ?? '' })) };
    }
    const [text, alignment] =
      field instanceof PDFTextField ? [field.getText() ?? '', field.getAlignment()]
      : field instanceof PDFDropdown ? [field.getSelected()[0] ?? '', TextAlignment.Left]
      : [look?.getCaptions()?.normal ?? '', TextAlignment.Center];
    const laidOut = layoutSinglelineText(text, { alignment, fontSize, font: measure, bounds });
    return { size: laidOut.fontSize, lines: [laidOut.line] };
  };
  const { size, lines, selected = [] } = layout();

  const clipAt = borderWidth / 2 + padding;
  page.pushOperators(
    pushGraphicsState(),
    translate(rectangle.x, rectangle.y),
    ...rotateInPlace({ ...rectangle, rotation }),
    ...drawRectangle({
      x: borderWidth / 2, y: borderWidth / 2, width: width - borderWidth, height: height - borderWidth, borderWidth,
      color: componentsToColor(look?.getBackgroundColor()), borderColor: componentsToColor(look?.getBorderColor()),
      rotate: degrees(0), xSkew: degrees(0), ySkew: degrees(0),
    }),
    ...selected.flatMap((line) => drawRectangle({
      x: line.x - padding, y: line.y - (line.lineHeight - line.height) / 2, width: width - borderWidth, height: line.height + (line.lineHeight - line.height) / 2,
      borderWidth: 0, color: selectedOptionColor, borderColor: undefined, rotate: degrees(0), xSkew: degrees(0), ySkew: degrees(0),
    })),
    moveTo(clipAt, clipAt), lineTo(clipAt, height - clipAt), lineTo(width - clipAt, height - clipAt), lineTo(width - clipAt, clipAt), closePath(), clip(), endPath(),
  );
  for (const line of lines) typesetter.draw(page, line.text, { x: line.x, y: line.y, size, color });
  page.pushOperators(popGraphicsState());
}

/** The font size a DA string sets (`/Helv 12 Tf`; 0: as large as fits); undefined when it sets none. */
function fontSizeOf(appearance: string | undefined): number | undefined {
  const size = [...(appearance ?? '').matchAll(/\/[^\0\t\n\f\r ]+[\0\t\n\f\r ]+(\d*\.\d+|\d+)[\0\t\n\f\r ]+Tf/g)].pop()?.[1];
  return size === undefined ? undefined : Number(size);
}

/** The text colour a DA string sets (`0 g`, `1 0 0 rg`, `0 0 0 1 k`). */
function colorOf(appearance: string | undefined): Color | undefined {
  const match = [...(appearance ?? '').matchAll(/((?:(?:\d*\.\d+|\d+)[\0\t\n\f\r ]+){1,4})(g|rg|k)\b/g)].pop();
  const components = match?.[1]!.trim().split(/[\0\t\n\f\r ]+/).map(Number) ?? [];
  if (match?.[2] === 'g' && components.length === 1) return grayscale(components[0]!);
  if (match?.[2] === 'rg' && components.length === 3) return rgb(components[0]!, components[1]!, components[2]!);
  if (match?.[2] === 'k' && components.length === 4) return cmyk(components[0]!, components[1]!, components[2]!, components[3]!);
  return undefined;
}

/**
 * Merges the sources, in order, into one PDF written to `sink` as it goes; nothing is dropped
 * without a warning and a placeholder page. One source is in memory at a time: a PDF's parsed
 * objects are written as they are, an image or a placeholder from a small document of its own.
 */
export async function writeMerged(
  sources: Iterable<MergeSource> | AsyncIterable<MergeSource>,
  sink: (chunk: Uint8Array) => Promise<void>,
  options: MergeOptions = {},
): Promise<Omit<MergeResult, 'pdf'> & { bytes: number }> {
  const writer = new PdfStreamWriter(await PDFDocument.create(), sink);
  await writer.start();
  const result = { pages: 0, warnings: [] as MergeWarning[], sources: [] as SourceSummary[] };
  for await (const source of sources) {
    const { summary, warnings, pages } = await appendSource(writer, source, options);
    result.sources.push(summary);
    result.warnings.push(...warnings);
    result.pages += pages.length;
  }
  await writer.end();
  return { ...result, bytes: writer.bytes };
}

/**
 * Writes one source to `writer` — its pages, or its placeholder when it cannot be merged — and
 * releases its bytes: what it took (its summary, its warnings, the output references of its pages).
 */
export async function appendSource(
  writer: PdfStreamWriter,
  source: MergeSource,
  options: MergeOptions = {},
): Promise<{ summary: SourceSummary; warnings: MergeWarning[]; pages: PDFRef[] }> {
  const single = await PdfMerger.create({ adoptFirstPdf: true, ...options });
  const summary = await single.add(source);
  const pages = await writer.append(await single.document());
  // Parsed objects are views of the bytes, and the writer has sent them all: the document is spent.
  if ('release' in source) source.release?.();
  return { summary, warnings: single.warnings, pages };
}

/** `writeMerged` into one array of bytes. */
export async function mergeDocuments(sources: Iterable<MergeSource> | AsyncIterable<MergeSource>, options: MergeOptions = {}): Promise<MergeResult> {
  const chunks: Uint8Array[] = [];
  // A copy of each chunk: the writer reuses its buffer.
  const { pages, warnings, sources: summaries } = await writeMerged(sources, async (chunk) => void chunks.push(new Uint8Array(chunk)), options);
  return { pdf: Buffer.concat(chunks), pages, warnings, sources: summaries };
}

/**
 * The image as an XObject of `output`, its bytes embedded as they are: a JPEG's are DCTDecode
 * data, a PNG's image data is FlateDecode data when it can be (see embedPngDirect); pdf-lib
 * embeds any other PNG. The JPEG's stream is a view of `bytes`, read when the page is written.
 */
async function embedImage(output: PDFDocument, bytes: Uint8Array, type: 'png' | 'jpeg'): Promise<{ ref: PDFRef; width: number; height: number }> {
  if (type === 'png') {
    const image = embedPngDirect(output, bytes) ?? (await output.embedPng(bytes));
    return { ref: image.ref, width: image.width, height: image.height };
  }
  // As pdf-lib's embedJpg writes it, which reads the headers through `bytes.buffer` from its
  // start, whatever the view's offset (a pooled buffer, a subarray).
  const { width, height, bitsPerComponent, components } = jpegFrame(bytes);
  const stream = output.context.stream(bytes, {
    Type: 'XObject',
    Subtype: 'Image',
    BitsPerComponent: bitsPerComponent,
    Width: width,
    Height: height,
    ColorSpace: jpegColorSpaces[components],
    Filter: 'DCTDecode',
    // CMYK JPEGs (Photoshop's) store their samples inverted: pdf-lib's embedJpg sets the same Decode.
    ...(components === 4 && { Decode: [1, 0, 1, 0, 1, 0, 1, 0] }),
  });
  return { ref: output.context.register(stream), width, height };
}

const jpegColorSpaces = { 1: 'DeviceGray', 3: 'DeviceRGB', 4: 'DeviceCMYK' } as const;

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const jpegSignature = Buffer.from([0xff, 0xd8, 0xff]);
const pdfHeader = Buffer.from('%PDF-', 'latin1');

/** The type the bytes say they are: a declared content type is often wrong or generic. */
function sniffType(bytes: Uint8Array): SourceType | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024));
  if (head.subarray(0, pngSignature.length).equals(pngSignature)) return 'png';
  if (head.subarray(0, jpegSignature.length).equals(jpegSignature)) return 'jpeg';
  // PDF readers accept the header anywhere in the first 1024 bytes.
  if (head.includes(pdfHeader)) return 'pdf';
  return undefined;
}

function declaredType(contentType: string | undefined): SourceType | undefined {
  if (!contentType) return undefined;
  if (/pdf/i.test(contentType)) return 'pdf';
  if (/png/i.test(contentType)) return 'png';
  if (/jpe?g/i.test(contentType)) return 'jpeg';
  return undefined;
}
