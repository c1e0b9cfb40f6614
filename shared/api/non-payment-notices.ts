/** Notices of non-payment (Ontario): their routes and what giving one takes; the answers (prompt-payment.ts) are documented in non-payment-notices.docs.ts. */
import type { RouteDefinition } from '../wiring/route-definition';
import { invoicePath } from './common';
import * as z from '../zod';
import { nonPaymentNoticeBases } from '../domain/ontario-prompt-payment';

const cents = z.number().check(z.int(), z.maximum(Number.MAX_SAFE_INTEGER));

export const nonPaymentNoticeBody = z.withMeta(
  z.strictObject({
    basis: z.withMeta(z.enum(nonPaymentNoticeBases), {
      description: '`disputed`: the amount is disputed (Form 1/2); `not_paid_from_above`: the payer was not paid by the tier above (Forms 2 and 3)',
    }),
    amountCents: z.withMeta(cents, { description: 'The amount that will not be paid' }),
    reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(4000)),
    givenOn: z.withMeta(z.optional(z.iso.date()), { description: 'When the notice is given; defaults to today on the project’s clock' }),
    noticeFromAboveReceivedOn: z.withMeta(z.optional(z.iso.date()), {
      description: 'With `not_paid_from_above`: when the notice from the tier above was received',
    }),
  }),
  { id: 'GiveNonPaymentNotice' },
);
export type NonPaymentNoticeBody = z.infer<typeof nonPaymentNoticeBody>;

const noticesPath = '/v1/projects/{projectId}/invoices/{invoiceId}/notices-of-non-payment';

export const nonPaymentNoticeRoutes = [
  {
    operationId: 'listNonPaymentNotices',
    method: 'GET',
    path: noticesPath,
    function: 'nonPaymentNotices',
    auth: 'jwt',
    action: 'invoices.view',
    request: { path: invoicePath },
    response: { status: 200 },
  },
  {
    operationId: 'giveNonPaymentNotice',
    method: 'POST',
    path: noticesPath,
    function: 'nonPaymentNotices',
    auth: 'jwt',
    action: 'non_payment_notices.give',
    request: { path: invoicePath, body: nonPaymentNoticeBody },
    response: { status: 201 },
  },
] as const satisfies readonly RouteDefinition[];
