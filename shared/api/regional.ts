import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { commitmentPath, invoicePath, percentString } from './common';
import { auJurisdictions } from '../domain/au-jurisdictions';
import { maxSlidingScaleRules } from '../domain/sliding-scale';
import { nonPaymentNotice, nonPaymentNoticeBody, nonPaymentNoticeList } from './prompt-payment';

// ---- Sliding-scale retention rules (DOMAIN.md "Sliding-scale retention") ----

const cents = z.number().check(z.int(), z.maximum(Number.MAX_SAFE_INTEGER));
const jurisdiction = z.withMeta(z.enum(auJurisdictions), { description: 'Australian state or territory; defaults from the project’s time zone' });

export const slidingScaleRule = z.withMeta(
  z.strictObject({
    retainagePercent: z.withMeta(percentString, { description: 'Retention withheld from each claim while the rule applies' }),
    until: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('original_contract_percent'), percent: percentString }),
      z.strictObject({ kind: z.literal('revised_contract_percent'), percent: percentString }),
      z.strictObject({ kind: z.literal('amount'), cents: cents.check(z.positive()) }),
    ]),
  }),
  { id: 'SlidingScaleRule', example: { retainagePercent: '10', until: { kind: 'original_contract_percent', percent: '5' } } },
);

export const putRetainageRulesBody = z.withMeta(
  z.strictObject({
    rules: z.withMeta(z.array(slidingScaleRule).check(z.maxLength(maxSlidingScaleRules)), {
      description: `Applied in order to new invoices, never to existing ones; at most ${maxSlidingScaleRules}; [] removes the sliding scale`,
    }),
    jurisdiction: z.optional(jurisdiction),
  }),
  { id: 'PutRetainageRules' },
);
export type PutRetainageRulesBody = z.infer<typeof putRetainageRulesBody>;

export const retainageRulesResponse = z.withMeta(
  z.object({
    projectId: z.string(),
    commitmentId: z.string(),
    rules: z.array(z.extend(slidingScaleRule, { limitCents: cents, description: z.string() })),
    jurisdiction: z.nullable(z.enum(auJurisdictions)),
    updatedBy: z.nullable(z.string()),
    updatedAt: z.nullable(z.iso.datetime()),
  }),
  { id: 'RetainageRules', description: 'A commitment’s sliding-scale retention rules, each with its limit in cents for the contract as it stands' },
);
export type RetainageRulesResponse = z.infer<typeof retainageRulesResponse>;

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
