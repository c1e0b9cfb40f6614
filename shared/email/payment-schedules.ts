import { formatAmount, type Currency } from '../domain/project-settings';
import { invoiceLink } from './links';
import { renderLetter } from './letter';

/**
 * Payment schedule emails (DOMAIN.md "Payment schedules and prompt payment"): the schedule served
 * on a claim, to the commitment's invoice contacts with its PDF attached; and the reminder to the
 * project's commitments administrators before a schedule falls due.
 */
interface ClaimInWords {
  frontendBaseUrl: string;
  projectId: string;
  projectName: string;
  invoiceId: string;
  /** "Progress Claim 3", in the project's terminology. */
  claimName: string;
  commitment: { number: string; title: string; vendorName: string };
  act: string;
  claimServedOn: string;
  dueOn: string;
  recipientName: string;
}

export function paymentScheduleServedEmail(input: ClaimInWords & { currency: Currency; servedOn: string; servedByName: string; claimedCents: number; scheduledCents: number }) {
  const money = (cents: number) => formatAmount(cents, input.currency);
  const subject = `Payment schedule for ${input.claimName} – ${input.commitment.number} ${input.commitment.title} (${input.projectName})`;
  const { text, html } = renderLetter({
    recipientName: input.recipientName,
    intro: `${input.servedByName} served a payment schedule on ${input.claimName} under the ${input.act}. The schedule is attached as a PDF, with the reason for each difference.`,
    fields: [
      ['Project', input.projectName],
      ['Commitment', `${input.commitment.number} – ${input.commitment.title}`],
      ['Claimant', input.commitment.vendorName],
      ['Claimed', money(input.claimedCents)],
      ['Scheduled amount', money(input.scheduledCents)],
      ['Claim served', input.claimServedOn],
      ['Schedule due by', input.dueOn],
      ['Schedule served', input.servedOn],
    ],
    action: 'View the claim',
    link: invoiceLink(input.frontendBaseUrl, input.projectId, input.invoiceId),
  });
  return { subject, text, html };
}

export function paymentScheduleReminderEmail(input: ClaimInWords & { businessDaysLeft: number }) {
  const left = input.businessDaysLeft === 0 ? 'today' : `in ${input.businessDaysLeft} business day${input.businessDaysLeft === 1 ? '' : 's'}`;
  const subject = `Payment schedule due ${left === 'today' ? 'today' : `by ${input.dueOn}`}: ${input.claimName} – ${input.commitment.number} (${input.projectName})`;
  const { text, html } = renderLetter({
    recipientName: input.recipientName,
    intro: `No payment schedule has been served on ${input.claimName} yet. Under the ${input.act} it is due ${left} (${input.dueOn}); without one, the claimed amount becomes payable.`,
    fields: [
      ['Project', input.projectName],
      ['Commitment', `${input.commitment.number} – ${input.commitment.title}`],
      ['Claimant', input.commitment.vendorName],
      ['Claim served', input.claimServedOn],
      ['Schedule due by', input.dueOn],
    ],
    action: 'Serve the payment schedule',
    link: invoiceLink(input.frontendBaseUrl, input.projectId, input.invoiceId),
  });
  return { subject, text, html };
}

/** Ontario: a notice of non-payment given on an invoice, to the commitment's invoice contacts. */
export function nonPaymentNoticeEmail(input: {
  frontendBaseUrl: string;
  projectId: string;
  projectName: string;
  invoiceId: string;
  claimName: string;
  commitment: { number: string; title: string; vendorName: string };
  act: string;
  currency: Currency;
  amountCents: number;
  reason: string;
  givenOn: string;
  deadline: string;
  givenByName: string;
  recipientName: string;
}) {
  const subject = `Notice of non-payment: ${input.claimName} – ${input.commitment.number} ${input.commitment.title} (${input.projectName})`;
  const { text, html } = renderLetter({
    recipientName: input.recipientName,
    intro: `${input.givenByName} gives notice under the ${input.act} that ${formatAmount(input.amountCents, input.currency)} of ${input.claimName} will not be paid, for the reason below.`,
    fields: [
      ['Project', input.projectName],
      ['Commitment', `${input.commitment.number} – ${input.commitment.title}`],
      ['Contractor', input.commitment.vendorName],
      ['Amount not being paid', formatAmount(input.amountCents, input.currency)],
      ['Reason', input.reason],
      ['Notice given', input.givenOn],
      ['Deadline for the notice', input.deadline],
    ],
    action: 'View the invoice',
    link: invoiceLink(input.frontendBaseUrl, input.projectId, input.invoiceId),
  });
  return { subject, text, html };
}
