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
  // The standard fonts cut to Helvetica, the one pdf-lib embeds for us (when a merge flattens a form): 106 KB less.
  '@pdf-lib/standard-fonts': path.join(repoRoot, 'infra/aws/standard-fonts-helvetica.ts'),
  // The seal's parts of node-forge, not its every protocol (TLS, SSH, …).
  'node-forge': path.join(repoRoot, 'infra/aws/node-forge-signing.mjs'),
  // pdf-lib's zlib in JavaScript replaced by Node's own (45 KB).
  pako: path.join(repoRoot, 'infra/aws/pako-node-zlib.ts'),
  // @cantoo/pdf-lib decrypts only: its SVG colour and XML entity helpers are left out (119 KB).
  culori: path.join(repoRoot, 'infra/aws/pdf-fork-unused.ts'),
  'html-entities': path.join(repoRoot, 'infra/aws/pdf-fork-unused.ts'),
  // zod-openapi's classic zod import served by zod/mini (the key covers `zod/v4/*` too): see infra/aws/zod-v4/index.ts.
  'zod/v4': path.join(repoRoot, 'infra/aws/zod-v4'),
};

/** Some CommonJS dependencies call require() for Node built-ins; ESM has none of its own. */
export const esmRequireBanner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** The minified code size (index.mjs, source map aside) each function may reach, in KB (1,024 bytes). */
export const bundleBudgetKb = { http: 300, other: 500 } as const;

const httpFunctions: ReadonlySet<FunctionName> = new Set(routes.map((route) => route.function));

export const isHttpFunction = (name: FunctionName): boolean => httpFunctions.has(name);

export const budgetKbOf = (name: FunctionName): number => (isHttpFunction(name) ? bundleBudgetKb.http : bundleBudgetKb.other);

const pdfLibraries = 'pdf-lib (224 KB from its ES build) and fontkit 3 (157 KB: its TrueType reader and the shapers we use, with its Unicode tables) for text in any script';

/**
 * Functions over budget today, each with the size it may not grow past and why it is over:
 * the budget test holds them to that ceiling, and fails once one fits its budget (so the entry
 * is removed and the budget itself applies).
 */
export const overBudget: Partial<Record<FunctionName, { ceilingKb: number; why: string }>> = {
  ...Object.fromEntries(
    (
      [
        ['getMe', 323], ['updateMe', 324], ['vendors', 372], ['commitments', 375], ['headContracts', 373], ['retainageRules', 383],
        ['sov', 398], ['ssov', 351], ['invoices', 431], ['invoiceFiles', 411], ['payments', 387],
        ['myWork', 351], ['nonPaymentNotices', 411], ['webhookEndpoints', 362], ['accountingExports', 389],
      ] as const
    ).map(([name, ceilingKb]) => [
      name,
      {
        // 376–474 KB on 2026-12-05, once each function bundles only its own areas' routes and schemas (it was 526–586 KB
        // with the whole route table) and electrodb's model validator is left out (infra/aws/jsonschema-skipped.ts);
        // 316–403 KB with zod/mini instead of classic zod (57–62 KB less each). Each ceiling is its size then + 2 %.
        ceilingKb,
        why: 'electrodb (190 KB), decimal.js (31 KB), the logger (21 KB) and zod/mini (20–40 KB) come to 260–280 KB before the first line of our code: under 300 KB needs electrodb replaced by thin typed access over lib-dynamodb (docs/bundles.md)',
      },
    ]),
  ),
  // 517 KB on 2026-12-05 (606 KB with the whole route table): it carries the owner-invoice, owner-payment, invoice and
  // head-contract schemas, Ontario prompt payment, and the forwarded-invoice emails. 468.4 KB with zod/mini.
  ownerInvoices: { ceilingKb: 478, why: 'what every database HTTP function carries (see above), the owner-invoice PDF and emails, and prompt payment' },
  // 489 KB on 2026-12-05 once owner invoices are signed too (496 KB after the domain-event merge): it also reads owner
  // invoices and head contracts and links to them, and writes the signature events.
  // 506 KB once it also answers DocuSign Connect (HMAC check, the report's mapping) and sends subcontractor invoices to DocuSign's queue.
  // 448.7 KB with zod/mini.
  signatures: { ceilingKb: 458, why: 'what every database HTTP function carries (see above), for both invoice kinds, the signing page and DocuSign Connect' },
  // paymentSchedules: 1586 KB while date-holidays-parser computed the holidays (moment-timezone, astronomia), 570 KB with the table;
  // invoiceWorkflow 601 KB once a submitted claim's schedule deadline is worked out and kept with the submission, 618 KB with
  // the e-signature lock and the status-changed event for webhooks; 491 and 511 KB with their own areas' routes only;
  // 441.7 and 462.6 KB with zod/mini.
  ...Object.fromEntries(
    (
      [
        ['paymentSchedules', 451],
        ['invoiceWorkflow', 472],
      ] as const
    ).map(([name, ceilingKb]) => [
      name,
      {
        ceilingKb,
        why: 'what every database HTTP function carries (see above) and the AU public holiday table (37 KB, 2015–2060) payment-schedule deadlines are counted with',
      },
    ]),
  ),
  // 2217 KB once it also seals signed invoices (PAdES): node-forge (~280 KB) and @signpdf (~30 KB).
  // 2194 KB without electrodb's model validator.
  // 2205.6 KB once it also seals owner invoices; 1156.1 KB on 2026-12-05 (fontkit 3, and the PDF aliases of bundleAliases).
  renderInvoicePdf: { ceilingKb: 1180, why: `${pdfLibraries}; the e-signature seal adds node-forge (232 KB, PKCS#7/PKCS#12) and @signpdf; electrodb reads the invoice` },
  // 1924 KB on 2026-12-05 with docusign-esign's EnvelopesApi (265 model classes, 1,192 KB) and form-data (140 KB);
  // 588 KB calling ApiClient.callApi as EnvelopesApi does, form-data aliased (infra/aws/form-data-refused.ts).
  docusignEnvelopes: {
    ceilingKb: 600,
    why: 'what every database function carries (electrodb, zod, decimal.js, the logger: 391 KB) and the official docusign-esign ApiClient with axios (83 KB), jsonwebtoken and semver (28 KB) for the JWT grant (about 182 KB), and our signature code: under 500 KB once that base loses 88 KB',
  },
  // 1901 KB on 2026-12-04: every entity of the table is bundled with the db (head contracts and owner invoices added 2 KB).
  // 1881 KB without electrodb's model validator; 885 KB on 2026-12-05 (fontkit 3, and the PDF aliases of bundleAliases).
  backupPreparePart: { ceilingKb: 903, why: `${pdfLibraries}; electrodb reads the invoice it renders` },
  // 2230.5 KB before fontkit 3 and the PDF aliases of bundleAliases: 1101.6 KB.
  backupMergePart: { ceilingKb: 1124, why: `${pdfLibraries}; @cantoo/pdf-lib (466 KB) decrypts attachments: a decryption step of its own is the way down` },
  // 2232.6 KB while it carried merge.ts's source handling (@cantoo/pdf-lib); 611.2 KB with shared/pdf/combine.ts and the above.
  backupCombine: { ceilingKb: 624, why: pdfLibraries },
};

export const functionNames = Object.keys(functions) as FunctionName[];
