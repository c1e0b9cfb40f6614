/** Ontario prompt payment on invoices (shared/domain/ontario-prompt-payment.ts): the views and inputs. */
import * as z from 'zod';
import { auJurisdictions } from '../domain/au-jurisdictions';
import { enteredProperInvoiceFields, nonPaymentNoticeBases, ontarioProperInvoiceFields, type EnteredProperInvoiceField } from '../domain/ontario-prompt-payment';

const cents = z.number().int().max(Number.MAX_SAFE_INTEGER);

/** The proper-invoice fields the contractor enters: each given replaces, null clears it. */
export const properInvoiceDetailsInput = z
  .object(
    Object.fromEntries(enteredProperInvoiceFields.map((field) => [field, z.string().trim().min(1).max(500).nullable().optional()])) as Record<
      EnteredProperInvoiceField,
      z.ZodOptional<z.ZodNullable<z.ZodString>>
    >,
  )
  .strict()
  .meta({
    id: 'ProperInvoiceDetails',
    description: 'Ontario (en-CA projects): the proper-invoice fields entered on the invoice (Construction Act s 6.1); the rest come from the invoice, its period and contract',
  });
export type ProperInvoiceDetailsInput = z.infer<typeof properInvoiceDetailsInput>;

export const promptPaymentView = z
  .object({
    act: z.string(),
    tier: z.number().int().meta({ description: '0: the owner pays the contractor; 1: the contractor pays its subcontractor' }),
    proper: z.boolean().meta({ description: 'Whether the invoice carries every field of a proper invoice' }),
    missing: z.array(z.object({ field: z.enum(ontarioProperInvoiceFields.map((f) => f.field) as [string, ...string[]]), message: z.string() })),
    details: z.object(Object.fromEntries(enteredProperInvoiceFields.map((field) => [field, z.string().nullable()])) as Record<EnteredProperInvoiceField, z.ZodNullable<z.ZodString>>),
    givenOn: z.iso.date().nullable().meta({ description: 'The day the invoice was given (submitted), project time' }),
    ownerInvoiceGivenOn: z.iso.date().nullable().meta({ description: 'The day the proper invoice the Act’s days count from was given to the owner' }),
    paymentDueOn: z.iso.date().nullable(),
    nonPaymentNoticeBy: z.iso.date().nullable().meta({ description: 'The last day to give a notice of non-payment disputing the invoice' }),
    status: z.enum(['not_given', 'not_proper', 'awaiting_owner_invoice', 'due', 'overdue', 'paid']),
  })
  .nullable()
  .meta({ id: 'PromptPayment', description: 'Ontario prompt payment (en-CA projects; null elsewhere): proper-invoice fields, payment due date, due / overdue' });

export const paymentScheduleDueView = z
  .object({
    jurisdiction: z.enum(auJurisdictions),
    claimServedOn: z.iso.date(),
    dueOn: z.iso.date(),
    status: z.enum(['due', 'overdue', 'served']),
  })
  .nullable()
  .meta({ id: 'PaymentScheduleDue', description: 'Australian projects: when the payment schedule answering this claim is due, and whether it is overdue or served (null: not submitted, not an Australian payment-schedule state, or not yet worked out: the hourly reminder job stores it; GET …/payment-schedule always answers)' });

export const nonPaymentNoticeBody = z
  .object({
    basis: z.enum(nonPaymentNoticeBases).meta({ description: '`disputed`: the amount is disputed (Form 1/2); `not_paid_from_above`: the payer was not paid by the tier above (Forms 2 and 3)' }),
    amountCents: cents.meta({ description: 'The amount that will not be paid' }),
    reason: z.string().trim().min(1).max(4000),
    givenOn: z.iso.date().optional().meta({ description: 'When the notice is given; defaults to today on the project’s clock' }),
    noticeFromAboveReceivedOn: z.iso.date().optional().meta({ description: 'With `not_paid_from_above`: when the notice from the tier above was received' }),
  })
  .strict()
  .meta({ id: 'GiveNonPaymentNotice' });
export type NonPaymentNoticeBody = z.infer<typeof nonPaymentNoticeBody>;

export const nonPaymentNotice = z
  .object({
    noticeId: z.string(),
    basis: z.enum(nonPaymentNoticeBases),
    amountCents: cents,
    reason: z.string(),
    givenOn: z.iso.date(),
    noticeFromAboveReceivedOn: z.iso.date().nullable(),
    deadline: z.iso.date().meta({ description: 'The Act’s last day for this notice' }),
    givenBy: z.string(),
    recordedAt: z.iso.datetime(),
  })
  .meta({ id: 'NonPaymentNotice' });

export const nonPaymentNoticeList = z
  .object({
    items: z.array(nonPaymentNotice),
    promptPayment: promptPaymentView,
  })
  .meta({ id: 'NonPaymentNoticeList', description: 'The notices given on the invoice, oldest first, with its prompt-payment dates' });
