import * as z from 'zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { commitmentPath, percentString } from './commitments';
import { invoicePath } from './invoices';
import { auJurisdictions } from '../domain/au-jurisdictions';
import { maxSlidingScaleRules } from '../domain/sliding-scale';
import { nonPaymentNotice, nonPaymentNoticeBody, nonPaymentNoticeList } from './prompt-payment';

// ---- Sliding-scale retention rules (DOMAIN.md "Sliding-scale retention") ----

const cents = z.number().int().max(Number.MAX_SAFE_INTEGER);
const jurisdiction = z.enum(auJurisdictions).meta({ description: 'Australian state or territory; defaults from the project’s time zone' });

export const slidingScaleRule = z
  .object({
    retainagePercent: percentString.meta({ description: 'Retention withheld from each claim while the rule applies' }),
    until: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('original_contract_percent'), percent: percentString }).strict(),
      z.object({ kind: z.literal('revised_contract_percent'), percent: percentString }).strict(),
      z.object({ kind: z.literal('amount'), cents: cents.positive() }).strict(),
    ]),
  })
  .strict()
  .meta({ id: 'SlidingScaleRule', example: { retainagePercent: '10', until: { kind: 'original_contract_percent', percent: '5' } } });

export const putRetainageRulesBody = z
  .object({
    rules: z.array(slidingScaleRule).max(maxSlidingScaleRules).meta({ description: `Applied in order to new invoices, never to existing ones; at most ${maxSlidingScaleRules}; [] removes the sliding scale` }),
    jurisdiction: jurisdiction.optional(),
  })
  .strict()
  .meta({ id: 'PutRetainageRules' });
export type PutRetainageRulesBody = z.infer<typeof putRetainageRulesBody>;

export const retainageRulesResponse = z
  .object({
    projectId: z.string(),
    commitmentId: z.string(),
    rules: z.array(slidingScaleRule.extend({ limitCents: cents, description: z.string() })),
    jurisdiction: z.enum(auJurisdictions).nullable(),
    updatedBy: z.string().nullable(),
    updatedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'RetainageRules', description: 'A commitment’s sliding-scale retention rules, each with its limit in cents for the contract as it stands' });
export type RetainageRulesResponse = z.infer<typeof retainageRulesResponse>;

// ---- Payment schedules (Security of Payment Acts) ----

export const servePaymentScheduleBody = z
  .object({
    lines: z
      .array(z.object({ lineId: z.string().min(1).max(100), scheduledCents: cents, reason: z.string().max(2000).optional() }).strict())
      .max(2000)
      .meta({ description: 'Scheduled (approved) amount per line; lines not given are scheduled as claimed; a difference needs its reason' }),
    claimServedOn: z.iso.date().optional().meta({ description: 'When the claim was served; defaults to the day it was submitted, on the project’s clock' }),
    referenceDate: z.iso.date().optional().meta({ description: 'The claim’s reference date' }),
    servedOn: z.iso.date().optional().meta({ description: 'When this schedule is served; defaults to today on the project’s clock' }),
    contractBusinessDays: z.number().int().min(1).max(20).optional().meta({ description: 'A shorter period the contract gives (the earlier one applies)' }),
    jurisdiction: jurisdiction.optional(),
  })
  .strict()
  .meta({ id: 'ServePaymentSchedule' });
export type ServePaymentScheduleBody = z.infer<typeof servePaymentScheduleBody>;

const deadline = z.object({
  jurisdiction: z.enum(auJurisdictions),
  act: z.string(),
  claimServedOn: z.iso.date(),
  businessDays: z.number().int(),
  dueOn: z.iso.date(),
  remindOn: z.iso.date(),
  skipped: z.array(z.object({ date: z.iso.date(), reason: z.string() })).meta({ description: 'Weekdays that are not business days between the claim and the deadline' }),
});

const scheduledLine = z.object({
  lineId: z.string(),
  description: z.string().optional(),
  claimedCents: cents.meta({ description: 'Columns E + F of the claim for the line' }),
  scheduledCents: cents,
  differenceCents: cents,
  reason: z.string().nullable(),
});

export const paymentScheduleResponse = z
  .object({
    projectId: z.string(),
    invoiceId: z.string(),
    status: z.enum(['due', 'overdue', 'served']),
    deadline,
    referenceDate: z.iso.date().nullable(),
    servedOn: z.iso.date().nullable(),
    servedLate: z.boolean().nullable(),
    servedBy: z.string().nullable(),
    lines: z.array(scheduledLine).nullable(),
    claimedCents: cents.nullable(),
    scheduledCents: cents.nullable(),
    differenceCents: cents.nullable(),
  })
  .meta({ id: 'PaymentSchedule', description: 'A progress claim’s payment schedule: its deadline and, once served, the scheduled amounts with reasons' });
export type PaymentScheduleResponse = z.infer<typeof paymentScheduleResponse>;

const rulesPath = '/v1/projects/{projectId}/commitments/{commitmentId}/retainage-rules';
const schedulePath = '/v1/projects/{projectId}/invoices/{invoiceId}/payment-schedule';
const noticesPath = '/v1/projects/{projectId}/invoices/{invoiceId}/notices-of-non-payment';

export const regionalRoutes = [
  {
    operationId: 'getRetainageRules',
    method: 'GET',
    path: rulesPath,
    function: 'retainageRules',
    auth: 'jwt',
    action: 'commitments.view',
    summary: 'A commitment’s sliding-scale retention rules',
    tags: ['retainage'],
    request: { path: commitmentPath },
    response: { status: 200, description: 'The rules (empty when the commitment has none)', schema: retainageRulesResponse },
  },
  {
    operationId: 'putRetainageRules',
    method: 'PUT',
    path: rulesPath,
    function: 'retainageRules',
    auth: 'jwt',
    action: 'retainage.configure_sliding_scale',
    summary: 'Set a commitment’s sliding-scale retention rules (applied to invoices created from now on; QLD caps checked)',
    tags: ['retainage'],
    request: { path: commitmentPath, body: putRetainageRulesBody },
    response: { status: 200, description: 'The rules as stored', schema: retainageRulesResponse },
  },
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
  {
    operationId: 'listNonPaymentNotices',
    method: 'GET',
    path: noticesPath,
    function: 'nonPaymentNotices',
    auth: 'jwt',
    action: 'invoices.view',
    summary: 'The notices of non-payment given on an invoice (en-CA projects), with its prompt-payment dates',
    tags: ['prompt payment'],
    request: { path: invoicePath },
    response: { status: 200, description: 'The notices, oldest first', schema: nonPaymentNoticeList },
  },
  {
    operationId: 'giveNonPaymentNotice',
    method: 'POST',
    path: noticesPath,
    function: 'nonPaymentNotices',
    auth: 'jwt',
    action: 'non_payment_notices.give',
    summary: 'Give a notice of non-payment on an invoice (Ontario Construction Act; by its deadline), emailed to the invoice contacts',
    tags: ['prompt payment'],
    request: { path: invoicePath, body: nonPaymentNoticeBody },
    response: { status: 201, description: 'The notice as recorded (ETag: the invoice’s new version)', schema: nonPaymentNotice },
  },
] as const satisfies readonly RouteDefinition[];
