/** Text helpers for the pages merge.ts draws (placeholders, the backup cover). */

/** One line of drawable text: whitespace collapsed to single spaces. */
export function printable(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ');
}

/** Word-wraps to `maxWidth` as `width` measures; a word wider than a line (a long file name) is broken where it overflows. */
export function wrap(text: string, width: (line: string) => number, maxWidth: number): string[] {
  const fits = (line: string) => width(line) <= maxWidth;
  // Most text (a title, a contents entry) fits on one line: measured once, not word by word.
  if (fits(text)) return text ? [text] : [];
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
      const chars = [...line];
      let cut = chars.length - 1;
      while (cut > 1 && !fits(chars.slice(0, cut).join(''))) cut--;
      lines.push(chars.slice(0, cut).join(''));
      line = chars.slice(cut).join('');
    }
  }
  if (line) lines.push(line);
  return lines;
}
