import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { HttpProblem } from '../../../shared/http/problem';
import { batchGetAll } from '../../../shared/db/service';
import { chunk, loadCommitmentsById } from '../../../shared/db/invites';
import type { InvoiceSignatureItem } from '../../../shared/db/entities/signature';
import type { ProjectItem } from '../../../shared/db/entities/project';
import { canSee } from '../../../shared/domain/permissions';
import { currentSignatureStatus, newSignatureRequest, sendForSignatureRefusal, type Signer } from '../../../shared/domain/signatures';
import type { BulkSignatureResult } from '../../../shared/api/signatures.docs';
import { builtinSigner } from '../../../shared/signature/builtin';
import { gcSignerPrefix } from '../../../shared/signature/docusign';
import type { CompanyItem } from '../../../shared/db/entities/company';
import type { InvoiceItem } from '../../../shared/db/invoices';
import type { CommitmentItem } from '../../../shared/db/commitments';
import { outboxRecord } from '../../../shared/db/outbox-record';
import { documentNameOf, documentOf, signingBaseUrl, writeSignatureStep, type Loaded } from './step';
import { signatureEntities } from './entities';
import { invoicesBulkEsign, ownerInvoicesBulkEsign } from '../../../shared/domain/permission-rules';
import { docusignRequestedEvent } from '../../../events/contracts';

/** Sends run a few at a time: each is its own transaction and email. */
const bulkConcurrency = 8;

type Recipient = Pick<Signer, 'userId' | 'name' | 'email'>;

interface BulkContext {
  project: ProjectItem;
  /** The invoice (or owner invoice) by id with who signs it; absent when the caller cannot see it. */
  documentOf: Map<string, { loaded: Loaded; signers: Recipient[] }>;
  signatureOf: Map<string, InvoiceSignatureItem>;
  senderName: string;
  by: string;
  baseUrl: string;
  /** The company's provider: DocuSign when it chose it and named its account, else the built-in signer. */
  docusign: CompanyItem['docusign'] | undefined;
  now: Date;
}

/** One invoice sent: its request, the invoice's lock, the history event, the first signer's link and email, in one transaction. */
async function sendOne(context: BulkContext, invoiceId: string): Promise<BulkSignatureResult> {
  const { project, now } = context;
  const found = context.documentOf.get(invoiceId);
  if (!found) return { invoiceId, ok: false, status: 404, detail: 'No such invoice.' };
  const { loaded, signers } = found;
  const document = documentOf(loaded);
  const before = context.signatureOf.get(invoiceId);
  const refusal = sendForSignatureRefusal({
    invoiceStatus: document.status,
    existing: before && currentSignatureStatus(before, now),
    signerCount: signers.length,
    document: document.kind,
  });
  if (refusal) return { invoiceId, ok: false, status: 409, detail: refusal };

  // DocuSign signs subcontractor invoices for a company that chose it; owner invoices use the built-in signer.
  if (context.docusign && 'invoice' in loaded) return sendOneToDocusign(context, loaded, before, signers, context.docusign);
  const request = newSignatureRequest({ provider: builtinSigner.provider, invoiceVersion: document.version, signers, now });
  const invitation = builtinSigner.invite({
    signer: request.signers[0]!,
    invoiceId,
    projectId: project.projectId,
    documentName: documentNameOf(loaded),
    projectName: project.name,
    senderName: context.senderName,
    requestSentAt: request.sentAt,
    expiresAt: request.expiresAt,
    signingBaseUrl: context.baseUrl,
    stepKey: `${request.sentAt}:sent`,
  });
  try {
    await writeSignatureStep({
      loaded,
      before,
      after: { projectId: project.projectId, invoiceId, document: document.kind, ...request, sentBy: context.by, version: (before?.version ?? 0) + 1 },
      invoice: { set: { signatureStatus: 'sent' }, removeSignedPdf: true, requireInvoiceVersion: document.version },
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
      after: { projectId: project.projectId, invoiceId: invoice.invoiceId, document: 'invoice', ...request, sentBy: context.by, version: (before?.version ?? 0) + 1 },
      invoice: { set: { signatureStatus: 'sent' }, removeSignedPdf: true, requireInvoiceVersion: invoice.version },
      event: { type: 'signature_sent', by: context.by, changes: { provider: request.provider, signers: request.signers.map((s) => s.name), expiresAt: request.expiresAt } },
      emails: [],
      records: [outboxRecord(docusignRequestedEvent, { projectId: project.projectId, invoiceId: invoice.invoiceId, sentAt: request.sentAt, action: 'send', apiBaseUrl: context.baseUrl }, context.now)],
      now: context.now,
    });
    return { invoiceId: invoice.invoiceId, ok: true, status: 'sent', signers: request.signers.length };
  } catch (error) {
    if (error instanceof HttpProblem && error.status === 409) return { invoiceId: invoice.invoiceId, ok: false, status: 409, detail: error.detail };
    throw error;
  }
}

/** Sends each id on its own, a few at a time, answering one result per id in request order. */
async function sendAll(context: BulkContext, invoiceIds: readonly string[]): Promise<Reply> {
  const results: BulkSignatureResult[] = [];
  for (const group of chunk([...invoiceIds], bulkConcurrency)) results.push(...(await Promise.all(group.map((id) => sendOne(context, id)))));
  return { body: { results } };
}

const usersById = async (userIds: readonly string[]) =>
  new Map((await batchGetAll([...new Set(userIds)].map((userId) => ({ userId })), (batch) => signatureEntities().User.get(batch).go())).map((u) => [u.userId, u]));

const signaturesOf = async (projectId: string, ids: readonly string[]) =>
  new Map((await batchGetAll(ids.map((invoiceId) => ({ projectId, invoiceId })), (batch) => signatureEntities().InvoiceSignature.get(batch).go())).map((s) => [s.invoiceId, s]));

/** Subcontractor invoices: signed by their commitment's invoice contacts, in contact order. */
export async function bulkInvoiceSignature({ path, body, caller, event }: HttpInput<'bulkInvoiceSignature'>): Promise<Reply> {
  const now = new Date();
  const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(invoicesBulkEsign, member);
  const keys = body.invoiceIds.map((invoiceId) => ({ projectId: project.projectId, invoiceId }));
  const [invoices, signatureOf, { data: company }] = await Promise.all([
    batchGetAll(keys, (batch) => signatureEntities().Invoice.get(batch).go()),
    signaturesOf(project.projectId, body.invoiceIds),
    signatureEntities().Company.get({ companyId: project.companyId }).go(),
  ]);
  const commitments = await loadCommitmentsById(project.projectId, [...new Set(invoices.map((i) => i.commitmentId))]);
  const userOf = await usersById([caller.userId, ...commitments.flatMap((c) => c.invoiceContactIds)]);
  const commitmentOf = new Map(commitments.map((c) => [c.commitmentId, c]));
  const documents = new Map<string, { loaded: Loaded; signers: Recipient[] }>();
  for (const invoice of invoices) {
    const commitment = commitmentOf.get(invoice.commitmentId);
    if (!commitment || !canSee(member, 'commitments', commitment)) continue;
    const signers = commitment.invoiceContactIds.flatMap((userId) => {
      const user = userOf.get(userId);
      return user ? [{ userId, name: user.name, email: user.email }] : [];
    });
    documents.set(invoice.invoiceId, { loaded: { project, invoice, commitment }, signers });
  }
  const docusign = company?.signatureProvider === 'docusign' ? company.docusign : undefined;
  return sendAll(
    { project, documentOf: documents, signatureOf, senderName: userOf.get(caller.userId)?.name ?? 'The project team', by: caller.userId, baseUrl: signingBaseUrl(event), docusign, now },
    body.invoiceIds,
  );
}

/**
 * An owner contact as a signer: owner contacts are addresses on the head contract, not users, so
 * the signer's id is made of the address (links and the request name the signer by it).
 */
export const ownerContactSigner = (email: string): Recipient => ({ userId: `owner-contact:${email.toLowerCase()}`, name: email, email });

/** Owner invoices: signed by their head contract's owner contacts, in the order the contract lists them. */
export async function bulkOwnerInvoiceSignature({ path, body, caller, event }: HttpInput<'bulkOwnerInvoiceSignature'>): Promise<Reply> {
  const now = new Date();
  const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(ownerInvoicesBulkEsign, member);
  const keys = body.invoiceIds.map((ownerInvoiceId) => ({ projectId: project.projectId, ownerInvoiceId }));
  const [ownerInvoices, signatureOf, userOf] = await Promise.all([
    batchGetAll(keys, (batch) => signatureEntities().OwnerInvoice.get(batch).go()),
    signaturesOf(project.projectId, body.invoiceIds),
    usersById([caller.userId]),
  ]);
  const contractIds = [...new Set(ownerInvoices.map((i) => i.headContractId))];
  const contracts = await batchGetAll(contractIds.map((headContractId) => ({ projectId: project.projectId, headContractId })), (batch) => signatureEntities().HeadContract.get(batch).go());
  const contractOf = new Map(contracts.map((c) => [c.headContractId, c]));
  const documents = new Map<string, { loaded: Loaded; signers: Recipient[] }>();
  for (const ownerInvoice of ownerInvoices) {
    const contract = contractOf.get(ownerInvoice.headContractId);
    if (!contract || !canSee(member, 'head_contracts', contract)) continue;
    const signers = [...new Set(contract.ownerContactEmails.map((email) => email.trim().toLowerCase()))].map(ownerContactSigner);
    documents.set(ownerInvoice.ownerInvoiceId, { loaded: { project, ownerInvoice, contract }, signers });
  }
  return sendAll(
    { project, documentOf: documents, signatureOf, senderName: userOf.get(caller.userId)?.name ?? 'The project team', by: caller.userId, baseUrl: signingBaseUrl(event), docusign: undefined, now },
    body.invoiceIds,
  );
}
