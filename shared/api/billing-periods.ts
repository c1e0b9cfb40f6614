import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { billingPeriodSources, billingPeriodStatuses, isCalendarDate } from '../domain/billing-periods';
import { pageQuery } from '../http/cursor';
import type { BillingPeriodItem } from '../db/billing-periods';
import { billingPeriodActions, type BillingPeriodAction } from '../domain/allowed-actions';
import { allowedActionsField, projectPath, sortQuery } from './common';

/** A calendar date in the project's time zone. */
const calendarDate = z.withMeta(
  z
    .string()
    .check(z.regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'A date written YYYY-MM-DD', abort: true }), z.refine(isCalendarDate, 'Not a date on the calendar')),
  { example: '2027-01-31' },
);

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

export const createBillingPeriodBody = z.withMeta(z.strictObject({ startDate: calendarDate, endDate: calendarDate, dueDate: calendarDate }), {
  id: 'CreateBillingPeriod',
  description: 'Start ≤ end, due on or after start; after the latest period, never overlapping one. The open period is closed.',
});

export const updateBillingPeriodBody = z.withMeta(
  z
    .strictObject({ startDate: z.optional(calendarDate), endDate: z.optional(calendarDate), dueDate: z.optional(calendarDate) })
    .check(z.refine((body) => Object.keys(body).length > 0, 'Give at least one date to change')),
  { id: 'UpdateBillingPeriod', description: 'Only the dates given change; the same rules as on creation apply.' },
);

const billingPeriodPath = z.object({
  projectId: z.string().check(z.minLength(1), z.maxLength(100)),
  billingPeriodId: z.string().check(z.minLength(1), z.maxLength(100)),
});

const periods = '/v1/projects/{projectId}/billing-periods';
const period = `${periods}/{billingPeriodId}`;

export const listBillingPeriodsQuery = z.object({
  sort: z.optional(sortQuery(['startDate'], 'By start date (the default), or `-startDate` for the latest first')),
  ...pageQuery,
});

export const billingPeriodRoutes = [
  {
    operationId: 'listBillingPeriods',
    method: 'GET',
    path: periods,
    function: 'billingPeriods',
    auth: 'jwt',
    action: 'billing_periods.list',
    summary: 'The project’s billing periods in date order, a page at a time',
    tags: ['billing periods'],
    request: { path: projectPath, query: listBillingPeriodsQuery },
    response: { status: 200, description: 'A page of periods; nextCursor fetches the next', schema: billingPeriodList },
  },
  {
    operationId: 'getCurrentBillingPeriod',
    method: 'GET',
    path: `${periods}/current`,
    function: 'billingPeriods',
    auth: 'jwt',
    action: 'billing_periods.list',
    summary: 'The open billing period (404 when none is open)',
    tags: ['billing periods'],
    request: { path: projectPath },
    response: { status: 200, description: 'The open period (ETag: its version)', schema: billingPeriodResponse },
  },
  {
    operationId: 'getBillingPeriod',
    method: 'GET',
    path: period,
    function: 'billingPeriods',
    auth: 'jwt',
    action: 'billing_periods.list',
    summary: 'One billing period',
    tags: ['billing periods'],
    request: { path: billingPeriodPath },
    response: { status: 200, description: 'The period (ETag: its version)', schema: billingPeriodResponse },
  },
  {
    operationId: 'createBillingPeriod',
    method: 'POST',
    path: periods,
    function: 'billingPeriods',
    auth: 'jwt',
    action: 'billing_periods.create',
    summary: 'Open a manual billing period after the latest one; the open period is closed',
    tags: ['billing periods'],
    request: { path: projectPath, body: createBillingPeriodBody },
    response: { status: 201, description: 'The period, open (Location: its URL; ETag: its version)', schema: billingPeriodResponse },
  },
  {
    operationId: 'updateBillingPeriod',
    method: 'PATCH',
    path: period,
    function: 'billingPeriods',
    auth: 'jwt',
    action: 'billing_periods.edit',
    summary: 'Change a billing period’s dates (If-Match required)',
    tags: ['billing periods'],
    request: { path: billingPeriodPath, body: updateBillingPeriodBody },
    response: { status: 200, description: 'The period, changed (ETag: its new version)', schema: billingPeriodResponse },
  },
  {
    operationId: 'closeBillingPeriod',
    method: 'POST',
    path: `${period}/close`,
    function: 'billingPeriods',
    auth: 'jwt',
    action: 'billing_periods.manage',
    summary: 'Close an open billing period, leaving none open (If-Match optional)',
    tags: ['billing periods'],
    request: { path: billingPeriodPath },
    response: { status: 200, description: 'The period, closed (ETag: its new version)', schema: billingPeriodResponse },
  },
  {
    operationId: 'deleteBillingPeriod',
    method: 'DELETE',
    path: period,
    function: 'billingPeriods',
    auth: 'jwt',
    action: 'billing_periods.manage',
    summary: 'Delete a billing period no invoice uses (If-Match optional); deleting the open one leaves none open',
    tags: ['billing periods'],
    request: { path: billingPeriodPath },
    response: { status: 204, description: 'Deleted' },
  },
] as const satisfies readonly RouteDefinition[];

// ---------------------------------------------------------------------------------------------
// The API's view

export function toBillingPeriodResponse(item: BillingPeriodItem, allowedActions: BillingPeriodAction[]): BillingPeriodResponse {
  return {
    projectId: item.projectId,
    billingPeriodId: item.billingPeriodId,
    position: item.position,
    startDate: item.startDate,
    endDate: item.endDate,
    dueDate: item.dueDate,
    status: item.status,
    source: item.source,
    invoiceCount: item.invoiceCount,
    closedAt: item.closedAt ?? null,
    version: item.version,
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    allowedActions,
  };
}
