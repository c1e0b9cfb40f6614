import { loadInvoiceContext, type InvoiceContext } from '../../../shared/http/invoice-context';
import { createHash, randomUUID } from 'node:crypto';
import { publishEvents } from '../../../shared/aws/events';
import { config } from '../../../shared/config';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforceRefusal } from '../../../shared/http/access';
import { invoiceActionRefusal } from '../../../shared/domain/allowed-actions';
import { invoiceActionContext } from '../../../shared/http/invoice-action-context';
import { entitiesOf } from '../../../shared/db/service';
import { User } from '../../../shared/db/entities/user';
import { appendInvoiceEvent } from '../../../shared/db/invoices';
import type { BillingPeriodItem } from '../../../shared/db/billing-periods';
import { renderForwardedInvoice } from '../../../shared/email/forwarded-invoice';
import { invoiceLink } from '../../../shared/email/links';
import { currencyOf, formatAmount } from '../../../shared/domain/project-settings';
import { storedInvoicePdf } from './invoice-pdf';
import { emailRequestedEvent } from '../../../events/contracts';

const senderEntities = /* @__PURE__ */ entitiesOf({ User });

/** The forwarded email, in the project's terminology. */
function forwardEmail(input: { access: InvoiceContext; senderName: string; message?: string; period: BillingPeriodItem }) {
  const { project, invoice, commitment } = input.access;
  const due = formatAmount(invoice.figures.summary.currentPaymentDueCents, currencyOf(project));
  return renderForwardedInvoice({
    region: project.region,
    invoiceNumber: invoice.number,
    projectName: project.name,
    contract: commitment,
    senderName: input.senderName,
    verb: 'forwarded',
    ...(input.message && { message: input.message }),
    facts: [
      `Project: ${project.name} (${project.number})`,
      `Commitment: ${commitment.number} – ${commitment.title}`,
      `Vendor: ${commitment.vendorName}`,
      `Billing period: ${input.period.startDate} to ${input.period.endDate}`,
      `Current payment due: ${due}`,
    ],
    link: invoiceLink(config.frontendBaseUrl, project.projectId, invoice.invoiceId),
  });
}

/** A retry with the same Idempotency-Key (after a failure past the publish) is the same email, sent once. */
function forwardEmailId(requestKey: string | undefined, userId: string, { project, invoice }: InvoiceContext): string {
  return requestKey
    ? `invoice-forward-${createHash('sha256').update(`${userId}\n${project.projectId}\n${invoice.invoiceId}\n${requestKey}`).digest('hex').slice(0, 40)}`
    : `invoice-forward-${randomUUID()}`;
}

export async function forwardInvoice({ path, body, caller, headers }: HttpInput<'forwardInvoice'>): Promise<Reply> {
  const now = new Date();
  const access = await loadInvoiceContext(path, caller.userId);
  // The `forward` action as `allowedActions` reports it.
  enforceRefusal(invoiceActionRefusal('forward', await invoiceActionContext(access, now)));
  const { invoice } = access;
  const [pdf, sender] = await Promise.all([storedInvoicePdf(access, now), senderEntities().User.get({ userId: caller.userId }).go()]);
  const emailId = forwardEmailId(headers['idempotency-key'], caller.userId, access);
  const email = forwardEmail({
    access,
    senderName: sender.data?.name ?? caller.email ?? 'A colleague',
    message: body.message || undefined,
    period: pdf.period,
  });
  await publishEvents(emailRequestedEvent, [
    {
      emailId,
      to: body.to,
      // Access tokens carry no email: the user record has it.
      ...(sender.data?.email ?? caller.email ? { replyTo: [(sender.data?.email ?? caller.email)!] } : {}),
      ...email,
      attachments: [{ key: pdf.key, filename: pdf.filename, contentType: 'application/pdf' }],
    },
  ]);
  await appendInvoiceEvent({
    projectId: invoice.projectId,
    invoiceId: invoice.invoiceId,
    type: 'forwarded',
    by: caller.userId,
    at: now.toISOString(),
    ...(body.message ? { comment: body.message } : {}),
    changes: { to: body.to, emailId, pdfKey: pdf.key },
  });
  return { status: 202, body: { emailId, to: body.to, attachment: { filename: pdf.filename, contentType: 'application/pdf' as const } } };
}
