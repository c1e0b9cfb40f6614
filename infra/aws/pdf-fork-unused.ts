/**
 * Stands in for `culori` (47 KB), `html-entities` (72 KB) and `node-html-better-parser` (12 KB) in
 * deployed bundles (`bundleAliases`, infra/aws/bundling.ts). @cantoo/pdf-lib, the pdf-lib fork the
 * backup's DecryptSources step decrypts attachments with (shared/pdf/decrypt.ts), needs them only to
 * draw SVG (colours, parsing), to read and write XFA form scripts and to write PDF/A (XMP,
 * Factur-X) metadata; decrypting loads a file and saves it, none of those.
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

/** node-html-better-parser: the fork parses SVG and XFA templates with it (embedSvg, getXFAJavaScripts). */
export const parse = unused('node-html-better-parser');
/** Read only while walking a parsed SVG or XFA tree, which `parse` never gives here. */
export const NodeType = { ELEMENT_NODE: 1, TEXT_NODE: 3, COMMENT_NODE: 8 } as const;
