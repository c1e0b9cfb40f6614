import { getEmbeddingLevels, getMirroredCharacter } from 'bidi-js/src/index.js';
import { create as parseFont, registerFormat, registerShaper, type FontkitFont, type FontkitSubset } from 'fontkit/core';
import { TTFFont } from 'fontkit/formats/TTFFont';
import { ArabicShaper } from 'fontkit/shapers/ArabicShaper';
import { HangulShaper } from 'fontkit/shapers/HangulShaper';
import { CustomFontSubsetEmbedder, PDFFont, type Color, type PDFDocument, type PDFPage } from 'pdf-lib';
import { fontBytes, fontFamilies, fontFileFor, type FontFile, type FontWeight } from './fonts';

/**
 * Unicode text for every PDF the product draws (invoice PDF, backup cover, placeholder pages).
 *
 * Each character is drawn with the first Noto family that has it (Latin, Greek and Cyrillic,
 * then Hebrew, Arabic, Chinese/Japanese, Korean, emoji), from the one small file of that family covering it, embedded
 * as a subset. Right-to-left runs are put in visual order with the Unicode Bidirectional
 * Algorithm (bidi-js); fontkit shapes Arabic and lays each right-to-left run out right to left.
 * A character no family has is drawn as '?'.
 */

// fontkit's engine with only what our fonts need: fonts.ts hands it TrueType (WOFF unpacked), so
// no WOFF/WOFF2 reader (brotli) nor TrueType collections; shapers for the scripts we have fonts
// for that shape at all (Arabic, Hangul jamo); every other script — Latin, Greek, Cyrillic,
// Hebrew, Han, emoji — takes fontkit's default shaper, as it did with @pdf-lib/fontkit.
registerFormat(TTFFont);
registerShaper(ArabicShaper);
registerShaper(HangulShaper);
const REPLACEMENT = '?';

/**
 * The file of the first family, in fallback order, that really draws the character. A family's
 * published range can claim characters its font has no glyph for (✓ in Noto Emoji; some Hangul
 * in Noto Sans SC's slices, which Noto Sans KR has), so the next family is tried.
 */
function fileWithGlyph(codePoint: number, weight: FontWeight): FontFile | undefined {
  const first = fontFileFor(codePoint, weight);
  if (!first || parsedFont(first).hasGlyphForCodePoint(codePoint)) return first;
  for (const family of fontFamilies.slice(fontFamilies.indexOf(first.family) + 1)) {
    const file = fontFileFor(codePoint, weight, [family]);
    if (file && parsedFont(file).hasGlyphForCodePoint(codePoint)) return file;
  }
  return undefined;
}

export interface DrawOptions {
  x: number;
  /** The baseline. */
  y: number;
  size: number;
  bold?: boolean;
  color?: Color;
}

/** A stretch of text drawn with one font; `text` is what that font lays out (see `runs`). */
interface Run {
  font: PDFFont;
  text: string;
  /** Width at 1 pt, measured once: fontkit lays text out (shaping included) at every measure. */
  unitWidth: number;
}

/** Scripts fontkit lays out right to left by itself. */
const rightToLeftScript = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
/** Characters that stay with the font of the text around them (spaces, punctuation, marks, joiners). */
const followsNeighbour = /^[^\p{L}\p{N}\p{So}]$|^[\p{M}\u200c\u200d]$/u;

export class Typesetter {
  /** Fonts embedded in this document, by file path. */
  private readonly fonts = new Map<string, PDFFont>();
  private readonly layouts = new Map<string, Run[]>();

  constructor(private readonly doc: PDFDocument) {}

  /** Width of one line of text at `size` points. */
  width(text: string, size: number, bold = false): number {
    return this.runs(text, bold).reduce((sum, run) => sum + run.unitWidth * size, 0);
  }

  /**
   * The height of a line at `size` points, as pdf-lib measures an embedded font's (`heightAtSize`):
   * ascent to descent, or to the baseline without `descender`, of the first family (Latin).
   */
  height(size: number, { descender = true }: { descender?: boolean } = {}): number {
    const { ascent, descent, unitsPerEm } = parsedFont(fontFileFor('H'.codePointAt(0)!, 400)!);
    return ((descender ? ascent - descent : ascent) / unitsPerEm) * size;
  }

  /** Draws one line of text, left edge at `x`. */
  draw(page: PDFPage, text: string, options: DrawOptions): void {
    const { size, bold = false, color } = options;
    let x = options.x;
    for (const run of this.runs(text, bold)) {
      page.drawText(run.text, { x, y: options.y, size, font: run.font, ...(color ? { color } : {}) });
      x += run.unitWidth * size;
    }
  }

  /**
   * The line as runs of one font each, in visual order (left to right). A right-to-left run
   * keeps its logical order when its script makes fontkit lay it out right to left (so Arabic
   * is shaped from the logical text); any other run at a right-to-left level is reversed here.
   */
  private runs(text: string, bold: boolean): Run[] {
    const key = `${bold ? 'b' : 'r'}${text}`;
    const cached = this.layouts.get(key);
    if (cached) return cached;

    // Left-to-right paragraphs: every page reads left to right, and a line that merely starts
    // with a Hebrew or Arabic name ('"فاتورة.pdf" was left out …') must not turn the sentence around.
    const { levels } = getEmbeddingLevels(text, 'ltr');
    const logical: Array<{ file?: FontFile; level: number; chars: string[] }> = [];
    let index = 0;
    for (const char of text) {
      const level = levels[index] ?? 0;
      index += char.length;
      const previous = logical[logical.length - 1];
      const codePoint = char.codePointAt(0)!;
      // Spaces and punctuation stay in the run they sit in when its font has them: an Arabic
      // phrase stays one run (one shaping context) rather than being split at every space.
      const sticky = previous?.file && previous.level === level && followsNeighbour.test(char) && fontFileFor(codePoint, previous.file.weight, [previous.file.family])?.path === previous.file.path;
      const file = sticky ? previous.file : fileWithGlyph(codePoint, bold ? 700 : 400);
      const drawn = file ? char : REPLACEMENT;
      const chosen = file ?? fontFileFor(REPLACEMENT.codePointAt(0)!, bold ? 700 : 400);
      if (previous && previous.level === level && previous.file?.path === chosen?.path) previous.chars.push(drawn);
      else logical.push({ file: chosen, level, chars: [drawn] });
    }

    // Rule L2 of the bidi algorithm, on runs (each of one level): from the highest level down
    // to the lowest odd one, reverse every sequence of runs at that level or higher.
    const visual = [...logical];
    const highest = Math.max(0, ...visual.map((run) => run.level));
    const lowestOdd = Math.min(...visual.map((run) => (run.level % 2 ? run.level : Infinity)));
    for (let level = highest; level >= lowestOdd && level > 0; level--) {
      for (let start = 0; start < visual.length; start++) {
        if (visual[start]!.level < level) continue;
        let end = start;
        while (end + 1 < visual.length && visual[end + 1]!.level >= level) end++;
        visual.splice(start, end - start + 1, ...visual.slice(start, end + 1).reverse());
        start = end;
      }
    }
    const runs = visual.map(({ file, level, chars }): Run => {
      const logicalText = chars.join('');
      const reverseHere = level % 2 === 1 && !rightToLeftScript.test(logicalText);
      const shown = reverseHere ? mirrored(chars).reverse().join('') : logicalText;
      const font = this.font(file!);
      return { font, text: shown, unitWidth: font.widthOfTextAtSize(shown, 1) };
    });
    this.layouts.set(key, runs);
    return runs;
  }

  private font(file: FontFile): PDFFont {
    let font = this.fonts.get(file.path);
    if (!font) {
      font = embedSubsetFont(this.doc, file);
      this.fonts.set(file.path, font);
    }
    return font;
  }
}

/** Brackets and the like in a right-to-left run face the other way (rule L4). */
function mirrored(chars: string[]): string[] {
  return chars.map((char) => getMirroredCharacter(char) ?? char);
}

/** Fonts parsed once per process: each document's embedder makes its own subset of them. */
const parsedFonts = new Map<string, FontkitFont>();

function parsedFont(file: FontFile): FontkitFont {
  let parsed = parsedFonts.get(file.path);
  if (!parsed) {
    parsed = parseFont(fontBytes(file));
    parsedFonts.set(file.path, parsed);
  }
  return parsed;
}

// The constructor is private in pdf-lib's types; `CustomFontSubsetEmbedder.for` is the same call behind an await.
const SubsetEmbedder = CustomFontSubsetEmbedder as unknown as new (font: FontkitFont, bytes: Uint8Array) => CustomFontSubsetEmbedder;

/** pdf-lib 1.17's subset embedder over fontkit 3: pdf-lib reads the subset as a stream (@pdf-lib/fontkit's API), fontkit 2+ encodes it in one call. */
class FontkitSubsetEmbedder extends SubsetEmbedder {
  protected override serializeFont(): Promise<Uint8Array> {
    return Promise.resolve((this as unknown as { subset: FontkitSubset }).subset.encode());
  }
}

/**
 * `doc.embedFont(bytes, { subset: true })`, synchronously: text is laid out and measured
 * synchronously, and fonts are embedded only when a character first needs them. This is what
 * pdf-lib 1.17's embedFont does, without its `await`: the embedder is written out at `save()`.
 */
function embedSubsetFont(doc: PDFDocument, file: FontFile): PDFFont {
  const font = PDFFont.of(doc.context.nextRef(), doc, new FontkitSubsetEmbedder(parsedFont(file), fontBytes(file)));
  (doc as unknown as { fonts: PDFFont[] }).fonts.push(font);
  return font;
}
