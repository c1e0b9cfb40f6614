import * as z from 'zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { billingPeriodSources, billingPeriodStatuses, isCalendarDate } from '../domain/billing-periods';
import { pageQuery } from '../http/cursor';
import { projectPath } from './projects';
import type { BillingPeriodItem } from '../db/billing-periods';
import { billingPeriodActions, type BillingPeriodAction } from '../domain/allowed-actions';
import { allowedActionsField, sortQuery } from './common';

/** A calendar date in the project's time zone. */
const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'A date written YYYY-MM-DD', abort: true })
  .refine(isCalendarDate, 'Not a date on the calendar')
  .meta({ example: '2027-01-31' });

export const billingPeriodResponse = z
  .object({
    projectId: z.string(),
    billingPeriodId: z.string(),
    position: z.number().int().meta({ description: '1, 2, … in date order' }),
    startDate: calendarDate.meta({ description: 'First day, in the project’s time zone' }),
    endDate: calendarDate.meta({ description: 'Last day, in the project’s time zone' }),
    dueDate: calendarDate.meta({ description: 'After this day contacts can no longer invoice the period' }),
    status: z.enum(billingPeriodStatuses),
    source: z.enum(billingPeriodSources),
    invoiceCount: z.number().int().meta({ description: 'Invoices billed in the period: a period in use cannot be deleted' }),
    closedAt: z.iso.datetime().nullable(),
    version: z.number().int(),
    createdBy: z.string().meta({ description: 'A user id, or `system` for the billing cycle' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    allowedActions: allowedActionsField(billingPeriodActions, 'BillingPeriodAction'),
  })
  .meta({ id: 'BillingPeriod' });
export type BillingPeriodResponse = z.infer<typeof billingPeriodResponse>;

export const billingPeriodList = z
  .object({ items: z.array(billingPeriodResponse), nextCursor: z.string().nullable() })
  .meta({ id: 'BillingPeriodList', description: 'In date order' });

export const createBillingPeriodBody = z
  .object({ startDate: calendarDate, endDate: calendarDate, dueDate: calendarDate })
  .strict()
  .meta({
    id: 'CreateBillingPeriod',
    description: 'Start ≤ end, due on or after start; after the latest period, never overlapping one. The open period is closed.',
  });

export const updateBillingPeriodBody = z
  .object({ startDate: calendarDate.optional(), endDate: calendarDate.optional(), dueDate: calendarDate.optional() })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'Give at least one date to change')
  .meta({ id: 'UpdateBillingPeriod', description: 'Only the dates given change; the same rules as on creation apply.' });

const billingPeriodPath = z.object({ projectId: z.string().min(1).max(100), billingPeriodId: z.string().min(1).max(100) });

const periods = '/v1/projects/{projectId}/billing-periods';
const period = `${periods}/{billingPeriodId}`;

export const listBillingPeriodsQuery = z.object({
  sort: sortQuery(['startDate'], 'By start date (the default), or `-startDate` for the latest first').optional(),
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
