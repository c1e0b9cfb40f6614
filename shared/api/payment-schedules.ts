import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { invoicePath } from './common';
import { cents, jurisdiction } from './au-fields';

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

const schedulePath = '/v1/projects/{projectId}/invoices/{invoiceId}/payment-schedule';

export const paymentScheduleRoutes = [
  {
    operationId: 'getPaymentSchedule',
    method: 'GET',
    path: schedulePath,
    function: 'paymentSchedules',
    auth: 'jwt',
    action: 'invoices.view',
    request: { path: invoicePath },
    response: { status: 200 },
  },
  {
    operationId: 'servePaymentSchedule',
    method: 'POST',
    path: schedulePath,
    function: 'paymentSchedules',
    auth: 'jwt',
    action: 'payment_schedules.serve',
    request: { path: invoicePath, body: servePaymentScheduleBody },
    response: { status: 200 },
  },
] as const satisfies readonly RouteDefinition[];
