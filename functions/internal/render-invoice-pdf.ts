import * as z from 'zod';
import { loadBillingPeriod } from '../../shared/db/billing-periods';
import { loadChangeOrders, loadCommitment } from '../../shared/db/commitments';
import { loadInvoice } from '../../shared/db/invoices';
import { db } from '../../shared/db/service';
import type { RenderedInvoicePdf } from '../../shared/storage/invoice-pdf-renderer';
import { storeInvoicePdf } from '../../shared/storage/invoice-pdfs';

/**
 * Renders an invoice's PDF into S3 (unless the stored one is current) for an HTTP function that
 * invokes it and waits (shared/storage/invoice-pdf-renderer.ts): the PDF library and the fonts
 * live here, not in the API's functions. The caller has checked access; this only renders.
 */
const requestSchema = z.object({
  projectId: z.string().min(1),
  invoiceId: z.string().min(1),
  printedAt: z.iso.datetime(),
});

export const handler = async (event: unknown): Promise<RenderedInvoicePdf> => {
  const { projectId, invoiceId, printedAt } = requestSchema.parse(event);
  const [invoice, { data: project }] = await Promise.all([
    // Consistent: the version the caller just read, or a later one, never an earlier one.
    loadInvoice(projectId, invoiceId, { consistent: true }),
    db().Project.get({ projectId }).go(),
  ]);
  if (!invoice || !project) throw new Error(`Invoice ${invoiceId} of project ${projectId} does not exist`);
  const [commitment, period, changeOrders] = await Promise.all([
    loadCommitment(projectId, invoice.commitmentId),
    loadBillingPeriod(projectId, invoice.billingPeriodId),
    loadChangeOrders(projectId, invoice.commitmentId),
  ]);
  if (!commitment || !period) throw new Error(`The ${commitment ? 'billing period' : 'commitment'} of invoice ${invoiceId} does not exist`);
  const stored = await storeInvoicePdf({ project, invoice, commitment, period, changeOrders, now: new Date(printedAt) });
  return { ...stored, invoiceVersion: invoice.version };
};
