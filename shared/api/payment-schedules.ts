import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { invoicePath } from './common';
import { cents, jurisdiction } from './au-fields';
import { auJurisdictions } from '../domain/au-jurisdictions';

// ---- Payment schedules (Security of Payment Acts) ----

export const servePaymentScheduleBody = z.withMeta(
  z.strictObject({
    lines: z.withMeta(
      z
        .array(
          z.strictObject({
            lineId: z.string().check(z.minLength(1), z.maxLength(100)),
            scheduledCents: cents,
            reason: z.optional(z.string().check(z.maxLength(2000))),
          }),
        )
        .check(z.maxLength(2000)),
      { description: 'Scheduled (approved) amount per line; lines not given are scheduled as claimed; a difference needs its reason' },
    ),
    claimServedOn: z.withMeta(z.optional(z.iso.date()), {
      description: 'When the claim was served; defaults to the day it was submitted, on the project’s clock',
    }),
    referenceDate: z.withMeta(z.optional(z.iso.date()), { description: 'The claim’s reference date' }),
    servedOn: z.withMeta(z.optional(z.iso.date()), { description: 'When this schedule is served; defaults to today on the project’s clock' }),
    contractBusinessDays: z.withMeta(z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(20))), {
      description: 'A shorter period the contract gives (the earlier one applies)',
    }),
    jurisdiction: z.optional(jurisdiction),
  }),
  { id: 'ServePaymentSchedule' },
);
export type ServePaymentScheduleBody = z.infer<typeof servePaymentScheduleBody>;

const deadline = z.object({
  jurisdiction: z.enum(auJurisdictions),
  act: z.string(),
  claimServedOn: z.iso.date(),
  businessDays: z.number().check(z.int()),
  dueOn: z.iso.date(),
  remindOn: z.iso.date(),
  skipped: z.withMeta(z.array(z.object({ date: z.iso.date(), reason: z.string() })), {
    description: 'Weekdays that are not business days between the claim and the deadline',
  }),
});

const scheduledLine = z.object({
  lineId: z.string(),
  description: z.optional(z.string()),
  claimedCents: z.withMeta(cents, { description: 'Columns E + F of the claim for the line' }),
  scheduledCents: cents,
  differenceCents: cents,
  reason: z.nullable(z.string()),
});

export const paymentScheduleResponse = z.withMeta(
  z.object({
    projectId: z.string(),
    invoiceId: z.string(),
    status: z.enum(['due', 'overdue', 'served']),
    deadline,
    referenceDate: z.nullable(z.iso.date()),
    servedOn: z.nullable(z.iso.date()),
    servedLate: z.nullable(z.boolean()),
    servedBy: z.nullable(z.string()),
    lines: z.nullable(z.array(scheduledLine)),
    claimedCents: z.nullable(cents),
    scheduledCents: z.nullable(cents),
    differenceCents: z.nullable(cents),
  }),
  { id: 'PaymentSchedule', description: 'A progress claim’s payment schedule: its deadline and, once served, the scheduled amounts with reasons' },
);
export type PaymentScheduleResponse = z.infer<typeof paymentScheduleResponse>;

const schedulePath = '/v1/projects/{projectId}/invoices/{invoiceId}/payment-schedule';

export const paymentScheduleRoutes = [
  {
    operationId: 'getPaymentSchedule',
    method: 'GET',
    path: schedulePath,
    function: 'paymentSchedules',
    auth: 'jwt',
    action: 'invoices.view',
    summary: 'A submitted progress claim’s payment schedule: deadline, due / overdue / served',
    tags: ['payment schedules'],
    request: { path: invoicePath },
    response: { status: 200, description: 'The schedule or its deadline', schema: paymentScheduleResponse },
  },
  {
    operationId: 'servePaymentSchedule',
    method: 'POST',
    path: schedulePath,
    function: 'paymentSchedules',
    auth: 'jwt',
    action: 'payment_schedules.serve',
    summary: 'Serve (or correct) the payment schedule of a progress claim: scheduled amount per line, a reason for each difference',
    tags: ['payment schedules'],
    request: { path: invoicePath, body: servePaymentScheduleBody },
    response: { status: 200, description: 'The schedule as served', schema: paymentScheduleResponse },
  },
] as const satisfies readonly RouteDefinition[];
