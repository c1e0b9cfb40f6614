/**
 * Stands in for `@pdf-lib/standard-fonts` in deployed bundles (`bundleAliases`, infra/aws/bundling.ts):
 * Helvetica alone, with the WinAnsi encoding alone (10 KB of the package's 129 KB).
 *
 * Our text is drawn with embedded Noto fonts (shared/pdf/typeset.ts), never a standard font. The
 * one standard font pdf-lib embeds for us is Helvetica, its forms' default, when a merge flattens
 * a form (shared/pdf/merge.ts); every other one would throw here. pdf-lib encodes Helvetica's text
 * with WinAnsi (Symbol and ZapfDingbats take their own encodings, absent here: embedding them
 * throws at `Font.load`), so only WinAnsi's glyphs are ever measured: helvetica-winansi.compressed.json
 * (infra/tools/helvetica-winansi.ts) holds the encoding and Helvetica's metrics for those glyphs.
 * test/unit/standard-fonts-helvetica.test.ts holds every code point, width and kerning pair to the
 * package's; test/unit/pdf-bundle.test.ts runs the bundled merge, cover and invoice PDF against the
 * unbundled code (the real package).
 */
import { inflateSync } from 'node:zlib';
import HelveticaWinAnsiCompressed from './helvetica-winansi.compressed.json';

import { FontNames } from './standard-font-names';

export { FontNames };

interface Metrics {
  CharMetrics: Array<{ N: string; WX: number }>;
  KernPairs: Array<[string, string, number]>;
}

let data: { WinAnsi: Record<string, [number, string]>; Helvetica: Metrics } | undefined;
/** Unpacked at first use (a form flattened), not at every cold start. */
const unpacked = () => (data ??= JSON.parse(inflateSync(Buffer.from(HelveticaWinAnsiCompressed, 'base64')).toString('utf8')) as NonNullable<typeof data>);

/** The package's `Encoding`: Unicode code points to a code of the encoding and its glyph name. */
class Encoding {
  readonly supportedCodePoints: number[];

  constructor(
    readonly name: string,
    readonly unicodeMappings: Record<number, [number, string]>,
  ) {
    this.supportedCodePoints = Object.keys(unicodeMappings)
      .map(Number)
      .sort((a, b) => a - b);
  }

  canEncodeUnicodeCodePoint = (codePoint: number): boolean => codePoint in this.unicodeMappings;

  encodeUnicodeCodePoint = (codePoint: number): { code: number; name: string } => {
    const mapped = this.unicodeMappings[codePoint];
    if (!mapped) throw new Error(`${this.name} cannot encode "${String.fromCharCode(codePoint)}" (0x${codePoint.toString(16).padStart(4, '0')})`);
    return { code: mapped[0], name: mapped[1] };
  };
}

let winAnsi: Encoding | undefined;

/** WinAnsi alone; pdf-lib compares the instance (`encoding === Encodings.WinAnsi`), so there is one. */
export const Encodings = {
  get WinAnsi(): Encoding {
    return (winAnsi ??= new Encoding('WinAnsi', unpacked().WinAnsi));
  },
};


let helvetica: Font | undefined;

/** The package's `Font`, loaded as its `Font.load` does (widths and kerning by glyph name). */
export class Font {
  private CharWidths: Record<string, number> = {};
  private KernPairXAmounts: Record<string, Record<string, number>> = {};

  static load(fontName: string): Font {
    if (fontName !== FontNames.Helvetica) {
      throw new Error(`The standard font ${fontName} is not in this bundle (infra/aws/standard-fonts-helvetica.ts): draw text with shared/pdf/typeset.ts`);
    }
    helvetica ??= Font.from(unpacked().Helvetica);
    return helvetica;
  }

  private static from(metrics: Metrics): Font {
    const font = Object.assign(new Font(), metrics);
    for (const { N, WX } of metrics.CharMetrics) font.CharWidths[N] = WX;
    for (const [left, right, width] of metrics.KernPairs) (font.KernPairXAmounts[left] ??= {})[right] = width;
    return font;
  }

  getWidthOfGlyph = (glyphName: string): number | undefined => this.CharWidths[glyphName];

  getXAxisKerningForPair = (left: string, right: string): number | undefined => this.KernPairXAmounts[left]?.[right];
}
