/** The invoice workflow's routes and the bodies they take; invoice-workflow.docs.ts documents their answers. */
import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { invoiceStatuses } from '../domain/invoices';
import { invoicePath, projectPath } from './common';

const comment = z.string().check(z.trim(), z.minLength(1), z.maxLength(2000));

export const changeInvoiceStatusBody = z.withMeta(
  z.strictObject({
    status: z.withMeta(z.enum(invoiceStatuses), {
      description: 'A contact may only send the invoice for review (`under_review`, from draft or revise_and_resubmit); an administrator may set any status',
    }),
    comment: z.withMeta(z.optional(comment), { description: 'Recorded in the history and shown in the email' }),
  }),
  { id: 'ChangeInvoiceStatus' },
);
export type ChangeInvoiceStatusBody = z.infer<typeof changeInvoiceStatusBody>;

export const reviewInvoiceBody = z.withMeta(
  z.strictObject({
    decisions: z.withMeta(
      z
        .array(
          z.strictObject({
            lineId: z.string().check(z.minLength(1), z.maxLength(100)),
            approved: z.boolean(),
            reason: z.withMeta(z.optional(comment), { description: 'Why the line is rejected: required when `approved` is false' }),
          }),
        )
        .check(z.minLength(1), z.maxLength(2000)),
      { description: 'Decisions on some or all lines; they add to the decisions already made in this review round' },
    ),
    approveInvoice: z.withMeta(z._default(z.boolean(), false), { description: 'Also approve the invoice: every line must then be approved' }),
    comment: z.optional(comment),
  }),
  { id: 'ReviewInvoice' },
);
export type ReviewInvoiceBody = z.infer<typeof reviewInvoiceBody>;

export const bulkInvoiceStatusBody = z.withMeta(
  z.strictObject({
    invoices: z.withMeta(
      z
        .array(
          z
            .strictObject({
              invoiceId: z.string().check(z.minLength(1), z.maxLength(100)),
              version: z.withMeta(z.optional(z.number().check(z.int(), z.minimum(1))), {
                description: 'The version (ETag) last read: the change applies only while it is current',
              }),
              from: z.withMeta(z.optional(z.enum(invoiceStatuses)), {
                description: 'The status last seen: the change applies only while the invoice is still in it',
              }),
            })
            .check(
              z.refine((item) => item.version !== undefined || item.from !== undefined, {
                message: 'Give the version or the status (`from`) you last read, so a change made meanwhile is not overwritten.',
                path: ['version'],
              }),
            ),
        )
        .check(
          z.minLength(1),
          z.maxLength(100),
          z.refine((items) => new Set(items.map((i) => i.invoiceId)).size === items.length, { message: 'Each invoice may be listed once.' }),
        ),
      { description: 'The invoices to change, each with what the caller last read of it; an invoice that moved meanwhile is answered 412 and left alone' },
    ),
    status: z.enum(invoiceStatuses),
    comment: z.optional(comment),
  }),
  { id: 'BulkInvoiceStatus' },
);

const invoice = '/v1/projects/{projectId}/invoices/{invoiceId}';

// The history (GET …/history) is read by the invoice reads function: shared/api/invoice-reads.ts.
export const invoiceWorkflowRoutes = [
  {
    operationId: 'changeInvoiceStatus',
    method: 'POST',
    path: `${invoice}/status`,
    function: 'invoiceWorkflow',
    auth: 'jwt',
    // a contact submits (invoices.submit_as_contact) or resubmits (invoices.resubmit_as_contact); anything else is a review
    action: ['invoices.review', 'invoices.create_as_contact', 'invoices.submit_as_contact', 'invoices.resubmit_as_contact'],
    request: { path: invoicePath, body: changeInvoiceStatusBody },
    response: { status: 200 },
  },
  {
    operationId: 'reviewInvoice',
    method: 'POST',
    path: `${invoice}/review`,
    function: 'invoiceWorkflow',
    auth: 'jwt',
    action: 'invoices.review',
    request: { path: invoicePath, body: reviewInvoiceBody },
    response: { status: 200 },
  },
  {
    operationId: 'bulkInvoiceStatus',
    method: 'POST',
    path: '/v1/projects/{projectId}/invoices/bulk-status',
    function: 'invoiceWorkflow',
    auth: 'jwt',
    action: ['invoices.bulk_status', 'invoices.create_as_contact', 'invoices.review', 'invoices.submit_as_contact', 'invoices.resubmit_as_contact'],
    request: { path: projectPath, body: bulkInvoiceStatusBody },
    response: { status: 200 },
  },
] as const satisfies readonly RouteDefinition[];
