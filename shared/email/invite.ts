import { termsFor, type Region, type Terms } from '../domain/terminology';
import type { invoiceTypes } from '../domain/project-settings';
import { renderLetter } from './letter';

export type InvoiceType = (typeof invoiceTypes)[number];

/** What an invite (or reminder) email shows: everything is plain text, escaped here for HTML. */
export interface InviteEmailInput {
  kind: 'invite' | 'reminder';
  region: Region;
  frontendBaseUrl: string;
  projectId: string;
  projectName: string;
  inviteId: string;
  commitment: { number: string; title: string };
  invoiceType: InvoiceType;
  /** Calendar dates (YYYY-MM-DD) in the project's time zone. */
  period: { startDate: string; endDate: string; dueDate: string };
  inviterName: string;
  contactName: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** Where the contact responds: the frontend's invite page. */
  link: string;
}

/** The invoice type as the region says it ("Retention release" in en-AU, "Retainage release" in en-US). */
export function invoiceTypeInWords(type: InvoiceType, terms: Terms): string {
  const retainage = terms.retainage.toLowerCase();
  switch (type) {
    case 'work_materials_retainage':
      return `Work completed, stored materials and ${retainage}`;
    case 'work_materials':
      return 'Work completed and stored materials';
    case 'retainage_release':
      return `${terms.retainage} release`;
  }
}

/** A calendar date in words, in the region's order ("25 January 2027", "January 25, 2027"). */
export function dateInWords(date: string, region: Region): string {
  // The date is already local to the project: format it as is, in UTC, so no zone shifts it.
  return new Intl.DateTimeFormat(region, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

export function inviteLink(frontendBaseUrl: string, projectId: string, inviteId: string): string {
  return `${frontendBaseUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(projectId)}/invites/${encodeURIComponent(inviteId)}`;
}


const article = (noun: string) => (/^[aeiou]/i.test(noun) ? 'an' : 'a');

/** The invite to bill, or its reminder, in the project's terminology: subject, HTML and plain text. */
export function renderInviteEmail(input: InviteEmailInput): RenderedEmail {
  const terms = termsFor(input.region);
  const invoice = terms.invoice.toLowerCase();
  const due = dateInWords(input.period.dueDate, input.region);
  const link = inviteLink(input.frontendBaseUrl, input.projectId, input.inviteId);

  const subject =
    input.kind === 'invite'
      ? `${input.projectName}: ${input.inviterName} has invited you to bill.`
      : `${input.projectName}: Reminder – ${input.inviterName} has invited you to bill by ${due}.`;
  const intro =
    input.kind === 'invite'
      ? `${input.inviterName} has invited you to submit ${article(invoice)} ${invoice} on ${input.projectName} for the billing period below.`
      : `This is a reminder: ${input.inviterName} has invited you to submit ${article(invoice)} ${invoice} on ${input.projectName}, due on ${due}.`;
  const fields: Array<[string, string]> = [
    ['Commitment', `${input.commitment.number} – ${input.commitment.title}`],
    [`${terms.invoice} type`, invoiceTypeInWords(input.invoiceType, terms)],
    ['Billing period', `${dateInWords(input.period.startDate, input.region)} – ${dateInWords(input.period.endDate, input.region)}`],
    ['Due date', due],
    ['Invited by', input.inviterName],
  ];
  const action = 'Respond to the invite';

  const { text, html } = renderLetter({ recipientName: input.contactName, intro, fields, action, link });

  return { subject, html, text, link };
}
