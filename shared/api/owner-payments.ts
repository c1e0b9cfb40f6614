/** The payments received against an owner invoice: the routes and what they take (their answers in owner-payments.docs.ts). */
import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { maxPaymentCents, paymentMethods } from '../domain/payments';
import { ownerInvoicePath } from './common';

export const ownerPaymentPath = z.extend(ownerInvoicePath, { paymentId: z.string().check(z.minLength(1), z.maxLength(100)) });

export const receivedOn = z.withMeta(z.iso.date(), { description: 'The date the payment was received (YYYY-MM-DD)' });

export const createOwnerPaymentBody = z.withMeta(
  z.strictObject({
    paymentNumber: z.withMeta(z.string().check(z.trim(), z.minLength(1), z.maxLength(50)), {
      description: 'Unique in the head contract, ignoring case and surrounding spaces',
      example: 'RCV-001',
    }),
    method: z.enum(paymentMethods),
    amountCents: z.withMeta(z.number().check(z.int(), z.positive(), z.maximum(maxPaymentCents)), {
      description: `Integer cents, from 1 to ${maxPaymentCents}`,
    }),
    receivedOn,
    reference: z.withMeta(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))), {
      description: 'The owner’s remittance, check or transfer reference',
    }),
    allowOverpayment: z.withMeta(z._default(z.boolean(), false), {
      description: 'Record the payment even if the owner invoice’s payments then exceed its current payment due (G702 line 8)',
    }),
  }),
  { id: 'CreateOwnerPayment' },
);
export type CreateOwnerPaymentBody = z.infer<typeof createOwnerPaymentBody>;

const base = '/v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}/payments';

export const ownerPaymentRoutes = [
  {
    operationId: 'listOwnerPayments',
    method: 'GET',
    path: base,
    function: 'ownerPayments',
    auth: 'jwt',
    action: 'owner_invoices.view',
    request: { path: ownerInvoicePath, query: z.object(pageQuery) },
    response: { status: 200 },
  },
  {
    operationId: 'createOwnerPayment',
    method: 'POST',
    path: base,
    function: 'ownerPayments',
    auth: 'jwt',
    action: 'owner_invoices.record_payment',
    request: { path: ownerInvoicePath, body: createOwnerPaymentBody },
    response: { status: 201 },
  },
  {
    operationId: 'getOwnerPayment',
    method: 'GET',
    path: `${base}/{paymentId}`,
    function: 'ownerPayments',
    auth: 'jwt',
    action: 'owner_invoices.view',
    request: { path: ownerPaymentPath },
    response: { status: 200 },
  },
  {
    operationId: 'deleteOwnerPayment',
    method: 'DELETE',
    path: `${base}/{paymentId}`,
    function: 'ownerPayments',
    auth: 'jwt',
    action: 'owner_invoices.record_payment',
    request: { path: ownerPaymentPath },
    response: { status: 204 },
  },
] as const satisfies readonly RouteDefinition[];
