import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforce, enforceRefusal } from '../../../shared/http/access';
import { loadInvoiceContext } from '../../../shared/http/invoice-context';
import { ownerInvoiceFor } from '../owner-invoices/shared';
import { problems } from '../../../shared/http/problem';
import { batchGetAll } from '../../../shared/db/service';
import type { InvoiceSignatureItem } from '../../../shared/db/entities/signature';
import { currentSignatureStatus, currentSigner, expiryFrom, resendSignatureRefusal, voidSignatureRefusal } from '../../../shared/domain/signatures';
import { toSignatureResponse } from '../../../shared/api/signature-views';
import { signatureNoticeEmail } from '../../../shared/email/signatures';
import { builtinSigner } from '../../../shared/signature/builtin';
import { outboxRecord } from '../../../shared/db/outbox-record';
import { documentNameOf, documentOf, invoicePageOf, signingBaseUrl, writeSignatureStep, type Loaded } from './step';
import { signatureEntities } from './entities';
import { invoicesBulkEsign, invoicesView, ownerInvoicesBulkEsign, ownerInvoicesView } from '../../../shared/domain/permission-rules';
import { docusignRequestedEvent } from '../../../events/contracts';

async function loadSignature(access: Loaded): Promise<InvoiceSignatureItem> {
  const { data } = await signatureEntities().InvoiceSignature.get({ projectId: access.project.projectId, invoiceId: documentOf(access).id }).go({ consistent: true });
  if (!data) throw problems.notFound('The invoice was never sent for signature.');
  return data;
}

const notNow = (detail: string | undefined) => enforceRefusal(detail === undefined ? undefined : { status: 409, detail });

export async function getInvoiceSignature({ path, caller }: HttpInput<'getInvoiceSignature'>): Promise<Reply> {
  const access = await loadInvoiceContext(path, caller.userId);
  enforce(invoicesView, access.member, access.commitment);
  return signatureOf(access);
}

export async function getOwnerInvoiceSignature({ path, caller }: HttpInput<'getOwnerInvoiceSignature'>): Promise<Reply> {
  const { project, contract, invoice } = await ownerInvoiceFor(ownerInvoicesView, path, caller.userId);
  return signatureOf({ project, contract, ownerInvoice: invoice });
}

async function signatureOf(loaded: Loaded): Promise<Reply> {
  const signature = await loadSignature(loaded);
  return { body: toSignatureResponse(signature, currentSignatureStatus(signature, new Date())) };
}

/** Voids the request (open or completed): the links stop working, the invoice's figures are free again and its PDF is the unsigned one. */
export async function voidInvoiceSignature({ path, body, caller }: HttpInput<'voidInvoiceSignature'>): Promise<Reply> {
  const access = await loadInvoiceContext(path, caller.userId);
  enforce(invoicesBulkEsign, access.member, access.commitment);
  return voidSignature(access, body, caller.userId);
}

export async function voidOwnerInvoiceSignature({ path, body, caller }: HttpInput<'voidOwnerInvoiceSignature'>): Promise<Reply> {
  const { project, contract, invoice } = await ownerInvoiceFor(ownerInvoicesBulkEsign, path, caller.userId);
  return voidSignature({ project, contract, ownerInvoice: invoice }, body, caller.userId);
}

async function voidSignature(access: Loaded, body: { reason?: string | undefined }, callerId: string): Promise<Reply> {
  const now = new Date();
  const before = await loadSignature(access);
  notNow(voidSignatureRefusal(currentSignatureStatus(before, now)));
  const at = now.toISOString();
  const after: InvoiceSignatureItem = {
    ...before,
    status: 'voided',
    voidedAt: at,
    voidedBy: callerId,
    ...(body.reason ? { voidReason: body.reason } : {}),
    version: before.version + 1,
  };
  // DocuSign tells its own recipients (the envelope is voided through the consumer); the built-in signer's are emailed here.
  const docusign = before.provider === 'docusign';
  const contacted = docusign ? [] : before.signers.filter((signer) => signer.status !== 'waiting');
  const [actor] = await batchGetAll([{ userId: callerId }], (keys) => signatureEntities().User.get(keys).go());
  const emails = contacted.map((signer) =>
    signatureNoticeEmail({
      kind: 'voided',
      recipient: signer,
      invoiceId: before.invoiceId,
      documentName: documentNameOf(access),
      projectName: access.project.name,
      actorName: actor?.name ?? 'The project team',
      ...(body.reason ? { reason: body.reason } : {}),
      link: invoicePageOf(access),
      stepKey: `${at}:voided`,
    }),
  );
  await writeSignatureStep({
    loaded: access,
    before,
    after,
    invoice: { set: { signatureStatus: 'voided' }, removeSignedPdf: true },
    event: { type: 'signature_voided', by: callerId, ...(body.reason ? { comment: body.reason } : {}), changes: { from: before.status, wasSigned: before.status === 'completed' } },
    emails,
    // A completed envelope stays completed at DocuSign; only an open one is voided there.
    records:
      docusign && before.status !== 'completed'
        ? [outboxRecord(docusignRequestedEvent, { projectId: before.projectId, invoiceId: before.invoiceId, sentAt: before.sentAt, action: 'void', ...(body.reason ? { reason: body.reason.slice(0, 200) } : {}) }, now)]
        : [],
    now,
  });
  return { body: toSignatureResponse(after, 'voided') };
}

/** A new link for the current signer (earlier ones stop working) and a new expiry. */
export async function resendInvoiceSignature({ path, caller, event }: HttpInput<'resendInvoiceSignature'>): Promise<Reply> {
  const access = await loadInvoiceContext(path, caller.userId);
  enforce(invoicesBulkEsign, access.member, access.commitment);
  return resendSignature(access, caller.userId, signingBaseUrl(event));
}

export async function resendOwnerInvoiceSignature({ path, caller, event }: HttpInput<'resendOwnerInvoiceSignature'>): Promise<Reply> {
  const { project, contract, invoice } = await ownerInvoiceFor(ownerInvoicesBulkEsign, path, caller.userId);
  return resendSignature({ project, contract, ownerInvoice: invoice }, caller.userId, signingBaseUrl(event));
}

async function resendSignature(access: Loaded, callerId: string, baseUrl: string): Promise<Reply> {
  const now = new Date();
  const before = await loadSignature(access);
  notNow(resendSignatureRefusal(currentSignatureStatus(before, now)));
  const signer = currentSigner(before.signers)!;
  const at = now.toISOString();
  const after: InvoiceSignatureItem = {
    ...before,
    sentAt: at,
    expiresAt: expiryFrom(now),
    signers: before.signers.map((s) => (s.userId === signer.userId ? { ...s, status: 'sent' as const, sentAt: at } : s)),
    version: before.version + 1,
  };
  if (before.provider === 'docusign') {
    // DocuSign emails the current signer again (through the consumer); its links are its own, so the
    // request keeps its `sentAt` (it names the envelope) and only its expiry moves.
    const resent: InvoiceSignatureItem = { ...after, sentAt: before.sentAt };
    await writeSignatureStep({
      loaded: access,
      before,
      after: resent,
      invoice: { set: { signatureStatus: after.status } },
      event: { type: 'signature_resent', by: callerId, changes: { signer: signer.name, expiresAt: after.expiresAt } },
      emails: [],
      records: [outboxRecord(docusignRequestedEvent, { projectId: before.projectId, invoiceId: before.invoiceId, sentAt: before.sentAt, action: 'resend' }, now)],
      now,
    });
    return { body: toSignatureResponse(resent, currentSignatureStatus(resent, now)) };
  }
  const [actor] = await batchGetAll([{ userId: callerId }], (keys) => signatureEntities().User.get(keys).go());
  const invitation = builtinSigner.invite({
    signer,
    invoiceId: before.invoiceId,
    projectId: before.projectId,
    documentName: documentNameOf(access),
    projectName: access.project.name,
    senderName: actor?.name ?? 'The project team',
    requestSentAt: after.sentAt,
    expiresAt: after.expiresAt,
    signingBaseUrl: baseUrl,
    stepKey: `${at}:resent`,
  });
  await writeSignatureStep({
    loaded: access,
    before,
    after,
    invoice: { set: { signatureStatus: after.status } },
    event: { type: 'signature_resent', by: callerId, changes: { signer: signer.name, expiresAt: after.expiresAt } },
    emails: [invitation.email],
    links: invitation.link ? [invitation.link] : [],
    now,
  });
  return { body: toSignatureResponse(after, currentSignatureStatus(after, now)) };
}
