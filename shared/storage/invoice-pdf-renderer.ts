import { InvokeCommand } from '@aws-sdk/client-lambda';
import { lambdaClient } from '../aws/clients';
import { config } from '../config';
import type { StoredInvoicePdf } from './invoice-pdfs';
import type { PaymentScheduleDocument } from '../pdf/payment-schedule-pdf';
import type { SignatureRequest, SignedDocumentKind } from '../domain/signatures';
import type { StoredSignedPdf } from './signed-invoice-pdfs';

/**
 * The invoice PDF, rendered by a function of its own (functions/internal/render-invoice-pdf.ts):
 * HTTP functions ask for it here and wait, so none of them bundles the PDF library and fonts.
 */
export interface InvoicePdfRequest {
  projectId: string;
  invoiceId: string;
  /** The "printed" time shown on the PDF (ISO 8601). */
  printedAt: string;
}

export interface RenderedInvoicePdf extends StoredInvoicePdf {
  /** The invoice version the PDF shows (the renderer reads the invoice consistently). */
  invoiceVersion: number;
}

export interface RenderedPaymentSchedulePdf {
  key: string;
  sizeBytes: number;
}

/** The invoice's PDF in S3, current with the invoice: rendered now only when what it shows changed. */
export async function requestInvoicePdf(request: InvoicePdfRequest): Promise<RenderedInvoicePdf> {
  return invokeRenderer<RenderedInvoicePdf>(request);
}

/** The owner invoice's PDF in S3, current with it (the same renderer and G702/G703 document). */
export async function requestOwnerInvoicePdf(request: { projectId: string; ownerInvoiceId: string; printedAt: string }): Promise<RenderedInvoicePdf> {
  return invokeRenderer<RenderedInvoicePdf>({ kind: 'owner-invoice', ...request });
}

/** A payment schedule's PDF rendered from `document` and stored at `key` (before the schedule is written). */
export async function requestPaymentSchedulePdf(key: string, document: PaymentScheduleDocument): Promise<RenderedPaymentSchedulePdf> {
  return invokeRenderer<RenderedPaymentSchedulePdf>({ kind: 'payment-schedule', key, document });
}

/**
 * The signed PDF of a completed signature request, made by the renderer (the PDF library and the
 * signing libraries live there). The request carries every signer's mark and audit facts.
 */
export async function requestSignedInvoicePdf(request: {
  /** An owner invoice's id is `invoiceId` with `document: 'owner_invoice'`. */
  document?: SignedDocumentKind;
  projectId: string;
  invoiceId: string;
  request: SignatureRequest;
  sentByName: string;
  completedAt: string;
}): Promise<StoredSignedPdf> {
  return invokeRenderer<StoredSignedPdf>({ kind: 'sign-invoice', ...request });
}

async function invokeRenderer<T>(request: object): Promise<T> {
  const { FunctionError, Payload } = await lambdaClient().send(
    new InvokeCommand({ FunctionName: config.invoicePdfFunctionName, Payload: JSON.stringify(request) }),
  );
  const answer: unknown = Payload?.length ? JSON.parse(Buffer.from(Payload).toString('utf8')) : undefined;
  if (FunctionError) {
    const { errorType, errorMessage } = (answer ?? {}) as { errorType?: string; errorMessage?: string };
    throw new Error(`The invoice PDF renderer failed (${errorType ?? FunctionError}): ${errorMessage ?? 'no message'}`);
  }
  return answer as T;
}
