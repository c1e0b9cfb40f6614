import type { OwnerPaymentItem } from '../db/entities/owner-invoice';
import type { OwnerPaymentResponse } from './owner-payments.docs';

/** The API's view of a payment received (its schema in owner-payments.docs.ts, which no handler bundles). */
export const toOwnerPaymentResponse = (item: OwnerPaymentItem): OwnerPaymentResponse => ({
  projectId: item.projectId,
  headContractId: item.headContractId,
  ownerInvoiceId: item.ownerInvoiceId,
  paymentId: item.paymentId,
  paymentNumber: item.paymentNumber,
  method: item.method,
  amountCents: item.amountCents,
  receivedOn: item.receivedOn,
  reference: item.reference ?? null,
  createdBy: item.createdBy,
  createdAt: item.createdAt,
});
