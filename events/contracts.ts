import * as z from 'zod';

/**
 * Event contracts: one zod schema per detail-type. Publishers validate before PutEvents,
 * handlers validate on receipt; the sample events in events/samples are checked against these.
 */
export const eventSource = 'progress-claims';

const emailAddress = z.email();

export const emailRequested = z.object({
  /** Stable id of this email: a retried or duplicated event with the same id sends nothing more. */
  emailId: z.string().min(1).max(200),
  to: z.array(emailAddress).min(1).max(50),
  replyTo: z.array(emailAddress).max(10).optional(),
  subject: z.string().min(1).max(998),
  html: z.string().min(1),
  text: z.string().min(1),
  /** Files already in the product's bucket, attached to the message. */
  attachments: z
    .array(z.object({ key: z.string().min(1), filename: z.string().min(1), contentType: z.string().min(1) }))
    .max(10)
    .optional(),
});
export type EmailRequested = z.infer<typeof emailRequested>;

/** Invites were written for these commitments of an open period: email each contact once. */
export const invitesSent = z.object({
  projectId: z.string().min(1),
  billingPeriodId: z.string().min(1),
  /** Commitments whose invites to email (at most one PutEvents entry's worth; larger sends are split). */
  commitmentIds: z.array(z.string().min(1)).min(1).max(500),
  /** `invite` for the first email, `reminder` for the reminder before the due date. */
  kind: z.enum(['invite', 'reminder']),
});
export type InvitesSent = z.infer<typeof invitesSent>;

/** A billing period opened (manually or by the billing cycle). */
export const billingPeriodOpened = z.object({
  projectId: z.string().min(1),
  billingPeriodId: z.string().min(1),
  source: z.enum(['manual', 'automatic']),
});
export type BillingPeriodOpened = z.infer<typeof billingPeriodOpened>;

/**
 * A backup job was queued. Written to the outbox with the job, never published: the outbox
 * dispatcher starts the job's workflow itself (execution named by the job id, so a second
 * delivery starts nothing more).
 */
export const backupRequested = z.object({
  projectId: z.string().min(1),
  jobId: z.string().min(1),
});
export type BackupRequested = z.infer<typeof backupRequested>;

/**
 * The billing cycle's fan-out: one partition of the due index (`billingDuePartitions`) has projects
 * due at `scheduledTime`; one worker opens their periods. Duplicates and retries open nothing twice.
 */
export const billingCycleDue = z.object({
  /** The scheduled run's instant: periods that open by then are opened. */
  scheduledTime: z.iso.datetime({ offset: true }),
  partition: z.string().min(1).max(100),
});
export type BillingCycleDue = z.infer<typeof billingCycleDue>;

/**
 * A billing period's due date changed: its task items ("my work") take the period's current due
 * date. Carries no date: the consumer reads the period, so events applied out of order agree.
 */
export const tasksResync = z.object({
  projectId: z.string().min(1),
  billingPeriodId: z.string().min(1),
});
export type TasksResync = z.infer<typeof tasksResync>;

/** An invoice's status changed (submitted, under review, approved, …): a domain event for integrations. */
export const invoiceStatusChanged = z.object({
  projectId: z.string().min(1),
  invoiceId: z.string().min(1),
  commitmentId: z.string().min(1),
  billingPeriodId: z.string().min(1),
  fromStatus: z.string().min(1),
  toStatus: z.string().min(1),
  changedBy: z.string().min(1),
  changedAt: z.iso.datetime(),
});
export type InvoiceStatusChanged = z.infer<typeof invoiceStatusChanged>;

/**
 * An invoice's (or owner invoice's) signature request ended: `signature.completed` (every signer
 * signed; the signed PDF is what its PDF route serves now), `signature.declined` or `signature.voided`.
 * Domain events for integrations, written with the step that ended the request.
 */
export const signatureEnded = z.object({
  projectId: z.string().min(1),
  /** The invoice's id, or the owner invoice's (`document`). */
  invoiceId: z.string().min(1),
  document: z.enum(['invoice', 'owner_invoice']),
  provider: z.string().min(1),
  status: z.enum(['completed', 'declined', 'voided']),
  signers: z.array(z.object({ name: z.string(), email: z.string(), status: z.string(), signedAt: z.iso.datetime().optional() })),
  /** Who ended it: the last signer, the signer who declined, or the user who voided it. */
  by: z.string().min(1),
  at: z.iso.datetime(),
  /** Completed: the SHA-256 (hex) of the document as sent. */
  documentSha256: z.string().optional(),
  reason: z.string().optional(),
});
export type SignatureEnded = z.infer<typeof signatureEnded>;

/** Webhook deliveries were created by the outbox's fan-out: attempt them now (the retry job catches any this misses). */
export const webhookDeliveriesDue = z.object({
  deliveryIds: z.array(z.string().min(1)).min(1).max(500),
});
export type WebhookDeliveriesDue = z.infer<typeof webhookDeliveriesDue>;

export const detailSchemas = {
  'email.requested': emailRequested,
  'invites.sent': invitesSent,
  'billing-period.opened': billingPeriodOpened,
  'backup.requested': backupRequested,
  'billing-cycle.due': billingCycleDue,
  'tasks.resync': tasksResync,
  'invoice.status-changed': invoiceStatusChanged,
  'signature.completed': signatureEnded,
  'signature.declined': signatureEnded,
  'signature.voided': signatureEnded,
  'webhook.deliveries-due': webhookDeliveriesDue,
} as const;

export type DetailType = keyof typeof detailSchemas;
export type Detail<T extends DetailType> = z.infer<(typeof detailSchemas)[T]>;
