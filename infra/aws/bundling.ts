import path from 'node:path';
import { functions, type FunctionName } from '../../shared/wiring/functions';
import { routes } from '../../shared/wiring/routes';
import { repoRoot } from './paths';

/**
 * How every Lambda function is bundled, declared once: CDK (stateless-stack.ts) bundles with
 * these options, and the budget test (test/unit/bundle-budgets.test.ts) builds the same way.
 *
 * The AWS SDK is not bundled: Lambda's Node.js 22 runtime provides SDK v3, and bundling it cost
 * 530–820 KB per function. The trade-off is written down in docs/bundles.md.
 */
export const externalModules = ['@aws-sdk/*'];

/**
 * Modules replaced in deployed bundles; test/unit/bundles.test.ts, test/unit/pdf-bundle.test.ts and
 * test/integration/docusign-bundled.test.ts run bundles built with them.
 */
export const bundleAliases: Record<string, string> = {
  // electrodb's model validator (28 KB) checks constant models the tests check already.
  jsonschema: path.join(repoRoot, 'infra/aws/jsonschema-skipped.ts'),
  // axios's multipart body class (form-data, 160 KB): our DocuSign requests never build one.
  'form-data': path.join(repoRoot, 'infra/aws/form-data-refused.ts'),
  // fontkit's Unicode property table inline, from the package's own browser build (base64, 16 KB),
  // instead of read at import from a data.trie file beside the module, which no bundle has.
  '#binary-trie': path.join(repoRoot, 'node_modules/unicode-properties/binaryTrie.browser.js'),
  // pdf-lib's ES build (its `module` entry; esbuild on Node takes `main`, the CommonJS build), so
  // what we never call is left out: 78 KB less.
  'pdf-lib': path.join(repoRoot, 'node_modules/pdf-lib/es/index.js'),
  // No standard font (128 KB less): every text we draw, a flattened form's fields included, is set with embedded fonts.
  '@pdf-lib/standard-fonts': path.join(repoRoot, 'infra/aws/standard-fonts-none.ts'),
  // pdf-lib's zlib in JavaScript replaced by Node's own (45 KB).
  pako: path.join(repoRoot, 'infra/aws/pako-node-zlib.ts'),
  // pdf-lib's PNG decoder (UPNG.js, 25 KB with its encoder, quantizer and inflater) replaced by a decoder over Node's zlib (3 KB).
  '@pdf-lib/upng': path.join(repoRoot, 'infra/aws/upng-decode.ts'),
  // @cantoo/pdf-lib decrypts only: its SVG colour and XML entity helpers (119 KB) and its SVG and XFA parser (12 KB) are left out.
  culori: path.join(repoRoot, 'infra/aws/pdf-fork-unused.ts'),
  'html-entities': path.join(repoRoot, 'infra/aws/pdf-fork-unused.ts'),
  'node-html-better-parser': path.join(repoRoot, 'infra/aws/pdf-fork-unused.ts'),
  // zod-openapi's classic zod import served by zod/mini (the key covers `zod/v4/*` too): see infra/aws/zod-v4/index.ts.
  'zod/v4': path.join(repoRoot, 'infra/aws/zod-v4'),
};

/**
 * Modules replaced in one function's bundle only, on top of `bundleAliases`: code of a dependency
 * that function never reaches. test/unit/pdf-bundle.test.ts runs what the function draws, bundled so.
 */
export const functionAliases: Partial<Record<FunctionName, Record<string, string>>> = {
  // None today: the renderer's "no standard font" became every bundle's once forms were flattened with the Typesetter.
};

/** The aliases `name`'s bundle is built with. */
export const bundleAliasesOf = (name: FunctionName): Record<string, string> => ({ ...bundleAliases, ...functionAliases[name] });

/**
 * Non-ASCII characters written as they are (UTF-8), not as \uXXXX escapes (esbuild's default, up to
 * 6 bytes for 2): fontkit's and bidi-js's tables, our messages. Node reads an ES module as UTF-8.
 */
export const bundleCharset = 'utf8';

/** Some CommonJS dependencies call require() for Node built-ins; ESM has none of its own. */
export const esmRequireBanner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * The same bundling as esbuild options, for the tests that build and load functions or shared code
 * exactly as deployed (the budget test, the bundled PDF code, the bundled DocuSign consumer).
 */
export const deployedEsbuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  external: externalModules,
  alias: bundleAliases,
  banner: { js: esmRequireBanner },
  charset: bundleCharset,
  logLevel: 'silent',
} as const;

/** `deployedEsbuildOptions` with `name`'s own aliases (`functionAliases`). */
export const deployedEsbuildOptionsOf = (name: FunctionName) => ({ ...deployedEsbuildOptions, alias: bundleAliasesOf(name) });

/** The minified code size (index.mjs, source map aside) each function may reach, in KB (1,024 bytes). */
export const bundleBudgetKb = { http: 300, other: 500 } as const;

const httpFunctions: ReadonlySet<FunctionName> = new Set(routes.map((route) => route.function));

export const isHttpFunction = (name: FunctionName): boolean => httpFunctions.has(name);

export const budgetKbOf = (name: FunctionName): number => (isHttpFunction(name) ? bundleBudgetKb.http : bundleBudgetKb.other);

/**
 * Functions over budget today, each with the size it may not grow past and why it is over:
 * the budget test holds them to that ceiling, and fails once one fits its budget (so the entry
 * is removed and the budget itself applies).
 */
export const overBudget: Partial<Record<FunctionName, { ceilingKb: number; why: string }>> = {
  // Database HTTP functions: 526–618 KB until 2026-12-05 (every route's schemas, classic zod, Powertools' logger, decimal.js,
  // electrodb's Service and every entity of the table in each); 302–401 KB with their own routes, zod/mini, our logger, big.js,
  // no Service; then named entities, the AU holidays as rules and shared schemas in modules of their own (docs/bundles.md).
  // Each ceiling is its size then + 2 %. invoiceFiles (316.2 → 286.4), nonPaymentNotices (320.7 → 280.6) and
  // paymentSchedules (374.3 → 284.1) left this list; signatures (506 on 2026-12-05, 381.4 lean, 307.9 → 298.3) too, once
  // entities and signing steps stopped bundling big.js, the permission rows went by tool and domain events' descriptions apart.
  // invoices (339.7 → 311.2 KB) and invoiceWorkflow (335.3 → 318.4) left it too, within budget at 296.1 and 295.1 KB, once
  // the reads left for invoiceReads, cents stopped bundling big.js, each function bundled its own permission rows and event
  // contracts only, and the routes' documentation (summaries, answers' schemas) moved to documentation modules.
  // ownerInvoices (527 KB on 2026-12-05, 357.5 → 320.8 once split by resource, 309.9) left it at 295.4 KB once the
  // owner-invoice routes were documented apart (the OwnerInvoice answer's schemas in owner-invoices.docs.ts).
  // PDF functions: 1.9–2.2 MB until 2026-12-05 (@pdf-lib/fontkit's 963 KB UMD build, pdf-lib's CommonJS build, every
  // standard font, pako); then fontkit 3, the PDF aliases of bundleAliases and the lean base (docs/bundles.md).
  // renderInvoicePdf 1,028.9 → 810.1 KB once its callers send the records it draws (no electrodb, no entities), → 557.7 KB with
  // the seal over Node's crypto (no node-forge) and the request checked without zod, → 535.5 KB without standard fonts
  // (functionAliases), → 514.1 KB with the PNG decoder over Node's zlib, → 488.7 KB, within budget, with the seal's placeholder
  // and splice over pdf-lib's ES build (no @signpdf, whose require('pdf-lib') took in all of pdf-lib's exports).
  // backupMergePart 1,014.1 → 526.6 KB once decrypting left it for backupDecryptSources, and backupCombine 526.0 → 528.6 KB
  // with the part copier; both → ~493 KB, within budget: PNGs decoded over Node's zlib, Helvetica with WinAnsi alone;
  // → 480.0 and 481.6 KB with no standard font (forms flattened with the Typesetter), UTF-8 output and bidi-js's ES modules.
  // backupMergeVolume (new 2026-12-05, MergePart's merge and Combine's cover in one bundle) was 501.8 KB before that room.
};

export const functionNames = Object.keys(functions) as FunctionName[];
