/** One step of a signature request, written at once: the request, the invoice's lock, the history event, the emails and links. */
import { dispatchSoon, outboxRecord, outboxWrite, type OutboxItem } from '../../../shared/db/outbox';
import { explainFailure, writeTransaction } from '../../../shared/db/transaction';
import { invoiceEventItem } from '../../../shared/db/invoices';
import type { InvoiceSignatureItem, SigningLinkItem } from '../../../shared/db/entities/signature';
import type { ProjectItem } from '../../../shared/db/entities/project';
import type { InvoiceItem } from '../../../shared/db/invoices';
import type { CommitmentItem } from '../../../shared/db/commitments';
import type { SignatureEventType } from '../../../shared/domain/signatures';
import type { EmailRequested } from '../../../events/contracts';
import { HttpProblem, problems } from '../../../shared/http/problem';
import { invoicePdfFilename } from '../../../shared/storage/pdf-names';
import { invoiceLink } from '../../../shared/email/invoice-notifications';
import { config } from '../../../shared/config';

export interface Loaded {
  project: ProjectItem;
  invoice: InvoiceItem;
  commitment: CommitmentItem;
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
export const documentNameOf = ({ project, invoice, commitment }: Loaded) => invoicePdfFilename(project, invoice, commitment).replace(/\.pdf$/, '');
export const invoicePageOf = ({ project, invoice }: Loaded) => invoiceLink(config.frontendBaseUrl, project.projectId, invoice.invoiceId);

/** The signing page's origin: the API's own (the request's host), https in AWS. */
export function signingBaseUrl(event: { headers: Record<string, string | undefined>; requestContext: { domainName: string } }): string {
  const host = event.requestContext.domainName;
  const local = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(host);
  return `${event.headers['x-forwarded-proto'] ?? (local ? 'http' : 'https')}://${host}`;
}

export async function writeSignatureStep(step: SignatureStep): Promise<void> {
  const { invoice } = step.loaded;
  const at = step.now.toISOString();
  const key = { projectId: invoice.projectId, invoiceId: invoice.invoiceId };
  const records = [...step.emails.map((email) => outboxRecord('email.requested', email, step.now)), ...(step.records ?? [])];
  const event = invoiceEventItem({ projectId: invoice.projectId, invoiceId: invoice.invoiceId, at, ...step.event });
  const outcome = await writeTransaction((entities) => {
    const patch = entities.Invoice.patch(key).set(step.invoice.set);
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
