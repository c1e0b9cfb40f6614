/**
 * The route of the ownerInvoiceWorkflow function, with what it takes: an owner invoice sent to the owner, or the
 * owner’s answer recorded (its history, the held subcontractor invoices, the status emails and event).
 */
import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { ownerInvoiceStatuses } from '../domain/owner-invoices';
import { ownerInvoicePath } from './common';

export const changeOwnerInvoiceStatusBody = z.withMeta(
  z.strictObject({
    status: z.enum(ownerInvoiceStatuses),
    comment: z.optional(z.string().check(z.trim(), z.maxLength(2000))),
  }),
  {
    id: 'ChangeOwnerInvoiceStatus',
    description: 'draft → under_review (sent to the owner) → approved | approved_as_noted | revise_and_resubmit → under_review',
  },
);

const one = '/v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}';

export const ownerInvoiceWorkflowRoutes = [
  {
    operationId: 'changeOwnerInvoiceStatus',
    method: 'POST',
    path: `${one}/status`,
    function: 'ownerInvoiceWorkflow',
    auth: 'jwt',
    action: 'owner_invoices.edit',
    request: { path: ownerInvoicePath, body: changeOwnerInvoiceStatusBody },
    response: { status: 200 },
  },
] as const satisfies readonly RouteDefinition[];
