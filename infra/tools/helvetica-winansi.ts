/**
 * Builds infra/aws/helvetica-winansi.compressed.json, the data of the `@pdf-lib/standard-fonts`
 * alias (infra/aws/standard-fonts-helvetica.ts): the WinAnsi encoding and Helvetica's metrics for
 * the glyphs WinAnsi names, from the installed package. pdf-lib encodes a standard font's text
 * with WinAnsi (Symbol and ZapfDingbats aside, which the alias refuses), so only these glyphs'
 * widths and kerning pairs are ever looked up: 10 KB in bundles instead of 21 KB for Helvetica's
 * 315 glyphs and the Symbol and ZapfDingbats encodings.
 * Run `npx tsx infra/tools/helvetica-winansi.ts` after upgrading @pdf-lib/standard-fonts;
 * test/unit/standard-fonts-helvetica.test.ts fails while the committed file differs from what it gives.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { Encodings, Font, FontNames } from '@pdf-lib/standard-fonts';

export interface HelveticaWinAnsi {
  /** Unicode code point → [WinAnsi code, glyph name], as the package's `Encodings.WinAnsi.unicodeMappings`. */
  WinAnsi: Record<string, [number, string]>;
  /** Helvetica's AFM fields as the package has them, its CharMetrics and KernPairs cut to WinAnsi's glyphs. */
  Helvetica: Record<string, unknown> & { CharMetrics: Array<{ N: string; WX: number }>; KernPairs: Array<[string, string, number]> };
}

export const helveticaWinAnsiPath = fileURLToPath(new URL('../aws/helvetica-winansi.compressed.json', import.meta.url));

export function buildHelveticaWinAnsi(): HelveticaWinAnsi {
  // The package keeps its mappings private to its types; they are a plain object on the instance.
  const { unicodeMappings: WinAnsi } = Encodings.WinAnsi as unknown as { unicodeMappings: HelveticaWinAnsi['WinAnsi'] };
  const names = new Set(Object.values(WinAnsi).map(([, name]) => name));
  // Font.load's instance: the AFM fields, plus the two lookup tables it builds from them.
  const { CharWidths: _widths, KernPairXAmounts: _kerning, ...afm } = Font.load(FontNames.Helvetica) as unknown as HelveticaWinAnsi['Helvetica'] & { CharWidths: unknown; KernPairXAmounts: unknown };
  return {
    WinAnsi,
    Helvetica: {
      ...afm,
      CharMetrics: afm.CharMetrics.filter(({ N }) => names.has(N)),
      KernPairs: afm.KernPairs.filter(([left, right]) => names.has(left) && names.has(right)),
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const compressed = deflateSync(JSON.stringify(buildHelveticaWinAnsi()), { level: 9 }).toString('base64');
  writeFileSync(helveticaWinAnsiPath, `${JSON.stringify(compressed)}\n`);
}
