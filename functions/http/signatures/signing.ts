import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { HttpProblem, problems } from '../../../shared/http/problem';
import { s3Client } from '../../../shared/aws/s3';
import { config } from '../../../shared/config';
import { batchGetAll } from '../../../shared/db/service';
import { loadInvoice } from '../../../shared/db/invoices';
import { loadCommitment } from '../../../shared/db/commitments';
import { loadOwnerInvoice } from '../../../shared/db/owner-invoices';
import { loadHeadContract } from '../../../shared/db/head-contracts';
import type { InvoiceSignatureItem, SigningLinkItem } from '../../../shared/db/entities/signature';
import { afterDelivery, afterSigning, currentSigner, signingRefusal, type SignatureMark } from '../../../shared/domain/signatures';
import { signatureNoticeEmail } from '../../../shared/email/signatures';
import { builtinSigner, tokenHashOf } from '../../../shared/signature/builtin';
import { requestInvoicePdf, requestOwnerInvoicePdf, requestSignedInvoicePdf } from '../../../shared/storage/invoice-pdf-renderer';
import { signatureMarkKey } from '../../../shared/storage/keys';
import { downloadUrl } from '../invoice-files/s3';
import { signingMessagePage, signingPage } from './page';
import { documentNameOf, documentOf, invoicePageOf, signingBaseUrl, writeSignatureStep, type Loaded } from './step';
import { signatureEntities } from './entities';

interface SigningContext {
  loaded: Loaded;
  link: SigningLinkItem;
  signature: InvoiceSignatureItem;
}

const securityHeaders = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' };

/** What a link opens: the link record (by its token's hash), its request, the invoice (or owner invoice), project and contract; 404 for an unknown token. */
async function loadSigning(token: string): Promise<SigningContext> {
  const { data: link } = await signatureEntities().SigningLinkRecord.get({ tokenHash: tokenHashOf(token) }).go({ consistent: true });
  if (!link) throw problems.notFound('No such signing link.');
  const gone = () => problems.notFound('The invoice of this signing link no longer exists.');
  const [{ data: signature }, { data: project }] = await Promise.all([
    signatureEntities().InvoiceSignature.get({ projectId: link.projectId, invoiceId: link.invoiceId }).go({ consistent: true }),
    signatureEntities().Project.get({ projectId: link.projectId }).go(),
  ]);
  if (!signature || !project) throw gone();
  if (signature.document === 'owner_invoice') {
    const ownerInvoice = await loadOwnerInvoice(link.projectId, link.invoiceId, { consistent: true });
    const contract = ownerInvoice && (await loadHeadContract(link.projectId, ownerInvoice.headContractId));
    if (!ownerInvoice || !contract) throw gone();
    return { link, signature, loaded: { project, ownerInvoice, contract } };
  }
  const invoice = await loadInvoice(link.projectId, link.invoiceId, { consistent: true });
  const commitment = invoice && (await loadCommitment(link.projectId, invoice.commitmentId));
  if (!invoice || !commitment) throw gone();
  return { link, signature, loaded: { project, invoice, commitment } };
}

/** Refused as the link's state says: 410 spent, 409 the request moved on. */
function enforceSignable(context: SigningContext, now: Date): void {
  const refusal = signingRefusal({ link: context.link, request: context.signature, invoiceVersion: documentOf(context.loaded).version, now });
  if (refusal) throw refusal.status === 410 ? new HttpProblem(410, 'gone', 'Gone', refusal.detail) : problems.conflict(refusal.detail);
}

const userName = async (userId: string) => (await batchGetAll([{ userId }], (keys) => signatureEntities().User.get(keys).go()))[0];

export async function getSigningPage({ path }: HttpInput<'getSigningPage'>): Promise<Reply> {
  const now = new Date();
  let context: SigningContext;
  try {
    context = await loadSigning(path.token);
    enforceSignable(context, now);
  } catch (error) {
    if (!(error instanceof HttpProblem)) throw error;
    return { status: error.status, text: signingMessagePage('This signing link cannot be used', error.detail), contentType: 'text/html; charset=utf-8', headers: securityHeaders };
  }
  const { signature, link } = context;
  const signer = signature.signers.find((s) => s.userId === link.signerUserId)!;
  // The first opening is the request's "delivered" step (a concurrent opening may have recorded it: then nothing more).
  if (signer.status === 'sent') {
    try {
      await writeSignatureStep({
        loaded: context.loaded,
        before: signature,
        after: { ...signature, ...afterDelivery(signature, signer.userId, now.toISOString()), version: signature.version + 1 },
        invoice: { set: { signatureStatus: 'delivered' } },
        event: { type: 'signature_delivered', by: signer.userId, changes: { signer: signer.name } },
        emails: [],
        now,
      });
    } catch (error) {
      if (!(error instanceof HttpProblem && error.status === 409)) throw error;
    }
  }
  const { project } = context.loaded;
  const [pdf, sender] = await Promise.all([
    'ownerInvoice' in context.loaded
      ? requestOwnerInvoicePdf({ project, invoice: context.loaded.ownerInvoice, contract: context.loaded.contract, printedAt: signature.sentAt })
      : requestInvoicePdf({ ...context.loaded, printedAt: signature.sentAt }),
    userName(signature.sentBy),
  ]);
  const { url } = await downloadUrl(pdf.key, pdf.filename, 'inline', 'application/pdf');
  const html = signingPage({
    documentName: documentNameOf(context.loaded),
    projectName: project.name,
    signerName: signer.name,
    senderName: sender?.name ?? 'The project team',
    pdfUrl: url,
    expiresAt: link.expiresAt,
  });
  return {
    text: html,
    contentType: 'text/html; charset=utf-8',
    headers: {
      ...securityHeaders,
      'content-security-policy': `default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; frame-src ${new URL(url).origin}; base-uri 'none'; form-action 'self'`,
    },
  };
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The drawn PNG, kept in S3 beside the invoice (the signed PDF is made from it once every signer signed). */
async function keepDrawnMark(context: SigningContext, dataUrl: string): Promise<SignatureMark> {
  const bytes = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  if (!bytes.subarray(0, 8).equals(pngSignature)) {
    throw problems.validation([{ location: 'body', field: 'signature.png', message: 'The drawn signature is not a PNG image.' }]);
  }
  const { project } = context.loaded;
  const imageKey = signatureMarkKey({ companyId: project.companyId, projectId: project.projectId, invoiceId: context.link.invoiceId }, context.signature.sentAt, context.link.signerUserId);
  await s3Client().send(new PutObjectCommand({ Bucket: config.bucketName, Key: imageKey, Body: bytes, ContentType: 'image/png' }));
  return { kind: 'drawn', imageKey };
}

export async function submitSigning({ path, body, event, headers }: HttpInput<'submitSigning'>): Promise<Reply> {
  const now = new Date();
  const at = now.toISOString();
  const context = await loadSigning(path.token);
  enforceSignable(context, now);
  const { signature, link, loaded } = context;
  const { project } = loaded;
  const document = documentOf(loaded);
  const signer = signature.signers.find((s) => s.userId === link.signerUserId)!;
  const documentName = documentNameOf(loaded);
  const sender = await userName(signature.sentBy);
  const senderAsRecipient = { userId: signature.sentBy, name: sender?.name ?? 'Sender', email: sender?.email ?? '' };

  if (body.action === 'decline') {
    const after: InvoiceSignatureItem = {
      ...signature,
      status: 'declined',
      signers: signature.signers.map((s) => (s.userId === signer.userId ? { ...s, status: 'declined' as const, declinedAt: at, declineReason: body.reason } : s)),
      version: signature.version + 1,
    };
    await writeSignatureStep({
      loaded,
      before: signature,
      after,
      invoice: { set: { signatureStatus: 'declined' } },
      event: { type: 'signature_declined', by: signer.userId, comment: body.reason, changes: { signer: signer.name } },
      emails: sender?.email
        ? [signatureNoticeEmail({ kind: 'declined', recipient: senderAsRecipient, invoiceId: document.id, documentName, projectName: project.name, actorName: signer.name, reason: body.reason, link: invoicePageOf(loaded), stepKey: `${at}:declined` })]
        : [],
      spendLink: link.tokenHash,
      now,
    });
    return { body: { status: 'declined', signerStatus: 'declined' } };
  }

  const mark: SignatureMark = body.signature.kind === 'typed' ? { kind: 'typed', text: body.signature.text } : await keepDrawnMark(context, body.signature.png);
  const request = afterSigning(signature, signer.userId, { mark, ip: event.requestContext.http.sourceIp, ...(headers['user-agent'] ? { userAgent: headers['user-agent'] } : {}) }, at);
  const next = currentSigner(request.signers);
  let after: InvoiceSignatureItem = { ...signature, ...request, version: signature.version + 1 };

  if (next) {
    // Not the last: the next signer in routing order gets their link now.
    const invitation = builtinSigner.invite({
      signer: request.signers.find((s) => s.userId === next.userId)!,
      invoiceId: document.id,
      projectId: project.projectId,
      documentName,
      projectName: project.name,
      senderName: sender?.name ?? 'The project team',
      requestSentAt: signature.sentAt,
      expiresAt: signature.expiresAt,
      signingBaseUrl: signingBaseUrl(event),
      stepKey: `${at}:signed:${signer.userId}`,
    });
    await writeSignatureStep({
      loaded,
      before: signature,
      after,
      invoice: { set: { signatureStatus: signature.status }, requireInvoiceVersion: signature.invoiceVersion },
      event: { type: 'signature_signed', by: signer.userId, changes: { signer: signer.name, mark: mark.kind, next: next.name } },
      emails: [invitation.email],
      links: invitation.link ? [invitation.link] : [],
      spendLink: link.tokenHash,
      now,
    });
    return { body: { status: after.status, signerStatus: 'signed' } };
  }

  // The last signer: the signed PDF is made (stamped, audit page, PAdES seal) before the step is written.
  const signed = await requestSignedInvoicePdf({ loaded, request, sentByName: sender?.name ?? 'The project team', completedAt: at });
  after = { ...after, completedAt: at, signedPdfKey: signed.key, documentSha256: signed.documentSha256 };
  const filename = document.pdfFilename.replace(/\.pdf$/, ' (signed).pdf');
  const recipients = [...(sender?.email ? [senderAsRecipient] : []), ...request.signers];
  await writeSignatureStep({
    loaded,
    before: signature,
    after,
    invoice: { set: { signatureStatus: 'completed', signedPdfKey: signed.key }, requireInvoiceVersion: signature.invoiceVersion },
    event: { type: 'signature_completed', by: signer.userId, changes: { signer: signer.name, mark: mark.kind, signedPdfKey: signed.key, documentSha256: signed.documentSha256 } },
    emails: recipients.map((recipient) =>
      signatureNoticeEmail({ kind: 'completed', recipient, invoiceId: document.id, documentName, projectName: project.name, actorName: signer.name, link: invoicePageOf(loaded), stepKey: `${at}:completed`, signedPdf: { key: signed.key, filename } }),
    ),
    spendLink: link.tokenHash,
    now,
  });
  return { body: { status: 'completed', signerStatus: 'signed' } };
}
