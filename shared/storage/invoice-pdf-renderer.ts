import { InvokeCommand } from '@aws-sdk/client-lambda';
import { lambdaClient } from '../aws/lambda';
import { config } from '../config';
import { loadBillingPeriod } from '../db/billing-period-reads';
import { loadChangeOrders } from '../db/commitments';
import { Company } from '../db/entities/company';
import { loadInvoice } from '../db/invoices';
import { loadOwnerInvoice } from '../db/owner-invoices';
import { entitiesOf } from '../db/service';
import type { BillingPeriodItem } from '../db/entities/billing-period';
import type { CommitmentItem } from '../db/entities/commitment';
import type { HeadContractItem } from '../db/entities/head-contract';
import type { InvoiceItem } from '../db/entities/invoice';
import type { OwnerInvoiceItem } from '../db/entities/owner-invoice';
import type { ProjectItem } from '../db/entities/project';
import type { SummarizedChangeOrder } from '../domain/change-order-summary';
import type { SignatureRequest } from '../domain/signatures';
import type { PaymentScheduleDocument } from '../pdf/payment-schedule-pdf';
import type { StoredSignedPdf } from './signed-invoice-pdfs';
import { InvoicePdfUnrenderable } from './invoice-pdf-unrenderable';

export { InvoicePdfUnrenderable };

/**
 * The invoice PDF, rendered by a function of its own (functions/internal/render-invoice-pdf.ts):
 * callers ask for it here and wait, so none of them bundles the PDF library and fonts. The
 * records the PDF shows are read here and sent with the request, so the renderer bundles no
 * database code: the invoice is read consistently (the version the caller just read, or a later
 * one, never an earlier one), as the renderer read it when it read the table itself.
 */

/** What an invoice's PDF shows. */
export interface InvoicePdfFacts {
  project: ProjectItem;
  invoice: InvoiceItem;
  commitment: CommitmentItem;
  period: BillingPeriodItem;
  /** The commitment's change orders, for the G702 change-order summary. */
  changeOrders: SummarizedChangeOrder[];
}

/** What an owner invoice's PDF shows: the same G702/G703 document on its head contract, the general contractor as contractor. */
export interface OwnerInvoicePdfFacts {
  project: ProjectItem;
  invoice: OwnerInvoiceItem;
  contract: HeadContractItem;
  /** The general contractor's name: the contractor of the application. */
  contractorName: string;
  period: BillingPeriodItem;
  changeOrders: SummarizedChangeOrder[];
}

/** An invoice PDF stored in S3 (shared/storage/invoice-pdfs.ts stores it; declared here, where its callers read it). */
export interface StoredInvoicePdf {
  key: string;
  /** "Invoice 3 - SC-001.pdf", in the project's terminology. */
  filename: string;
  sizeBytes: number;
}

export interface RenderedInvoicePdf extends StoredInvoicePdf {
  /** The invoice version the PDF shows. */
  invoiceVersion: number;
}

export interface RenderedPaymentSchedulePdf {
  key: string;
  sizeBytes: number;
}

/** What the renderer is sent: one of these, told apart by `kind`. */
export type RendererRequest =
  | ({ kind: 'invoice'; printedAt: string } & InvoicePdfFacts)
  | ({ kind: 'owner-invoice'; printedAt: string } & OwnerInvoicePdfFacts)
  | { kind: 'payment-schedule'; key: string; document: PaymentScheduleDocument }
  | {
      kind: 'sign-invoice';
      /** The document signed, as its PDF shows it. */
      document: ({ kind: 'invoice' } & InvoicePdfFacts) | ({ kind: 'owner_invoice' } & OwnerInvoicePdfFacts);
      /** The company whose certificate seals it. */
      companyName: string;
      /** The request as completed: every signer signed, with their marks and audit facts. */
      request: SignatureRequest;
      sentByName: string;
      completedAt: string;
    };

const companyReaders = /* @__PURE__ */ entitiesOf({ Company });

/** The invoice as the caller loaded it; the rest of what its PDF shows is read here. */
interface InvoiceToRender {
  project: ProjectItem;
  invoice: Pick<InvoiceItem, 'projectId' | 'invoiceId'>;
  commitment: CommitmentItem;
  /** The invoice's billing period, when the caller read it already. */
  period?: BillingPeriodItem | undefined;
}

interface OwnerInvoiceToRender {
  project: ProjectItem;
  invoice: Pick<OwnerInvoiceItem, 'projectId' | 'ownerInvoiceId'>;
  contract: HeadContractItem;
  period?: BillingPeriodItem | undefined;
}

/** The invoice's PDF in S3, current with the invoice: rendered now only when what it shows changed. */
export async function requestInvoicePdf(input: InvoiceToRender & {
  /** The "printed" time shown on the PDF (ISO 8601). */
  printedAt: string;
}): Promise<RenderedInvoicePdf> {
  const facts = await loadInvoicePdfFacts(input);
  return invokeRenderer<RenderedInvoicePdf>({ kind: 'invoice', printedAt: input.printedAt, ...facts });
}

/** The owner invoice's PDF in S3, current with it (the same renderer and G702/G703 document). */
export async function requestOwnerInvoicePdf(input: OwnerInvoiceToRender & { printedAt: string }): Promise<RenderedInvoicePdf> {
  const facts = await loadOwnerInvoicePdfFacts(input);
  return invokeRenderer<RenderedInvoicePdf>({ kind: 'owner-invoice', printedAt: input.printedAt, ...facts });
}

/** A payment schedule's PDF rendered from `document` and stored at `key` (before the schedule is written). */
export async function requestPaymentSchedulePdf(key: string, document: PaymentScheduleDocument): Promise<RenderedPaymentSchedulePdf> {
  return invokeRenderer<RenderedPaymentSchedulePdf>({ kind: 'payment-schedule', key, document });
}

/**
 * The signed PDF of a completed signature request, made by the renderer (the PDF library and the
 * signing libraries live there) from the invoice version the request was sent with; refused if the
 * invoice changed since. The request carries every signer's mark and audit facts.
 */
export async function requestSignedInvoicePdf(input: {
  /** The invoice or owner invoice signed, as the caller loaded it. */
  loaded: { project: ProjectItem; invoice: InvoiceItem; commitment: CommitmentItem } | { project: ProjectItem; ownerInvoice: OwnerInvoiceItem; contract: HeadContractItem };
  request: SignatureRequest;
  sentByName: string;
  completedAt: string;
}): Promise<StoredSignedPdf> {
  const { loaded, request, sentByName, completedAt } = input;
  if ('ownerInvoice' in loaded) {
    const facts = await loadOwnerInvoicePdfFacts({ project: loaded.project, invoice: loaded.ownerInvoice, contract: loaded.contract });
    return invokeRenderer<StoredSignedPdf>({ kind: 'sign-invoice', document: { kind: 'owner_invoice', ...facts }, companyName: facts.contractorName, request, sentByName, completedAt });
  }
  const [facts, company] = await Promise.all([loadInvoicePdfFacts(loaded), loadCompany(loaded.project)]);
  return invokeRenderer<StoredSignedPdf>({ kind: 'sign-invoice', document: { kind: 'invoice', ...facts }, companyName: company?.name ?? loaded.project.name, request, sentByName, completedAt });
}

async function loadInvoicePdfFacts({ project, invoice: { projectId, invoiceId }, commitment, period: known }: InvoiceToRender): Promise<InvoicePdfFacts> {
  const [invoice, changeOrders] = await Promise.all([loadInvoice(projectId, invoiceId, { consistent: true }), loadChangeOrders(projectId, commitment.commitmentId)]);
  if (!invoice) throw new InvoicePdfUnrenderable(`Invoice ${invoiceId} of project ${projectId} does not exist`);
  const period = known ?? (await loadBillingPeriod(projectId, invoice.billingPeriodId));
  if (!period) throw new InvoicePdfUnrenderable(`The billing period of invoice ${invoice.number} (${commitment.number}) does not exist`);
  return { project, invoice, commitment, period, changeOrders: changeOrders.map(summarized) };
}

async function loadOwnerInvoicePdfFacts({ project, invoice: { projectId, ownerInvoiceId }, contract, period: known }: OwnerInvoiceToRender): Promise<OwnerInvoicePdfFacts> {
  const [invoice, changeOrders, company] = await Promise.all([
    loadOwnerInvoice(projectId, ownerInvoiceId, { consistent: true }),
    // Change orders of a head contract are keyed by the contract's id.
    loadChangeOrders(projectId, contract.headContractId),
    loadCompany(project),
  ]);
  if (!invoice) throw new InvoicePdfUnrenderable(`Owner invoice ${ownerInvoiceId} of project ${projectId} does not exist`);
  const period = known ?? (await loadBillingPeriod(projectId, invoice.billingPeriodId));
  if (!period) throw new InvoicePdfUnrenderable(`The billing period of owner invoice ${invoice.number} (${contract.number}) does not exist`);
  return { project, invoice, contract, contractorName: company?.name ?? 'General contractor', period, changeOrders: changeOrders.map(summarized) };
}

async function loadCompany(project: ProjectItem) {
  const { data } = await companyReaders().Company.get({ companyId: project.companyId }).go();
  return data ?? undefined;
}

/** Only what the G702 summary reads of a change order: the request stays small. */
const summarized = ({ status, totalCents, approvedAt }: SummarizedChangeOrder): SummarizedChangeOrder => ({ status, totalCents, ...(approvedAt ? { approvedAt } : {}) });

async function invokeRenderer<T>(request: RendererRequest): Promise<T> {
  const { FunctionError, Payload } = await lambdaClient().send(
    new InvokeCommand({ FunctionName: config.invoicePdfFunctionName, Payload: JSON.stringify(request) }),
  );
  const answer: unknown = Payload?.length ? JSON.parse(Buffer.from(Payload).toString('utf8')) : undefined;
  if (FunctionError) {
    const { errorType, errorMessage } = (answer ?? {}) as { errorType?: string; errorMessage?: string };
    if (errorType === 'InvoicePdfUnrenderable') throw new InvoicePdfUnrenderable(errorMessage ?? 'The invoice PDF could not be rendered');
    const failure = new Error(`The invoice PDF renderer failed (${errorType ?? FunctionError}): ${errorMessage ?? 'no message'}`);
    // The renderer's failure keeps its own name (an S3 error's, Lambda's timeout, …), as if it had happened here.
    if (errorType) failure.name = errorType;
    throw failure;
  }
  return answer as T;
}
