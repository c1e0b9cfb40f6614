/**
 * The invoice answers' schemas (Invoice, InvoiceLine, InvoiceList, …): only the OpenAPI document reads
 * them (the invoice areas' documentation modules, *.docs.ts), so no Lambda bundles them; the views
 * that build the answers (invoice-views.ts) take their types from here.
 */
import * as z from '../zod';
import { invoiceKinds, invoicePaymentStatuses, invoiceStatuses } from '../domain/invoices';
import { allowedActionsField, retainageSettings } from './common';
import { invoiceActions } from '../domain/allowed-actions';
import { paymentScheduleDueView, promptPaymentView } from './prompt-payment';
import { entryFields } from './invoice-entries';

const cents = (description: string) => z.withMeta(z.number().check(z.int()), { description });
const percentShown = (description: string) => z.withMeta(z.string(), { description, example: '50' });

export const lineEntry = z.withMeta(z.object(entryFields), {
  id: 'InvoiceLineEntry',
  description: 'What was entered on the line this period (in answers, by the current names only)',
});

// ---------------------------------------------------------------------------------------------
// Figures (shared/domain/invoice-figures.ts)

export const retainageBucket = z.withMeta(
  z.object({
    percent: percentShown('The % applied, or for an amount entered the % it is of the base'),
    source: z.enum(['percent', 'amount', 'disabled', 'sliding_scale']),
    baseCents: cents('Work completed to date (D + E) or materials presently stored (F)'),
    retainedToDateCents: cents('Retained on the base to date, before releases'),
    retainedThisInvoiceCents: cents('Retained by this invoice: the change of what is held before its release (negative when the base shrank)'),
    releasedThisInvoiceCents: cents('Released by this invoice'),
    releasedToDateCents: cents('Released so far'),
    heldCents: cents('Held now: retained to date less released to date'),
    retainageCents: z.withMeta(cents('Old name of retainedToDateCents'), { deprecated: true }),
    retainedThisPeriodCents: z.withMeta(cents('Old name of retainedThisInvoiceCents'), { deprecated: true }),
    releasedThisPeriodCents: z.withMeta(cents('Old name of releasedThisInvoiceCents'), { deprecated: true }),
    currentlyRetainedCents: z.withMeta(cents('Old name of heldCents'), { deprecated: true }),
  }),
  { id: 'RetainageBucket' },
);

const subLine = z.object({ subLineId: z.string(), description: z.string(), amountCents: z.number().check(z.int()) });

export const invoiceLine = z.withMeta(
  z.object({
    lineId: z.string(),
    costCode: z.nullable(z.string()),
    description: z.string(),
    changeOrderId: z.withMeta(z.nullable(z.string()), { description: 'The approved change order that added the line' }),
    unitOfMeasure: z.nullable(z.string()),
    subLines: z.withMeta(z.array(subLine), { description: 'SSOV sub-lines, for reference (the figures stay per SOV line)' }),
    entry: lineEntry,
    review: z.withMeta(z.nullable(z.object({ approved: z.boolean(), reason: z.nullable(z.string()), by: z.string(), at: z.iso.datetime() })), {
      description: 'The invoice administrator’s decision on the line',
    }),
    kind: z.enum(['amount', 'unit']),
    scheduledValueCents: cents('C'),
    quantity: z.nullable(z.string()),
    unitPrice: z.nullable(z.string()),
    previousQuantity: z.nullable(z.string()),
    quantityThisPeriod: z.nullable(z.string()),
    quantityToDate: z.nullable(z.string()),
    previousWorkCents: cents('D = previous D + previous E'),
    workThisPeriodCents: cents('E'),
    materialsStoredCents: cents('F'),
    completedAndStoredCents: cents('G = D + E + F'),
    completedAndStoredPercent: percentShown('G ÷ C, 4 places: an output, stored materials included (the input is entry.percentCompleteToDate)'),
    percentComplete: z.withMeta(percentShown('Old name of completedAndStoredPercent'), { deprecated: true }),
    percentCompleteDisplay: percentShown('G ÷ C, 2 places'),
    balanceToFinishCents: cents('H = C − G'),
    retainageHeldCents: cents('I: work + materials retainage held now'),
    retainageCents: z.withMeta(cents('Old name of retainageHeldCents'), { deprecated: true }),
    workRetainage: retainageBucket,
    materialsRetainage: retainageBucket,
  }),
  { id: 'InvoiceLine' },
);
export type InvoiceLineResponse = z.infer<typeof invoiceLine>;

export const invoiceTotals = z.withMeta(
  z.object({
    scheduledValueCents: z.number().check(z.int()),
    previousWorkCents: z.number().check(z.int()),
    workThisPeriodCents: z.number().check(z.int()),
    materialsStoredCents: z.number().check(z.int()),
    completedAndStoredCents: z.number().check(z.int()),
    completedAndStoredPercent: z.withMeta(z.string(), { description: 'Σ G ÷ Σ C' }),
    percentComplete: z.withMeta(z.string(), { deprecated: true, description: 'Old name of completedAndStoredPercent' }),
    percentCompleteDisplay: z.string(),
    balanceToFinishCents: z.number().check(z.int()),
    retainageHeldCents: z.withMeta(z.number().check(z.int()), { description: 'Σ I: retainage held now' }),
    retainedThisInvoiceCents: z.number().check(z.int()),
    releasedThisInvoiceCents: z.number().check(z.int()),
    retainageCents: z.withMeta(z.number().check(z.int()), { deprecated: true, description: 'Old name of retainageHeldCents' }),
    retainedThisPeriodCents: z.withMeta(z.number().check(z.int()), { deprecated: true, description: 'Old name of retainedThisInvoiceCents' }),
    releasedThisPeriodCents: z.withMeta(z.number().check(z.int()), { deprecated: true, description: 'Old name of releasedThisInvoiceCents' }),
  }),
  { id: 'InvoiceTotals', description: 'G703 column totals: sums of the lines' },
);

export const invoiceSummary = z.withMeta(
  z.object({
    originalContractSumCents: cents('1'),
    netChangeByChangeOrdersCents: cents('2'),
    contractSumToDateCents: cents('3 = 1 + 2'),
    totalCompletedAndStoredCents: cents('4 = Σ G'),
    workRetainageHeldCents: cents('5a: work retainage held'),
    materialsRetainageHeldCents: cents('5b: materials retainage held'),
    totalRetainageHeldCents: cents('5 = 5a + 5b'),
    workRetainageCents: z.withMeta(cents('Old name of workRetainageHeldCents'), { deprecated: true }),
    materialsRetainageCents: z.withMeta(cents('Old name of materialsRetainageHeldCents'), { deprecated: true }),
    totalRetainageCents: z.withMeta(cents('Old name of totalRetainageHeldCents'), { deprecated: true }),
    totalEarnedLessRetainageCents: cents('6 = 4 − 5'),
    previousCertificatesCents: cents('7 = line 6 of the previous invoice'),
    currentPaymentDueCents: cents('8 = 6 − 7'),
    balanceToFinishIncludingRetainageCents: cents('9 = 3 − 6'),
  }),
  { id: 'InvoiceSummary', description: 'The G702 lines' },
);

// ---------------------------------------------------------------------------------------------
// Invoices

const invoiceHeader = {
  allowedActions: allowedActionsField(invoiceActions, 'InvoiceAction'),
  projectId: z.string(),
  invoiceId: z.string(),
  commitmentId: z.string(),
  billingPeriodId: z.string(),
  number: z.string(),
  position: z.withMeta(z.number().check(z.int()), { description: '1, 2, … per commitment' }),
  kind: z.enum(invoiceKinds),
  status: z.enum(invoiceStatuses),
  paymentStatus: z.enum(invoicePaymentStatuses),
  paidCents: z.number().check(z.int()),
  totals: invoiceTotals,
  summary: invoiceSummary,
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  submittedAt: z.nullable(z.iso.datetime()),
  updatedAt: z.iso.datetime(),
  version: z.number().check(z.int()),
  slidingScale: z.withMeta(
    z.nullable(
      z.object({
        ruleNumber: z.withMeta(z.nullable(z.number().check(z.int())), { description: '1-based; null once every rule’s limit was reached (0 % withheld)' }),
        description: z.withMeta(z.string(), { example: '10 % until 5 % of the original contract value ($20000.00) is held' }),
        retainagePercent: z.string(),
        limitCents: z.nullable(z.number().check(z.int())),
        withheldBeforeCents: z.number().check(z.int()),
        withheldThisPeriodCents: z.number().check(z.int()),
        withheldToDateCents: z.number().check(z.int()),
        capped: z.withMeta(z.boolean(), { description: 'Whether the limit cut this period’s retention short' }),
      }),
    ),
    { description: 'The sliding-scale retention rule that applied to this invoice (null: the commitment had none when it was created)' },
  ),
  paymentSchedule: z.withMeta(
    z.nullable(
      z.object({
        jurisdiction: z.string(),
        claimServedOn: z.iso.date(),
        dueOn: z.iso.date(),
        servedOn: z.iso.date(),
        scheduledCents: z.number().check(z.int()),
        differenceCents: z.number().check(z.int()),
      }),
    ),
    { description: 'The payment schedule served in answer to this claim (GET …/payment-schedule: its deadline and overdue status before)' },
  ),
  paymentScheduleDue: paymentScheduleDueView,
  promptPayment: promptPaymentView,
};

export const invoiceResponse = z.withMeta(
  z.object({
    ...invoiceHeader,
    retainage: z.withMeta(retainageSettings, { description: 'The commitment’s retainage settings the figures use' }),
    lines: z.array(invoiceLine),
  }),
  { id: 'Invoice' },
);
export type InvoiceResponse = z.infer<typeof invoiceResponse>;

export const invoiceListItem = z.withMeta(
  z.object({
    ...invoiceHeader,
    commitmentNumber: z.string(),
    commitmentTitle: z.string(),
    vendorName: z.string(),
  }),
  { id: 'InvoiceListItem', description: 'An invoice without its lines' },
);
export type InvoiceListItemResponse = z.infer<typeof invoiceListItem>;

export const invoiceList = z.withMeta(z.object({ items: z.array(invoiceListItem), nextCursor: z.nullable(z.string()) }), { id: 'InvoiceList' });
