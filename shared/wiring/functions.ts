/**
 * Every Lambda function of the product, declared once.
 * `infra/aws` makes one NodejsFunction per entry with exactly these grants;
 * `infra/local` imports the same entry module and calls its `handler` export.
 */
export type Grant =
  | 'table:read'
  | 'table:write'
  | 'bucket:read'
  | 'bucket:write'
  | 'events:put'
  | 'email:send'
  | 'backup:start'
  /** Invoke the invoice PDF renderer (renderInvoicePdf) and wait for its answer. */
  | 'pdf:render'
  /** Create users in the identity provider (Cognito AdminCreateUser / AdminGetUser). */
  | 'identity:invite';

export interface FunctionDefinition {
  /** Module path from the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly grants: readonly Grant[];
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  /**
   * At most this many run at once (reserved concurrency): for a bulk SES sender, each instance
   * paces to an equal share of the account's send rate (SES_SENDERS), so together they stay under it.
   */
  readonly reservedConcurrency?: number;
  /** Draws PDF text: gets the font files (shared/pdf/fonts.ts) as a layer; nothing else carries their weight. */
  readonly rendersPdf?: boolean;
}

export const functions = {
  health: {
    entry: 'functions/http/health.ts',
    description: 'GET /health: liveness, no auth',
    grants: [],
  },
  ready: {
    entry: 'functions/http/ready.ts',
    description: 'GET /ready: readiness, reaches DynamoDB (503 when it cannot), no auth',
    grants: ['table:read'],
    timeoutSeconds: 5,
  },
  openApi: {
    entry: 'functions/http/openapi.ts',
    description: 'GET /openapi.json: the API contract generated from the zod schemas',
    grants: [],
  },
  docs: {
    entry: 'functions/http/docs.ts',
    description: 'GET /docs: a readable page over /openapi.json',
    grants: [],
  },
  getMe: {
    entry: 'functions/http/get-me.ts',
    description: 'GET /v1/me: the caller, their company and project memberships',
    grants: ['table:read'],
  },
  updateMe: {
    entry: 'functions/http/update-me.ts',
    description: 'PATCH /v1/me: the caller changes their display name',
    grants: ['table:read', 'table:write'],
  },
  myWork: {
    entry: 'functions/http/my-work.ts',
    description: 'GET /v1/me/tasks: the caller’s tasks across their projects',
    grants: ['table:read'],
  },
  projects: {
    entry: 'functions/http/projects/index.ts',
    description: 'Projects: create, read, settings, members',
    grants: ['table:read', 'table:write'],
  },
  vendors: {
    entry: 'functions/http/vendors.ts',
    description: 'Vendors of a project and their users',
    grants: ['table:read', 'table:write', 'identity:invite'],
  },
  commitments: {
    entry: 'functions/http/commitments/index.ts',
    description: 'Commitments: create, search, read, edit (contacts, private list, retainage)',
    grants: ['table:read', 'table:write'],
  },
  retainageRules: {
    entry: 'functions/http/retainage-rules.ts',
    description: 'Sliding-scale retention rules of a commitment',
    grants: ['table:read', 'table:write'],
  },
  paymentSchedules: {
    entry: 'functions/http/payment-schedules.ts',
    description: 'Payment schedules of progress claims (Security of Payment Acts): deadlines, serving',
    grants: ['table:read', 'table:write'],
  },
  nonPaymentNotices: {
    entry: 'functions/http/non-payment-notices.ts',
    description: 'Notices of non-payment on invoices (Ontario Construction Act): deadlines, recording, emails',
    grants: ['table:read', 'table:write'],
  },
  headContracts: {
    entry: 'functions/http/head-contracts/index.ts',
    description: 'Head contracts with the owner: create, list, read, edit, delete (their SOV and change orders are the sov function’s)',
    grants: ['table:read', 'table:write'],
  },
  ownerInvoices: {
    entry: 'functions/http/owner-invoices/index.ts',
    description: 'Owner invoices of head contracts: create, line entry with the G702/G703 figures, pre-fill from the period’s costs, summary preview, delete (reads, status, PDF and email, payments: ownerInvoiceReads, …Workflow, …Documents, ownerPayments)',
    grants: ['table:read', 'table:write'],
  },
  ownerInvoiceReads: {
    entry: 'functions/http/owner-invoice-reads.ts',
    description: 'Owner invoices read: a head contract’s list, one with its G703 lines and G702 summary, its history, the G703 lines as CSV',
    grants: ['table:read'],
  },
  ownerInvoiceWorkflow: {
    entry: 'functions/http/owner-invoice-workflow.ts',
    description: 'An owner invoice sent to the owner or the owner’s answer recorded: its history, the subcontractor invoices it holds, the status emails and event',
    // The status emails and owner-invoice.status-changed go through the outbox, dispatched right after the commit.
    grants: ['table:read', 'table:write', 'events:put'],
  },
  ownerInvoiceDocuments: {
    entry: 'functions/http/owner-invoice-documents.ts',
    description: 'An owner invoice’s PDF (rendered by renderInvoicePdf, served presigned) and emailing it to the owner',
    // The PDF from the renderer, served presigned; the email through the outbox (dispatched right after the commit).
    grants: ['table:read', 'table:write', 'pdf:render', 'bucket:read', 'events:put'],
    timeoutSeconds: 30,
  },
  ownerPayments: {
    entry: 'functions/http/owner-payments.ts',
    description: 'Payments received against owner invoices: list, read, record, delete; each updates the owner invoice’s paid sum and status',
    // events:put: a payment's payment.received event is dispatched from the request once committed.
    grants: ['table:read', 'table:write', 'events:put'],
  },
  sov: {
    entry: 'functions/http/sov/index.ts',
    description: 'Schedules of values and change orders of commitments and head contracts',
    grants: ['table:read', 'table:write'],
  },
  signatures: {
    entry: 'functions/http/signatures/index.ts',
    description: 'E-signature of invoices: bulk send, status, void, resend; DocuSign Connect (the signer’s own page and submit: signing)',
    // Every step is a table transaction with its outbox records (emails, DocuSign calls) dispatched right after the commit.
    grants: ['table:read', 'table:write', 'events:put'],
  },
  signing: {
    entry: 'functions/http/signing.ts',
    description: 'The built-in signer’s signing page and submit, public through a one-time link (the PAdES signing runs in renderInvoicePdf)',
    // The page shows the invoice PDF (rendered, served presigned); a drawn signature is stored; the signed PDF is rendered;
    // the notices to the next signer and the sender go through the outbox.
    grants: ['table:read', 'table:write', 'bucket:read', 'bucket:write', 'events:put', 'pdf:render'],
  },
  docusignEnvelopes: {
    entry: 'functions/events/docusign-envelopes.ts',
    description:
      'docusign.requested events: creates an invoice’s DocuSign envelope once (official docusign-esign client, JWT grant), voids and resends it, stores the completed envelope’s signed PDF and certificate of completion; scheduled, the polling fallback',
    // The invoice PDF from the renderer, read to send; the signed documents written back; the poll publishes its refresh calls.
    grants: ['table:read', 'table:write', 'bucket:read', 'bucket:write', 'pdf:render', 'events:put'],
    timeoutSeconds: 60,
  },
  ssov: {
    entry: 'functions/http/ssov/index.ts',
    description: 'Subcontractor schedules of values and their review',
    grants: ['table:read', 'table:write'],
  },
  billingPeriods: {
    entry: 'functions/http/billing-periods.ts',
    description: 'Billing periods: list, current, create, edit, close, delete',
    grants: ['table:read', 'table:write', 'events:put'],
  },
  invites: {
    entry: 'functions/http/invites.ts',
    description: 'Invites to bill: send for the open period, list with counts, accept or decline',
    grants: ['table:read', 'table:write', 'events:put'],
  },
  inviteEmails: {
    entry: 'functions/events/invite-emails.ts',
    description: 'invites.sent events: one email per invoice contact, idempotent, status on the invite',
    grants: ['table:read', 'table:write', 'email:send'],
    timeoutSeconds: 300,
    // Two paced senders share SES's rate; further events wait in Lambda's async queue (retried up to 6 h).
    reservedConcurrency: 2,
  },
  automaticInvites: {
    entry: 'functions/events/automatic-invites.ts',
    description: 'billing-period.opened events: invites every eligible commitment when the project has automatic invites',
    grants: ['table:read', 'table:write', 'events:put'],
    timeoutSeconds: 120,
  },
  tasksResync: {
    entry: 'functions/events/tasks-resync.ts',
    description: "tasks.resync events: a billing period's task items take its current due date, page by page, idempotent",
    grants: ['table:read', 'table:write'],
    timeoutSeconds: 300,
  },
  inviteReminders: {
    entry: 'functions/scheduled/invite-reminders.ts',
    description: 'Scheduled: reminders before the due date to invited contacts who have not submitted',
    grants: ['table:read', 'table:write', 'events:put'],
    timeoutSeconds: 300,
  },
  invoices: {
    entry: 'functions/http/invoices/index.ts',
    description: 'Subcontractor invoices: create from the SOV, line entry with G702/G703 figures, delete (reads: invoiceReads)',
    grants: ['table:read', 'table:write'],
  },
  invoiceReads: {
    entry: 'functions/http/invoice-reads.ts',
    description: 'Subcontractor invoices read: list, one invoice with its lines and G702/G703 figures, its history',
    // Reads only: the invoice, its commitment, period and project, payment deadlines, the history's user names.
    grants: ['table:read'],
  },
  invoiceWorkflow: {
    entry: 'functions/http/invoice-workflow/index.ts',
    description: 'Invoice workflow: submit, review lines, set status, bulk status; notification emails (history: invoiceReads)',
    grants: ['table:read', 'table:write', 'events:put'],
  },
  invoiceFiles: {
    entry: 'functions/http/invoice-files/index.ts',
    description: 'Invoice attachments (presigned S3 upload/download), the invoice PDF, forward by email',
    grants: ['table:read', 'table:write', 'bucket:read', 'bucket:write', 'events:put', 'pdf:render'],
    timeoutSeconds: 30,
  },
  renderInvoicePdf: {
    entry: 'functions/internal/render-invoice-pdf.ts',
    description: 'Invoked with an invoice’s records: renders its PDF into S3 unless the stored one is current, so no other function carries a PDF library',
    // The callers read the records it draws: it reads no table.
    grants: ['bucket:read', 'bucket:write'],
    memoryMb: 1024,
    timeoutSeconds: 25,
    rendersPdf: true,
  },
  payments: {
    entry: 'functions/http/payments.ts',
    description: 'Payments issued on a commitment and the invoices’ payment status',
    // events:put: a payment's payment.recorded event is dispatched from the request once committed.
    grants: ['table:read', 'table:write', 'events:put'],
  },
  sendEmail: {
    entry: 'functions/events/send-email.ts',
    description: 'email.requested events: sends one email through SES v2, once per email id',
    grants: ['table:read', 'table:write', 'email:send', 'bucket:read'],
    timeoutSeconds: 30,
  },
  outboxDispatcher: {
    entry: 'functions/events/outbox-dispatcher.ts',
    description: 'The table’s stream: publishes each new outbox record to EventBridge (or starts a requested backup’s workflow), then marks it dispatched',
    grants: ['table:read', 'table:write', 'events:put', 'backup:start'],
    timeoutSeconds: 60,
  },
  outboxSweeper: {
    entry: 'functions/scheduled/outbox-sweeper.ts',
    description: 'Scheduled: dispatches outbox records still pending two minutes after they were written',
    grants: ['table:read', 'table:write', 'events:put', 'backup:start'],
    timeoutSeconds: 120,
  },
  webhookEndpoints: {
    entry: 'functions/http/webhook-endpoints/index.ts',
    description: 'Webhook endpoints of the caller’s company (company admins): create, list, read, edit, delete, rotate the secret, delivery log, replay',
    grants: ['table:read', 'table:write', 'events:put'],
  },
  deliverWebhooks: {
    entry: 'functions/events/deliver-webhooks.ts',
    description: 'webhook.deliveries-due events: the first attempt of each new webhook delivery, signed (Standard Webhooks), once per delivery',
    grants: ['table:read', 'table:write'],
    timeoutSeconds: 120,
  },
  webhookRetries: {
    entry: 'functions/scheduled/webhook-retries.ts',
    description: 'Scheduled: attempts the webhook deliveries due (backoff retries for 24 h, lost first attempts); disables endpoints failing for a day',
    grants: ['table:read', 'table:write'],
    timeoutSeconds: 300,
  },
  attachmentSweeper: {
    entry: 'functions/scheduled/attachment-sweeper.ts',
    description: 'Scheduled: deletes attachment objects no attachment record names, a day after they were written (a copy whose confirm died before its write)',
    grants: ['table:read', 'bucket:read', 'bucket:write'],
    timeoutSeconds: 300,
  },
  billingCycle: {
    entry: 'functions/scheduled/billing-cycle.ts',
    description: 'Scheduled: finds the partitions of the sharded due index with projects due and fans them out, one billing-cycle.due event each',
    grants: ['table:read', 'events:put'],
    timeoutSeconds: 60,
  },
  billingCycleWorker: {
    entry: 'functions/events/billing-cycle-worker.ts',
    description: 'billing-cycle.due events: opens the due automatic periods of one due-index partition’s projects, exactly once',
    grants: ['table:read', 'table:write', 'events:put'],
    timeoutSeconds: 300,
  },
  backups: {
    entry: 'functions/http/backups/index.ts',
    description: 'Invoice backups: request (validates, queues the job with its outbox record, starts the workflow), read a job with its download (failing one whose workflow ended)',
    grants: ['table:read', 'table:write', 'bucket:read', 'backup:start', 'events:put'],
  },
  accountingExports: {
    entry: 'functions/http/accounting-exports/index.ts',
    description: 'Accounting exports: request (validates, queues the job with its outbox record), list, read a job with its downloads (failing one that stalled)',
    grants: ['table:read', 'table:write', 'bucket:read', 'events:put'],
  },
  accountingExportWorker: {
    entry: 'functions/events/accounting-export.ts',
    description: 'accounting-export.requested events: writes an export’s CSV files and XLSX workbook (our streaming writer over fflate) to S3, streamed; the job ends succeeded or failed',
    grants: ['table:read', 'table:write', 'bucket:write'],
    memoryMb: 1769,
    // One attempt's lease on the job (exportAttemptSeconds).
    timeoutSeconds: 600,
  },
  backupPrepare: {
    entry: 'functions/backup/prepare.ts',
    description: 'Backup workflow: the job starts running; its invoices in backup order, one part each, and the cover; the route, and the volume route’s manifest of every part',
    // The volume route's manifest: every part described as PreparePart does (rendering invoice PDFs that are not current).
    grants: ['table:read', 'table:write', 'pdf:render', 'bucket:write'],
    timeoutSeconds: 300,
  },
  backupPreparePart: {
    entry: 'functions/backup/prepare-part.ts',
    description: 'Backup workflow: one invoice’s part — its PDF (e-signed, or stored by renderInvoicePdf) and its uploaded attachments',
    // The invoice's records are read here and sent to the renderer, which renders and stores its PDF.
    grants: ['table:read', 'pdf:render'],
    timeoutSeconds: 60,
  },
  backupProgress: {
    entry: 'functions/backup/record-progress.ts',
    description: 'Backup workflow: counts a merged part in the job’s progress, once',
    grants: ['table:read', 'table:write'],
  },
  backupFinalize: {
    entry: 'functions/backup/finalize.ts',
    description: 'Backup workflow: the job succeeds (pages, size, volumes, warnings); emails the requester a link',
    // Reads each volume's warnings; a backup of several volumes gets one list of them all.
    grants: ['table:read', 'table:write', 'events:put', 'bucket:read', 'bucket:write'],
  },
  backupFailed: {
    entry: 'functions/backup/mark-failed.ts',
    description: 'Backup workflow: every Catch ends here; the job fails with the reason',
    grants: ['table:read', 'table:write'],
  },
  backupExecutionEnded: {
    entry: 'functions/backup/execution-ended.ts',
    description: 'Step Functions status change (failed, timed out, aborted) of a backup: the job fails with the reason; emails the requester',
    grants: ['table:read', 'table:write', 'events:put'],
  },
  backupMergePart: {
    entry: 'functions/backup/merge-part.ts',
    description: 'Backup workflow: merges one part (a list of S3 documents) into one PDF in S3',
    grants: ['bucket:read', 'bucket:write'],
    memoryMb: 1769,
    timeoutSeconds: 300,
    rendersPdf: true,
  },
  backupDecryptSources: {
    entry: 'functions/backup/decrypt-sources.ts',
    description: 'Backup workflow: decrypts the files of a part that open without a password (MergePart met an encrypted one) into copies in S3',
    grants: ['bucket:read', 'bucket:write'],
    // Decrypting (AES, RC4) is CPU work in JavaScript: a whole vCPU.
    memoryMb: 1769,
    timeoutSeconds: 300,
  },
  backupPlanVolumes: {
    entry: 'functions/backup/plan-volumes.ts',
    description: 'Backup workflow: splits the merged parts into volumes within the configured pages and bytes, from the Map’s counts',
    // It reads nothing: the Map's answers carry each part's pages and bytes.
    grants: [],
    timeoutSeconds: 60,
  },
  backupMergeVolume: {
    entry: 'functions/backup/merge-volume.ts',
    description: 'Backup workflow: merges a backup one task can hold straight into its one PDF in S3 (cover, parts, bookmarks)',
    grants: ['bucket:read', 'bucket:write'],
    memoryMb: 1769,
    timeoutSeconds: 900,
    rendersPdf: true,
  },
  backupCombine: {
    entry: 'functions/backup/combine.ts',
    description: 'Backup workflow: combines one volume’s merged parts into its PDF in S3',
    grants: ['bucket:read', 'bucket:write'],
    memoryMb: 1769,
    timeoutSeconds: 600,
    rendersPdf: true,
  },
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionName = keyof typeof functions;

/** The ASL placeholder (and CDK definition substitution key) for a function's ARN. */
export const functionArnPlaceholder = (name: FunctionName): string => `${name}FunctionArn`;
