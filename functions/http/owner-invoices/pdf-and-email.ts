/** An owner invoice's PDF (export) and emailing it to the owner, as a subcontractor invoice's PDF and forward do. */
import { createHash, randomUUID } from 'node:crypto';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { config } from '../../../shared/config';
import { loadBillingPeriod } from '../../../shared/db/billing-period-reads';
import { invoiceEventWrite } from '../../../shared/db/invoices';
import { dispatchSoon } from '../../../shared/db/outbox-delivery';
import { outboxRecord, outboxWrite } from '../../../shared/db/outbox-record';
import { writeTransactionOver } from '../../../shared/db/transaction';
import { currencyOf, formatAmount } from '../../../shared/domain/project-settings';
import { termsFor } from '../../../shared/domain/terminology';
import { renderForwardedInvoice } from '../../../shared/email/forwarded-invoice';
import { ownerInvoiceLink } from '../../../shared/email/links';
import { requestOwnerInvoicePdf } from '../../../shared/storage/invoice-pdf-renderer';
import { invoicePdfFilename } from '../../../shared/storage/pdf-names';
import type { ProjectItem } from '../../../shared/db/entities/project';
import type { HeadContractItem } from '../../../shared/db/head-contracts';
import type { OwnerInvoiceItem } from '../../../shared/db/owner-invoices';
import { downloadUrl } from '../invoice-files/s3';
import { signedPdfOf } from '../invoice-files/invoice-pdf';
import { ownerInvoiceFor } from './shared';
import { ownerInvoiceEntities } from './entities';
import { ownerInvoicesEmail, ownerInvoicesExport } from '../../../shared/domain/permission-rules';
import { emailRequestedEvent } from '../../../events/contracts';

/** The owner invoice's PDF: the signed one once its signature request completed, else rendered (when what it shows changed). */
async function ownerInvoicePdf(project: ProjectItem, contract: HeadContractItem, invoice: OwnerInvoiceItem, now: Date) {
  return (
    (await signedPdfOf(invoice, invoicePdfFilename(project, invoice, contract))) ??
    (await requestOwnerInvoicePdf({ project, invoice, contract, printedAt: now.toISOString() }))
  );
}

export async function getOwnerInvoicePdf({ path, caller }: HttpInput<'getOwnerInvoicePdf'>): Promise<Reply> {
  const { project, contract, invoice } = await ownerInvoiceFor(ownerInvoicesExport, path, caller.userId);
  const pdf = await ownerInvoicePdf(project, contract, invoice, new Date());
  const download = await downloadUrl(pdf.key, pdf.filename, 'inline', 'application/pdf');
  return {
    body: { ...download, filename: pdf.filename, contentType: 'application/pdf' as const, sizeBytes: pdf.sizeBytes, invoiceVersion: pdf.invoiceVersion },
  };
}

/** A retry with the same Idempotency-Key is the same email (its id), which the sender delivers once. */
function emailIdOf(requestKey: string | undefined, userId: string, projectId: string, ownerInvoiceId: string): string {
  return requestKey
    ? `owner-invoice-email-${createHash('sha256').update(`${userId}\n${projectId}\n${ownerInvoiceId}\n${requestKey}`).digest('hex').slice(0, 40)}`
    : `owner-invoice-email-${randomUUID()}`;
}

/**
 * Emails the PDF to the addresses given and the owner's contacts: the email is an outbox record
 * written in one transaction with the history event, so it is sent (at least once, delivered once
 * by its id) exactly when the history says it was.
 */
export async function emailOwnerInvoice({ path, body, caller, headers }: HttpInput<'emailOwnerInvoice'>): Promise<Reply> {
  const now = new Date();
  const { project, contract, invoice } = await ownerInvoiceFor(ownerInvoicesEmail, path, caller.userId);
  const to = [...new Set([...body.to, ...(body.includeOwnerContacts ? contract.ownerContactEmails : [])].map((address) => address.trim().toLowerCase()))];
  if (to.length === 0) {
    throw problems.validation([{ location: 'body', field: 'to', message: 'Give at least one address: the head contract has no owner contacts' }]);
  }
  const [pdf, sender, period] = await Promise.all([
    ownerInvoicePdf(project, contract, invoice, now),
    ownerInvoiceEntities().User.get({ userId: caller.userId }).go(),
    loadBillingPeriod(invoice.projectId, invoice.billingPeriodId),
  ]);
  const emailId = emailIdOf(headers['idempotency-key'], caller.userId, invoice.projectId, invoice.ownerInvoiceId);
  const replyTo = sender.data?.email ?? caller.email;
  const terms = termsFor(project.region);
  const email = renderForwardedInvoice({
    region: project.region,
    invoiceNumber: invoice.number,
    projectName: project.name,
    contract,
    senderName: sender.data?.name ?? caller.email ?? 'The general contractor',
    verb: 'sent',
    ...(body.message && { message: body.message }),
    facts: [
      `Project: ${project.name} (${project.number})`,
      `${terms.headContract}: ${contract.number} – ${contract.title}`,
      `Owner: ${contract.ownerCompanyName}`,
      ...(period ? [`Billing period: ${period.startDate} to ${period.endDate}`] : []),
      `Current payment due: ${formatAmount(invoice.figures.summary.currentPaymentDueCents, currencyOf(project))}`,
    ],
    link: ownerInvoiceLink(config.frontendBaseUrl, project.projectId, invoice.ownerInvoiceId),
  });
  const record = outboxRecord(
    emailRequestedEvent,
    {
      emailId,
      to,
      ...(replyTo ? { replyTo: [replyTo] } : {}),
      ...email,
      attachments: [{ key: pdf.key, filename: pdf.filename, contentType: 'application/pdf' }],
    },
    now,
  );
  const outcome = await writeTransactionOver(ownerInvoiceEntities, (entities) => ({
    email: outboxWrite(entities, record),
    event: invoiceEventWrite(entities, {
      projectId: invoice.projectId,
      invoiceId: invoice.ownerInvoiceId,
      type: 'forwarded',
      by: caller.userId,
      at: now.toISOString(),
      ...(body.message ? { comment: body.message } : {}),
      changes: { to, emailId, pdfKey: pdf.key },
    }),
  }));
  if (outcome.canceled) throw problems.busy('owner invoice');
  await dispatchSoon([record.outboxId]);
  return { status: 202, body: { emailId, to, attachment: { filename: pdf.filename, contentType: 'application/pdf' as const } } };
}
