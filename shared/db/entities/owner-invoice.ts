import type { EntityItem } from 'electrodb';
import { CustomAttributeType, Entity } from '../electrodb';
import type { InvoiceContract, InvoiceFigures, LineEntry, StoredSovLine } from '../../domain/invoice-figures';
import type { StoredPrefill } from '../../domain/owner-prefill';
import { tableKeys } from '../keys';
import type { ProperInvoiceDetails } from '../../domain/ontario-prompt-payment';
import { invoiceKinds, invoicePaymentStatuses } from '../../domain/invoices';
import { ownerInvoiceStatuses } from '../../domain/owner-invoices';
import { signatureStatuses } from '../../domain/signatures';

/**
 * An owner invoice (payment application to the owner) of a head contract for a billing period:
 * stored like a subcontractor invoice (entries, the figures `computeInvoice` made of them, the SOV
 * lines and contract terms they were computed from), so the same code reads, edits and prints both.
 * Its history is `InvoiceEvent` items under its id.
 */
export const OwnerInvoice = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'ownerInvoice', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    ownerInvoiceId: { type: 'string', required: true, readOnly: true },
    headContractId: { type: 'string', required: true, readOnly: true },
    billingPeriodId: { type: 'string', required: true, readOnly: true },
    number: { type: 'string', required: true },
    /** 1, 2, … per head contract: the "previous invoice" chain (line 7 = the previous one's line 6). */
    position: { type: 'number', required: true, readOnly: true, padding: { length: 6, char: '0' } },
    kind: { type: invoiceKinds, required: true, readOnly: true },
    status: { type: ownerInvoiceStatuses, required: true },
    paymentStatus: { type: invoicePaymentStatuses, required: true },
    paidCents: { type: 'number', required: true },
    entries: { type: CustomAttributeType<LineEntry[]>('any'), required: true },
    figures: { type: CustomAttributeType<InvoiceFigures>('any'), required: true },
    sovLines: { type: CustomAttributeType<StoredSovLine[]>('any'), required: true },
    contract: { type: CustomAttributeType<InvoiceContract>('any'), required: true },
    /** The proper-invoice fields the contractor entered (Ontario; shared/domain/ontario-prompt-payment.ts). */
    properInvoice: { type: CustomAttributeType<ProperInvoiceDetails>('any') },
    /** The last pre-fill from the period's subcontractor costs (StoredPrefill): per line the invoice lines summed, unmapped costs, included invoices, change orders. */
    prefill: { type: CustomAttributeType<StoredPrefill>('any') },
    /** Set when its signature request completes: the e-signed PDF's key, used by the PDF route, email and backups. */
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
      sk: { field: tableKeys.primary.sk, composite: ['ownerInvoiceId'] },
    },
    /** A head contract's owner invoices in position order: the latest is the last. */
    byHeadContract: {
      index: 'gsi1',
      pk: { field: tableKeys.gsi1.pk, composite: ['projectId', 'headContractId'] },
      sk: { field: tableKeys.gsi1.sk, composite: ['position'] },
    },
    /** A billing period's owner invoices. */
    byPeriod: {
      index: 'gsi2',
      pk: { field: tableKeys.gsi2.pk, composite: ['projectId', 'billingPeriodId'] },
      sk: { field: tableKeys.gsi2.sk, composite: ['headContractId', 'position'] },
    },
  },
}))();

/**
 * Claims within a head contract, created in the owner invoice's transaction so races fail there:
 * its number (`number:…`) and its position (`position:…`, two invoices can never share one, so
 * two progress invoices created for one period at the same moment cannot both succeed).
 */
export const OwnerInvoiceClaim = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'ownerInvoiceClaim', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    headContractId: { type: 'string', required: true, readOnly: true },
    claim: { type: 'string', required: true, readOnly: true },
    ownerInvoiceId: { type: 'string', required: true },
  },
  indexes: {
    byClaim: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['headContractId', 'claim'] },
    },
  },
}))();

/**
 * A payment received from the owner against an owner invoice. Its number is held, unique per head
 * contract, by an `OwnerInvoiceClaim` (`payment:…`) created in the same transaction.
 */
export const OwnerPayment = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'ownerPayment', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    ownerInvoiceId: { type: 'string', required: true, readOnly: true },
    paymentId: { type: 'string', required: true, readOnly: true },
    headContractId: { type: 'string', required: true, readOnly: true },
    paymentNumber: { type: 'string', required: true },
    method: { type: ['check', 'credit_card', 'electronic'] as const, required: true },
    amountCents: { type: 'number', required: true },
    /** YYYY-MM-DD */
    receivedOn: { type: 'string', required: true },
    reference: { type: 'string' },
    createdBy: { type: 'string', required: true, readOnly: true },
    createdAt: { type: 'string', required: true, readOnly: true },
  },
  indexes: {
    byOwnerInvoice: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['ownerInvoiceId', 'paymentId'] },
    },
  },
}))();

export type OwnerInvoiceItem = EntityItem<typeof OwnerInvoice>;
export type OwnerPaymentItem = EntityItem<typeof OwnerPayment>;
