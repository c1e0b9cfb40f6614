import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { commitmentPath } from './common';
import { maxPaymentCents, paymentMethods } from '../domain/payments';

export { paymentMethods };

export const paymentPath = z.extend(commitmentPath, { paymentId: z.string().check(z.minLength(1), z.maxLength(100)) });

const paidOn = z.withMeta(z.iso.date(), { description: 'The date the payment was issued (YYYY-MM-DD)' });

export const createPaymentBody = z.withMeta(
  z
    .strictObject({
      paymentNumber: z.withMeta(z.string().check(z.trim(), z.minLength(1), z.maxLength(50)), {
        description: 'Unique in the commitment, ignoring case and surrounding spaces',
        example: 'PMT-001',
      }),
      method: z.enum(paymentMethods),
      amountCents: z.withMeta(z.number().check(z.int(), z.positive(), z.maximum(maxPaymentCents)), {
        description: `Integer cents, from 1 to ${maxPaymentCents}`,
      }),
      paidOn,
      invoiceId: z.withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(100))), {
        description: 'An invoice of this commitment the payment pays (its payment status follows)',
      }),
      checkNumber: z.withMeta(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(50))), {
        description: 'Required for, and only for, method `check`',
      }),
      notes: z.optional(z.string().check(z.maxLength(2000))),
      allowOverpayment: z.withMeta(z._default(z.boolean(), false), {
        description: 'Record the payment even if the invoice’s payments then exceed its current payment due (G702 line 8)',
      }),
    })
    .check(
      z.superRefine((body, ctx) => {
        if (body.method === 'check' && body.checkNumber === undefined) {
          ctx.addIssue({ code: 'custom', path: ['checkNumber'], message: 'A check payment needs its check number' });
        }
        if (body.method !== 'check' && body.checkNumber !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['checkNumber'], message: `Only check payments have a check number, not ${body.method}` });
        }
      }),
    ),
  { id: 'CreatePayment' },
);
export type CreatePaymentBody = z.infer<typeof createPaymentBody>;

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

const base = '/v1/projects/{projectId}/commitments/{commitmentId}/payments';

export const paymentRoutes = [
  {
    operationId: 'listPayments',
    method: 'GET',
    path: base,
    function: 'payments',
    auth: 'jwt',
    action: 'commitments.view',
    summary: 'Payments issued on a commitment, in the order they were recorded',
    tags: ['payments'],
    request: { path: commitmentPath, query: z.object(pageQuery) },
    response: { status: 200, description: 'A page of payments', schema: paymentListResponse },
  },
  {
    operationId: 'createPayment',
    method: 'POST',
    path: base,
    function: 'payments',
    auth: 'jwt',
    action: 'payments.add',
    summary: 'Record a payment issued (the payments-issued tab must be enabled); a linked invoice’s payment status follows',
    tags: ['payments'],
    request: { path: commitmentPath, body: createPaymentBody },
    response: { status: 201, description: 'The payment (Location)', schema: paymentResponse },
  },
  {
    operationId: 'getPayment',
    method: 'GET',
    path: `${base}/{paymentId}`,
    function: 'payments',
    auth: 'jwt',
    action: 'commitments.view',
    summary: 'One payment issued',
    tags: ['payments'],
    request: { path: paymentPath },
    response: { status: 200, description: 'The payment', schema: paymentResponse },
  },
  {
    operationId: 'deletePayment',
    method: 'DELETE',
    path: `${base}/{paymentId}`,
    function: 'payments',
    auth: 'jwt',
    action: 'payments.add',
    summary: 'Delete a payment issued; a linked invoice’s paid amount and payment status are reversed',
    tags: ['payments'],
    request: { path: paymentPath },
    response: { status: 204, description: 'Deleted' },
  },
] as const satisfies readonly RouteDefinition[];
