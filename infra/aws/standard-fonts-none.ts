/**
 * Stands in for `@pdf-lib/standard-fonts` in deployed bundles (`bundleAliases`, infra/aws/bundling.ts):
 * no metrics and no encodings (the package is 129 KB). Every text the PDF functions draw is set
 * with embedded Noto fonts (shared/pdf/typeset.ts), a flattened form's fields included
 * (shared/pdf/merge.ts), never with a form's default Helvetica. Embedding a standard font throws
 * here; test/unit/pdf-bundle.test.ts runs what the functions draw, bundled this way.
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
