/**
 * The regional payment deadlines an invoice answer carries: Ontario prompt payment on en-CA
 * projects, the awaited or served Australian payment schedule on en-AU ones. Reads what the
 * pure rules need (the period's owner invoices, for a subcontractor's tier) and decides nothing.
 */
import { entitiesOf } from '../db/service';
import { OwnerInvoice } from '../db/entities/owner-invoice';
import { Company } from '../db/entities/company';
import type { InvoiceItem } from '../db/invoices';
import type { CommitmentItem } from '../db/commitments';
import type { BillingPeriodItem } from '../db/billing-periods';
import { localDate } from '../domain/billing-periods';
import { noPaymentDeadlines, type PaymentDeadlines } from '../api/invoice-deadlines';
import type { OwnerInvoiceItem } from '../db/owner-invoices';
import type { HeadContractItem } from '../db/head-contracts';
import { loadBillingPeriod } from '../db/billing-period-reads';
import { paymentScheduleStatus } from '../domain/au-jurisdictions';
import { enteredProperInvoiceFields, invoicePromptPayment, ontarioAct, properInvoiceOf, type ProperInvoiceDetails } from '../domain/ontario-prompt-payment';

const ownerInvoiceReaders = /* @__PURE__ */ entitiesOf({ OwnerInvoice });
const companyReaders = /* @__PURE__ */ entitiesOf({ Company });

interface RegionalProject {
  projectId: string;
  region: string;
  timeZone: string;
}

export type { PaymentDeadlines } from '../api/invoice-deadlines';

const givenOnOf = (submittedAt: string | undefined, timeZone: string) => (submittedAt ? localDate(new Date(submittedAt), timeZone) : undefined);

/**
 * The payment schedule a claim awaits or was answered with: the deadline stored with this
 * submission (functions/http/invoice-workflow/change.ts), due or overdue by today.
 */
function paymentScheduleDueOf(project: RegionalProject, invoice: InvoiceItem, today: string) {
  const served = invoice.paymentSchedule;
  if (served) return { jurisdiction: served.jurisdiction, claimServedOn: served.claimServedOn, dueOn: served.dueOn, status: 'served' as const };
  const awaited = invoice.paymentScheduleDue;
  if (!awaited || awaited.claimServedOn !== givenOnOf(invoice.submittedAt, project.timeZone)) return null;
  return { ...awaited, status: paymentScheduleStatus(awaited, undefined, today) };
}

/** What an invoice (subcontractor's or owner's) carries that the proper-invoice rules read. */
export interface PromptPaymentSubject {
  tier: number;
  contractorName: string;
  authority: string;
  details: ProperInvoiceDetails | undefined;
  submittedAt: string | undefined;
  sovLines: readonly { description: string }[];
  amountPayableCents: number;
  paid: boolean;
}

export function promptPaymentOf(project: RegionalProject, subject: PromptPaymentSubject, period: Pick<BillingPeriodItem, 'startDate' | 'endDate'> | undefined, today: string, ownerInvoiceGivenOn: string | undefined) {
  const givenOn = givenOnOf(subject.submittedAt, project.timeZone);
  const invoice = properInvoiceOf({
    details: subject.details,
    contractorName: subject.contractorName,
    datedOn: givenOn ?? today,
    period,
    authority: subject.authority,
    lineDescriptions: subject.sovLines.map((l) => l.description),
    amountPayableCents: subject.amountPayableCents,
  });
  const dates = invoicePromptPayment({ tier: subject.tier, invoice, ...(givenOn && { givenOn }), ...(ownerInvoiceGivenOn && { ownerInvoiceGivenOn }), paid: subject.paid, today });
  const details = Object.fromEntries(enteredProperInvoiceFields.map((field) => [field, subject.details?.[field] ?? null])) as Record<(typeof enteredProperInvoiceFields)[number], string | null>;
  return { act: ontarioAct, ...dates, details };
}

/** A subcontractor invoice as a prompt-payment subject: tier 1, the vendor contracting under the commitment. */
export const subcontractorSubject = (invoice: InvoiceItem, commitment: Pick<CommitmentItem, 'number' | 'title' | 'vendorName'>): PromptPaymentSubject => ({
  tier: 1,
  contractorName: commitment.vendorName,
  authority: `${commitment.number} ${commitment.title}`,
  details: invoice.properInvoice,
  submittedAt: invoice.submittedAt,
  sovLines: invoice.sovLines,
  amountPayableCents: invoice.figures.summary.currentPaymentDueCents,
  paid: invoice.paymentStatus === 'paid',
});

/**
 * The day the owner was given the proper invoice carrying a subcontractor's invoice: the first
 * owner invoice of the same billing period submitted on or after it, per period.
 */
async function ownerInvoicesGivenByPeriod(projectId: string, periodIds: readonly string[], timeZone: string): Promise<Map<string, string[]>> {
  const entries = await Promise.all(
    periodIds.map(async (billingPeriodId) => {
      const { data } = await ownerInvoiceReaders().OwnerInvoice.query.byPeriod({ projectId, billingPeriodId }).go({ pages: 'all' });
      const given = data.flatMap((owner) => (owner.submittedAt ? [givenOnOf(owner.submittedAt, timeZone)!] : [])).sort();
      return [billingPeriodId, given] as const;
    }),
  );
  return new Map(entries);
}

/** Each invoice's regional deadlines, in order (`period`: its billing period, as the action context loaded it). */
export async function invoicePaymentDeadlines(
  project: RegionalProject,
  items: ReadonlyArray<{ invoice: InvoiceItem; commitment: CommitmentItem; period: BillingPeriodItem | undefined }>,
  today: string,
): Promise<PaymentDeadlines[]> {
  if (project.region === 'en-AU') return items.map(({ invoice }) => ({ promptPayment: null, paymentScheduleDue: paymentScheduleDueOf(project, invoice, today) }));
  if (project.region !== 'en-CA') return items.map(() => noPaymentDeadlines);
  const submitted = items.filter(({ invoice }) => invoice.submittedAt !== undefined);
  const ownerGiven = await ownerInvoicesGivenByPeriod(project.projectId, [...new Set(submitted.map(({ invoice }) => invoice.billingPeriodId))], project.timeZone);
  return items.map(({ invoice, commitment, period }) => {
    const givenOn = givenOnOf(invoice.submittedAt, project.timeZone);
    const ownerInvoiceGivenOn = givenOn ? ownerGiven.get(invoice.billingPeriodId)?.find((day) => day >= givenOn) : undefined;
    return { promptPayment: promptPaymentOf(project, subcontractorSubject(invoice, commitment), period, today, ownerInvoiceGivenOn), paymentScheduleDue: null };
  });
}

/**
 * An owner invoice's prompt payment (tier 0) on an en-CA project: the general contractor is the
 * contractor, its head contract the authority.
 */
export async function ownerInvoiceDeadlines(
  project: RegionalProject & { companyId: string },
  contract: Pick<HeadContractItem, 'number' | 'title'>,
  invoice: OwnerInvoiceItem,
  now = new Date(),
): Promise<PaymentDeadlines['promptPayment']> {
  if (project.region !== 'en-CA') return null;
  const [company, period] = await Promise.all([
    companyReaders().Company.get({ companyId: project.companyId }).go(),
    loadBillingPeriod(project.projectId, invoice.billingPeriodId),
  ]);
  const subject: PromptPaymentSubject = {
    tier: 0,
    contractorName: company.data?.name ?? '',
    authority: `${contract.number} ${contract.title}`,
    details: invoice.properInvoice,
    submittedAt: invoice.submittedAt,
    sovLines: invoice.sovLines,
    amountPayableCents: invoice.figures.summary.currentPaymentDueCents,
    paid: invoice.paymentStatus === 'paid',
  };
  return promptPaymentOf(project, subject, period, localDate(now, project.timeZone), undefined);
}
