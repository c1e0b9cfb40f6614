import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforce } from '../../../shared/http/access';
import { problems } from '../../../shared/http/problem';
import { loadBillingPeriod, type BillingPeriodItem } from '../../../shared/db/billing-periods';
import { storeInvoicePdf, type StoredInvoicePdf } from '../../../shared/storage/invoice-pdfs';
import { loadInvoiceAccess, type InvoiceAccess } from './access';
import { downloadUrl } from './s3';

export interface StoredPdf extends StoredInvoicePdf {
  period: BillingPeriodItem;
}

/** The invoice's PDF in S3 (shared/storage/invoice-pdfs.ts renders it only when what it shows changed). */
export async function storedInvoicePdf({ project, invoice, commitment }: InvoiceAccess, now: Date): Promise<StoredPdf> {
  const period = await loadBillingPeriod(project.projectId, invoice.billingPeriodId);
  if (!period) throw problems.conflict('The invoice’s billing period is missing; the PDF cannot be rendered.');
  return { ...(await storeInvoicePdf({ project, invoice, commitment, period, now })), period };
}

export async function getInvoicePdf({ path, caller }: HttpInput<'getInvoicePdf'>): Promise<Reply> {
  const now = new Date();
  const access = await loadInvoiceAccess(path, caller);
  enforce('invoices.view', access.member, access.commitment);
  const pdf = await storedInvoicePdf(access, now);
  const download = await downloadUrl(pdf.key, pdf.filename, 'inline', 'application/pdf');
  return {
    body: { ...download, filename: pdf.filename, contentType: 'application/pdf' as const, sizeBytes: pdf.sizeBytes, invoiceVersion: access.invoice.version },
  };
}
