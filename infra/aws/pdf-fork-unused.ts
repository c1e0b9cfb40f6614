/**
 * Stands in for `culori` (47 KB) and `html-entities` (72 KB) in deployed bundles (`bundleAliases`,
 * infra/aws/bundling.ts). @cantoo/pdf-lib, the pdf-lib fork a merge decrypts attachments with
 * (shared/pdf/decrypt.ts), needs them only to draw SVG (colours, parsing) and to write form scripts
 * and PDF/A (XMP, Factur-X) metadata; decrypting loads a file and saves it, none of those.
 * test/unit/pdf-bundle.test.ts decrypts with the bundled fork.
 */
const unused = (what: string) => (): never => {
  throw new Error(`${what} is not in this bundle (infra/aws/pdf-fork-unused.ts): @cantoo/pdf-lib is bundled to decrypt files only`);
};

/** culori: the fork builds its colour-string converter at import, and calls it only to draw SVG. */
export const converter = (): (() => never) => unused('culori');

/** html-entities: the fork writes XML with it; its SVG parser (node-html-better-parser) reads with it too. */
export const encode = unused('html-entities');
export const decode = unused('html-entities');
