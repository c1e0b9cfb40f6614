import * as z from 'zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { commitmentPath } from './commitments';
import { maxPaymentCents } from '../domain/payments';

export const paymentMethods = ['check', 'credit_card', 'electronic'] as const;

export const paymentPath = commitmentPath.extend({ paymentId: z.string().min(1).max(100) });

const paidOn = z.iso.date().meta({ description: 'The date the payment was issued (YYYY-MM-DD)' });

export const createPaymentBody = z
  .object({
    paymentNumber: z.string().trim().min(1).max(50).meta({ description: 'Unique in the commitment, ignoring case and surrounding spaces', example: 'PMT-001' }),
    method: z.enum(paymentMethods),
    amountCents: z.number().int().positive().max(maxPaymentCents).meta({ description: `Integer cents, from 1 to ${maxPaymentCents}` }),
    paidOn,
    invoiceId: z.string().min(1).max(100).optional().meta({ description: 'An invoice of this commitment the payment pays (its payment status follows)' }),
    checkNumber: z.string().trim().min(1).max(50).optional().meta({ description: 'Required for, and only for, method `check`' }),
    notes: z.string().max(2000).optional(),
    allowOverpayment: z
      .boolean()
      .default(false)
      .meta({ description: 'Record the payment even if the invoice’s payments then exceed its current payment due (G702 line 8)' }),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.method === 'check' && body.checkNumber === undefined) {
      ctx.addIssue({ code: 'custom', path: ['checkNumber'], message: 'A check payment needs its check number' });
    }
    if (body.method !== 'check' && body.checkNumber !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['checkNumber'], message: `Only check payments have a check number, not ${body.method}` });
    }
  })
  .meta({ id: 'CreatePayment' });
export type CreatePaymentBody = z.infer<typeof createPaymentBody>;

export const paymentResponse = z
  .object({
    projectId: z.string(),
    commitmentId: z.string(),
    paymentId: z.string(),
    paymentNumber: z.string(),
    method: z.enum(paymentMethods),
    amountCents: z.number().int(),
    paidOn,
    invoiceId: z.string().nullable(),
    checkNumber: z.string().nullable(),
    notes: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Payment', description: 'A payment issued on a commitment, optionally paying one of its invoices' });
export type PaymentResponse = z.infer<typeof paymentResponse>;

export const paymentListResponse = z
  .object({
    items: z.array(paymentResponse),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  })
  .meta({ id: 'PaymentList' });

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
