import * as z from '../../shared/zod';
import type { InvoicePdfFacts, OwnerInvoicePdfFacts, RenderedInvoicePdf, RenderedPaymentSchedulePdf, RendererRequest } from '../../shared/storage/invoice-pdf-renderer';
import { storeInvoicePdf, storeOwnerInvoicePdf, storePaymentSchedulePdf } from '../../shared/storage/invoice-pdfs';
import { invoicePdfFilename } from '../../shared/storage/pdf-names';
import { storeSignedInvoicePdf, type StoredSignedPdf } from '../../shared/storage/signed-invoice-pdfs';
import type { PaymentScheduleDocument } from '../../shared/pdf/payment-schedule-pdf';
import type { SignatureRequest } from '../../shared/domain/signatures';

/**
 * Renders an invoice's PDF into S3 (unless the stored one is current) for a function that invokes
 * it and waits (shared/storage/invoice-pdf-renderer.ts): the PDF library and the fonts live here,
 * not in the API's functions. The caller has checked access and sends the records the PDF shows
 * (read by the caller, the invoice consistently): this reads no table, it only renders.
 * A served payment schedule's PDF is rendered here too, from the document the caller sends
 * (`kind: 'payment-schedule'`): it is stored before the schedule is, so its email can attach it.
 * A completed signature request's PDF is signed here too (`kind: 'sign-invoice'`): the invoice
 * PDF of the version sent, stamped, with its audit page, sealed with the company's certificate.
 */
const record = <T>() => z.custom<T>((value) => typeof value === 'object' && value !== null);
const invoiceFacts = { project: record<InvoicePdfFacts['project']>(), invoice: record<InvoicePdfFacts['invoice']>(), commitment: record<InvoicePdfFacts['commitment']>(), period: record<InvoicePdfFacts['period']>(), changeOrders: z.array(record<InvoicePdfFacts['changeOrders'][number]>()) };
const ownerInvoiceFacts = { project: record<OwnerInvoicePdfFacts['project']>(), invoice: record<OwnerInvoicePdfFacts['invoice']>(), contract: record<OwnerInvoicePdfFacts['contract']>(), contractorName: z.string(), period: record<OwnerInvoicePdfFacts['period']>(), changeOrders: z.array(record<OwnerInvoicePdfFacts['changeOrders'][number]>()) };

const requestSchema: z.ZodMiniType<RendererRequest> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('invoice'), printedAt: z.iso.datetime(), ...invoiceFacts }),
  z.object({ kind: z.literal('owner-invoice'), printedAt: z.iso.datetime(), ...ownerInvoiceFacts }),
  z.object({ kind: z.literal('payment-schedule'), key: z.string().check(z.minLength(1)), document: record<PaymentScheduleDocument>() }),
  z.object({
    kind: z.literal('sign-invoice'),
    document: z.discriminatedUnion('kind', [z.object({ kind: z.literal('invoice'), ...invoiceFacts }), z.object({ kind: z.literal('owner_invoice'), ...ownerInvoiceFacts })]),
    companyName: z.string(),
    request: record<SignatureRequest>(),
    sentByName: z.string(),
    completedAt: z.iso.datetime(),
  }),
]);

export const handler = async (event: unknown): Promise<RenderedInvoicePdf | RenderedPaymentSchedulePdf | StoredSignedPdf> => {
  const request = requestSchema.parse(event);
  switch (request.kind) {
    case 'payment-schedule':
      return storePaymentSchedulePdf(request.key, request.document);
    case 'invoice': {
      const stored = await storeInvoicePdf({ ...request, now: new Date(request.printedAt) });
      return { ...stored, invoiceVersion: request.invoice.version };
    }
    case 'owner-invoice': {
      const stored = await storeOwnerInvoicePdf({ ...request, now: new Date(request.printedAt) });
      return { ...stored, invoiceVersion: request.invoice.version };
    }
    case 'sign-invoice':
      return signInvoice(request);
  }
};

/** The signed PDF of the invoice version the request was sent with (refused if the invoice changed since). */
async function signInvoice({ document, companyName, request, sentByName, completedAt }: Extract<RendererRequest, { kind: 'sign-invoice' }>): Promise<StoredSignedPdf> {
  const { project, invoice } = document;
  const what = document.kind === 'owner_invoice' ? 'Owner invoice' : 'Invoice';
  const invoiceId = document.kind === 'owner_invoice' ? document.invoice.ownerInvoiceId : document.invoice.invoiceId;
  if (invoice.version !== request.invoiceVersion) throw new Error(`${what} ${invoiceId} is at version ${invoice.version}, not the ${request.invoiceVersion} sent for signature`);
  const now = new Date(request.sentAt);
  const sent =
    document.kind === 'owner_invoice'
      ? { stored: await storeOwnerInvoicePdf({ ...document, now }), filename: invoicePdfFilename(project, document.invoice, document.contract) }
      : { stored: await storeInvoicePdf({ ...document, now }), filename: invoicePdfFilename(project, document.invoice, document.commitment) };
  return storeSignedInvoicePdf({
    project,
    companyName,
    invoice: { invoiceId },
    documentKey: sent.stored.key,
    title: sent.filename.replace(/\.pdf$/, ''),
    request,
    sentByName,
    completedAt,
  });
}
