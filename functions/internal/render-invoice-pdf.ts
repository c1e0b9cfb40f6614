import * as z from '../../shared/zod';
import { loadBillingPeriod } from '../../shared/db/billing-periods';
import { loadChangeOrders, loadCommitment } from '../../shared/db/commitments';
import { loadInvoice } from '../../shared/db/invoices';
import { db } from '../../shared/db/service';
import type { RenderedInvoicePdf, RenderedPaymentSchedulePdf } from '../../shared/storage/invoice-pdf-renderer';
import { storeInvoicePdf, storeOwnerInvoicePdf, storePaymentSchedulePdf } from '../../shared/storage/invoice-pdfs';
import { invoicePdfFilename } from '../../shared/storage/pdf-names';
import { loadOwnerInvoice } from '../../shared/db/owner-invoices';
import { loadHeadContract } from '../../shared/db/head-contracts';
import type { PaymentScheduleDocument } from '../../shared/pdf/payment-schedule-pdf';
import { storeSignedInvoicePdf, type StoredSignedPdf } from '../../shared/storage/signed-invoice-pdfs';
import { signedDocumentKinds, type SignatureRequest } from '../../shared/domain/signatures';

/**
 * Renders an invoice's PDF into S3 (unless the stored one is current) for an HTTP function that
 * invokes it and waits (shared/storage/invoice-pdf-renderer.ts): the PDF library and the fonts
 * live here, not in the API's functions. The caller has checked access; this only renders.
 * A served payment schedule's PDF is rendered here too, from the document the caller sends
 * (`kind: 'payment-schedule'`): it is stored before the schedule is, so its email can attach it.
 * A completed signature request's PDF is signed here too (`kind: 'sign-invoice'`): the invoice
 * PDF of the version sent, stamped, with its audit page, sealed with the company's certificate.
 */
const requestSchema = z.object({
  projectId: z.string().check(z.minLength(1)),
  invoiceId: z.string().check(z.minLength(1)),
  printedAt: z.iso.datetime(),
});
const paymentScheduleRequestSchema = z.object({
  kind: z.literal('payment-schedule'),
  key: z.string().check(z.minLength(1)),
  document: z.custom<PaymentScheduleDocument>((value) => typeof value === 'object' && value !== null),
});

const ownerInvoiceRequestSchema = z.object({
  kind: z.literal('owner-invoice'),
  projectId: z.string().check(z.minLength(1)),
  ownerInvoiceId: z.string().check(z.minLength(1)),
  printedAt: z.iso.datetime(),
});

const signRequestSchema = z.object({
  kind: z.literal('sign-invoice'),
  document: z._default(z.enum(signedDocumentKinds), 'invoice'),
  projectId: z.string().check(z.minLength(1)),
  invoiceId: z.string().check(z.minLength(1)),
  /** The request as completed: every signer signed, with their marks and audit facts. */
  request: z.custom<SignatureRequest>((value) => typeof value === 'object' && value !== null),
  sentByName: z.string(),
  completedAt: z.iso.datetime(),
});

export const handler = async (event: unknown): Promise<RenderedInvoicePdf | RenderedPaymentSchedulePdf | StoredSignedPdf> => {
  const schedule = paymentScheduleRequestSchema.safeParse(event);
  if (schedule.success) return storePaymentSchedulePdf(schedule.data.key, schedule.data.document);
  const owner = ownerInvoiceRequestSchema.safeParse(event);
  if (owner.success) return renderOwnerInvoice(owner.data);
  const signing = signRequestSchema.safeParse(event);
  if (signing.success) return signInvoice(signing.data);
  const { projectId, invoiceId, printedAt } = requestSchema.parse(event);
  const { project, invoice, commitment, period, changeOrders } = await loadInvoiceFacts(projectId, invoiceId);
  const stored = await storeInvoicePdf({ project, invoice, commitment, period, changeOrders, now: new Date(printedAt) });
  return { ...stored, invoiceVersion: invoice.version };
};

/** The signed PDF of the invoice version the request was sent with (refused if the invoice changed since). */
async function signInvoice({
  document: kind,
  projectId,
  invoiceId,
  request,
  sentByName,
  completedAt,
}: z.infer<typeof signRequestSchema>): Promise<StoredSignedPdf> {
  if (kind === 'owner_invoice') return signOwnerInvoice({ projectId, ownerInvoiceId: invoiceId, request, sentByName, completedAt });
  const { project, invoice, commitment, period, changeOrders } = await loadInvoiceFacts(projectId, invoiceId);
  if (invoice.version !== request.invoiceVersion) throw new Error(`Invoice ${invoiceId} is at version ${invoice.version}, not the ${request.invoiceVersion} sent for signature`);
  const [document, { data: company }] = await Promise.all([
    storeInvoicePdf({ project, invoice, commitment, period, changeOrders, now: new Date(request.sentAt) }),
    db().Company.get({ companyId: project.companyId }).go(),
  ]);
  return storeSignedInvoicePdf({
    project,
    companyName: company?.name ?? project.name,
    invoice,
    documentKey: document.key,
    title: invoicePdfFilename(project, invoice, commitment).replace(/\.pdf$/, ''),
    request,
    sentByName,
    completedAt,
  });
}

async function loadInvoiceFacts(projectId: string, invoiceId: string) {
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
  return { project, invoice, commitment, period, changeOrders };
}

async function loadOwnerInvoiceFacts(projectId: string, ownerInvoiceId: string) {
  const [invoice, { data: project }] = await Promise.all([loadOwnerInvoice(projectId, ownerInvoiceId, { consistent: true }), db().Project.get({ projectId }).go()]);
  if (!invoice || !project) throw new Error(`Owner invoice ${ownerInvoiceId} of project ${projectId} does not exist`);
  const [contract, period, changeOrders, { data: company }] = await Promise.all([
    loadHeadContract(projectId, invoice.headContractId),
    loadBillingPeriod(projectId, invoice.billingPeriodId),
    loadChangeOrders(projectId, invoice.headContractId),
    db().Company.get({ companyId: project.companyId }).go(),
  ]);
  if (!contract || !period) throw new Error(`The ${contract ? 'billing period' : 'head contract'} of owner invoice ${ownerInvoiceId} does not exist`);
  return { project, invoice, contract, period, changeOrders, company };
}

/** An owner invoice on its head contract (change orders are keyed by the contract's id), the general contractor as contractor. */
async function renderOwnerInvoice({ projectId, ownerInvoiceId, printedAt }: z.infer<typeof ownerInvoiceRequestSchema>): Promise<RenderedInvoicePdf> {
  const { project, invoice, contract, period, changeOrders, company } = await loadOwnerInvoiceFacts(projectId, ownerInvoiceId);
  const stored = await storeOwnerInvoicePdf({ project, invoice, contract, contractorName: company?.name ?? 'General contractor', period, changeOrders, now: new Date(printedAt) });
  return { ...stored, invoiceVersion: invoice.version };
}

/** The signed PDF of the owner invoice version sent, as `signInvoice` makes a subcontractor invoice's. */
async function signOwnerInvoice(input: { projectId: string; ownerInvoiceId: string; request: SignatureRequest; sentByName: string; completedAt: string }): Promise<StoredSignedPdf> {
  const { project, invoice, contract, period, changeOrders, company } = await loadOwnerInvoiceFacts(input.projectId, input.ownerInvoiceId);
  const { request } = input;
  if (invoice.version !== request.invoiceVersion) throw new Error(`Owner invoice ${input.ownerInvoiceId} is at version ${invoice.version}, not the ${request.invoiceVersion} sent for signature`);
  const companyName = company?.name ?? 'General contractor';
  const document = await storeOwnerInvoicePdf({ project, invoice, contract, contractorName: companyName, period, changeOrders, now: new Date(request.sentAt) });
  return storeSignedInvoicePdf({
    project,
    companyName,
    invoice: { invoiceId: invoice.ownerInvoiceId },
    documentKey: document.key,
    title: invoicePdfFilename(project, invoice, contract).replace(/\.pdf$/, ''),
    request,
    sentByName: input.sentByName,
    completedAt: input.completedAt,
  });
}
