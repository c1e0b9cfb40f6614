/** The owner payments' documentation (OpenAPI only: no handler imports it) and their answers' schemas. */
import * as z from '../zod';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import { paymentMethods } from '../domain/payments';
import { receivedOn, type ownerPaymentRoutes } from './owner-payments';

export const ownerPaymentResponse = z.withMeta(
  z.object({
    projectId: z.string(),
    headContractId: z.string(),
    ownerInvoiceId: z.string(),
    paymentId: z.string(),
    paymentNumber: z.string(),
    method: z.enum(paymentMethods),
    amountCents: z.number().check(z.int()),
    receivedOn,
    reference: z.nullable(z.string()),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
  }),
  { id: 'OwnerPayment', description: 'A payment received from the owner against an owner invoice' },
);
export type OwnerPaymentResponse = z.infer<typeof ownerPaymentResponse>;

export const ownerPaymentList = z.withMeta(
  z.object({
    items: z.array(ownerPaymentResponse),
    nextCursor: z.withMeta(z.nullable(z.string()), { description: 'Pass as `cursor` for the next page; null on the last page' }),
  }),
  { id: 'OwnerPaymentList' },
);

export const ownerPaymentDocs = {
  listOwnerPayments: {
    summary: 'Payments received against an owner invoice, in the order they were recorded',
    tags: ['owner invoices'],
    response: { description: 'A page of payments received', schema: ownerPaymentList },
  },
  createOwnerPayment: {
    summary: 'Record a payment received; the owner invoice’s paid amount and payment status follow (overpayment refused unless allowed)',
    tags: ['owner invoices'],
    response: { description: 'The payment (Location)', schema: ownerPaymentResponse },
  },
  getOwnerPayment: {
    summary: 'One payment received',
    tags: ['owner invoices'],
    response: { description: 'The payment received', schema: ownerPaymentResponse },
  },
  deleteOwnerPayment: {
    summary: 'Delete a payment received; the owner invoice’s paid amount and payment status are reversed',
    tags: ['owner invoices'],
    response: { description: 'Deleted' },
  },
} satisfies Record<OperationIdOf<typeof ownerPaymentRoutes>, RouteDocs>;
