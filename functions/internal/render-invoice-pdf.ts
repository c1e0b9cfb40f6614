import type { RenderedInvoicePdf, RenderedPaymentSchedulePdf, RendererRequest } from '../../shared/storage/invoice-pdf-renderer';
import { storeInvoicePdf, storeOwnerInvoicePdf, storePaymentSchedulePdf } from '../../shared/storage/invoice-pdfs';
import { invoicePdfFilename } from '../../shared/storage/pdf-names';
import { storeSignedInvoicePdf, type StoredSignedPdf } from '../../shared/storage/signed-invoice-pdfs';

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
export const handler = async (event: unknown): Promise<RenderedInvoicePdf | RenderedPaymentSchedulePdf | StoredSignedPdf> => {
  const request = rendererRequestOf(event);
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

/**
 * The request as the requester (shared/storage/invoice-pdf-renderer.ts) typed it, its shape
 * checked: its kind, the records and documents present as objects, the times ISO 8601. The
 * records are the caller's reads of our own table, not input from outside (zod would add 24 KB).
 */
function rendererRequestOf(event: unknown): RendererRequest {
  const request = objectAt(event, 'request');
  /** What a PDF shows: an invoice's records (`commitment`) or an owner invoice's (`contract`, `contractorName`). */
  const facts = (value: Record<string, unknown>, at: string, owner: boolean) => {
    for (const name of ['project', 'invoice', owner ? 'contract' : 'commitment', 'period']) objectAt(value[name], `${at}.${name}`);
    if (!Array.isArray(value.changeOrders)) throw invalid(`${at}.changeOrders`, 'an array');
    if (owner) stringAt(value.contractorName, `${at}.contractorName`);
  };
  switch (request.kind) {
    case 'invoice':
    case 'owner-invoice':
      facts(request, 'request', request.kind === 'owner-invoice');
      timeAt(request.printedAt, 'printedAt');
      break;
    case 'payment-schedule':
      stringAt(request.key, 'key');
      objectAt(request.document, 'document');
      break;
    case 'sign-invoice': {
      const document = objectAt(request.document, 'document');
      if (document.kind !== 'invoice' && document.kind !== 'owner_invoice') throw invalid('document.kind', '"invoice" or "owner_invoice"');
      facts(document, 'document', document.kind === 'owner_invoice');
      objectAt(request.request, 'request');
      stringAt(request.companyName, 'companyName');
      if (typeof request.sentByName !== 'string') throw invalid('sentByName', 'a string');
      timeAt(request.completedAt, 'completedAt');
      break;
    }
    default:
      throw invalid('kind', '"invoice", "owner-invoice", "payment-schedule" or "sign-invoice"');
  }
  return request as unknown as RendererRequest;
}

const invalid = (field: string, expected: string) => new Error(`Invalid renderer request: ${field} must be ${expected}`);

function objectAt(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(field, 'an object');
  return value as Record<string, unknown>;
}

function stringAt(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(field, 'a non-empty string');
  return value;
}

/** An ISO 8601 instant, as JSON carries a Date. */
function timeAt(value: unknown, field: string): void {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw invalid(field, 'an ISO 8601 date-time');
  }
}
