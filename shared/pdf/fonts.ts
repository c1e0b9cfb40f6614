import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The font files the PDFs are typeset with: Noto families from the npm registry (@fontsource
 * packages), split by their publisher into small files per Unicode range, so a document loads
 * and embeds only the ranges its text uses (and pdf-lib subsets those to the glyphs drawn).
 *
 * The files are read from disk, lazily, never bundled: in AWS from the layer that functions
 * flagged `rendersPdf` get (mounted at PDF_TOOLS_DIR), locally from node_modules. Functions
 * that render nothing therefore carry no font weight.
 */

/** Fallback order: each character is drawn with the first family that has it. */
export const fontFamilies = ['noto-sans', 'noto-sans-hebrew', 'noto-sans-arabic', 'noto-sans-sc', 'noto-sans-kr', 'noto-emoji'] as const;
export type FontFamily = (typeof fontFamilies)[number];
export type FontWeight = 400 | 700;
/** Weights shipped (and so embedded); a family without bold draws bold text in its regular weight. */
export const fontWeights: readonly FontWeight[] = [400, 700];
const regularOnly = new Set<FontFamily>(['noto-emoji']);

/** One file of a family: the characters it covers and where it is. */
export interface FontFile {
  family: FontFamily;
  /** The publisher's name for the range: "latin", "greek", "[12]", … */
  range: string;
  weight: FontWeight;
  path: string;
}

/** WOFF 1 (zlib), unpacked here to a plain TrueType font: fontkit's subsetter reads wrong glyph data from WOFF containers. */
const EXTENSION = 'woff';

/** Where the @fontsource folders are: the layer's mount point in AWS (its root holds them), node_modules locally. */
export function fontRoot(): string {
  return process.env.PDF_TOOLS_DIR || (localFontRoot ??= fileURLToPath(new URL('../../node_modules/@fontsource/', import.meta.url)));
}
let localFontRoot: string | undefined;

/** The files an asset directory (the Lambda layer) must hold, relative to `fontRoot()`. */
export function shippedFontFiles(): string[] {
  return fontFamilies.flatMap((family) => [
    `${family}/unicode.json`,
    ...(regularOnly.has(family) ? [400] : fontWeights).map((weight) => `${family}/files/${family}-*-${weight}-normal.${EXTENSION}`),
  ]);
}

interface RangeTable {
  family: FontFamily;
  /** Sorted, non-overlapping within one publisher range; searched linearly (a few hundred entries). */
  ranges: Array<{ range: string; from: number; to: number }>;
}

let tables: RangeTable[] | undefined;

/** The families' Unicode range tables, read once per process (a few KB each). */
function rangeTables(): RangeTable[] {
  tables ??= fontFamilies.map((family) => {
    const json = JSON.parse(readFileSync(path.join(fontRoot(), family, 'unicode.json'), 'utf8')) as Record<string, string>;
    const ranges = Object.entries(json).flatMap(([range, spec]) =>
      spec.split(',').map((part) => {
        const [from = '', to = from] = part.trim().replace(/^U\+/i, '').split('-');
        return { range, from: parseInt(from, 16), to: parseInt(to, 16) };
      }),
    );
    return { family, ranges };
  });
  return tables;
}

/** Answers of `fontFileFor` by weight, code point and families (text is measured and drawn character by character), for one font root. */
const filesFound = new Map<string, FontFile | undefined>();
let filesFoundRoot: string | undefined;

/** The file that draws `codePoint`, trying the families in fallback order; undefined when none has it. */
export function fontFileFor(codePoint: number, weight: FontWeight, families: readonly FontFamily[] = fontFamilies): FontFile | undefined {
  const root = fontRoot();
  if (root !== filesFoundRoot) {
    filesFound.clear();
    filesFoundRoot = root;
  }
  const key = families === fontFamilies ? `${weight}:${codePoint}` : `${weight}:${codePoint}:${families.join(',')}`;
  if (filesFound.has(key)) return filesFound.get(key);
  const file = findFontFile(root, codePoint, weight, families);
  filesFound.set(key, file);
  return file;
}

function findFontFile(root: string, codePoint: number, weight: FontWeight, families: readonly FontFamily[]): FontFile | undefined {
  for (const table of rangeTables()) {
    if (!families.includes(table.family)) continue;
    const hit = table.ranges.find(({ from, to }) => codePoint >= from && codePoint <= to);
    if (!hit) continue;
    const shipped = regularOnly.has(table.family) ? 400 : weight;
    const name = `${table.family}-${hit.range.replace(/[[\]]/g, '')}-${shipped}-normal.${EXTENSION}`;
    return { family: table.family, range: hit.range, weight: shipped, path: path.join(root, table.family, 'files', name) };
  }
  return undefined;
}

const bytesCache = new Map<string, Uint8Array>();

/**
 * A font file as TrueType bytes, read from disk and unpacked once per process (warm invocations
 * reuse them). Read synchronously: text is measured and drawn synchronously, and a file is a
 * few dozen KB.
 */
export function fontBytes(file: FontFile): Uint8Array {
  let bytes = bytesCache.get(file.path);
  if (!bytes) {
    bytes = woffToSfnt(readFileSync(file.path));
    bytesCache.set(file.path, bytes);
  }
  return bytes;
}

/** Unpacks a WOFF 1 file (W3C WOFF 1.0 §4–5): every table inflated, written back as an sfnt. */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.toString('latin1', 0, 4) !== 'wOFF') throw new Error('Not a WOFF 1 font');
  const numTables = woff.readUInt16BE(12);
  const tables = Array.from({ length: numTables }, (_, index) => {
    const entry = 44 + index * 20;
    const offset = woff.readUInt32BE(entry + 4);
    const compressed = woff.readUInt32BE(entry + 8);
    const length = woff.readUInt32BE(entry + 12);
    const stored = woff.subarray(offset, offset + compressed);
    return { tag: woff.toString('latin1', entry, entry + 4), checksum: woff.readUInt32BE(entry + 16), data: compressed < length ? inflateSync(stored) : stored };
  });
  padGlyphs(tables);
  const entrySelector = Math.floor(Math.log2(numTables));
  const searchRange = 2 ** entrySelector * 16;
  const header = Buffer.alloc(12 + 16 * numTables);
  woff.copy(header, 0, 4, 8); // the flavour: 0x00010000 for TrueType outlines
  header.writeUInt16BE(numTables, 4);
  header.writeUInt16BE(searchRange, 6);
  header.writeUInt16BE(entrySelector, 8);
  header.writeUInt16BE(numTables * 16 - searchRange, 10);
  const bodies: Buffer[] = [];
  let offset = header.length;
  tables.forEach(({ tag, checksum, data }, index) => {
    const record = 12 + index * 16;
    header.write(tag, record, 'latin1');
    header.writeUInt32BE(checksum, record + 4);
    header.writeUInt32BE(offset, record + 8);
    header.writeUInt32BE(data.length, record + 12);
    const padded = Buffer.alloc(Math.ceil(data.length / 4) * 4);
    data.copy(padded);
    bodies.push(padded);
    offset += padded.length;
  });
  return Buffer.concat([header, ...bodies]);
}

/**
 * Pads every glyph to a multiple of 4 bytes (with a long `loca`). fontkit's subsetter copies
 * glyphs as they are but may write a short `loca`, which counts in 2-byte units: a glyph of odd
 * length (common in Noto Sans Arabic and Noto Emoji) would shift every glyph after it and draw
 * nothing.
 */
function padGlyphs(tables: Array<{ tag: string; data: Buffer }>): void {
  const table = (tag: string) => tables.find((entry) => entry.tag === tag);
  const head = table('head');
  const loca = table('loca');
  const glyf = table('glyf');
  if (!head || !loca || !glyf) return;
  const long = head.data.readInt16BE(50) === 1;
  const count = loca.data.length / (long ? 4 : 2);
  const offsets = Array.from({ length: count }, (_, index) => (long ? loca.data.readUInt32BE(index * 4) : loca.data.readUInt16BE(index * 2) * 2));
  const glyphs: Buffer[] = [];
  const newLoca = Buffer.alloc(count * 4);
  let offset = 0;
  for (let index = 0; index < count - 1; index++) {
    const glyph = glyf.data.subarray(offsets[index], offsets[index + 1]);
    const padded = Buffer.alloc(Math.ceil(glyph.length / 4) * 4);
    glyph.copy(padded);
    newLoca.writeUInt32BE(offset, index * 4);
    glyphs.push(padded);
    offset += padded.length;
  }
  newLoca.writeUInt32BE(offset, (count - 1) * 4);
  glyf.data = Buffer.concat(glyphs);
  loca.data = newLoca;
  head.data = Buffer.from(head.data);
  head.data.writeInt16BE(1, 50);
}
