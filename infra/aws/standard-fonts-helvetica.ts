/**
 * Stands in for `@pdf-lib/standard-fonts` in deployed bundles (`bundleAliases`, infra/aws/bundling.ts):
 * the metrics of Helvetica alone (15 of the package's 129 KB), the standard encodings as they are.
 *
 * Our text is drawn with embedded Noto fonts (shared/pdf/typeset.ts), never a standard font. The
 * one standard font pdf-lib embeds for us is Helvetica, its forms' default, when a merge flattens
 * a form (shared/pdf/merge.ts); every other one would throw here. test/unit/pdf-bundle.test.ts
 * runs the bundled merge, cover and invoice PDF against the unbundled code (the real package).
 * The package's files are imported by path: its own name is the alias.
 */
import { Encodings } from '../../node_modules/@pdf-lib/standard-fonts/es/Encoding.js';
import HelveticaCompressed from '../../node_modules/@pdf-lib/standard-fonts/es/Helvetica.compressed.json';
import { decompressJson } from '../../node_modules/@pdf-lib/standard-fonts/es/utils.js';

import { FontNames } from './standard-font-names';

export { Encodings, FontNames };


interface Metrics {
  CharMetrics: Array<{ N: string; WX: number }>;
  KernPairs: Array<[string, string, number]>;
}

let helvetica: Font | undefined;

/** The package's `Font`, loaded as its `Font.load` does (widths and kerning by glyph name). */
export class Font {
  private CharWidths: Record<string, number> = {};
  private KernPairXAmounts: Record<string, Record<string, number>> = {};

  static load(fontName: string): Font {
    if (fontName !== FontNames.Helvetica) {
      throw new Error(`The standard font ${fontName} is not in this bundle (infra/aws/standard-fonts-helvetica.ts): draw text with shared/pdf/typeset.ts`);
    }
    helvetica ??= Font.from(JSON.parse(decompressJson(HelveticaCompressed)) as Metrics);
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
