import * as z from '../shared/zod';

/**
 * Event contracts: one zod schema per detail-type. Publishers validate before PutEvents (the
 * outbox when it writes the record), handlers validate on receipt; the sample events in
 * events/samples are checked against these. Each schema is built in a pure-marked arrow function
 * and each contract (`emailRequestedEvent`, below) is an export of its own, so a function bundles
 * the contracts it names only.
 */
export const eventSource = 'progress-claims';

const emailAddress = /* @__PURE__ */ (() => z.email())();

export const emailRequested = /* @__PURE__ */ (() => z.object({
  /** Stable id of this email: a retried or duplicated event with the same id sends nothing more. */
  emailId: z.string().check(z.minLength(1), z.maxLength(200)),
  to: z.array(emailAddress).check(z.minLength(1), z.maxLength(50)),
  replyTo: z.optional(z.array(emailAddress).check(z.maxLength(10))),
  subject: z.string().check(z.minLength(1), z.maxLength(998)),
  html: z.string().check(z.minLength(1)),
  text: z.string().check(z.minLength(1)),
  /** Files already in the product's bucket, attached to the message. */
  attachments: z.optional(
    z
      .array(z.object({ key: z.string().check(z.minLength(1)), filename: z.string().check(z.minLength(1)), contentType: z.string().check(z.minLength(1)) }))
      .check(z.maxLength(10)),
  ),
}))();
export type EmailRequested = z.infer<typeof emailRequested>;

/** Invites were written for these commitments of an open period: email each contact once. */
export const invitesSent = /* @__PURE__ */ (() => z.object({
  projectId: z.string().check(z.minLength(1)),
  billingPeriodId: z.string().check(z.minLength(1)),
  /** Commitments whose invites to email (at most one PutEvents entry's worth; larger sends are split). */
  commitmentIds: z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(500)),
  /** `invite` for the first email, `reminder` for the reminder before the due date. */
  kind: z.enum(['invite', 'reminder']),
}))();
export type InvitesSent = z.infer<typeof invitesSent>;

/** A billing period opened (manually or by the billing cycle). */
export const billingPeriodOpened = /* @__PURE__ */ (() => z.object({
  projectId: z.string().check(z.minLength(1)),
  billingPeriodId: z.string().check(z.minLength(1)),
  source: z.enum(['manual', 'automatic']),
  // Added for integrations (webhooks); absent from events published before them.
  startDate: z.optional(z.iso.date()),
  endDate: z.optional(z.iso.date()),
  dueDate: z.optional(z.iso.date()),
  occurredAt: z.optional(z.iso.datetime()),
}))();
export type BillingPeriodOpened = z.infer<typeof billingPeriodOpened>;

/**
 * A backup job was queued. Written to the outbox with the job, never published: the outbox
 * dispatcher starts the job's workflow itself (execution named by the job id, so a second
 * delivery starts nothing more).
 */
export const backupRequested = /* @__PURE__ */ (() => z.object({
  projectId: z.string().check(z.minLength(1)),
  jobId: z.string().check(z.minLength(1)),
}))();
export type BackupRequested = z.infer<typeof backupRequested>;

/**
 * The billing cycle's fan-out: one partition of the due index (`billingDuePartitions`) has projects
 * due at `scheduledTime`; one worker opens their periods. Duplicates and retries open nothing twice.
 */
export const billingCycleDue = /* @__PURE__ */ (() => z.object({
  /** The scheduled run's instant: periods that open by then are opened. */
  scheduledTime: z.iso.datetime({ offset: true }),
  partition: z.string().check(z.minLength(1), z.maxLength(100)),
}))();
export type BillingCycleDue = z.infer<typeof billingCycleDue>;

/**
 * A billing period's due date changed: its task items ("my work") take the period's current due
 * date. Carries no date: the consumer reads the period, so events applied out of order agree.
 */
export const tasksResync = /* @__PURE__ */ (() => z.object({
  projectId: z.string().check(z.minLength(1)),
  billingPeriodId: z.string().check(z.minLength(1)),
}))();
export type TasksResync = z.infer<typeof tasksResync>;

/** An invoice's status changed (submitted, under review, approved, …): a domain event for integrations. */
export const invoiceStatusChanged = /* @__PURE__ */ (() => z.object({
  projectId: z.string().check(z.minLength(1)),
  invoiceId: z.string().check(z.minLength(1)),
  commitmentId: z.string().check(z.minLength(1)),
  billingPeriodId: z.string().check(z.minLength(1)),
  fromStatus: z.string().check(z.minLength(1)),
  toStatus: z.string().check(z.minLength(1)),
  changedBy: z.string().check(z.minLength(1)),
  changedAt: z.iso.datetime(),
}))();
export type InvoiceStatusChanged = z.infer<typeof invoiceStatusChanged>;

// ---------------------------------------------------------------------------------------------
// Domain events for integrations (DOMAIN.md, "Events for integrations"): written to the outbox
// with the state change, POSTed to subscribed webhook endpoints as `{ type, timestamp, data }`.
// Field names are a public contract: add fields, never rename or remove one. Money is integer
// cents with its ISO 4217 currency; `occurredAt` is when the change was committed.

const id = /* @__PURE__ */ (() => z.string().check(z.minLength(1)))();
const currency = /* @__PURE__ */ (() => z.withMeta(z.string().check(z.length(3)), { description: 'ISO 4217 code of the project’s currency', example: 'AUD' }))();
const cents = /* @__PURE__ */ (() => z.withMeta(z.number().check(z.int()), { description: 'Integer cents (hundredths of the currency unit)' }))();
const occurredAt = /* @__PURE__ */ (() => z.withMeta(z.iso.datetime(), { description: 'When the change was committed' }))();
const userId = /* @__PURE__ */ (() => z.withMeta(id, { description: 'The user who made the change, or `system`' }))();

/** An invoice was sent for review (submitted or resubmitted): the claim the subcontractor makes. */
export const invoiceSubmitted = /* @__PURE__ */ (() => z.object({
  projectId: id,
  invoiceId: id,
  invoiceNumber: z.string(),
  commitmentId: id,
  billingPeriodId: id,
  /** 'draft' for a first submission, 'revise_and_resubmit' for a resubmission. */
  fromStatus: z.string().check(z.minLength(1)),
  amountDueCents: z.withMeta(cents, { description: 'G702 line 8, current payment due (integer cents)' }),
  totalCompletedAndStoredCents: z.withMeta(cents, { description: 'G702 line 4 (integer cents)' }),
  retainageCents: z.withMeta(cents, { description: 'G702 line 5, retainage held to date (integer cents)' }),
  currency,
  submittedBy: userId,
  occurredAt,
}))();
export type InvoiceSubmitted = z.infer<typeof invoiceSubmitted>;

/** An invoice was approved, or approved as noted (approved with changes noted on lines). */
export const invoiceApproved = /* @__PURE__ */ (() => z.object({
  projectId: id,
  invoiceId: id,
  invoiceNumber: z.string(),
  commitmentId: id,
  billingPeriodId: id,
  status: z.enum(['approved', 'approved_as_noted']),
  amountDueCents: z.withMeta(cents, { description: 'G702 line 8, current payment due (integer cents)' }),
  totalCompletedAndStoredCents: z.withMeta(cents, { description: 'G702 line 4 (integer cents)' }),
  retainageCents: z.withMeta(cents, { description: 'G702 line 5, retainage held to date (integer cents)' }),
  currency,
  approvedBy: userId,
  occurredAt,
}))();
export type InvoiceApproved = z.infer<typeof invoiceApproved>;

/** An invoice contact answered an invite to bill a period. */
export const inviteResponded = /* @__PURE__ */ (() => z.object({
  projectId: id,
  inviteId: id,
  billingPeriodId: id,
  commitmentId: id,
  response: z.enum(['accepted', 'declined']),
  respondedBy: userId,
  occurredAt,
}))();
export type InviteResponded = z.infer<typeof inviteResponded>;

/** A billing period closed: closed by hand, or when the next period opened. */
export const billingPeriodClosed = /* @__PURE__ */ (() => z.object({
  projectId: id,
  billingPeriodId: id,
  startDate: z.iso.date(),
  endDate: z.iso.date(),
  reason: z.enum(['closed', 'next-period-opened']),
  closedBy: userId,
  occurredAt,
}))();
export type BillingPeriodClosed = z.infer<typeof billingPeriodClosed>;

/** A payment to a subcontractor was recorded on a commitment (optionally against one of its invoices). */
export const paymentRecorded = /* @__PURE__ */ (() => z.object({
  projectId: id,
  commitmentId: id,
  paymentId: id,
  paymentNumber: z.string(),
  invoiceId: z.nullable(id),
  amountCents: cents,
  currency,
  method: z.string(),
  paidOn: z.iso.date(),
  recordedBy: userId,
  occurredAt,
}))();
export type PaymentRecorded = z.infer<typeof paymentRecorded>;

/** A payment from the owner was received against an owner invoice. */
export const paymentReceived = /* @__PURE__ */ (() => z.object({
  projectId: id,
  headContractId: id,
  ownerInvoiceId: id,
  paymentId: id,
  paymentNumber: z.string(),
  amountCents: cents,
  currency,
  method: z.string(),
  receivedOn: z.iso.date(),
  recordedBy: userId,
  occurredAt,
}))();
export type PaymentReceived = z.infer<typeof paymentReceived>;

/** An invoice backup job finished: succeeded (its PDF is ready) or failed. */
export const backupCompleted = /* @__PURE__ */ (() => z.object({
  projectId: id,
  jobId: id,
  status: z.enum(['succeeded', 'failed']),
  pages: z.nullable(z.number().check(z.int())),
  bytes: z.nullable(z.number().check(z.int())),
  warningCount: z.nullable(z.number().check(z.int())),
  error: z.nullable(z.string()),
  occurredAt,
}))();
export type BackupCompleted = z.infer<typeof backupCompleted>;

/** An owner invoice (billing the owner under a head contract) changed status. */
export const ownerInvoiceStatusChanged = /* @__PURE__ */ (() => z.object({
  projectId: id,
  ownerInvoiceId: id,
  headContractId: id,
  invoiceNumber: z.string(),
  fromStatus: z.string().check(z.minLength(1)),
  toStatus: z.string().check(z.minLength(1)),
  changedBy: userId,
  occurredAt,
}))();
export type OwnerInvoiceStatusChanged = z.infer<typeof ownerInvoiceStatusChanged>;

/**
 * An invoice's (or owner invoice's) signature request ended: `signature.completed` (every signer
 * signed; the signed PDF is what its PDF route serves now), `signature.declined` or `signature.voided`.
 * Domain events for integrations, written with the step that ended the request.
 */
export const signatureEnded = /* @__PURE__ */ (() => z.object({
  projectId: z.string().check(z.minLength(1)),
  /** The invoice's id, or the owner invoice's (`document`). */
  invoiceId: z.string().check(z.minLength(1)),
  document: z.enum(['invoice', 'owner_invoice']),
  provider: z.string().check(z.minLength(1)),
  status: z.enum(['completed', 'declined', 'voided']),
  signers: z.array(z.object({ name: z.string(), email: z.string(), status: z.string(), signedAt: z.optional(z.iso.datetime()) })),
  /** Who ended it: the last signer (an owner contact's id is `owner-contact:<email>`), the signer who declined, or the user who voided it. */
  endedBy: z.string().check(z.minLength(1)),
  occurredAt: z.iso.datetime(),
  /** Completed: the SHA-256 (hex) of the document as sent. */
  documentSha256: z.optional(z.string()),
  reason: z.optional(z.string()),
}))();
export type SignatureEnded = z.infer<typeof signatureEnded>;

/** Webhook deliveries were created by the outbox's fan-out: attempt them now (the retry job catches any this misses). */
export const webhookDeliveriesDue = /* @__PURE__ */ (() => z.object({
  deliveryIds: z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(500)),
}))();
export type WebhookDeliveriesDue = z.infer<typeof webhookDeliveriesDue>;

/** An accounting export was queued (written to the outbox with its job): the export function produces its files. */
export const accountingExportRequested = /* @__PURE__ */ (() => z.object({
  projectId: z.string().check(z.minLength(1)),
  exportId: z.string().check(z.minLength(1)),
}))();
export type AccountingExportRequested = z.infer<typeof accountingExportRequested>;
/**
 * A DocuSign call a signature step needs (written to the outbox with the step): send the request's
 * envelope, void it, resend it to the current signer, or store the completed envelope's documents;
 * or the polling fallback's `refresh` of an envelope still open.
 * The consumer (functions/events/docusign-envelopes.ts) reads the request and does each once.
 */
export const docusignRequested = /* @__PURE__ */ (() => z.object({
  projectId: z.string().check(z.minLength(1)),
  invoiceId: z.string().check(z.minLength(1)),
  /** The request's `sentAt`: a call for an earlier request (voided, sent again) does nothing. */
  sentAt: z.iso.datetime(),
  /** `refresh`: the polling fallback asks for the envelope's status (Connect may have missed it). */
  action: z.enum(['send', 'void', 'resend', 'store-completed', 'refresh']),
  /** The API's origin, where Connect posts the envelope's events (send only). */
  apiBaseUrl: z.optional(z.url()),
  reason: z.optional(z.string().check(z.maxLength(200))),
}))();
export type DocusignRequested = z.infer<typeof docusignRequested>;

/** Every detail-type the outbox and the bus carry: the outbox delivers no other (the compiler holds the contracts below to it). */
export const detailTypes = [
  'email.requested',
  'invites.sent',
  'billing-period.opened',
  'backup.requested',
  'billing-cycle.due',
  'tasks.resync',
  'invoice.status-changed',
  'webhook.deliveries-due',
  'invoice.submitted',
  'invoice.approved',
  'invite.responded',
  'billing-period.closed',
  'payment.recorded',
  'payment.received',
  'backup.completed',
  'owner-invoice.status-changed',
  'signature.completed',
  'signature.declined',
  'signature.voided',
  'accounting-export.requested',
  'docusign.requested',
] as const;
export type DetailType = (typeof detailTypes)[number];

/**
 * A detail-type and the contract its details hold to: what the outbox writer and the publishers are
 * given (`outboxRecord(emailRequestedEvent, …)`), so a function bundles the contracts of the events it writes only.
 */
export interface EventContract<T extends DetailType = DetailType, S extends z.ZodMiniType = z.ZodMiniType> {
  readonly detailType: T;
  readonly schema: S;
}

// Side-effect free, so esbuild drops the contracts (and their schemas) a function never names.
/* @__NO_SIDE_EFFECTS__ */
function contract<const T extends DetailType, S extends z.ZodMiniType>(detailType: T, schema: S): EventContract<T, S> {
  return { detailType, schema };
}

export const emailRequestedEvent = contract('email.requested', emailRequested);
export const invitesSentEvent = contract('invites.sent', invitesSent);
export const billingPeriodOpenedEvent = contract('billing-period.opened', billingPeriodOpened);
export const backupRequestedEvent = contract('backup.requested', backupRequested);
export const billingCycleDueEvent = contract('billing-cycle.due', billingCycleDue);
export const tasksResyncEvent = contract('tasks.resync', tasksResync);
export const invoiceStatusChangedEvent = contract('invoice.status-changed', invoiceStatusChanged);
export const webhookDeliveriesDueEvent = contract('webhook.deliveries-due', webhookDeliveriesDue);
export const invoiceSubmittedEvent = contract('invoice.submitted', invoiceSubmitted);
export const invoiceApprovedEvent = contract('invoice.approved', invoiceApproved);
export const inviteRespondedEvent = contract('invite.responded', inviteResponded);
export const billingPeriodClosedEvent = contract('billing-period.closed', billingPeriodClosed);
export const paymentRecordedEvent = contract('payment.recorded', paymentRecorded);
export const paymentReceivedEvent = contract('payment.received', paymentReceived);
export const backupCompletedEvent = contract('backup.completed', backupCompleted);
export const ownerInvoiceStatusChangedEvent = contract('owner-invoice.status-changed', ownerInvoiceStatusChanged);
export const signatureCompletedEvent = contract('signature.completed', signatureEnded);
export const signatureDeclinedEvent = contract('signature.declined', signatureEnded);
export const signatureVoidedEvent = contract('signature.voided', signatureEnded);
export const accountingExportRequestedEvent = contract('accounting-export.requested', accountingExportRequested);
export const docusignRequestedEvent = contract('docusign.requested', docusignRequested);

/* @__NO_SIDE_EFFECTS__ */
function schemasByType<const C extends readonly EventContract[]>(...contracts: C) {
  return Object.fromEntries(contracts.map((c) => [c.detailType, c.schema])) as { readonly [K in C[number] as K['detailType']]: K['schema'] };
}

/** Every contract by detail-type, for what reads them all: the OpenAPI `webhooks` section, the local invoker, the tests. */
export const detailSchemas = schemasByType(
  emailRequestedEvent,
  invitesSentEvent,
  billingPeriodOpenedEvent,
  backupRequestedEvent,
  billingCycleDueEvent,
  tasksResyncEvent,
  invoiceStatusChangedEvent,
  webhookDeliveriesDueEvent,
  invoiceSubmittedEvent,
  invoiceApprovedEvent,
  inviteRespondedEvent,
  billingPeriodClosedEvent,
  paymentRecordedEvent,
  paymentReceivedEvent,
  backupCompletedEvent,
  ownerInvoiceStatusChangedEvent,
  signatureCompletedEvent,
  signatureDeclinedEvent,
  signatureVoidedEvent,
  accountingExportRequestedEvent,
  docusignRequestedEvent,
) satisfies Record<DetailType, z.ZodMiniType>;

export type Detail<T extends DetailType> = z.infer<(typeof detailSchemas)[T]>;

/**
 * The domain events integrations subscribe to: the one list webhooks' endpoints validate against,
 * the outbox fans out, and the OpenAPI document and README describe. Internal records (emails,
 * backups to start, billing-cycle fan-out) are not in it and never reach a webhook.
 */
export const domainEventTypes = [
  'invoice.submitted',
  'invoice.status-changed',
  'invoice.approved',
  'invites.sent',
  'invite.responded',
  'billing-period.opened',
  'billing-period.closed',
  'payment.recorded',
  'payment.received',
  'backup.completed',
  'owner-invoice.status-changed',
  'signature.completed',
  'signature.declined',
  'signature.voided',
] as const satisfies readonly DetailType[];
export type DomainEventType = (typeof domainEventTypes)[number];

/**
 * What each domain event means, for the OpenAPI document and README (one entry per type, the
 * compiler holds them to the list). Apart from the list so that functions that only dispatch
 * records (which checks the type) do not bundle these words.
 */
export const domainEvents: Readonly<Record<DomainEventType, string>> = {
  'invoice.submitted': 'An invoice was sent for review (first submission or resubmission), with its G702 figures',
  'invoice.status-changed': 'An invoice changed status (any step of the review workflow)',
  'invoice.approved': 'An invoice was approved, or approved as noted',
  'invites.sent': 'Invites to bill a period were emailed to these commitments’ contacts (`kind`: invite or reminder)',
  'invite.responded': 'An invoice contact accepted or declined an invite to bill a period',
  'billing-period.opened': 'A billing period opened, by hand (`manual`) or by the billing cycle (`automatic`)',
  'billing-period.closed': 'A billing period closed, by hand or because the next one opened',
  'payment.recorded': 'A payment to a subcontractor was recorded on a commitment',
  'payment.received': 'A payment from the owner was received against an owner invoice',
  'backup.completed': 'An invoice backup job finished: succeeded (PDF ready) or failed',
  'owner-invoice.status-changed': 'An owner invoice changed status',
  'signature.completed': 'Every signer signed an invoice or owner invoice (`document`): its PDF is now the sealed one',
  'signature.declined': 'A signer declined to sign an invoice or owner invoice',
  'signature.voided': 'A signature request (open or completed) was voided',
};
