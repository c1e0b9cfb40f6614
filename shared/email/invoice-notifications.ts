import { termsFor, type Region } from '../domain/terminology';
import { formatAmount, type Currency } from '../domain/project-settings';
import { escapeHtml, renderLetter } from './letter';
import { invoiceLink } from './links';

/**
 * The invoice workflow's emails (docs/domain.md "Email notifications"), in the project's terminology:
 * submitted or resubmitted → the invoice administrators; revise & resubmit → the contacts, with
 * the rejected lines and reasons; approved (or approved as noted) → the contacts.
 */
export type InvoiceNotificationKind = 'submitted' | 'resubmitted' | 'revise_and_resubmit' | 'approved' | 'approved_as_noted';

export interface RejectedLineInWords {
  /** 1-based position of the line on the invoice. */
  itemNumber: number;
  costCode?: string;
  description: string;
  reason: string;
}

export interface InvoiceNotificationInput {
  kind: InvoiceNotificationKind;
  region: Region;
  frontendBaseUrl: string;
  projectId: string;
  projectName: string;
  /** The project's currency (currencyOf): amounts are printed in its sign and decimals. */
  currency: Currency;
  invoice: { invoiceId: string; number: string; currentPaymentDueCents: number };
  commitment: { number: string; title: string; vendorName: string };
  /** Who made the change. */
  actorName: string;
  recipientName: string;
  comment?: string;
  /** revise_and_resubmit: the rejected lines, in invoice order. */
  rejectedLines?: readonly RejectedLineInWords[];
}

export interface RenderedInvoiceEmail {
  subject: string;
  html: string;
  text: string;
  link: string;
}


export function renderInvoiceNotification(input: InvoiceNotificationInput): RenderedInvoiceEmail {
  const terms = termsFor(input.region);
  const invoiceName = `${terms.invoice} ${input.invoice.number}`;
  const lower = terms.invoice.toLowerCase();
  const link = invoiceLink(input.frontendBaseUrl, input.projectId, input.invoice.invoiceId);
  const on = `on commitment ${input.commitment.number} – ${input.commitment.title}`;

  let subject: string;
  let intro: string;
  let action: string;
  switch (input.kind) {
    case 'submitted':
    case 'resubmitted': {
      const verb = input.kind === 'submitted' ? 'submitted' : 'resubmitted';
      subject = `${input.projectName}: ${input.commitment.vendorName} ${verb} ${invoiceName} for review`;
      intro = `${input.actorName} of ${input.commitment.vendorName} ${verb} ${invoiceName} ${on}. It is waiting for your review.`;
      action = `Review the ${lower}`;
      break;
    }
    case 'revise_and_resubmit':
      subject = `${input.projectName}: ${invoiceName} needs revision – revise & resubmit`;
      intro = `${input.actorName} reviewed ${invoiceName} ${on} and sent it back for revision. Please revise it and resubmit it.`;
      action = `Revise the ${lower}`;
      break;
    case 'approved':
    case 'approved_as_noted': {
      const how = input.kind === 'approved' ? 'approved' : 'approved as noted';
      subject = `${input.projectName}: ${invoiceName} was ${how}`;
      intro = `${input.actorName} ${how} ${invoiceName} ${on}.`;
      action = `View the ${lower}`;
      break;
    }
  }

  const fields: Array<[string, string]> = [
    ['Project', input.projectName],
    ['Commitment', `${input.commitment.number} – ${input.commitment.title}`],
    [terms.invoice, input.invoice.number],
    ['Current payment due', formatAmount(input.invoice.currentPaymentDueCents, input.currency)],
    ...(input.comment ? ([['Comment', input.comment]] as Array<[string, string]>) : []),
  ];
  const rejected = input.kind === 'revise_and_resubmit' ? (input.rejectedLines ?? []) : [];
  const lineName = (line: RejectedLineInWords) =>
    `Line ${line.itemNumber}${line.costCode ? ` (${line.costCode})` : ''}: ${line.description}`;

  const extra = rejected.length
    ? {
        text: [`Rejected lines (${rejected.length}):`, ...rejected.map((line) => `- ${lineName(line)} — Reason: ${line.reason}`)],
        html: [
          `<p><strong>Rejected lines (${rejected.length})</strong></p>`,
          '<table cellpadding="4" cellspacing="0" border="1" style="border-collapse:collapse">',
          '<tr><th align="left">Line</th><th align="left">Reason</th></tr>',
          ...rejected.map((line) => `<tr><td>${escapeHtml(lineName(line))}</td><td>${escapeHtml(line.reason)}</td></tr>`),
          '</table>',
        ],
      }
    : undefined;
  const { text, html } = renderLetter({ recipientName: input.recipientName, intro, fields, ...(extra && { extra }), action, link });

  return { subject, html, text, link };
}
