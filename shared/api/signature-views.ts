/** The API's view of a stored signature request (what the handlers answer; its schema is in signatures.docs.ts, which no handler bundles). */
import type { SignatureStatus } from '../domain/signatures';
import type { InvoiceSignatureItem } from '../db/entities/signature';
import type { SignatureResponse } from './signatures.docs';

/** The signature request as answered (status as of `now`). */
export function toSignatureResponse(item: InvoiceSignatureItem, status: SignatureStatus): SignatureResponse {
  return {
    invoiceId: item.invoiceId,
    document: item.document ?? 'invoice',
    status,
    provider: item.provider,
    invoiceVersion: item.invoiceVersion,
    sentAt: item.sentAt,
    expiresAt: item.expiresAt,
    completedAt: item.completedAt ?? null,
    voidedAt: item.voidedAt ?? null,
    voidReason: item.voidReason ?? null,
    documentSha256: item.documentSha256 ?? null,
    signed: Boolean(item.signedPdfKey) && status === 'completed',
    signers: item.signers.map((s) => ({
      userId: s.userId,
      name: s.name,
      email: s.email,
      routingOrder: s.routingOrder,
      status: s.status,
      sentAt: s.sentAt ?? null,
      deliveredAt: s.deliveredAt ?? null,
      signedAt: s.signedAt ?? null,
      declinedAt: s.declinedAt ?? null,
      declineReason: s.declineReason ?? null,
    })),
  };
}
