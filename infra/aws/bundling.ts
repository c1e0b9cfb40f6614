import { functions, type FunctionName } from '../../shared/wiring/functions';
import { routes } from '../../shared/wiring/routes';

/**
 * How every Lambda function is bundled, declared once: CDK (stateless-stack.ts) bundles with
 * these options, and the budget test (test/unit/bundle-budgets.test.ts) builds the same way.
 *
 * The AWS SDK is not bundled: Lambda's Node.js 22 runtime provides SDK v3, and bundling it cost
 * 530–820 KB per function. The trade-off is written down in docs/bundles.md.
 */
export const externalModules = ['@aws-sdk/*'];

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
        'getMe', 'updateMe', 'projects', 'vendors', 'commitments', 'headContracts', 'ownerInvoices', 'retainageRules', 'sov', 'ssov', 'billingPeriods',
        'invites', 'invoices', 'invoiceFiles', 'payments', 'backups', 'myWork', 'nonPaymentNotices', 'webhookEndpoints', 'signatures', 'accountingExports',
      ] as const
    ).map((name) => [
      name,
      {
        // 470–512 KB measured on 2026-12-04; invoices 531 KB once its answers carry allowedActions and the money-entry names,
        // then about 10 KB more in every HTTP function once the head-contract and owner-invoice routes joined the route table,
        // and 5–25 KB more with pre-fill, owner-invoice PDF and email (ownerInvoices 578 KB: it also writes forwarded-invoice emails),
        // and 4 KB more in each once the webhook routes, schemas and entities joined, then 3 KB more with the e-signature routes.
        ceilingKb: 595,
        why: 'electrodb (191 KB with jsonschema 28 KB) alone leaves 110 KB for zod (99 KB), the API schemas of every route (60 KB), decimal.js (31 KB), the logger and the handler: replacing electrodb, or zod/mini and per-function schemas, is the way down',
      },
    ]),
  ),
  // 588 KB on 2026-12-04 once owner-invoice answers carry Ontario prompt payment (the Act's proper-invoice fields, 3 KB,
  // the due-date reading, 2 KB) and the route table the notices of non-payment (4 KB); invoices, with the same, 571 KB.
  // 597 KB once the webhook routes and schemas joined the route table.
  ownerInvoices: { ceilingKb: 610, why: 'what every database HTTP function carries (see above), the owner-invoice PDF and emails, and prompt payment' },
  // 308 KB once the webhook and e-signature routes and schemas joined: it carries every route's schemas to build the document.
  openApi: { ceilingKb: 310, why: 'zod and the API schemas of every route, from which it generates the OpenAPI document: serving a document generated at build time is the way down' },
  // paymentSchedules: 1586 KB while date-holidays-parser computed the holidays (moment-timezone, astronomia), 570 KB with the table;
  // invoiceWorkflow 601 KB once a submitted claim's schedule deadline is worked out and kept with the submission, 618 KB with
  // the e-signature lock and the status-changed event for webhooks.
  ...Object.fromEntries(
    (['paymentSchedules', 'invoiceWorkflow'] as const).map((name) => [
      name,
      {
        ceilingKb: 625,
        why: 'what every database HTTP function carries (see above) and the AU public holiday table (37 KB, 2015–2060) payment-schedule deadlines are counted with',
      },
    ]),
  ),
  // 2217 KB once it also seals signed invoices (PAdES): node-forge (~280 KB) and @signpdf (~30 KB).
  accountingExportWorker: {
    ceilingKb: 900,
    why: 'exceljs’s streaming XLSX writer (163 KB) with archiver and its stream helpers (~290 KB), beside electrodb and zod: imported without the package entry, which adds the reader (unzipper, jszip: ~550 KB more)',
  },
  renderInvoicePdf: { ceilingKb: 2225, why: `${pdfLibraries}; the e-signature seal adds node-forge (PKCS#7/PKCS#12) and @signpdf` },
  // 1901 KB on 2026-12-04: every entity of the table is bundled with the db (head contracts and owner invoices added 2 KB).
  backupPreparePart: { ceilingKb: 1910, why: pdfLibraries },
  backupMergePart: { ceilingKb: 2250, why: `${pdfLibraries}; the merge also carries @cantoo/pdf-lib (467 KB)` },
  backupCombine: { ceilingKb: 2250, why: `${pdfLibraries}; the merge also carries @cantoo/pdf-lib (467 KB)` },
};

export const functionNames = Object.keys(functions) as FunctionName[];
