/** The payment schedules routes' documentation (summaries, tags, what they answer, with the answers' schemas): read by the OpenAPI document only, so no handler bundles it. */
import * as z from '../zod';
import { cents } from './au-fields';
import { auJurisdictions } from '../domain/au-jurisdictions';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { paymentScheduleRoutes } from './payment-schedules';

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

export const paymentScheduleDocs = {
  getPaymentSchedule: {
    summary: 'A submitted progress claim’s payment schedule: deadline, due / overdue / served',
    tags: ['payment schedules'],
    response: { description: 'The schedule or its deadline', schema: paymentScheduleResponse },
  },
  servePaymentSchedule: {
    summary: 'Serve (or correct) the payment schedule of a progress claim: scheduled amount per line, a reason for each difference',
    tags: ['payment schedules'],
    response: { description: 'The schedule as served', schema: paymentScheduleResponse },
  },
} satisfies Record<OperationIdOf<typeof paymentScheduleRoutes>, RouteDocs>;
