import type { EventBridgeEvent } from 'aws-lambda';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { docusignRequested, type DocusignRequested } from '../../events/contracts';
import { s3Client } from '../../shared/aws/s3';
import { config } from '../../shared/config';
import { logger } from '../../shared/logger';
import { db } from '../../shared/db/service';
import { isConditionalFailure } from '../../shared/db/conditions';
import { writeTransaction } from '../../shared/db/transaction';
import type { InvoiceSignatureItem } from '../../shared/db/entities/signature';
import { currentSigner } from '../../shared/domain/signatures';
import { loadCommitment } from '../../shared/db/commitments';
import { loadInvoice } from '../../shared/db/invoices';
import { requestInvoicePdf } from '../../shared/storage/invoice-pdf-renderer';
import { invoicePdfFilename } from '../../shared/storage/pdf-names';
import { signedInvoicePdfKey } from '../../shared/storage/keys';
import { connectUrlOf, envelopeDefinition, requestKeyOf } from '../../shared/signature/docusign';
import { docusignClient, type DocusignClient } from '../../shared/signature/docusign-client';
import { gcSignerPrefix } from '../../shared/signature/docusign';
import type { ScheduledEvent } from '../../shared/wiring/schedules';
import { pollDocusignEnvelopes } from '../scheduled/docusign-poll';
import { applyProviderReport } from '../http/signatures/docusign-connect';
import type { ProjectItem } from '../../shared/db/entities/project';
import { configuredDocusignSecretStore } from '../../shared/signature/docusign-secrets';

/** A send claimed this recently may still be creating its envelope: a second delivery waits rather than make another. */
const claimSettleMs = 2 * 60 * 1000;

/** Thrown to have the event retried (Lambda's async retries, then the on-failure queue). */
export class DocusignRetry extends Error {}


/**
 * docusign.requested events (written to the outbox with a signature step): the DocuSign call the
 * step needs, made once. `send` creates the request's envelope (one per invoice, its PDF, the
 * signers in routing order, Connect to our route) and records its id; a retried send finds the
 * envelope by its custom field instead of making a second. `void` and `resend` act on the
 * envelope; `store-completed` keeps the combined signed PDF and the certificate of completion in
 * S3 and makes the signed PDF the invoice's. A call for an earlier request does nothing.
 */
export const handler = async (event: EventBridgeEvent<'docusign.requested', unknown> | ScheduledEvent) => {
  // The `docusign-poll` schedule runs here too (one function fewer in the stack).
  if ('schedule' in event) return pollDocusignEnvelopes(event);
  const parsed = docusignRequested.safeParse(event.detail);
  if (!parsed.success) {
    logger.error('invalid docusign.requested event', { eventId: event.id, issues: parsed.error.issues });
    return { status: 'invalid' as const };
  }
  const request = parsed.data;
  logger.appendKeys({ invoiceId: request.invoiceId, action: request.action });
  const key = { projectId: request.projectId, invoiceId: request.invoiceId };
  const [{ data: signature }, { data: project }] = await Promise.all([db().InvoiceSignature.get(key).go({ consistent: true }), db().Project.get({ projectId: request.projectId }).go()]);
  if (!signature || !project || signature.provider !== 'docusign' || signature.sentAt !== request.sentAt) {
    logger.info('docusign call for a request no longer current: nothing to do');
    return { status: 'stale' as const };
  }
  const { data: company } = await db().Company.get({ companyId: project.companyId }).go();
  const secrets = await configuredDocusignSecretStore().load(project.companyId);
  if (!company?.docusign || !secrets) throw new Error(`Company ${project.companyId} has no DocuSign account or secrets; the call waits in the on-failure queue`);
  const client = await docusignClient(company.docusign, secrets.privateKeyPem);
  switch (request.action) {
    case 'send':
      return send(client, signature, request);
    case 'void':
      return voidEnvelope(client, signature, request.reason);
    case 'resend':
      return resend(client, signature);
    case 'store-completed':
      return storeCompleted(client, signature, project.companyId);
    case 'refresh':
      return refresh(client, signature, project);
  }
};

async function send(client: DocusignClient, signature: InvoiceSignatureItem, request: DocusignRequested) {
  if (signature.envelopeId) return { status: 'already-sent' as const, envelopeId: signature.envelopeId };
  if (signature.status !== 'sent' && signature.status !== 'delivered') return { status: 'not-open' as const };
  const at = new Date();
  const requestKey = requestKeyOf(signature.invoiceId, signature.sentAt);
  let envelopeId: string | undefined;
  try {
    await db()
      .InvoiceSignature.patch({ projectId: signature.projectId, invoiceId: signature.invoiceId })
      .set({ envelopeClaimedAt: at.toISOString() })
      .where((attr, op) => `${op.notExists(attr.envelopeClaimedAt)} AND ${op.eq(attr.sentAt, signature.sentAt)}`)
      .go();
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
    // Claimed before: an earlier attempt may have made the envelope and died before recording it.
    const claimedAt = signature.envelopeClaimedAt ?? at.toISOString();
    if (at.getTime() - Date.parse(claimedAt) < claimSettleMs) throw new DocusignRetry(`the envelope of ${requestKey} is being made by another attempt`);
    envelopeId = await client.findEnvelope(requestKey, signature.sentAt);
  }
  if (!envelopeId) {
    const loaded = await loadNames(signature);
    const pdf = await requestInvoicePdf({ ...loaded, printedAt: signature.sentAt });
    if (pdf.invoiceVersion !== signature.invoiceVersion) return { status: 'invoice-changed' as const };
    envelopeId = await client.createEnvelope(
      envelopeDefinition({
        invoiceId: signature.invoiceId,
        projectId: signature.projectId,
        sentAt: signature.sentAt,
        documentName: loaded.documentName,
        projectName: loaded.projectName,
        pdf: await readObject(pdf.key),
        signers: signature.signers.map((signer) => ({ ...signer, role: signer.userId.startsWith(gcSignerPrefix) ? ('certifier' as const) : ('contractor' as const) })),
        connectUrl: connectUrlOf(request.apiBaseUrl ?? config.frontendBaseUrl, signature.projectId, signature.invoiceId),
      }),
    );
  }
  try {
    await db()
      .InvoiceSignature.patch({ projectId: signature.projectId, invoiceId: signature.invoiceId })
      .set({ envelopeId })
      .where((attr, op) => `${op.notExists(attr.envelopeId)} AND ${op.eq(attr.sentAt, signature.sentAt)}`)
      .go();
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
  }
  // Watched until it ends, for the polling fallback.
  await db().DocusignWatch.put({ sentAt: signature.sentAt, projectId: signature.projectId, invoiceId: signature.invoiceId, envelopeId }).go();
  logger.info('docusign envelope sent', { envelopeId });
  return { status: 'sent' as const, envelopeId };
}

/** Ended at DocuSign already (voided, completed, declined): nothing to void. */
async function voidEnvelope(client: DocusignClient, signature: InvoiceSignatureItem, reason: string | undefined) {
  if (!signature.envelopeId) return { status: 'no-envelope' as const };
  try {
    await client.voidEnvelope(signature.envelopeId, reason ?? 'Voided by the sender');
  } catch (error) {
    const { envelopeStatus } = await client.getReport(signature.envelopeId);
    if (!['voided', 'completed', 'declined'].includes(envelopeStatus)) throw error;
  }
  return { status: 'voided' as const, envelopeId: signature.envelopeId };
}

async function resend(client: DocusignClient, signature: InvoiceSignatureItem) {
  const signer = currentSigner(signature.signers);
  if (!signature.envelopeId || !signer) return { status: 'no-envelope' as const };
  const recipientId = String(signature.signers.findIndex((s) => s.userId === signer.userId) + 1);
  await client.resend(signature.envelopeId, { recipientId, name: signer.name, email: signer.email });
  return { status: 'resent' as const, envelopeId: signature.envelopeId };
}

/** The completed envelope's combined PDF (every page as signed, with DocuSign's signatures) and its certificate of completion, kept once. */
async function storeCompleted(client: DocusignClient, signature: InvoiceSignatureItem, companyId: string) {
  if (signature.status !== 'completed' || !signature.envelopeId) return { status: 'not-completed' as const };
  if (signature.signedPdfKey) return { status: 'already-stored' as const, key: signature.signedPdfKey };
  const scope = { companyId, projectId: signature.projectId, invoiceId: signature.invoiceId };
  const signedKey = signedInvoicePdfKey(scope, signature.invoiceVersion, signature.sentAt);
  const certificateKey = signedKey.replace(/\.pdf$/, '-certificate.pdf');
  const [combined, certificate] = await Promise.all([client.getDocument(signature.envelopeId, 'combined'), client.getDocument(signature.envelopeId, 'certificate')]);
  await Promise.all([putPdf(signedKey, combined), putPdf(certificateKey, certificate)]);
  const key = { projectId: signature.projectId, invoiceId: signature.invoiceId };
  const outcome = await writeTransaction((entities) => ({
    signature: entities.InvoiceSignature.patch(key)
      .set({ signedPdfKey: signedKey, certificateKey, version: signature.version + 1 })
      .where((attr, op) => `${op.eq(attr.version, signature.version)} AND ${op.eq(attr.status, 'completed')}`)
      .commit(),
    invoice: entities.Invoice.patch(key)
      .set({ signedPdfKey: signedKey })
      .where((attr, op) => op.eq(attr.signatureStatus, 'completed'))
      .commit(),
  }));
  // Changed meanwhile (voided, or another delivery stored it): read again on the retry.
  if (outcome.canceled) throw new DocusignRetry(`the signature of ${signature.invoiceId} changed while its documents were stored`);
  logger.info('docusign documents stored', { signedKey, certificateKey, bytes: combined.length });
  return { status: 'stored' as const, key: signedKey, certificateKey };
}

/** The polling fallback: the envelope's status read from DocuSign and applied as Connect's would be; an ended one is no longer watched. */
async function refresh(client: DocusignClient, signature: InvoiceSignatureItem, project: ProjectItem) {
  if (!signature.envelopeId) return { status: 'no-envelope' as const };
  const invoice = await loadInvoice(signature.projectId, signature.invoiceId, { consistent: true });
  if (!invoice) throw new Error(`Invoice ${signature.invoiceId} no longer exists`);
  const after = await applyProviderReport({ project, invoice, signature, report: await client.getReport(signature.envelopeId), source: 'poll', now: new Date() });
  const status = after?.status ?? signature.status;
  if (status !== 'sent' && status !== 'delivered') {
    await db().DocusignWatch.delete({ sentAt: signature.sentAt, projectId: signature.projectId, invoiceId: signature.invoiceId }).go();
  }
  return { status: after ? ('refreshed' as const) : ('unchanged' as const), signatureStatus: status };
}

async function loadNames(signature: InvoiceSignatureItem) {
  const [invoice, { data: project }] = await Promise.all([loadInvoice(signature.projectId, signature.invoiceId), db().Project.get({ projectId: signature.projectId }).go()]);
  const commitment = invoice && (await loadCommitment(signature.projectId, invoice.commitmentId));
  if (!invoice || !project || !commitment) throw new Error(`Invoice ${signature.invoiceId} or its commitment no longer exists`);
  return { project, invoice, commitment, documentName: invoicePdfFilename(project, invoice, commitment).replace(/\.pdf$/, ''), projectName: project.name };
}

async function readObject(key: string): Promise<Uint8Array> {
  const object = await s3Client().send(new GetObjectCommand({ Bucket: config.bucketName, Key: key }));
  return object.Body!.transformToByteArray();
}

const putPdf = (key: string, bytes: Buffer) => s3Client().send(new PutObjectCommand({ Bucket: config.bucketName, Key: key, Body: bytes, ContentType: 'application/pdf' }));
