import type { EntityItem } from 'electrodb';
import { CustomAttributeType, Entity } from '../electrodb';
import { signatureProviders, signatureStatuses, signedDocumentKinds, type Signer } from '../../domain/signatures';
import { tableKeys, ttlAttribute } from '../keys';

/**
 * An invoice's signature request (shared/domain/signatures.ts): one per invoice, replaced when the
 * invoice is sent again after a void or decline. Its steps are in the invoice's history.
 */
export const InvoiceSignature = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'invoiceSignature', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    /** The invoice's id, or the owner invoice's (`document`). */
    invoiceId: { type: 'string', required: true, readOnly: true },
    /** What is signed; absent on requests made before owner invoices could be signed: a subcontractor invoice. */
    document: { type: signedDocumentKinds },
    status: { type: signatureStatuses, required: true },
    provider: { type: signatureProviders, required: true },
    /** The invoice version sent: the document signed is that version's PDF. */
    invoiceVersion: { type: 'number', required: true },
    /** Signer[]: who signs, in routing order, and how far each got. */
    signers: { type: CustomAttributeType<Signer[]>('any'), required: true },
    /** When the current links were sent (a resend sends new ones); links name it. */
    sentAt: { type: 'string', required: true },
    sentBy: { type: 'string', required: true },
    expiresAt: { type: 'string', required: true },
    completedAt: { type: 'string' },
    voidedAt: { type: 'string' },
    voidedBy: { type: 'string' },
    voidReason: { type: 'string' },
    /** Completed: the signed PDF and the SHA-256 (hex) of the document before it was signed. */
    signedPdfKey: { type: 'string' },
    documentSha256: { type: 'string' },
    /** DocuSign: the envelope (made once per request) and when the sender first claimed making it; the certificate of completion. */
    envelopeId: { type: 'string' },
    envelopeClaimedAt: { type: 'string' },
    certificateKey: { type: 'string' },
    version: { type: 'number', required: true },
  },
  indexes: {
    byInvoice: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['invoiceId'] },
    },
  },
}))();
export type InvoiceSignatureItem = EntityItem<typeof InvoiceSignature>;

/**
 * A one-time signing link of the built-in signer, found by the SHA-256 of its random token (the
 * token itself is only in the signer's email). Used once; expires with the request's links.
 */
export const SigningLinkRecord = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'signingLink', version: '1', service: 'claims' },
  attributes: {
    tokenHash: { type: 'string', required: true, readOnly: true },
    projectId: { type: 'string', required: true, readOnly: true },
    invoiceId: { type: 'string', required: true, readOnly: true },
    signerUserId: { type: 'string', required: true, readOnly: true },
    requestSentAt: { type: 'string', required: true, readOnly: true },
    expiresAt: { type: 'string', required: true, readOnly: true },
    usedAt: { type: 'string' },
    /** Epoch seconds: DynamoDB removes the record a while after it expired. */
    [ttlAttribute]: { type: 'number' },
  },
  indexes: {
    byTokenHash: {
      pk: { field: tableKeys.primary.pk, composite: ['tokenHash'] },
      sk: { field: tableKeys.primary.sk, composite: [] },
    },
  },
}))();
export type SigningLinkItem = EntityItem<typeof SigningLinkRecord>;

/**
 * A DocuSign envelope still open, for the polling fallback (functions/scheduled/docusign-poll.ts):
 * written when the envelope is made, removed once its request ended. One small partition: only
 * envelopes in flight (a company's invoices out for signature), ordered by when they were sent.
 */
export const DocusignWatch = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'docusignWatch', version: '1', service: 'claims' },
  attributes: {
    sentAt: { type: 'string', required: true, readOnly: true },
    projectId: { type: 'string', required: true, readOnly: true },
    invoiceId: { type: 'string', required: true, readOnly: true },
    envelopeId: { type: 'string', required: true, readOnly: true },
  },
  indexes: {
    open: {
      pk: { field: tableKeys.primary.pk, composite: [] },
      sk: { field: tableKeys.primary.sk, composite: ['sentAt', 'projectId', 'invoiceId'] },
    },
  },
}))();
export type DocusignWatchItem = EntityItem<typeof DocusignWatch>;
