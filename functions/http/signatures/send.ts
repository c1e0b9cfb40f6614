import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { HttpProblem } from '../../../shared/http/problem';
import { batchGetAll, db } from '../../../shared/db/service';
import { chunk, loadCommitmentsById } from '../../../shared/db/invites';
import type { InvoiceSignatureItem } from '../../../shared/db/entities/signature';
import type { InvoiceItem } from '../../../shared/db/invoices';
import type { CommitmentItem } from '../../../shared/db/commitments';
import type { ProjectItem } from '../../../shared/db/entities/project';
import { canSee, type Membership } from '../../../shared/domain/permissions';
import { currentSignatureStatus, newSignatureRequest, sendForSignatureRefusal } from '../../../shared/domain/signatures';
import type { BulkSignatureResult } from '../../../shared/api/signatures';
import { builtinSigner } from '../../../shared/signature/builtin';
import { gcSignerPrefix } from '../../../shared/signature/docusign';
import type { CompanyItem } from '../../../shared/db/entities/company';
import { outboxRecord } from '../../../shared/db/outbox';
import { documentNameOf, signingBaseUrl, writeSignatureStep } from './step';

/** Sends run a few at a time: each is its own transaction and email. */
const bulkConcurrency = 8;

interface BulkContext {
  project: ProjectItem;
  member: Membership;
  invoiceOf: Map<string, InvoiceItem>;
  commitmentOf: Map<string, CommitmentItem>;
  signatureOf: Map<string, InvoiceSignatureItem>;
  userOf: Map<string, { userId: string; name: string; email: string }>;
  by: string;
  baseUrl: string;
  /** The company's provider: DocuSign when it chose it and named its account, else the built-in signer. */
  docusign: CompanyItem['docusign'] | undefined;
  now: Date;
}

/** One invoice sent: its request, the invoice's lock, the history event, the first signer's link and email, in one transaction. */
async function sendOne(context: BulkContext, invoiceId: string): Promise<BulkSignatureResult> {
  const { project, member, now } = context;
  const invoice = context.invoiceOf.get(invoiceId);
  const commitment = invoice && context.commitmentOf.get(invoice.commitmentId);
  if (!invoice || !commitment || !canSee(member, 'commitments', commitment)) return { invoiceId, ok: false, status: 404, detail: 'No such invoice.' };
  const before = context.signatureOf.get(invoiceId);
  const signers = commitment.invoiceContactIds.flatMap((userId) => {
    const user = context.userOf.get(userId);
    return user ? [{ userId, name: user.name, email: user.email }] : [];
  });
  const refusal = sendForSignatureRefusal({
    invoiceStatus: invoice.status,
    existing: before && currentSignatureStatus(before, now),
    signerCount: signers.length,
  });
  if (refusal) return { invoiceId, ok: false, status: 409, detail: refusal };

  const loaded = { project, invoice, commitment };
  if (context.docusign) return sendOneToDocusign(context, loaded, before, signers, context.docusign);
  const request = newSignatureRequest({ provider: builtinSigner.provider, invoiceVersion: invoice.version, signers, now });
  const invitation = builtinSigner.invite({
    signer: request.signers[0]!,
    invoiceId,
    projectId: project.projectId,
    documentName: documentNameOf(loaded),
    projectName: project.name,
    senderName: context.userOf.get(context.by)?.name ?? 'The project team',
    requestSentAt: request.sentAt,
    expiresAt: request.expiresAt,
    signingBaseUrl: context.baseUrl,
    stepKey: `${request.sentAt}:sent`,
  });
  try {
    await writeSignatureStep({
      loaded,
      before,
      after: { projectId: project.projectId, invoiceId, ...request, sentBy: context.by, version: (before?.version ?? 0) + 1 },
      invoice: { set: { signatureStatus: 'sent' }, removeSignedPdf: true, requireInvoiceVersion: invoice.version },
      event: { type: 'signature_sent', by: context.by, changes: { provider: request.provider, signers: signers.map((s) => s.name), expiresAt: request.expiresAt } },
      emails: [invitation.email],
      links: invitation.link ? [invitation.link] : [],
      now,
    });
    return { invoiceId, ok: true, status: 'sent', signers: signers.length };
  } catch (error) {
    if (error instanceof HttpProblem && error.status === 409) return { invoiceId, ok: false, status: 409, detail: error.detail };
    throw error;
  }
}

/**
 * One invoice sent with DocuSign: the request (the contacts in routing order, then the company's GC
 * signer) and a `docusign.requested` outbox record, in one transaction; the consumer
 * (functions/events/docusign-envelopes.ts) creates the envelope, and DocuSign emails the signers.
 */
async function sendOneToDocusign(
  context: BulkContext,
  loaded: { project: ProjectItem; invoice: InvoiceItem; commitment: CommitmentItem },
  before: InvoiceSignatureItem | undefined,
  contacts: Array<{ userId: string; name: string; email: string }>,
  account: NonNullable<CompanyItem['docusign']>,
): Promise<BulkSignatureResult> {
  const { project, invoice } = loaded;
  const gc = account.gcSigner ? [{ userId: `${gcSignerPrefix}${account.gcSigner.email}`, ...account.gcSigner }] : [];
  const request = newSignatureRequest({ provider: 'docusign', invoiceVersion: invoice.version, signers: [...contacts, ...gc], now: context.now });
  try {
    await writeSignatureStep({
      loaded,
      before,
      after: { projectId: project.projectId, invoiceId: invoice.invoiceId, ...request, sentBy: context.by, version: (before?.version ?? 0) + 1 },
      invoice: { set: { signatureStatus: 'sent' }, removeSignedPdf: true, requireInvoiceVersion: invoice.version },
      event: { type: 'signature_sent', by: context.by, changes: { provider: request.provider, signers: request.signers.map((s) => s.name), expiresAt: request.expiresAt } },
      emails: [],
      records: [outboxRecord('docusign.requested', { projectId: project.projectId, invoiceId: invoice.invoiceId, sentAt: request.sentAt, action: 'send', apiBaseUrl: context.baseUrl }, context.now)],
      now: context.now,
    });
    return { invoiceId: invoice.invoiceId, ok: true, status: 'sent', signers: request.signers.length };
  } catch (error) {
    if (error instanceof HttpProblem && error.status === 409) return { invoiceId: invoice.invoiceId, ok: false, status: 409, detail: error.detail };
    throw error;
  }
}

export async function bulkInvoiceSignature({ path, body, caller, event }: HttpInput<'bulkInvoiceSignature'>): Promise<Reply> {
  const now = new Date();
  const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce('invoices.bulk_esign', member);
  const keys = body.invoiceIds.map((invoiceId) => ({ projectId: project.projectId, invoiceId }));
  const [invoices, signatures, { data: company }] = await Promise.all([
    batchGetAll(keys, (batch) => db().Invoice.get(batch).go()),
    batchGetAll(keys, (batch) => db().InvoiceSignature.get(batch).go()),
    db().Company.get({ companyId: project.companyId }).go(),
  ]);
  const commitments = await loadCommitmentsById(project.projectId, [...new Set(invoices.map((i) => i.commitmentId))]);
  const userIds = [...new Set([caller.userId, ...commitments.flatMap((c) => c.invoiceContactIds)])];
  const users = await batchGetAll(userIds.map((userId) => ({ userId })), (batch) => db().User.get(batch).go());
  const context: BulkContext = {
    project,
    member,
    invoiceOf: new Map(invoices.map((i) => [i.invoiceId, i])),
    commitmentOf: new Map(commitments.map((c) => [c.commitmentId, c])),
    signatureOf: new Map(signatures.map((s) => [s.invoiceId, s])),
    userOf: new Map(users.map((u) => [u.userId, u])),
    by: caller.userId,
    baseUrl: signingBaseUrl(event),
    docusign: company?.signatureProvider === 'docusign' ? company.docusign : undefined,
    now,
  };
  const results: BulkSignatureResult[] = [];
  for (const group of chunk(body.invoiceIds, bulkConcurrency)) results.push(...(await Promise.all(group.map((id) => sendOne(context, id)))));
  return { body: { results } };
}
