import path from 'node:path';
import { build } from 'esbuild';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { bundleAliases, esmRequireBanner, externalModules } from '../../infra/aws/bundling';
import { Typesetter } from '../../shared/pdf/typeset';
import { pageTexts, qpdfCheck } from '../support/pdf-tools';

/**
 * The PDF text engine as the PDF functions deploy it: shared/pdf/typeset.ts (fontkit, bidi-js,
 * pdf-lib) bundled with CDK's options, aliases included — fontkit's Unicode property table is
 * inlined there (bundleAliases['#binary-trie']) rather than read from a file no bundle has. The
 * bundle must load, and lay every script out exactly as the code the other tests run unbundled.
 */

const root = path.resolve(import.meta.dirname, '../..');

const lines = ['Łódź Budownictwo – façade', 'Ελληνικά Έργα', 'Строительство Москва', '東京建設 基礎工事', '서울건설 주식회사', 'בניין ירושלים', 'مرحبا بالعالم', 'Crane 😀 hire ✓'];

type Engine = { PDFDocument: typeof PDFDocument; Typesetter: typeof Typesetter };

async function render({ PDFDocument: Document, Typesetter: Setter }: Engine): Promise<{ pdf: Uint8Array; widths: number[] }> {
  const doc = await Document.create();
  const page = doc.addPage([595, 842]);
  const typesetter = new Setter(doc);
  lines.forEach((text, index) => typesetter.draw(page, text, { x: 40, y: 800 - index * 24, size: 12, bold: index % 2 === 1 }));
  return { pdf: await doc.save(), widths: lines.map((text, index) => typesetter.width(text, 12, index % 2 === 1)) };
}

describe('the bundled PDF text engine', () => {
  it('loads, and lays out Latin, Greek, Cyrillic, CJK, Korean, Hebrew, Arabic and emoji as the unbundled code does', async () => {
    const outfile = path.join(root, 'cdk.out', 'budget-test', 'typeset.mjs');
    await build({
      stdin: { contents: `export { Typesetter } from './shared/pdf/typeset.ts'; export { PDFDocument } from 'pdf-lib';`, resolveDir: root, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      minify: true,
      external: externalModules,
      alias: bundleAliases,
      banner: { js: esmRequireBanner },
      logLevel: 'silent',
      outfile,
    });
    const bundled = await render((await import(outfile)) as Engine);
    const unbundled = await render({ PDFDocument, Typesetter });

    expect(bundled.widths).toEqual(unbundled.widths);
    expect(qpdfCheck(bundled.pdf)).toContain('No syntax or stream encoding errors found');
    const [text = ''] = pageTexts(bundled.pdf);
    expect(text).toEqual(pageTexts(unbundled.pdf)[0]);
    // poppler marks right-to-left runs with embedding controls and may give Arabic presentation forms.
    const read = text.normalize('NFKC').replace(/[\u202a-\u202e\u2066-\u2069]/g, '');
    for (const line of lines) expect(read).toContain(line);
  }, 60_000);
});
