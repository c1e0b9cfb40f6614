import * as z from '../../shared/zod';
import { InvalidInputError, parseEvent, type PartInvoice } from '../../shared/backup/task-io';
import { loadBillingPeriod } from '../../shared/db/billing-period-reads';
import { loadCommitment } from '../../shared/db/commitments';
import { loadInvoice } from '../../shared/db/invoices';
import { db } from '../../shared/db/service';
import { termsFor } from '../../shared/domain/terminology';
import { signedMark } from '../../shared/domain/signatures';
import { invoicePdfFilename } from '../../shared/storage/pdf-names';
import { InvoicePdfUnrenderable, requestInvoicePdf, requestOwnerInvoicePdf } from '../../shared/storage/invoice-pdf-renderer';
import { loadOwnerInvoice } from '../../shared/db/owner-invoices';
import { loadHeadContract } from '../../shared/db/head-contracts';
import type { ProjectItem } from '../../shared/db/entities/project';

/**
 * Backup workflow, `PreparePart` (inside the Map, before MergePart): one invoice's part — its
 * PDF (the e-signed one when the signature workflow stored it, else the stored one, which the
 * renderer function renders first when it is not current), then its uploaded attachments in
 * upload order — and its title, as MergePart's input. This function carries no PDF library.
 * In the volume route Prepare describes every part the same way (`preparePart`), in one manifest.
 */

const inputSchema = z.object({
  projectId: z.string().check(z.minLength(1)),
  invoiceId: z.string().check(z.minLength(1)),
  partKey: z.string().check(z.minLength(1)),
});

export interface PartInput {
  partKey: string;
  title: string;
  invoice: PartInvoice;
  /** The invoice's PDF first (no attachment id), then its attachments. */
  sources: Array<{ key: string; title: string; attachmentId?: string }>;
}

export const handler = async (event: unknown): Promise<PartInput> => preparePart(parseEvent(inputSchema, event));

/** One invoice's part, as MergePart (or, in the manifest, MergeVolume) reads it. */
export async function preparePart({ projectId, invoiceId, partKey }: { projectId: string; invoiceId: string; partKey: string }): Promise<PartInput> {
  const [invoice, { data: project }, { data: attachments }] = await Promise.all([
    loadInvoice(projectId, invoiceId),
    db().Project.get({ projectId }).go(),
    db().InvoiceAttachment.query.byInvoice({ projectId, invoiceId }).go({ pages: 'all' }),
  ]);
  if (!invoice && project) return ownerInvoicePart(project, invoiceId, partKey);
  if (!invoice || !project) throw new InvalidInputError(`Invoice ${invoiceId} was deleted after the backup was requested`);
  const commitment = await loadCommitment(projectId, invoice.commitmentId);
  if (!commitment) throw new InvalidInputError(`The commitment of invoice ${invoice.number} no longer exists`);

  const title = `${commitment.number} ${commitment.title} — ${invoiceLabel(termsFor(project.region).invoice, invoice)}${await signedSuffix(project, invoice)}`;

  let invoicePdf: { key: string; title: string };
  if (invoice.signedPdfKey) {
    invoicePdf = { key: invoice.signedPdfKey, title: invoicePdfFilename(project, invoice, commitment) };
  } else {
    const period = await loadBillingPeriod(projectId, invoice.billingPeriodId);
    if (!period) throw new InvalidInputError(`The billing period of invoice ${invoice.number} (${commitment.number}) was deleted; its PDF cannot be rendered`);
    const stored = await unlessUnrenderable(requestInvoicePdf({ project, invoice, commitment, period, printedAt: new Date().toISOString() }), `invoice ${invoice.number} (${commitment.number})`);
    invoicePdf = { key: stored.key, title: stored.filename };
  }

  const uploaded = attachments
    .filter((attachment) => attachment.status === 'uploaded')
    .sort((a, b) => a.uploadedAt!.localeCompare(b.uploadedAt!) || a.attachmentId.localeCompare(b.attachmentId));
  return {
    partKey,
    title,
    invoice: { invoiceId, number: invoice.number, commitmentNumber: commitment.number, commitmentTitle: commitment.title },
    sources: [invoicePdf, ...uploaded.map((attachment) => ({ key: attachment.key, title: attachment.filename, attachmentId: attachment.attachmentId }))],
  };
}

/**
 * An owner invoice's part: its PDF (the same G702/G703 renderer, on its head contract), which
 * stands before the subcontractor invoices it includes. Owner invoices carry no attachments.
 */
async function ownerInvoicePart(project: ProjectItem, ownerInvoiceId: string, partKey: string): Promise<PartInput> {
  const { projectId } = project;
  const invoice = await loadOwnerInvoice(projectId, ownerInvoiceId);
  if (!invoice) throw new InvalidInputError(`Invoice ${ownerInvoiceId} was deleted after the backup was requested`);
  const [contract, period] = await Promise.all([loadHeadContract(projectId, invoice.headContractId), loadBillingPeriod(projectId, invoice.billingPeriodId)]);
  if (!contract) throw new InvalidInputError(`The head contract of owner invoice ${invoice.number} no longer exists`);
  if (!period) throw new InvalidInputError(`The billing period of owner invoice ${invoice.number} (${contract.number}) was deleted; its PDF cannot be rendered`);
  const stored = invoice.signedPdfKey
    ? // Signed: the e-signed PDF, as for a subcontractor invoice.
      { key: invoice.signedPdfKey, filename: invoicePdfFilename(project, invoice, contract) }
    : await unlessUnrenderable(requestOwnerInvoicePdf({ project, invoice, contract, period, printedAt: new Date().toISOString() }), `owner invoice ${invoice.number} (${contract.number})`);
  return {
    partKey,
    title: `${contract.number} ${contract.title} — ${invoiceLabel(termsFor(project.region).invoice, invoice)}${await signedSuffix(project, { invoiceId: ownerInvoiceId, signedPdfKey: invoice.signedPdfKey })}`,
    invoice: { invoiceId: ownerInvoiceId, number: invoice.number, commitmentNumber: contract.number, commitmentTitle: contract.title },
    sources: [{ key: stored.key, title: stored.filename }],
  };
}

/**
 * The renderer's answer; a PDF it cannot make from the invoice's records ends the backup
 * (InvalidInput, naming the invoice). S3's and Lambda's failures, here or in the renderer, keep
 * their own names.
 */
async function unlessUnrenderable<T>(rendered: Promise<T>, invoiceName: string): Promise<T> {
  try {
    return await rendered;
  } catch (error) {
    if (error instanceof InvoicePdfUnrenderable) throw new InvalidInputError(`The PDF of ${invoiceName} could not be rendered: ${error.message}`);
    throw error;
  }
}

/** " — Signed 2026-12-04 (built-in e-signature)" when the part is the invoice's signed PDF: the cover's contents mark it. */
async function signedSuffix(project: ProjectItem, invoice: { invoiceId: string; signedPdfKey?: string | undefined }): Promise<string> {
  if (!invoice.signedPdfKey) return '';
  const { data: signature } = await db().InvoiceSignature.get({ projectId: project.projectId, invoiceId: invoice.invoiceId }).go();
  return signature?.completedAt ? ` — ${signedMark({ completedAt: signature.completedAt, provider: signature.provider }, project.timeZone)}` : '';
}

/**
 * "Progress Claim 3 (PC-3)": the invoice's place in its commitment, then its number — once only
 * when the number is the place ("Progress Claim 1", not "Progress Claim 1 (1)").
 */
export function invoiceLabel(term: string, invoice: { position: number; number: string }): string {
  const numberIsPosition = /^\d+$/.test(invoice.number.trim()) && Number(invoice.number) === invoice.position;
  return numberIsPosition ? `${term} ${invoice.position}` : `${term} ${invoice.position} (${invoice.number})`;
}
