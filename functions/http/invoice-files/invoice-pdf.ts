import { loadInvoiceContext, type InvoiceContext } from '../../../shared/http/invoice-context';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforce } from '../../../shared/http/access';
import { problems } from '../../../shared/http/problem';
import { loadBillingPeriod, type BillingPeriodItem } from '../../../shared/db/billing-periods';
import { requestInvoicePdf, type RenderedInvoicePdf } from '../../../shared/storage/invoice-pdf-renderer';
import { invoicePdfFilename } from '../../../shared/storage/pdf-names';
import { downloadUrl, headObject } from './s3';
import { invoicesView } from '../../../shared/domain/permission-rules';

export interface StoredPdf extends RenderedInvoicePdf {
  period: BillingPeriodItem;
}

/**
 * The invoice's PDF in S3, from the renderer function (renderInvoicePdf), which renders it only
 * when what it shows changed: this function carries no PDF library. Once its signature request
 * completed, it is the signed PDF (download and forward alike).
 */
export async function storedInvoicePdf({ project, invoice, commitment }: InvoiceContext, now: Date): Promise<StoredPdf> {
  const period = await loadBillingPeriod(project.projectId, invoice.billingPeriodId);
  if (!period) throw problems.conflict('The invoice’s billing period is missing; the PDF cannot be rendered.');
  const signed = await signedPdfOf(invoice, invoicePdfFilename(project, invoice, commitment));
  if (signed) return { ...signed, period };
  const pdf = await requestInvoicePdf({ project, invoice, commitment, period, printedAt: now.toISOString() });
  return { ...pdf, period };
}

/** The signed PDF of an invoice or owner invoice whose signature request completed (named "… (signed).pdf"), if it is stored. */
export async function signedPdfOf(
  invoice: { signedPdfKey?: string | undefined; signatureStatus?: string | undefined; version: number },
  unsignedFilename: string,
): Promise<RenderedInvoicePdf | undefined> {
  if (!invoice.signedPdfKey || invoice.signatureStatus !== 'completed') return undefined;
  const signed = await headObject(invoice.signedPdfKey);
  if (!signed?.ContentLength) return undefined;
  return { key: invoice.signedPdfKey, filename: unsignedFilename.replace(/\.pdf$/, ' (signed).pdf'), sizeBytes: signed.ContentLength, invoiceVersion: invoice.version };
}

export async function getInvoicePdf({ path, caller }: HttpInput<'getInvoicePdf'>): Promise<Reply> {
  const now = new Date();
  const access = await loadInvoiceContext(path, caller.userId);
  enforce(invoicesView, access.member, access.commitment);
  const pdf = await storedInvoicePdf(access, now);
  const download = await downloadUrl(pdf.key, pdf.filename, 'inline', 'application/pdf');
  return {
    body: { ...download, filename: pdf.filename, contentType: 'application/pdf' as const, sizeBytes: pdf.sizeBytes, invoiceVersion: pdf.invoiceVersion },
  };
}
