import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { commitmentPath } from './common';
import { maxPaymentCents, paymentMethods } from '../domain/payments';

export { paymentMethods };

export const paymentPath = z.extend(commitmentPath, { paymentId: z.string().check(z.minLength(1), z.maxLength(100)) });

export const paidOn = z.withMeta(z.iso.date(), { description: 'The date the payment was issued (YYYY-MM-DD)' });

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

const base = '/v1/projects/{projectId}/commitments/{commitmentId}/payments';

export const paymentRoutes = [
  {
    operationId: 'listPayments',
    method: 'GET',
    path: base,
    function: 'payments',
    auth: 'jwt',
    action: 'commitments.view',
    request: { path: commitmentPath, query: z.object(pageQuery) },
    response: { status: 200 },
  },
  {
    operationId: 'createPayment',
    method: 'POST',
    path: base,
    function: 'payments',
    auth: 'jwt',
    action: 'payments.add',
    request: { path: commitmentPath, body: createPaymentBody },
    response: { status: 201 },
  },
  {
    operationId: 'getPayment',
    method: 'GET',
    path: `${base}/{paymentId}`,
    function: 'payments',
    auth: 'jwt',
    action: 'commitments.view',
    request: { path: paymentPath },
    response: { status: 200 },
  },
  {
    operationId: 'deletePayment',
    method: 'DELETE',
    path: `${base}/{paymentId}`,
    function: 'payments',
    auth: 'jwt',
    action: 'payments.add',
    request: { path: paymentPath },
    response: { status: 204 },
  },
] as const satisfies readonly RouteDefinition[];
