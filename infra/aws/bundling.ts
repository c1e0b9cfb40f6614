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
 * constant models the tests check already — see infra/aws/jsonschema-skipped.ts.
 */
export const bundleAliases: Record<string, string> = {
  jsonschema: path.join(repoRoot, 'infra/aws/jsonschema-skipped.ts'),
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
        'projects', 'vendors', 'commitments', 'headContracts', 'ownerInvoices', 'retainageRules', 'sov', 'ssov', 'billingPeriods',
        'invites', 'invoices', 'invoiceFiles', 'payments', 'backups', 'myWork', 'nonPaymentNotices', 'webhookEndpoints', 'accountingExports',
      ] as const
    ).map((name) => [
      name,
      {
        // 376–474 KB on 2026-12-05, once each function bundles only its own areas' routes and schemas (it was 526–586 KB
        // with the whole route table) and electrodb's model validator is left out (infra/aws/jsonschema-skipped.ts).
        // 311–413 KB with our own logger (−22 KB), big.js for decimal.js (−25 KB) and no electrodb Service (−20 KB);
        // getMe and updateMe (284 KB) left the list once they named their own entities (entitiesOf, shared/db/service.ts);
        // vendors (330), retainageRules (342), myWork (316), ssov (317), headContracts (336) and commitments (341) do too;
        // the others still bundle every entity through db().
        ceilingKb: 421,
        why: 'electrodb (171 KB), zod (83–99 KB), big.js (7 KB) and the logger (2 KB) come to 263–279 KB before the first line of our code, and most still carry every entity of the table (29 KB): under 300 KB needs zod/mini, and each function bundling only its own entities (docs/bundles.md)',
      },
    ]),
  ),
  // 517 KB on 2026-12-05 (606 KB with the whole route table): it carries the owner-invoice, owner-payment, invoice and
  // head-contract schemas, Ontario prompt payment, and the forwarded-invoice emails.
  // 459 KB with the lighter logger, decimals and no electrodb Service (527 KB before).
  ownerInvoices: { ceilingKb: 468, why: 'what every database HTTP function carries (see above), the owner-invoice PDF and emails, and prompt payment' },
  // 489 KB on 2026-12-05 once owner invoices are signed too (496 KB after the domain-event merge): it also reads owner
  // invoices and head contracts and links to them, and writes the signature events.
  // 506 KB once it also answers DocuSign Connect (HMAC check, the report's mapping) and sends subcontractor invoices to DocuSign's queue.
  // 438 KB with the lighter logger, decimals and no electrodb Service.
  signatures: { ceilingKb: 447, why: 'what every database HTTP function carries (see above), for both invoice kinds, the signing page and DocuSign Connect' },
  // paymentSchedules: 1586 KB while date-holidays-parser computed the holidays (moment-timezone, astronomia), 570 KB with the table;
  // invoiceWorkflow 601 KB once a submitted claim's schedule deadline is worked out and kept with the submission, 618 KB with
  // the e-signature lock and the status-changed event for webhooks; 491 and 511 KB with their own areas' routes only;
  // 431 and 452 KB with the lighter logger, decimals and no electrodb Service.
  ...Object.fromEntries(
    (['paymentSchedules', 'invoiceWorkflow'] as const).map((name) => [
      name,
      {
        ceilingKb: 461,
        why: 'what every database HTTP function carries (see above) and the AU public holiday table (37 KB, 2015–2060) payment-schedule deadlines are counted with',
      },
    ]),
  ),
  // 2217 KB once it also seals signed invoices (PAdES): node-forge (~280 KB) and @signpdf (~30 KB).
  // 2194 KB without electrodb's model validator.
  // 2205.6 KB once it also seals owner invoices; 2139 KB with the lighter logger, decimals and no electrodb Service.
  renderInvoicePdf: { ceilingKb: 2182, why: `${pdfLibraries}; the e-signature seal adds node-forge (PKCS#7/PKCS#12) and @signpdf` },
  // 844 KB on 2026-12-05 (1,434 KB with the package entry); 781 KB with the lighter logger, decimals and no electrodb Service.
  accountingExportWorker: {
    ceilingKb: 797,
    why: 'exceljs’s streaming XLSX writer (163 KB) with archiver and its stream helpers (~290 KB), beside electrodb and zod: imported without the package entry, which adds the reader (unzipper, jszip: ~550 KB more)',
  },
  // 1920 KB on 2026-12-05: docusign-esign 1192 KB (EnvelopesApi pulls 265 model files: every tab type of an envelope),
  // axios 90 KB with form-data 140 KB, jsonwebtoken; ApiClient alone (JWT grant and callApi, no EnvelopesApi) would be 343 KB.
  // 1857 KB with the lighter logger, decimals and no electrodb Service.
  docusignEnvelopes: { ceilingKb: 1894, why: 'the official docusign-esign client: its EnvelopesApi and the 265 model classes it requires, axios and form-data; calling ApiClient.callApi without EnvelopesApi is the way down' },
  // 1901 KB on 2026-12-04: every entity of the table is bundled with the db (head contracts and owner invoices added 2 KB).
  // 1881 KB without electrodb's model validator; 1821 KB with the lighter logger, decimals and no electrodb Service.
  backupPreparePart: { ceilingKb: 1858, why: pdfLibraries },
  backupMergePart: { ceilingKb: 2250, why: `${pdfLibraries}; the merge also carries @cantoo/pdf-lib (467 KB)` },
  backupCombine: { ceilingKb: 2250, why: `${pdfLibraries}; the merge also carries @cantoo/pdf-lib (467 KB)` },
};

export const functionNames = Object.keys(functions) as FunctionName[];
