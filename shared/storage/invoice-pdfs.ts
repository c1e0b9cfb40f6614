import { createHash } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { s3Client } from '../aws/s3';
import { config } from '../config';
import { invoiceDocument } from '../pdf/invoice-document';
import { renderInvoicePdf, type InvoiceDocument } from '../pdf/invoice-pdf';
import type { OwnerInvoiceItem } from '../db/entities/owner-invoice';
import type { HeadContractItem } from '../db/entities/head-contract';
import type { InvoicePdfFacts, OwnerInvoicePdfFacts, StoredInvoicePdf } from './invoice-pdf-renderer';
import { InvoicePdfUnrenderable } from './invoice-pdf-unrenderable';
import { renderPaymentSchedulePdf, type PaymentScheduleDocument } from '../pdf/payment-schedule-pdf';
import { invoicePdfKey } from './keys';
import { invoicePdfFilename } from './pdf-names';
import { termsFor } from '../domain/terminology';
import type { ProjectItem } from '../db/entities/project';

/**
 * The invoice PDF as stored in the bucket: one object per invoice version, rendered again only
 * when what it shows changed. The same key and fingerprint as GET …/pdf (functions/http/invoice-files/invoice-pdf.ts),
 * so either reuses what the other rendered.
 */

/** Bumped when the renderer's output changes, so stored PDFs of unchanged invoices are rendered again. */
const rendererVersion = '2';

export type { StoredInvoicePdf };

export { invoicePdfFilename };

export async function storeInvoicePdf(input: InvoicePdfFacts & { now: Date }): Promise<StoredInvoicePdf> {
  const { project, invoice, commitment, period, changeOrders, now } = input;
  const document = drawable(() => invoiceDocument({ invoice, project, commitment, period, changeOrders, printedAt: now }));
  const key = invoicePdfKey({ companyId: project.companyId, projectId: project.projectId, invoiceId: invoice.invoiceId }, invoice.version);
  return storeDocument(document, key, invoicePdfFilename(project, invoice, commitment), invoice.version);
}

/**
 * The owner invoice's PDF: the same G702/G703 document, billed on the head contract by the general
 * contractor to the owner (the "To"), stored beside subcontractor invoices' PDFs under its own id.
 */
export async function storeOwnerInvoicePdf(input: OwnerInvoicePdfFacts & { now: Date }): Promise<StoredInvoicePdf> {
  const { project, invoice, contract, contractorName, period, changeOrders, now } = input;
  const document = drawable(() =>
    invoiceDocument({
      invoice,
      project: { ...project, contract: { ...project.contract, ownerName: contract.ownerCompanyName } },
      commitment: { number: contract.number, title: contract.title, type: 'head_contract', vendorName: contractorName, ...(contract.contractDate && { contractDate: contract.contractDate }) },
      period,
      changeOrders,
      printedAt: now,
    }),
  );
  const key = invoicePdfKey({ companyId: project.companyId, projectId: project.projectId, invoiceId: invoice.ownerInvoiceId }, invoice.version);
  return storeDocument(document, key, ownerInvoicePdfFilename(project, invoice, contract), invoice.version);
}

/** "Progress Claim 2 - HC-001.pdf" (en-AU), in the project's terminology. */
export function ownerInvoicePdfFilename(project: Pick<ProjectItem, 'region'>, invoice: Pick<OwnerInvoiceItem, 'number'>, contract: Pick<HeadContractItem, 'number'>) {
  return `${termsFor(project.region).invoice} ${invoice.number} - ${contract.number}.pdf`;
}

/** Renders and stores the document at `key`, unless the object there already shows the same (its fingerprint). */
async function storeDocument(document: InvoiceDocument, key: string, filename: string, version: number): Promise<StoredInvoicePdf> {
  const { printedAt: _printedAt, ...shown } = document;
  const fingerprint = createHash('sha256').update(rendererVersion).update(JSON.stringify(shown)).digest('hex');
  const existing = await headObject(key);
  if (existing?.Metadata?.fingerprint === fingerprint && existing.ContentLength) return { key, filename, sizeBytes: existing.ContentLength };
  const bytes = await drawable(() => renderInvoicePdf(document));
  await s3Client().send(
    new PutObjectCommand({
      Bucket: config.bucketName,
      Key: key,
      Body: bytes,
      ContentType: 'application/pdf',
      Metadata: { fingerprint, 'invoice-version': String(version) },
    }),
  );
  return { key, filename, sizeBytes: bytes.length };
}

/** A payment schedule's PDF, rendered and stored at `key` (the caller's key names one serving). */
export async function storePaymentSchedulePdf(key: string, document: PaymentScheduleDocument): Promise<{ key: string; sizeBytes: number }> {
  const bytes = await renderPaymentSchedulePdf(document);
  await s3Client().send(new PutObjectCommand({ Bucket: config.bucketName, Key: key, Body: bytes, ContentType: 'application/pdf' }));
  return { key, sizeBytes: bytes.length };
}

/** What fails while the document is made or drawn fails for these records, not for S3: InvoicePdfUnrenderable. */
function drawable<T>(draw: () => T): T {
  const unrenderable = (error: unknown) => new InvoicePdfUnrenderable((error as Error).message, { cause: error });
  try {
    const drawn = draw();
    return (drawn instanceof Promise ? drawn.catch((error: unknown) => Promise.reject(unrenderable(error))) : drawn) as T;
  } catch (error) {
    throw unrenderable(error);
  }
}

async function headObject(key: string): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await s3Client().send(new HeadObjectCommand({ Bucket: config.bucketName, Key: key }));
  } catch (error) {
    if ((error as Error).name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
    throw error;
  }
}
