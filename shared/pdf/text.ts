import type { PDFFont } from 'pdf-lib';

/** Text helpers for pages drawn with pdf-lib's standard fonts (placeholders, the backup cover). */

/** The characters every one of these fonts can draw. */
export function encodableBy(...fonts: PDFFont[]): Set<number> {
  const [first, ...rest] = fonts.map((font) => font.getCharacterSet());
  const others = rest.map((codes) => new Set(codes));
  return new Set(first!.filter((code) => others.every((set) => set.has(code))));
}

/** Standard fonts only encode WinAnsi: anything else (e.g. CJK in a file name) would throw, so it becomes '?'. */
export function encodableText(text: string, encodable: Set<number>): string {
  return [...text].map((char) => (encodable.has(char.codePointAt(0) ?? -1) ? char : '?')).join('');
}

/** One line of drawable text: whitespace collapsed to single spaces, unencodable characters as '?'. */
export function printable(text: string, encodable: Set<number>): string {
  return encodableText(text.replace(/\s+/g, ' '), encodable);
}

/** Word-wraps to `maxWidth`; a word wider than a line (a long file name) is broken where it overflows. */
export function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const fits = (line: string) => font.widthOfTextAtSize(line, size) <= maxWidth;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    while (!fits(line)) {
      let cut = line.length - 1;
      while (cut > 1 && !fits(line.slice(0, cut))) cut--;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line) lines.push(line);
  return lines;
}
