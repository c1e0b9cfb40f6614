/**
 * Stands in for `@pdf-lib/standard-fonts` in the bundles of functions that draw no standard font
 * (`functionAliases`, infra/aws/bundling.ts): no metrics and no encodings (22 KB less than
 * standard-fonts-helvetica.ts). Their text is drawn with embedded Noto fonts (shared/pdf/typeset.ts)
 * and they touch no form, whose default font is Helvetica. Embedding a standard font throws here;
 * test/unit/pdf-bundle.test.ts runs what such a function draws, bundled this way.
 */
import { FontNames } from './standard-font-names';

export { FontNames };

/** Read only by pdf-lib's StandardFontEmbedder, which `Font.load` below stops first. */
export const Encodings = {};

export class Font {
  static load(fontName: string): never {
    throw new Error(`No standard font is in this function's bundle (infra/aws/standard-fonts-none.ts), not ${fontName}: draw text with shared/pdf/typeset.ts`);
  }
}
