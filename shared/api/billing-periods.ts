import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { isCalendarDate } from '../domain/billing-periods';
import { pageQuery } from '../http/cursor';
import { projectPath, sortQuery } from './common';

/** A calendar date in the project's time zone. */
export const calendarDate = z.withMeta(
  z
    .string()
    .check(z.regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'A date written YYYY-MM-DD', abort: true }), z.refine(isCalendarDate, 'Not a date on the calendar')),
  { example: '2027-01-31' },
);

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
    request: { path: projectPath, query: listBillingPeriodsQuery },
    response: { status: 200 },
  },
  {
    operationId: 'getCurrentBillingPeriod',
    method: 'GET',
    path: `${periods}/current`,
    function: 'billingPeriods',
    auth: 'jwt',
    action: 'billing_periods.list',
    request: { path: projectPath },
    response: { status: 200 },
  },
  {
    operationId: 'getBillingPeriod',
    method: 'GET',
    path: period,
    function: 'billingPeriods',
    auth: 'jwt',
    action: 'billing_periods.list',
    request: { path: billingPeriodPath },
    response: { status: 200 },
  },
  {
    operationId: 'createBillingPeriod',
    method: 'POST',
    path: periods,
    function: 'billingPeriods',
    auth: 'jwt',
    action: 'billing_periods.create',
    request: { path: projectPath, body: createBillingPeriodBody },
    response: { status: 201 },
  },
  {
    operationId: 'updateBillingPeriod',
    method: 'PATCH',
    path: period,
    function: 'billingPeriods',
    auth: 'jwt',
    action: 'billing_periods.edit',
    request: { path: billingPeriodPath, body: updateBillingPeriodBody },
    response: { status: 200 },
  },
  {
    operationId: 'closeBillingPeriod',
    method: 'POST',
    path: `${period}/close`,
    function: 'billingPeriods',
    auth: 'jwt',
    action: 'billing_periods.manage',
    request: { path: billingPeriodPath },
    response: { status: 200 },
  },
  {
    operationId: 'deleteBillingPeriod',
    method: 'DELETE',
    path: period,
    function: 'billingPeriods',
    auth: 'jwt',
    action: 'billing_periods.manage',
    request: { path: billingPeriodPath },
    response: { status: 204 },
  },
] as const satisfies readonly RouteDefinition[];

// ---------------------------------------------------------------------------------------------
// The API's view
