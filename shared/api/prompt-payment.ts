/** Ontario prompt payment on invoices (shared/domain/ontario-prompt-payment.ts): the answers' views, which only the OpenAPI document and owner invoices read (the proper-invoice input is in proper-invoice-input.ts, the notice's body in non-payment-notices.ts). */
import * as z from '../zod';
import { auJurisdictions } from '../domain/au-jurisdictions';
import { enteredProperInvoiceFields, nonPaymentNoticeBases, ontarioProperInvoiceFields, type EnteredProperInvoiceField } from '../domain/ontario-prompt-payment';
// Apart, so the invoice writes bundle them without the views below.
export { properInvoiceDetailsInput, type ProperInvoiceDetailsInput } from './proper-invoice-input';

const cents = z.number().check(z.int(), z.maximum(Number.MAX_SAFE_INTEGER));

export const promptPaymentView = z.withMeta(
  z.nullable(
    z.object({
      act: z.string(),
      tier: z.withMeta(z.number().check(z.int()), { description: '0: the owner pays the contractor; 1: the contractor pays its subcontractor' }),
      proper: z.withMeta(z.boolean(), { description: 'Whether the invoice carries every field of a proper invoice' }),
      missing: z.array(z.object({ field: z.enum(ontarioProperInvoiceFields.map((f) => f.field) as [string, ...string[]]), message: z.string() })),
      details: z.object(
        Object.fromEntries(enteredProperInvoiceFields.map((field) => [field, z.nullable(z.string())])) as Record<
          EnteredProperInvoiceField,
          z.ZodMiniNullable<z.ZodMiniString>
        >,
      ),
      givenOn: z.withMeta(z.nullable(z.iso.date()), { description: 'The day the invoice was given (submitted), project time' }),
      ownerInvoiceGivenOn: z.withMeta(z.nullable(z.iso.date()), { description: 'The day the proper invoice the Act’s days count from was given to the owner' }),
      paymentDueOn: z.nullable(z.iso.date()),
      nonPaymentNoticeBy: z.withMeta(z.nullable(z.iso.date()), { description: 'The last day to give a notice of non-payment disputing the invoice' }),
      status: z.enum(['not_given', 'not_proper', 'awaiting_owner_invoice', 'due', 'overdue', 'paid']),
    }),
  ),
  { id: 'PromptPayment', description: 'Ontario prompt payment (en-CA projects; null elsewhere): proper-invoice fields, payment due date, due / overdue' },
);

export const paymentScheduleDueView = z.withMeta(
  z.nullable(
    z.object({
      jurisdiction: z.enum(auJurisdictions),
      claimServedOn: z.iso.date(),
      dueOn: z.iso.date(),
      status: z.enum(['due', 'overdue', 'served']),
    }),
  ),
  {
    id: 'PaymentScheduleDue',
    description:
      'Australian projects: when the payment schedule answering this claim is due, and whether it is overdue or served (null: not submitted, not an Australian payment-schedule state, or not yet worked out: the hourly reminder job stores it; GET …/payment-schedule always answers)',
  },
);

export const nonPaymentNotice = z.withMeta(
  z.object({
    noticeId: z.string(),
    basis: z.enum(nonPaymentNoticeBases),
    amountCents: cents,
    reason: z.string(),
    givenOn: z.iso.date(),
    noticeFromAboveReceivedOn: z.nullable(z.iso.date()),
    deadline: z.withMeta(z.iso.date(), { description: 'The Act’s last day for this notice' }),
    givenBy: z.string(),
    recordedAt: z.iso.datetime(),
  }),
  { id: 'NonPaymentNotice' },
);

export const nonPaymentNoticeList = z.withMeta(
  z.object({
    items: z.array(nonPaymentNotice),
    promptPayment: promptPaymentView,
  }),
  { id: 'NonPaymentNoticeList', description: 'The notices given on the invoice, oldest first, with its prompt-payment dates' },
);
