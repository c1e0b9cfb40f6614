/** The payments routes' documentation (summaries, tags, what they answer, with the answers' schemas): read by the OpenAPI document only, so no handler bundles it. */
import * as z from '../zod';
import { paymentMethods } from '../domain/payments';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { paymentRoutes } from './payments';
import { paidOn } from './payments';

export const paymentResponse = z.withMeta(
  z.object({
    projectId: z.string(),
    commitmentId: z.string(),
    paymentId: z.string(),
    paymentNumber: z.string(),
    method: z.enum(paymentMethods),
    amountCents: z.number().check(z.int()),
    paidOn,
    invoiceId: z.nullable(z.string()),
    checkNumber: z.nullable(z.string()),
    notes: z.nullable(z.string()),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
  }),
  { id: 'Payment', description: 'A payment issued on a commitment, optionally paying one of its invoices' },
);
export type PaymentResponse = z.infer<typeof paymentResponse>;

export const paymentListResponse = z.withMeta(
  z.object({
    items: z.array(paymentResponse),
    nextCursor: z.withMeta(z.nullable(z.string()), { description: 'Pass as `cursor` for the next page; null on the last page' }),
  }),
  { id: 'PaymentList' },
);

export const paymentDocs = {
  listPayments: {
    summary: 'Payments issued on a commitment, in the order they were recorded',
    tags: ['payments'],
    response: { description: 'A page of payments', schema: paymentListResponse },
  },
  createPayment: {
    summary: 'Record a payment issued (the payments-issued tab must be enabled); a linked invoice’s payment status follows',
    tags: ['payments'],
    response: { description: 'The payment (Location)', schema: paymentResponse },
  },
  getPayment: {
    summary: 'One payment issued',
    tags: ['payments'],
    response: { description: 'The payment', schema: paymentResponse },
  },
  deletePayment: {
    summary: 'Delete a payment issued; a linked invoice’s paid amount and payment status are reversed',
    tags: ['payments'],
    response: { description: 'Deleted' },
  },
} satisfies Record<OperationIdOf<typeof paymentRoutes>, RouteDocs>;
