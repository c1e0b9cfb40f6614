/** One step of a signature request, written at once: the request, the invoice's lock, the history event, the emails and links. */
import { dispatchSoon } from '../../../shared/db/outbox-delivery';
import { outboxRecord, outboxWrite } from '../../../shared/db/outbox-record';
import type { OutboxItem } from '../../../shared/db/entities/outbox';
import { explainFailure, writeTransactionOver } from '../../../shared/db/transaction';
import { invoiceEventItem } from '../../../shared/db/invoices';
import type { InvoiceSignatureItem, SigningLinkItem } from '../../../shared/db/entities/signature';
import type { ProjectItem } from '../../../shared/db/entities/project';
import type { InvoiceItem } from '../../../shared/db/invoices';
import type { CommitmentItem } from '../../../shared/db/commitments';
import type { OwnerInvoiceItem } from '../../../shared/db/owner-invoices';
import type { HeadContractItem } from '../../../shared/db/head-contracts';
import type { SignatureEventType, SignedDocumentKind } from '../../../shared/domain/signatures';
import type { EmailRequested } from '../../../events/contracts';
import { HttpProblem, problems } from '../../../shared/http/problem';
import { invoicePdfFilename } from '../../../shared/storage/pdf-names';
import { invoiceLink, ownerInvoiceLink } from '../../../shared/email/links';
import { config } from '../../../shared/config';
import { signatureEntities } from './entities';
import { emailRequestedEvent, signatureCompletedEvent, signatureDeclinedEvent, signatureVoidedEvent } from '../../../events/contracts';

/** What is signed, loaded: a subcontractor invoice on its commitment, or an owner invoice on its head contract. */
export type Loaded =
  | { project: ProjectItem; invoice: InvoiceItem; commitment: CommitmentItem }
  | { project: ProjectItem; ownerInvoice: OwnerInvoiceItem; contract: HeadContractItem };

/** The facts every step needs of the document, whichever kind it is. */
export function documentOf(loaded: Loaded): { kind: SignedDocumentKind; id: string; version: number; status: InvoiceItem['status']; pdfFilename: string; page: string } {
  const { project } = loaded;
  if ('ownerInvoice' in loaded) {
    const { ownerInvoice, contract } = loaded;
    return {
      kind: 'owner_invoice',
      id: ownerInvoice.ownerInvoiceId,
      version: ownerInvoice.version,
      status: ownerInvoice.status,
      pdfFilename: invoicePdfFilename(project, ownerInvoice, contract),
      page: ownerInvoiceLink(config.frontendBaseUrl, project.projectId, ownerInvoice.ownerInvoiceId),
    };
  }
  const { invoice, commitment } = loaded;
  return {
    kind: 'invoice',
    id: invoice.invoiceId,
    version: invoice.version,
    status: invoice.status,
    pdfFilename: invoicePdfFilename(project, invoice, commitment),
    page: invoiceLink(config.frontendBaseUrl, project.projectId, invoice.invoiceId),
  };
}

export interface SignatureStep {
  loaded: Loaded;
  /** The stored request this step changes (its version is the write's condition), or none for a first send. */
  before: InvoiceSignatureItem | undefined;
  after: InvoiceSignatureItem;
  /** What the invoice records of it; `requireInvoiceVersion` also holds the invoice to the version sent. */
  invoice: { set: { signatureStatus: InvoiceSignatureItem['status']; signedPdfKey?: string }; removeSignedPdf?: boolean; requireInvoiceVersion?: number };
  event: { type: SignatureEventType; by: string; comment?: string; changes?: Record<string, unknown> };
  emails: EmailRequested[];
  /** Other outbox records of the step (a DocuSign call: `docusign.requested`). */
  records?: OutboxItem[];
  links?: SigningLinkItem[];
  /** The link this step spends (single use): its hash. */
  spendLink?: string;
  now: Date;
}

/** "Progress claim 3 - SC-001": how emails and the audit page name the invoice. */
export const documentNameOf = (loaded: Loaded) => documentOf(loaded).pdfFilename.replace(/\.pdf$/, '');
export const invoicePageOf = (loaded: Loaded) => documentOf(loaded).page;

/** The signing page's origin: the API's own (the request's host), https in AWS. */
export function signingBaseUrl(event: { headers: Record<string, string | undefined>; requestContext: { domainName: string } }): string {
  const host = event.requestContext.domainName;
  const local = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(host);
  return `${event.headers['x-forwarded-proto'] ?? (local ? 'http' : 'https')}://${host}`;
}

/** The statuses that end a request, each a domain event (`signature.completed`, …) for webhooks. */
const endings = { completed: signatureCompletedEvent, declined: signatureDeclinedEvent, voided: signatureVoidedEvent } as const;

/** The step's domain event when it ends the request, written in its transaction like its emails. */
function endedEvent(step: SignatureStep): OutboxItem | undefined {
  const { after } = step;
  if (!(after.status in endings) || step.before?.status === after.status) return undefined;
  const status = after.status as keyof typeof endings;
  return outboxRecord(
    endings[status],
    {
      projectId: after.projectId,
      invoiceId: after.invoiceId,
      document: after.document ?? 'invoice',
      provider: after.provider,
      status,
      signers: after.signers.map((s) => ({ name: s.name, email: s.email, status: s.status, ...(s.signedAt ? { signedAt: s.signedAt } : {}) })),
      endedBy: step.event.by,
      occurredAt: step.now.toISOString(),
      ...(after.documentSha256 && status === 'completed' ? { documentSha256: after.documentSha256 } : {}),
      ...(step.event.comment ? { reason: step.event.comment } : {}),
    },
    step.now,
  );
}

export async function writeSignatureStep(step: SignatureStep): Promise<void> {
  const { projectId } = step.loaded.project;
  const document = documentOf(step.loaded);
  const at = step.now.toISOString();
  const records = [...step.emails.map((email) => outboxRecord(emailRequestedEvent, email, step.now)), ...(step.records ?? [])];
  const ended = endedEvent(step);
  if (ended) records.push(ended);
  const event = invoiceEventItem({ projectId, invoiceId: document.id, at, ...step.event });
  const outcome = await writeTransactionOver(signatureEntities, (entities) => {
    // The same lock on either kind: its signature status (and signed PDF), the version held.
    const patch =
      document.kind === 'owner_invoice'
        ? entities.OwnerInvoice.patch({ projectId, ownerInvoiceId: document.id }).set(step.invoice.set)
        : entities.Invoice.patch({ projectId, invoiceId: document.id }).set(step.invoice.set);
    const required = step.invoice.requireInvoiceVersion;
    return {
      signature: step.before
        ? entities.InvoiceSignature.put(step.after)
            .where((attr, op) => op.eq(attr.version, step.before!.version))
            .commit()
        : entities.InvoiceSignature.create(step.after).commit(),
      invoice: (step.invoice.removeSignedPdf ? patch.remove(['signedPdfKey']) : patch)
        .where((attr, op) => (required === undefined ? op.exists(attr.version) : op.eq(attr.version, required)))
        .commit(),
      link: step.spendLink
        ? entities.SigningLinkRecord.patch({ tokenHash: step.spendLink })
            .set({ usedAt: at })
            .where((attr, op) => op.notExists(attr.usedAt))
            .commit()
        : undefined,
      event: entities.InvoiceEvent.create(event).commit(),
      ...Object.fromEntries((step.links ?? []).map((link, index) => [`newLink${index}`, entities.SigningLinkRecord.create(link).commit()])),
      ...Object.fromEntries(records.map((record, index) => [`email${index}`, outboxWrite(entities, record)])),
    };
  });
  if (outcome.canceled) {
    throw await explainFailure(
      outcome,
      {
        link: () => new HttpProblem(410, 'gone', 'Gone', 'This signing link was already used; each link signs once.'),
        signature: () => problems.conflict('The signature request changed meanwhile (another step was taken); read it again.'),
        invoice: () => problems.conflict('The invoice changed after it was sent for signature; it must be sent again.'),
      },
      () => problems.busy('signature request'),
    );
  }
  await dispatchSoon(records.map((record) => record.outboxId));
}
