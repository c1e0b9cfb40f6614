import { termsFor, type Region } from '../domain/terminology';
import { formatAmount, type Currency } from '../domain/project-settings';
import type { OwnerInvoiceStatus } from '../domain/owner-invoices';
import { renderLetter } from './letter';
import { ownerInvoiceLink } from './links';

/**
 * The email the head-contract admins get at each step of an owner invoice (sent to the owner,
 * approved, approved as noted, sent back to revise & resubmit), in the project's terminology:
 * "Progress Claim 2 on Head Contract HC-001" in en-AU, "Invoice 2 on Prime Contract …" in en-US.
 */
export interface OwnerInvoiceNotificationInput {
  region: Region;
  frontendBaseUrl: string;
  projectId: string;
  projectName: string;
  currency: Currency;
  invoice: { ownerInvoiceId: string; number: string; currentPaymentDueCents: number };
  contract: { number: string; title: string; ownerCompanyName: string };
  /** The step: the status the invoice went to. */
  to: Exclude<OwnerInvoiceStatus, 'draft'>;
  actorName: string;
  recipientName: string;
  comment?: string;
}

const happened: Record<OwnerInvoiceNotificationInput['to'], string> = {
  under_review: 'was sent to the owner for review',
  approved: 'was approved by the owner',
  approved_as_noted: 'was approved as noted by the owner',
  revise_and_resubmit: 'was sent back by the owner to revise & resubmit',
};

export function renderOwnerInvoiceNotification(input: OwnerInvoiceNotificationInput): { subject: string; text: string; html: string } {
  const terms = termsFor(input.region);
  const invoiceName = `${terms.invoice} ${input.invoice.number}`;
  const on = `on ${terms.headContract} ${input.contract.number}`;
  const subject = `${input.projectName}: ${invoiceName} ${on} ${happened[input.to]}`;
  const intro = `${invoiceName} ${on} – ${input.contract.title} ${happened[input.to]} (recorded by ${input.actorName}).`;
  const { text, html } = renderLetter({
    recipientName: input.recipientName,
    intro,
    fields: [
      ['Project', input.projectName],
      [terms.headContract, `${input.contract.number} – ${input.contract.title}`],
      ['Owner', input.contract.ownerCompanyName],
      [terms.invoice, input.invoice.number],
      ['Current payment due', formatAmount(input.invoice.currentPaymentDueCents, input.currency)],
      ...(input.comment ? ([['Comment', input.comment]] as Array<[string, string]>) : []),
    ],
    action: input.to === 'revise_and_resubmit' ? `Revise the ${terms.invoice.toLowerCase()}` : `View the ${terms.invoice.toLowerCase()}`,
    link: ownerInvoiceLink(input.frontendBaseUrl, input.projectId, input.invoice.ownerInvoiceId),
  });
  return { subject, text, html };
}
