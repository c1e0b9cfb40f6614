import { termsFor, type Region } from '../domain/terminology';
import { escapeHtml } from './letter';

/**
 * The email that carries an invoice's PDF to people outside the product (a subcontractor invoice
 * forwarded, an owner invoice sent to the owner), in the project's terminology; every value is
 * escaped for the HTML part.
 */
export interface ForwardedInvoiceInput {
  region: Region;
  invoiceNumber: string;
  projectName: string;
  /** The contract billed: a commitment's or the head contract's number and title. */
  contract: { number: string; title: string };
  senderName: string;
  /** "forwarded" (a subcontractor invoice) or "sent" (an owner invoice, to the owner). */
  verb: 'forwarded' | 'sent';
  message?: string;
  /** One line each ("Billing period: …"), listed under the intro. */
  facts: string[];
  link: string;
}

export function renderForwardedInvoice(input: ForwardedInvoiceInput): { subject: string; text: string; html: string } {
  const terms = termsFor(input.region);
  const invoiceName = `${terms.invoice} ${input.invoiceNumber}`;
  const subject = `${invoiceName} – ${input.contract.number} ${input.contract.title} (${input.projectName})`;
  const intro = `${input.senderName} ${input.verb} ${invoiceName} to you. The ${terms.invoice.toLowerCase()} is attached as a PDF.`;
  const text = [intro, ...(input.message ? ['', input.message] : []), '', ...input.facts, '', `View it online: ${input.link}`].join('\n');
  const html = [
    `<p>${escapeHtml(intro)}</p>`,
    ...(input.message ? [`<blockquote>${escapeHtml(input.message).replace(/\n/g, '<br>')}</blockquote>`] : []),
    `<ul>${input.facts.map((fact) => `<li>${escapeHtml(fact)}</li>`).join('')}</ul>`,
    `<p><a href="${escapeHtml(input.link)}">View the ${escapeHtml(terms.invoice.toLowerCase())} online</a></p>`,
  ].join('\n');
  return { subject, text, html };
}
