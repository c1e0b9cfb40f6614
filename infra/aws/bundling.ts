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
 * Modules replaced in deployed bundles: electrodb's model validator (jsonschema, 28 KB) checks
 * constant models the tests check already — see infra/aws/jsonschema-skipped.ts; zod-openapi's
 * classic zod import is served by zod/mini (the key covers `zod/v4/*` too) — see infra/aws/zod-v4/index.ts.
 */
export const bundleAliases: Record<string, string> = {
  jsonschema: path.join(repoRoot, 'infra/aws/jsonschema-skipped.ts'),
  'zod/v4': path.join(repoRoot, 'infra/aws/zod-v4'),
};

/** Some CommonJS dependencies call require() for Node built-ins; ESM has none of its own. */
export const esmRequireBanner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** The minified code size (index.mjs, source map aside) each function may reach, in KB (1,024 bytes). */
export const bundleBudgetKb = { http: 300, other: 500 } as const;

const httpFunctions: ReadonlySet<FunctionName> = new Set(routes.map((route) => route.function));

export const isHttpFunction = (name: FunctionName): boolean => httpFunctions.has(name);

export const budgetKbOf = (name: FunctionName): number => (isHttpFunction(name) ? bundleBudgetKb.http : bundleBudgetKb.other);

const pdfLibraries = 'pdf-lib (303 KB), its standard fonts (129 KB) and @pdf-lib/fontkit (963 KB, a UMD build with its own dependencies and Unicode tables) for text in any script';

/**
 * Functions over budget today, each with the size it may not grow past and why it is over:
 * the budget test holds them to that ceiling, and fails once one fits its budget (so the entry
 * is removed and the budget itself applies).
 */
export const overBudget: Partial<Record<FunctionName, { ceilingKb: number; why: string }>> = {
  ...Object.fromEntries(
    (
      [
        ['getMe', 323], ['updateMe', 324], ['projects', 389], ['vendors', 372], ['commitments', 375], ['headContracts', 373], ['retainageRules', 383],
        ['sov', 398], ['ssov', 351], ['billingPeriods', 402], ['invites', 378], ['invoices', 431], ['invoiceFiles', 411], ['payments', 387],
        ['backups', 390], ['myWork', 351], ['nonPaymentNotices', 411], ['webhookEndpoints', 362], ['accountingExports', 389],
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
  // 2205.6 KB once it also seals owner invoices; 2146.2 KB with zod/mini.
  renderInvoicePdf: { ceilingKb: 2190, why: `${pdfLibraries}; the e-signature seal adds node-forge (PKCS#7/PKCS#12) and @signpdf` },
  // 844 KB on 2026-12-05 (1,434 KB with the package entry); 789.3 KB with zod/mini.
  accountingExportWorker: {
    ceilingKb: 806,
    why: 'exceljs’s streaming XLSX writer (163 KB) with archiver and its stream helpers (~290 KB), beside electrodb and zod: imported without the package entry, which adds the reader (unzipper, jszip: ~550 KB more)',
  },
  // 1920 KB on 2026-12-05: docusign-esign 1192 KB (EnvelopesApi pulls 265 model files: every tab type of an envelope),
  // axios 90 KB with form-data 140 KB, jsonwebtoken; ApiClient alone (JWT grant and callApi, no EnvelopesApi) would be 343 KB.
  // 1863.9 KB with zod/mini.
  docusignEnvelopes: { ceilingKb: 1902, why: 'the official docusign-esign client: its EnvelopesApi and the 265 model classes it requires, axios and form-data; calling ApiClient.callApi without EnvelopesApi is the way down' },
  // 1901 KB on 2026-12-04: every entity of the table is bundled with the db (head contracts and owner invoices added 2 KB).
  // 1881 KB without electrodb's model validator. With zod/mini: 1829.3, 2163.7 and 2168.1 KB.
  backupPreparePart: { ceilingKb: 1866, why: pdfLibraries },
  backupMergePart: { ceilingKb: 2207, why: `${pdfLibraries}; the merge also carries @cantoo/pdf-lib (467 KB)` },
  backupCombine: { ceilingKb: 2212, why: `${pdfLibraries}; the merge also carries @cantoo/pdf-lib (467 KB)` },
};

export const functionNames = Object.keys(functions) as FunctionName[];
