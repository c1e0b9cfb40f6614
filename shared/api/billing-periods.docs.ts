/** The billing periods routes' documentation (summaries, tags, what they answer, with the answers' schemas): read by the OpenAPI document only, so no handler bundles it. */
import * as z from '../zod';
import { billingPeriodSources, billingPeriodStatuses } from '../domain/billing-periods';
import { billingPeriodActions } from '../domain/allowed-actions';
import { allowedActionsField } from './common';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { billingPeriodRoutes } from './billing-periods';
import { calendarDate } from './billing-periods';

export const billingPeriodResponse = z.withMeta(
  z.object({
    projectId: z.string(),
    billingPeriodId: z.string(),
    position: z.withMeta(z.number().check(z.int()), { description: '1, 2, … in date order' }),
    startDate: z.withMeta(calendarDate, { description: 'First day, in the project’s time zone' }),
    endDate: z.withMeta(calendarDate, { description: 'Last day, in the project’s time zone' }),
    dueDate: z.withMeta(calendarDate, { description: 'After this day contacts can no longer invoice the period' }),
    status: z.enum(billingPeriodStatuses),
    source: z.enum(billingPeriodSources),
    invoiceCount: z.withMeta(z.number().check(z.int()), { description: 'Invoices billed in the period: a period in use cannot be deleted' }),
    closedAt: z.nullable(z.iso.datetime()),
    version: z.number().check(z.int()),
    createdBy: z.withMeta(z.string(), { description: 'A user id, or `system` for the billing cycle' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    allowedActions: allowedActionsField(billingPeriodActions, 'BillingPeriodAction'),
  }),
  { id: 'BillingPeriod' },
);
export type BillingPeriodResponse = z.infer<typeof billingPeriodResponse>;

export const billingPeriodList = z.withMeta(z.object({ items: z.array(billingPeriodResponse), nextCursor: z.nullable(z.string()) }), {
  id: 'BillingPeriodList',
  description: 'In date order',
});

export const billingPeriodDocs = {
  listBillingPeriods: {
    summary: 'The project’s billing periods in date order, a page at a time',
    tags: ['billing periods'],
    response: { description: 'A page of periods; nextCursor fetches the next', schema: billingPeriodList },
  },
  getCurrentBillingPeriod: {
    summary: 'The open billing period (404 when none is open)',
    tags: ['billing periods'],
    response: { description: 'The open period (ETag: its version)', schema: billingPeriodResponse },
  },
  getBillingPeriod: {
    summary: 'One billing period',
    tags: ['billing periods'],
    response: { description: 'The period (ETag: its version)', schema: billingPeriodResponse },
  },
  createBillingPeriod: {
    summary: 'Open a manual billing period after the latest one; the open period is closed',
    tags: ['billing periods'],
    response: { description: 'The period, open (Location: its URL; ETag: its version)', schema: billingPeriodResponse },
  },
  updateBillingPeriod: {
    summary: 'Change a billing period’s dates (If-Match required)',
    tags: ['billing periods'],
    response: { description: 'The period, changed (ETag: its new version)', schema: billingPeriodResponse },
  },
  closeBillingPeriod: {
    summary: 'Close an open billing period, leaving none open (If-Match optional)',
    tags: ['billing periods'],
    response: { description: 'The period, closed (ETag: its new version)', schema: billingPeriodResponse },
  },
  deleteBillingPeriod: {
    summary: 'Delete a billing period no invoice uses (If-Match optional); deleting the open one leaves none open',
    tags: ['billing periods'],
    response: { description: 'Deleted' },
  },
} satisfies Record<OperationIdOf<typeof billingPeriodRoutes>, RouteDocs>;
