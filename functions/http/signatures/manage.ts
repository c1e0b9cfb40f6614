import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforce, enforceRefusal } from '../../../shared/http/access';
import { loadInvoiceContext, type InvoiceContext } from '../../../shared/http/invoice-context';
import { problems } from '../../../shared/http/problem';
import { batchGetAll, db } from '../../../shared/db/service';
import type { InvoiceSignatureItem } from '../../../shared/db/entities/signature';
import { currentSignatureStatus, currentSigner, expiryFrom, resendSignatureRefusal, voidSignatureRefusal } from '../../../shared/domain/signatures';
import { toSignatureResponse } from '../../../shared/api/signatures';
import { signatureNoticeEmail } from '../../../shared/email/signatures';
import { builtinSigner } from '../../../shared/signature/builtin';
import { outboxRecord } from '../../../shared/db/outbox';
import { documentNameOf, invoicePageOf, signingBaseUrl, writeSignatureStep } from './step';

async function loadSignature(access: InvoiceContext): Promise<InvoiceSignatureItem> {
  const { data } = await db().InvoiceSignature.get({ projectId: access.invoice.projectId, invoiceId: access.invoice.invoiceId }).go({ consistent: true });
  if (!data) throw problems.notFound('The invoice was never sent for signature.');
  return data;
}

const notNow = (detail: string | undefined) => enforceRefusal(detail === undefined ? undefined : { status: 409, detail });

export async function getInvoiceSignature({ path, caller }: HttpInput<'getInvoiceSignature'>): Promise<Reply> {
  const access = await loadInvoiceContext(path, caller.userId);
  enforce('invoices.view', access.member, access.commitment);
  const signature = await loadSignature(access);
  return { body: toSignatureResponse(signature, currentSignatureStatus(signature, new Date())) };
}

/** Voids the request (open or completed): the links stop working, the invoice's figures are free again and its PDF is the unsigned one. */
export async function voidInvoiceSignature({ path, body, caller }: HttpInput<'voidInvoiceSignature'>): Promise<Reply> {
  const now = new Date();
  const access = await loadInvoiceContext(path, caller.userId);
  enforce('invoices.bulk_esign', access.member, access.commitment);
  const before = await loadSignature(access);
  notNow(voidSignatureRefusal(currentSignatureStatus(before, now)));
  const at = now.toISOString();
  const after: InvoiceSignatureItem = {
    ...before,
    status: 'voided',
    voidedAt: at,
    voidedBy: caller.userId,
    ...(body.reason ? { voidReason: body.reason } : {}),
    version: before.version + 1,
  };
  // DocuSign tells its own recipients (the envelope is voided through the consumer); the built-in signer's are emailed here.
  const docusign = before.provider === 'docusign';
  const contacted = docusign ? [] : before.signers.filter((signer) => signer.status !== 'waiting');
  const [actor] = await batchGetAll([{ userId: caller.userId }], (keys) => db().User.get(keys).go());
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
    event: { type: 'signature_voided', by: caller.userId, ...(body.reason ? { comment: body.reason } : {}), changes: { from: before.status, wasSigned: before.status === 'completed' } },
    emails,
    // A completed envelope stays completed at DocuSign; only an open one is voided there.
    records:
      docusign && before.status !== 'completed'
        ? [outboxRecord('docusign.requested', { projectId: before.projectId, invoiceId: before.invoiceId, sentAt: before.sentAt, action: 'void', ...(body.reason ? { reason: body.reason.slice(0, 200) } : {}) }, now)]
        : [],
    now,
  });
  return { body: toSignatureResponse(after, 'voided') };
}

/** A new link for the current signer (earlier ones stop working) and a new expiry. */
export async function resendInvoiceSignature({ path, caller, event }: HttpInput<'resendInvoiceSignature'>): Promise<Reply> {
  const now = new Date();
  const access = await loadInvoiceContext(path, caller.userId);
  enforce('invoices.bulk_esign', access.member, access.commitment);
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
      event: { type: 'signature_resent', by: caller.userId, changes: { signer: signer.name, expiresAt: after.expiresAt } },
      emails: [],
      records: [outboxRecord('docusign.requested', { projectId: before.projectId, invoiceId: before.invoiceId, sentAt: before.sentAt, action: 'resend' }, now)],
      now,
    });
    return { body: toSignatureResponse(resent, currentSignatureStatus(resent, now)) };
  }
  const [actor] = await batchGetAll([{ userId: caller.userId }], (keys) => db().User.get(keys).go());
  const invitation = builtinSigner.invite({
    signer,
    invoiceId: before.invoiceId,
    projectId: before.projectId,
    documentName: documentNameOf(access),
    projectName: access.project.name,
    senderName: actor?.name ?? 'The project team',
    requestSentAt: after.sentAt,
    expiresAt: after.expiresAt,
    signingBaseUrl: signingBaseUrl(event),
    stepKey: `${at}:resent`,
  });
  await writeSignatureStep({
    loaded: access,
    before,
    after,
    invoice: { set: { signatureStatus: after.status } },
    event: { type: 'signature_resent', by: caller.userId, changes: { signer: signer.name, expiresAt: after.expiresAt } },
    emails: [invitation.email],
    links: invitation.link ? [invitation.link] : [],
    now,
  });
  return { body: toSignatureResponse(after, currentSignatureStatus(after, now)) };
}
