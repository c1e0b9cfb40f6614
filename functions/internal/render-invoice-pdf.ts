import * as z from 'zod';
import { loadBillingPeriod } from '../../shared/db/billing-periods';
import { loadChangeOrders, loadCommitment } from '../../shared/db/commitments';
import { loadInvoice } from '../../shared/db/invoices';
import { db } from '../../shared/db/service';
import type { RenderedInvoicePdf, RenderedPaymentSchedulePdf } from '../../shared/storage/invoice-pdf-renderer';
import { storeInvoicePdf, storeOwnerInvoicePdf, storePaymentSchedulePdf } from '../../shared/storage/invoice-pdfs';
import { loadOwnerInvoice } from '../../shared/db/owner-invoices';
import { loadHeadContract } from '../../shared/db/head-contracts';
import type { PaymentScheduleDocument } from '../../shared/pdf/payment-schedule-pdf';

/**
 * Renders an invoice's PDF into S3 (unless the stored one is current) for an HTTP function that
 * invokes it and waits (shared/storage/invoice-pdf-renderer.ts): the PDF library and the fonts
 * live here, not in the API's functions. The caller has checked access; this only renders.
 * A served payment schedule's PDF is rendered here too, from the document the caller sends
 * (`kind: 'payment-schedule'`): it is stored before the schedule is, so its email can attach it.
 */
const requestSchema = z.object({
  projectId: z.string().min(1),
  invoiceId: z.string().min(1),
  printedAt: z.iso.datetime(),
});
const paymentScheduleRequestSchema = z.object({
  kind: z.literal('payment-schedule'),
  key: z.string().min(1),
  document: z.custom<PaymentScheduleDocument>((value) => typeof value === 'object' && value !== null),
});

const ownerInvoiceRequestSchema = z.object({
  kind: z.literal('owner-invoice'),
  projectId: z.string().min(1),
  ownerInvoiceId: z.string().min(1),
  printedAt: z.iso.datetime(),
});

export const handler = async (event: unknown): Promise<RenderedInvoicePdf | RenderedPaymentSchedulePdf> => {
  const schedule = paymentScheduleRequestSchema.safeParse(event);
  if (schedule.success) return storePaymentSchedulePdf(schedule.data.key, schedule.data.document);
  const owner = ownerInvoiceRequestSchema.safeParse(event);
  if (owner.success) return renderOwnerInvoice(owner.data);
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

/** An owner invoice on its head contract (change orders are keyed by the contract's id), the general contractor as contractor. */
async function renderOwnerInvoice({ projectId, ownerInvoiceId, printedAt }: z.infer<typeof ownerInvoiceRequestSchema>): Promise<RenderedInvoicePdf> {
  const [invoice, { data: project }] = await Promise.all([loadOwnerInvoice(projectId, ownerInvoiceId, { consistent: true }), db().Project.get({ projectId }).go()]);
  if (!invoice || !project) throw new Error(`Owner invoice ${ownerInvoiceId} of project ${projectId} does not exist`);
  const [contract, period, changeOrders, { data: company }] = await Promise.all([
    loadHeadContract(projectId, invoice.headContractId),
    loadBillingPeriod(projectId, invoice.billingPeriodId),
    loadChangeOrders(projectId, invoice.headContractId),
    db().Company.get({ companyId: project.companyId }).go(),
  ]);
  if (!contract || !period) throw new Error(`The ${contract ? 'billing period' : 'head contract'} of owner invoice ${ownerInvoiceId} does not exist`);
  const stored = await storeOwnerInvoicePdf({
    project,
    invoice,
    contract,
    contractorName: company?.name ?? 'General contractor',
    period,
    changeOrders,
    now: new Date(printedAt),
  });
  return { ...stored, invoiceVersion: invoice.version };
}
