import type { EntityItem } from 'electrodb';
import { CustomAttributeType, Entity } from '../electrodb';
import type { InvoiceContract, InvoiceFigures, LineEntry, StoredSovLine } from '../../domain/invoice-figures';
import type { LineReviews } from '../../domain/invoice-workflow';
import type { StoredPaymentSchedule } from '../../domain/au-payment-schedules';
import type { AwaitedScheduleDue } from '../../domain/au-jurisdictions';
import type { NonPaymentNoticeBasis, ProperInvoiceDetails } from '../../domain/ontario-prompt-payment';
import { tableKeys } from '../keys';

/** A notice of non-payment as recorded on an invoice. */
export interface StoredNonPaymentNotice {
  noticeId: string;
  basis: NonPaymentNoticeBasis;
  amountCents: number;
  reason: string;
  givenOn: string;
  noticeFromAboveReceivedOn?: string;
  /** The Act's deadline it was given by. */
  deadline: string;
  givenBy: string;
  recordedAt: string;
}

/** An invoice event's `changes`: JSON whose shape depends on the event type. */
export type InvoiceEventChanges = ReadonlyArray<Readonly<Record<string, unknown>>> | Readonly<Record<string, unknown>>;
import { invoicePaymentStatuses, invoiceStatuses, invoiceKinds } from '../../domain/invoices';
import { signatureEventTypes, signatureStatuses } from '../../domain/signatures';

/**
 * A subcontractor invoice (progress claim) of a commitment for a billing period. `entries` are
 * what was entered per SOV line; `figures` are the G703 lines, column totals and G702 summary
 * computed from them by shared/domain/invoice-figures.ts (stored so reads, PDFs and the next
 * invoice's "previous" figures never recompute history).
 */
export const Invoice = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'invoice', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    invoiceId: { type: 'string', required: true, readOnly: true },
    commitmentId: { type: 'string', required: true, readOnly: true },
    billingPeriodId: { type: 'string', required: true, readOnly: true },
    number: { type: 'string', required: true },
    /**
     * 1, 2, … per commitment: the order of invoices and the "previous invoice" chain. Padded in
     * the index keys so they sort (and match) numerically: 2 before 10.
     */
    position: { type: 'number', required: true, readOnly: true, padding: { length: 6, char: '0' } },
    kind: { type: invoiceKinds, required: true, readOnly: true },
    status: { type: invoiceStatuses, required: true },
    paymentStatus: { type: invoicePaymentStatuses, required: true },
    paidCents: { type: 'number', required: true },
    /** Per SOV line: the LineEntry fields of invoice-figures.ts (validated by the API's zod schemas). */
    entries: { type: CustomAttributeType<LineEntry[]>('any'), required: true },
    /** InvoiceFigures: lines, totals, summary. */
    figures: { type: CustomAttributeType<InvoiceFigures>('any'), required: true },
    /**
     * The SOV lines billed (InvoiceSovLine + costCode, changeOrderId and, with SSOV, the sub-lines
     * for reference), as at creation: what the figures were computed from, kept with them so reads,
     * edits and PDFs never depend on a later SOV change.
     */
    sovLines: { type: CustomAttributeType<StoredSovLine[]>('any'), required: true },
    /** The InvoiceContract (contract sums, retainage settings) the figures were computed with. */
    contract: { type: CustomAttributeType<InvoiceContract>('any'), required: true },
    /** Line review by the invoice administrator: lineId → { approved, reason?, by, at }. */
    lineReviews: { type: CustomAttributeType<LineReviews>('any') },
    /** The payment schedule served in answer to the claim (StoredPaymentSchedule, shared/domain/au-payment-schedules.ts). */
    paymentSchedule: { type: CustomAttributeType<StoredPaymentSchedule>('any') },
    /** The proper-invoice fields the contractor entered (Ontario; shared/domain/ontario-prompt-payment.ts). */
    properInvoice: { type: CustomAttributeType<ProperInvoiceDetails>('any') },
    /** Notices of non-payment given on this invoice (Ontario Construction Act), oldest first. */
    nonPaymentNotices: { type: CustomAttributeType<StoredNonPaymentNotice[]>('any') },
    /** The awaited payment schedule's deadline (AwaitedScheduleDue), stored by the reminder job, which has the holiday calendar. */
    paymentScheduleDue: { type: CustomAttributeType<AwaitedScheduleDue>('any') },
    /** When the administrators were reminded that the claim's payment schedule falls due (once per claim). */
    paymentScheduleRemindedAt: { type: 'string' },
    /** Set when the signature workflow completes: the e-signed PDF's key, preferred by backups. */
    signedPdfKey: { type: 'string' },
    /** The status of its signature request while it holds the figures (shared/domain/signatures.ts `locksFigures`). */
    signatureStatus: { type: signatureStatuses },
    createdBy: { type: 'string', required: true, readOnly: true },
    createdAt: { type: 'string', required: true, readOnly: true },
    submittedAt: { type: 'string' },
    updatedAt: { type: 'string', required: true },
    version: { type: 'number', required: true },
  },
  indexes: {
    byProject: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['invoiceId'] },
    },
    /** A commitment's invoices in position order: the latest is the last. */
    byCommitment: {
      index: 'gsi1',
      pk: { field: tableKeys.gsi1.pk, composite: ['projectId', 'commitmentId'] },
      sk: { field: tableKeys.gsi1.sk, composite: ['position'] },
    },
    /** A billing period's invoices. */
    byPeriod: {
      index: 'gsi2',
      pk: { field: tableKeys.gsi2.pk, composite: ['projectId', 'billingPeriodId'] },
      sk: { field: tableKeys.gsi2.sk, composite: ['commitmentId', 'position'] },
    },
  },
}))();

/** Holds an invoice number within its commitment (created in the invoice's transaction). */
export const InvoiceNumber = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'invoiceNumber', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    commitmentId: { type: 'string', required: true, readOnly: true },
    normalizedNumber: { type: 'string', required: true, readOnly: true },
    invoiceId: { type: 'string', required: true },
  },
  indexes: {
    byNumber: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['commitmentId', 'normalizedNumber'] },
    },
  },
}))();

/** The append-only history of an invoice: who, when, from → to, comment, which figures changed. */
export const InvoiceEvent = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'invoiceEvent', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    invoiceId: { type: 'string', required: true, readOnly: true },
    /** ISO instant + a suffix that keeps simultaneous events apart; the sort order is the history's. */
    eventKey: { type: 'string', required: true, readOnly: true },
    type: { type: ['created', 'edited', 'status_changed', 'lines_reviewed', 'attachment_added', 'attachment_removed', 'payment_recorded', 'forwarded', 'non_payment_notice_given', ...signatureEventTypes] as const, required: true, readOnly: true },
    by: { type: 'string', required: true, readOnly: true },
    at: { type: 'string', required: true, readOnly: true },
    fromStatus: { type: invoiceStatuses, readOnly: true },
    toStatus: { type: invoiceStatuses, readOnly: true },
    comment: { type: 'string', readOnly: true },
    /**
     * What changed, in the event type's own shape: line edits [{ lineId, field, from, to }],
     * review decisions, an attachment, a payment, a forward. Plain JSON, shown as is in the history.
     */
    changes: { type: CustomAttributeType<InvoiceEventChanges>('any'), readOnly: true },
  },
  indexes: {
    byInvoice: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['invoiceId', 'eventKey'] },
    },
  },
}))();

/** A file attached to an invoice, in S3 under companies/{companyId}/projects/{projectId}/invoices/{invoiceId}/. */
export const InvoiceAttachment = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'invoiceAttachment', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    invoiceId: { type: 'string', required: true, readOnly: true },
    attachmentId: { type: 'string', required: true, readOnly: true },
    /** Where the bytes are: the upload (staging) object while pending, the immutable copy once confirmed. */
    key: { type: 'string', required: true },
    filename: { type: 'string', required: true },
    contentType: { type: 'string', required: true },
    /** Declared at upload; confirmed (HeadObject) before the attachment counts. */
    sizeBytes: { type: 'number', required: true },
    status: { type: ['pending', 'uploaded'] as const, required: true },
    /** Upload order: ISO instant of confirmation (ties broken by id). */
    uploadedAt: { type: 'string' },
    /** SHA-256 (hex) of the confirmed bytes, computed at confirm from the immutable copy. */
    sha256: { type: 'string' },
    createdBy: { type: 'string', required: true, readOnly: true },
    createdAt: { type: 'string', required: true, readOnly: true },
  },
  indexes: {
    byInvoice: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['invoiceId', 'attachmentId'] },
    },
  },
}))();

/** A payment issued on a commitment, optionally against one invoice. */
export const Payment = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'payment', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    commitmentId: { type: 'string', required: true, readOnly: true },
    paymentId: { type: 'string', required: true, readOnly: true },
    paymentNumber: { type: 'string', required: true },
    method: { type: ['check', 'credit_card', 'electronic'] as const, required: true },
    amountCents: { type: 'number', required: true },
    /** YYYY-MM-DD */
    paidOn: { type: 'string', required: true },
    invoiceId: { type: 'string' },
    checkNumber: { type: 'string' },
    notes: { type: 'string' },
    createdBy: { type: 'string', required: true, readOnly: true },
    createdAt: { type: 'string', required: true, readOnly: true },
  },
  indexes: {
    byCommitment: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['commitmentId', 'paymentId'] },
    },
  },
}))();

/** Holds a payment number within its commitment (created in the payment's transaction, deleted with it). */
export const PaymentNumber = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'paymentNumber', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    commitmentId: { type: 'string', required: true, readOnly: true },
    /** Trimmed and upper-cased: "chq-1" and " CHQ-1" are the same number. */
    normalizedNumber: { type: 'string', required: true, readOnly: true },
    paymentId: { type: 'string', required: true },
  },
  indexes: {
    byNumber: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['commitmentId', 'normalizedNumber'] },
    },
  },
}))();

export type InvoiceItem = EntityItem<typeof Invoice>;
export type InvoiceEventItem = EntityItem<typeof InvoiceEvent>;
export type InvoiceAttachmentItem = EntityItem<typeof InvoiceAttachment>;
export type PaymentItem = EntityItem<typeof Payment>;
