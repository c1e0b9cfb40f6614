import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { maxPaymentCents, paymentMethods } from '../domain/payments';
import { ownerInvoicePath } from './common';
import type { OwnerPaymentItem } from '../db/entities/owner-invoice';

export const ownerPaymentPath = z.extend(ownerInvoicePath, { paymentId: z.string().check(z.minLength(1), z.maxLength(100)) });

const receivedOn = z.withMeta(z.iso.date(), { description: 'The date the payment was received (YYYY-MM-DD)' });

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

const base = '/v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}/payments';

export const ownerPaymentRoutes = [
  {
    operationId: 'listOwnerPayments',
    method: 'GET',
    path: base,
    function: 'ownerPayments',
    auth: 'jwt',
    action: 'owner_invoices.view',
    summary: 'Payments received against an owner invoice, in the order they were recorded',
    tags: ['owner invoices'],
    request: { path: ownerInvoicePath, query: z.object(pageQuery) },
    response: { status: 200, description: 'A page of payments received', schema: ownerPaymentList },
  },
  {
    operationId: 'createOwnerPayment',
    method: 'POST',
    path: base,
    function: 'ownerPayments',
    auth: 'jwt',
    action: 'owner_invoices.record_payment',
    summary: 'Record a payment received; the owner invoice’s paid amount and payment status follow (overpayment refused unless allowed)',
    tags: ['owner invoices'],
    request: { path: ownerInvoicePath, body: createOwnerPaymentBody },
    response: { status: 201, description: 'The payment (Location)', schema: ownerPaymentResponse },
  },
  {
    operationId: 'getOwnerPayment',
    method: 'GET',
    path: `${base}/{paymentId}`,
    function: 'ownerPayments',
    auth: 'jwt',
    action: 'owner_invoices.view',
    summary: 'One payment received',
    tags: ['owner invoices'],
    request: { path: ownerPaymentPath },
    response: { status: 200, description: 'The payment received', schema: ownerPaymentResponse },
  },
  {
    operationId: 'deleteOwnerPayment',
    method: 'DELETE',
    path: `${base}/{paymentId}`,
    function: 'ownerPayments',
    auth: 'jwt',
    action: 'owner_invoices.record_payment',
    summary: 'Delete a payment received; the owner invoice’s paid amount and payment status are reversed',
    tags: ['owner invoices'],
    request: { path: ownerPaymentPath },
    response: { status: 204, description: 'Deleted' },
  },
] as const satisfies readonly RouteDefinition[];
