import { Zip, ZipDeflate } from 'fflate';

/**
 * A streaming XLSX (SpreadsheetML) writer over fflate's streaming zip: each sheet's XML is
 * deflated and handed to the sink as its rows are produced, and every write is awaited before more
 * rows are read, so memory holds about one 64 KB block, never the file. It writes what the
 * accounting export needs and no more: several sheets, numbers and inline strings (no shared-string
 * table to keep until the end), cell formats (bold, number formats), column widths, frozen rows.
 * No formulas, dates, merges or themes.
 *
 * Chosen over exceljs's streaming writer, which brings archiver, saxes and readable-stream (~450 KB
 * minified against ~20 KB here): see docs/bundles.md.
 */

export type CellValue = string | number | null | undefined;

export interface CellStyle {
  bold?: boolean;
  /** An Excel number format code, e.g. `0.00%` or `#,##0.00 "AUD"`. */
  numFmt?: string;
}

/** A registered cell format (its index in styles.xml's cellXfs). */
export type StyleId = number;

export interface SheetColumn {
  width: number;
  /** The format of the column's cells that name none of their own (and of cells typed in later). */
  style?: StyleId;
}

export interface SheetRow {
  /** From column A; null or undefined leaves a cell empty. A row with no values is left empty. */
  values: readonly CellValue[];
  /** Each cell's format, by position; a cell without one takes its column's. */
  styles?: readonly (StyleId | undefined)[];
}

export interface SheetOptions {
  columns: readonly SheetColumn[];
  /** Rows kept in view while scrolling (a header). */
  frozenRows?: number;
}

const xmlHead = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const mainNs = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const relNs = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const packageRelNs = 'http://schemas.openxmlformats.org/package/2006/relationships';
const contentType = (part: string) => `application/vnd.openxmlformats-officedocument.spreadsheetml.${part}+xml`;

/** The XML escapes, and the control characters XML 1.0 cannot carry at all (dropped, as exceljs did). */
const xmlSpecial = new RegExp('[&<>"\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]', 'g');
const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
export const xmlEscape = (text: string) => text.replace(xmlSpecial, (c) => escapes[c] ?? '');

/** A (0-based) column's letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** Number formats every reader knows by id; any other is written into styles.xml from id 164. */
const builtInFormats: Record<string, number> = { '0': 1, '0.00': 2, '#,##0': 3, '#,##0.00': 4, '0%': 9, '0.00%': 10 };

class StyleSheet {
  private readonly customFormats = new Map<string, number>();
  private readonly xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'];
  private readonly ids = new Map<string, StyleId>([['false|', 0]]);

  id({ bold = false, numFmt }: CellStyle): StyleId {
    const key = `${bold}|${numFmt ?? ''}`;
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    let numFmtId = 0;
    if (numFmt !== undefined) {
      numFmtId = builtInFormats[numFmt] ?? this.customFormats.get(numFmt) ?? 164 + this.customFormats.size;
      if (numFmtId >= 164) this.customFormats.set(numFmt, numFmtId);
    }
    const applied = `${numFmtId ? ' applyNumberFormat="1"' : ''}${bold ? ' applyFont="1"' : ''}`;
    this.xfs.push(`<xf numFmtId="${numFmtId}" fontId="${bold ? 1 : 0}" fillId="0" borderId="0" xfId="0"${applied}/>`);
    this.ids.set(key, this.xfs.length - 1);
    return this.xfs.length - 1;
  }

  xml(): string {
    const formats = [...this.customFormats].map(([code, id]) => `<numFmt numFmtId="${id}" formatCode="${xmlEscape(code)}"/>`);
    const font = (bold: boolean) => `<font>${bold ? '<b/>' : ''}<sz val="11"/><name val="Calibri"/><family val="2"/></font>`;
    return (
      `${xmlHead}<styleSheet xmlns="${mainNs}">` +
      (formats.length ? `<numFmts count="${formats.length}">${formats.join('')}</numFmts>` : '') +
      `<fonts count="2">${font(false)}${font(true)}</fonts>` +
      '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
      '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      `<cellXfs count="${this.xfs.length}">${this.xfs.join('')}</cellXfs>` +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      '</styleSheet>'
    );
  }
}

/**
 * Excel's rules for a sheet's name: 1 to 31 characters, none of : \ / ? * [ ], no apostrophe first
 * or last, unique in the workbook (case aside). A name that breaks them makes Excel repair the file.
 */
function sheetNamer(): (wanted: string) => string {
  const used = new Set<string>();
  return (wanted) => {
    const clean = wanted.replace(/[:\\/?*[\]]/g, '-').slice(0, 31).replace(/^'|'$/g, '-') || 'Sheet';
    let name = clean;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${clean.slice(0, 31 - String(n).length - 1)}~${n}`;
    used.add(name.toLowerCase());
    return name;
  };
}

function sheetHead({ columns, frozenRows = 0 }: SheetOptions): string {
  const topLeft = `A${frozenRows + 1}`;
  const view = frozenRows
    ? `<sheetView workbookViewId="0"><pane ySplit="${frozenRows}" topLeftCell="${topLeft}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="${topLeft}" sqref="${topLeft}"/></sheetView>`
    : '<sheetView workbookViewId="0"/>';
  const cols = columns.map((column, index) => `<col min="${index + 1}" max="${index + 1}" width="${column.width}" customWidth="1"${column.style ? ` style="${column.style}"` : ''}/>`);
  return `${xmlHead}<worksheet xmlns="${mainNs}" xmlns:r="${relNs}"><sheetViews>${view}</sheetViews><sheetFormatPr defaultRowHeight="15"/>${cols.length ? `<cols>${cols.join('')}</cols>` : ''}<sheetData>`;
}

/** Row `number`'s XML ('' for a row with no values). */
function rowXml(number: number, row: SheetRow, columns: readonly SheetColumn[], letters: string[]): string {
  let cells = '';
  for (let index = 0; index < row.values.length; index++) {
    const value = row.values[index];
    if (value === null || value === undefined) continue;
    const ref = (letters[index] ??= columnLetters(index)) + number;
    const style = row.styles?.[index] ?? columns[index]?.style;
    const s = style ? ` s="${style}"` : '';
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new RangeError(`Cell ${ref} would hold ${value}: a sheet holds finite numbers only`);
      cells += `<c r="${ref}"${s}><v>${value}</v></c>`;
    } else {
      cells += `<c r="${ref}"${s} t="inlineStr"><is><t xml:space="preserve">${xmlEscape(value)}</t></is></c>`;
    }
  }
  return cells && `<row r="${number}">${cells}</row>`;
}

/** XML handed to the zip in blocks of about this many characters. */
const blockChars = 64 * 1024;

export class XlsxWriter {
  private readonly zip: Zip;
  private readonly styles = new StyleSheet();
  private readonly sheets: string[] = [];
  private readonly nameSheet = sheetNamer();
  private readonly encoder = new TextEncoder();
  /** Zipped bytes not yet handed to the sink. */
  private zipped: Uint8Array[] = [];
  private zipError: Error | null = null;

  /** `write` receives the file's bytes in order; each call is awaited before more are produced. */
  constructor(private readonly write: (chunk: Uint8Array) => Promise<void>) {
    this.zip = new Zip((error, chunk) => {
      if (error) this.zipError = error;
      else this.zipped.push(chunk);
    });
  }

  /** The id of a cell format, registered on first use. */
  style(style: CellStyle): StyleId {
    return this.styles.id(style);
  }

  /** Writes a sheet from `rows` (row 1 first), read one at a time. Its name, made valid and unique, is returned. */
  async sheet(wantedName: string, options: SheetOptions, rows: Iterable<SheetRow>): Promise<string> {
    const name = this.nameSheet(wantedName);
    this.sheets.push(name);
    const entry = this.entry(`xl/worksheets/sheet${this.sheets.length}.xml`);
    const letters: string[] = [];
    let block = sheetHead(options);
    let number = 0;
    for (const row of rows) {
      block += rowXml(++number, row, options.columns, letters);
      if (block.length >= blockChars) {
        await this.push(entry, block, false);
        block = '';
      }
    }
    await this.push(entry, `${block}</sheetData></worksheet>`, true);
    return name;
  }

  /** Writes the workbook's remaining parts and ends the file. */
  async end(): Promise<void> {
    const sheetIds = this.sheets.map((_, index) => index + 1);
    const parts: Array<[string, string]> = [
      [
        'xl/workbook.xml',
        `${xmlHead}<workbook xmlns="${mainNs}" xmlns:r="${relNs}"><bookViews><workbookView/></bookViews><sheets>` +
          this.sheets.map((name, index) => `<sheet name="${xmlEscape(name)}" sheetId="${index + 1}" r:id="rId${index + 1}"/>`).join('') +
          '</sheets></workbook>',
      ],
      [
        'xl/_rels/workbook.xml.rels',
        `${xmlHead}<Relationships xmlns="${packageRelNs}">` +
          sheetIds.map((id) => `<Relationship Id="rId${id}" Type="${relNs}/worksheet" Target="worksheets/sheet${id}.xml"/>`).join('') +
          `<Relationship Id="rId${sheetIds.length + 1}" Type="${relNs}/styles" Target="styles.xml"/></Relationships>`,
      ],
      ['xl/styles.xml', this.styles.xml()],
      [
        'docProps/core.xml',
        `${xmlHead}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
          `<dcterms:created xsi:type="dcterms:W3CDTF">${new Date().toISOString().slice(0, 19)}Z</dcterms:created></cp:coreProperties>`,
      ],
      [
        '_rels/.rels',
        `${xmlHead}<Relationships xmlns="${packageRelNs}"><Relationship Id="rId1" Type="${relNs}/officeDocument" Target="xl/workbook.xml"/>` +
          '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>',
      ],
      [
        '[Content_Types].xml',
        `${xmlHead}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
          `<Override PartName="/xl/workbook.xml" ContentType="${contentType('sheet.main')}"/>` +
          sheetIds.map((id) => `<Override PartName="/xl/worksheets/sheet${id}.xml" ContentType="${contentType('worksheet')}"/>`).join('') +
          `<Override PartName="/xl/styles.xml" ContentType="${contentType('styles')}"/>` +
          '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>',
      ],
    ];
    for (const [path, xml] of parts) await this.push(this.entry(path), xml, true);
    this.zip.end();
    await this.flush();
  }

  private entry(path: string): ZipDeflate {
    const entry = new ZipDeflate(path, { level: 6 });
    this.zip.add(entry);
    return entry;
  }

  private async push(entry: ZipDeflate, xml: string, last: boolean): Promise<void> {
    entry.push(this.encoder.encode(xml), last);
    await this.flush();
  }

  /** Hands what the zip produced so far to the sink. */
  private async flush(): Promise<void> {
    if (this.zipError) throw this.zipError;
    if (this.zipped.length === 0) return;
    const chunks = this.zipped;
    this.zipped = [];
    const bytes = new Uint8Array(chunks.reduce((length, chunk) => length + chunk.byteLength, 0));
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    await this.write(bytes);
  }
}
