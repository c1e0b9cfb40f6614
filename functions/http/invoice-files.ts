import { createHash, randomUUID } from 'node:crypto';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3Client } from '../../shared/aws/clients';
import { publishEvents } from '../../shared/aws/events';
import { config } from '../../shared/config';
import { logger } from '../../shared/logger';
import { httpRouter } from '../../shared/http/handler';
import { idempotencyKey } from '../../shared/http/idempotency';
import { attachmentTypeRefusal } from '../../shared/domain/attachments';
import { problems } from '../../shared/http/problem';
import { enforce, loadProjectAccess } from '../../shared/http/access';
import type { Caller } from '../../shared/http/auth';
import type { Membership } from '../../shared/domain/permissions';
import { localDate } from '../../shared/domain/billing-periods';
import { deadlineRefusal, editableStatuses, editRefusal, invoiceRole, type InvoiceRole } from '../../shared/domain/invoice-rules';
import { isOneOf } from '../../shared/db/conditions';
import { termsFor } from '../../shared/domain/terminology';
import { db } from '../../shared/db/service';
import { loadCommitment, type CommitmentItem } from '../../shared/db/commitments';
import { loadBillingPeriod, type BillingPeriodItem } from '../../shared/db/billing-periods';
import { appendInvoiceEvent, invoiceEventWrite, isLatestInvoice, loadInvoice, successorCheck, type InvoiceItem } from '../../shared/db/invoices';
import { explainFailure, writeTransaction, type WriteEntities } from '../../shared/db/transaction';
import { escapeHtml } from '../../shared/email/letter';
import { invoiceLink } from '../../shared/email/invoice-notifications';
import { formatMoney } from '../../shared/pdf/invoice-pdf';
import { attachmentKey, attachmentUploadKey, contentDisposition, type InvoiceScope } from '../../shared/storage/keys';
import { storeInvoicePdf, type StoredInvoicePdf } from '../../shared/storage/invoice-pdfs';
import {
  downloadUrlSeconds,
  maxAttachmentsPerInvoice,
  uploadUrlSeconds,
  type AttachmentResponse,
} from '../../shared/api/invoice-files';
import type { InvoiceAttachmentItem } from '../../shared/db/entities/invoice';
import type { ProjectItem } from '../../shared/db/entities/project';


const noSuchInvoice = () => problems.notFound('No such invoice.');
const noSuchAttachment = () => problems.notFound('No such attachment.');

// ---------------------------------------------------------------------------------------------
// Access

interface InvoiceAccess {
  project: ProjectItem;
  member: Membership;
  invoice: InvoiceItem;
  commitment: CommitmentItem;
  scope: InvoiceScope;
}

/** The project, the caller's membership, the invoice and its commitment; 404 for any that is missing. */
async function loadInvoiceAccess(path: { projectId: string; invoiceId: string }, caller: Caller): Promise<InvoiceAccess> {
  // The invoice read goes with the membership reads; it is only used once membership is established.
  const [{ project, member }, invoice] = await Promise.all([
    loadProjectAccess(path.projectId, caller.userId),
    loadInvoice(path.projectId, path.invoiceId),
  ]);
  if (!invoice) throw noSuchInvoice();
  const commitment = await loadCommitment(project.projectId, invoice.commitmentId);
  if (!commitment) throw noSuchInvoice();
  return { project, member, invoice, commitment, scope: { companyId: project.companyId, projectId: project.projectId, invoiceId: invoice.invoiceId } };
}

/**
 * Who may change an invoice's attachments: who may edit the invoice, i.e. an invoice
 * administrator (on the contact's behalf) or one of the commitment's invoice contacts.
 */
function enforceEditor(member: Membership, commitment: CommitmentItem): InvoiceRole {
  const role = invoiceRole(member, commitment);
  // Neither: refused as a contact would be (404 when the commitment is invisible, else 403).
  if (!role) enforce('invoices.create_as_contact', member, commitment);
  return role!;
}

/**
 * Why the invoice cannot be edited now (→ 409), or undefined: only the commitment's latest
 * invoice, only in draft or revise & resubmit, and for contacts only until the period's due date.
 */
async function attachmentChangeRefusal({ invoice, project }: InvoiceAccess, role: InvoiceRole, now: Date): Promise<string | undefined> {
  const notEditable = editRefusal(invoice.status, 'its attachments');
  if (notEditable) return notEditable;
  const [latest, period] = await Promise.all([
    isLatestInvoice(invoice),
    role === 'contact' ? loadBillingPeriod(project.projectId, invoice.billingPeriodId) : undefined,
  ]);
  if (!latest) return 'Only the latest invoice of a commitment can be changed; a later invoice exists.';
  return period && deadlineRefusal({ dueDate: period.dueDate, today: localDate(now, project.timeZone), onBehalf: 'change the invoice' });
}

async function enforceEditable(access: InvoiceAccess, now: Date): Promise<void> {
  const role = enforceEditor(access.member, access.commitment);
  const refusal = await attachmentChangeRefusal(access, role, now);
  if (refusal) throw problems.conflict(refusal);
}

/**
 * A transaction's checks that the invoice is still editable, whatever happened since it was read:
 * still in an editable status (`editable`), still the latest of its commitment (`latest`).
 */
const stillEditable = (entities: WriteEntities, invoice: InvoiceItem) => ({
  editable: entities.Invoice.check({ projectId: invoice.projectId, invoiceId: invoice.invoiceId })
    .where((a, op) => isOneOf(op, a.status, editableStatuses))
    .commit(),
  latest: successorCheck(entities, invoice),
});
const notEditableNow = () => problems.conflict('The invoice stopped being editable (it was sent for review or changed) while this request ran.');

// ---------------------------------------------------------------------------------------------
// S3

const expiresAt = (seconds: number, now = Date.now()) => new Date(now + seconds * 1000).toISOString();

async function downloadUrl(key: string, filename: string, disposition: 'attachment' | 'inline', contentType: string) {
  const url = await getSignedUrl(
    s3Client(),
    new GetObjectCommand({
      Bucket: config.bucketName,
      Key: key,
      ResponseContentDisposition: contentDisposition(disposition, filename),
      ResponseContentType: contentType,
    }),
    { expiresIn: downloadUrlSeconds },
  );
  return { url, expiresAt: expiresAt(downloadUrlSeconds) };
}

/** The object's metadata, or undefined when there is no such object. */
async function headObject(key: string): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await s3Client().send(new HeadObjectCommand({ Bucket: config.bucketName, Key: key }));
  } catch (error) {
    if ((error as Error).name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
    throw error;
  }
}

/** "Application/PDF; charset=binary" → "application/pdf". */
const mediaType = (value: string | undefined) => (value ?? '').split(';')[0]!.trim().toLowerCase();

const deleteObject = (key: string) => s3Client().send(new DeleteObjectCommand({ Bucket: config.bucketName, Key: key }));

/** How an object differs from what was declared for the attachment: 409, naming each difference. */
function declaredRefusal(object: { ContentLength?: number; ContentType?: string }, attachment: InvoiceAttachmentItem) {
  const differences = [
    object.ContentLength !== attachment.sizeBytes ? `its size is ${object.ContentLength} bytes, not the ${attachment.sizeBytes} declared (sizeBytes)` : '',
    mediaType(object.ContentType) !== attachment.contentType ? `its type is ${object.ContentType ?? 'unknown'}, not the ${attachment.contentType} declared (contentType)` : '',
  ].filter(Boolean);
  if (!differences.length) return undefined;
  return problems.conflict(`The uploaded file does not match what was declared: ${differences.join('; ')}. Upload it again with the declared size and type, or start a new attachment.`);
}

/**
 * Copies the uploaded bytes to a key written once (the upload URL stays valid, so the upload
 * object can still change), checks the copy against what was declared and hashes it: what is
 * confirmed is what is downloaded and backed up.
 */
async function keepConfirmedCopy(scope: InvoiceScope, attachment: InvoiceAttachmentItem): Promise<{ key: string; sha256: string }> {
  const key = attachmentKey(scope, attachment.attachmentId, randomUUID(), attachment.filename);
  const source = `${config.bucketName}/${attachment.key.split('/').map(encodeURIComponent).join('/')}`;
  await s3Client().send(new CopyObjectCommand({ Bucket: config.bucketName, Key: key, CopySource: source }));
  try {
    const copy = await s3Client().send(new GetObjectCommand({ Bucket: config.bucketName, Key: key }));
    const refusal = declaredRefusal(copy, attachment);
    if (refusal) {
      (copy.Body as { destroy?: () => void } | undefined)?.destroy?.();
      throw refusal;
    }
    const hash = createHash('sha256');
    for await (const chunk of copy.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
    return { key, sha256: hash.digest('hex') };
  } catch (error) {
    await deleteObject(key).catch(() => undefined);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Attachments

async function toAttachmentResponse(item: InvoiceAttachmentItem): Promise<AttachmentResponse> {
  return {
    projectId: item.projectId,
    invoiceId: item.invoiceId,
    attachmentId: item.attachmentId,
    filename: item.filename,
    contentType: item.contentType,
    sizeBytes: item.sizeBytes,
    status: item.status,
    uploadedAt: item.uploadedAt ?? null,
    sha256: item.sha256 ?? null,
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    download: item.status === 'uploaded' ? await downloadUrl(item.key, item.filename, 'attachment', item.contentType) : null,
  };
}

/** All of an invoice's attachment records: one Query (an invoice holds at most `maxAttachmentsPerInvoice`). */
async function loadAttachments(projectId: string, invoiceId: string): Promise<InvoiceAttachmentItem[]> {
  const { data } = await db().InvoiceAttachment.query.byInvoice({ projectId, invoiceId }).go({ pages: 'all' });
  return data;
}

async function loadAttachment(projectId: string, invoiceId: string, attachmentId: string, consistent = false): Promise<InvoiceAttachmentItem> {
  const { data } = await db().InvoiceAttachment.get({ projectId, invoiceId, attachmentId }).go({ consistent });
  if (!data) throw noSuchAttachment();
  return data;
}

/** A pending upload whose URL has expired (with a minute's grace for a PUT still in flight). */
const abandoned = (item: InvoiceAttachmentItem, now: number) =>
  item.status === 'pending' && Date.parse(item.createdAt) + (uploadUrlSeconds + 60) * 1000 < now;

/** Removes abandoned uploads: their records, and any bytes that arrived without a confirmation. */
async function sweepAbandoned(items: InvoiceAttachmentItem[]): Promise<void> {
  await Promise.all(
    items.map(async (item) => {
      await deleteObject(item.key);
      await db().InvoiceAttachment.delete({ projectId: item.projectId, invoiceId: item.invoiceId, attachmentId: item.attachmentId }).where((a, op) => op.eq(a.status, 'pending')).go();
    }),
  ).catch((error: unknown) => logger.warn('abandoned attachment uploads not removed', { error: error as Error }));
}

/** Time-ordered ids: the records list in creation order. */
const newAttachmentId = () => `${Date.now().toString(36).padStart(10, '0')}-${randomUUID()}`;

// ---------------------------------------------------------------------------------------------
// The invoice PDF

interface StoredPdf extends StoredInvoicePdf {
  period: BillingPeriodItem;
}

/** The invoice's PDF in S3 (shared/storage/invoice-pdfs.ts renders it only when what it shows changed). */
async function storedInvoicePdf({ project, invoice, commitment }: InvoiceAccess, now: Date): Promise<StoredPdf> {
  const period = await loadBillingPeriod(project.projectId, invoice.billingPeriodId);
  if (!period) throw problems.conflict('The invoice’s billing period is missing; the PDF cannot be rendered.');
  return { ...(await storeInvoicePdf({ project, invoice, commitment, period, now })), period };
}

/** The forwarded email, in the project's terminology; every value is escaped for the HTML part. */
function forwardEmail(input: { access: InvoiceAccess; senderName: string; message?: string; period: BillingPeriodItem }) {
  const { project, invoice, commitment } = input.access;
  const terms = termsFor(project.region);
  const invoiceName = `${terms.invoice} ${invoice.number}`;
  const due = formatMoney(invoice.figures.summary.currentPaymentDueCents);
  const link = invoiceLink(config.frontendBaseUrl, project.projectId, invoice.invoiceId);
  const subject = `${invoiceName} – ${commitment.number} ${commitment.title} (${project.name})`;
  const facts = [
    `Project: ${project.name} (${project.number})`,
    `Commitment: ${commitment.number} – ${commitment.title}`,
    `Vendor: ${commitment.vendorName}`,
    `Billing period: ${input.period.startDate} to ${input.period.endDate}`,
    `Current payment due: ${due}`,
  ];
  const intro = `${input.senderName} forwarded ${invoiceName} to you. The ${terms.invoice.toLowerCase()} is attached as a PDF.`;
  const text = [intro, ...(input.message ? ['', input.message] : []), '', ...facts, '', `View it online: ${link}`].join('\n');
  const html = [
    `<p>${escapeHtml(intro)}</p>`,
    ...(input.message ? [`<blockquote>${escapeHtml(input.message).replace(/\n/g, '<br>')}</blockquote>`] : []),
    `<ul>${facts.map((fact) => `<li>${escapeHtml(fact)}</li>`).join('')}</ul>`,
    `<p><a href="${escapeHtml(link)}">View the ${escapeHtml(terms.invoice.toLowerCase())} online</a></p>`,
  ].join('\n');
  return { subject, text, html };
}

// ---------------------------------------------------------------------------------------------

export const handler = httpRouter(
  {
    createAttachment: async ({ path, body, caller }) => {
      const now = new Date();
      const typeRefusal = attachmentTypeRefusal(body.contentType);
      if (typeRefusal) throw problems.validation([{ location: 'body', field: 'contentType', message: typeRefusal }]);
      const access = await loadInvoiceAccess(path, caller);
      await enforceEditable(access, now);
      const { invoice } = access;

      const existing = await loadAttachments(invoice.projectId, invoice.invoiceId);
      const stale = existing.filter((item) => abandoned(item, now.getTime()));
      if (stale.length) await sweepAbandoned(stale);
      if (existing.length - stale.length >= maxAttachmentsPerInvoice) {
        throw problems.conflict(`An invoice holds at most ${maxAttachmentsPerInvoice} attachments; delete one first.`);
      }

      const attachmentId = newAttachmentId();
      const item: InvoiceAttachmentItem = {
        projectId: invoice.projectId,
        invoiceId: invoice.invoiceId,
        attachmentId,
        key: attachmentUploadKey(access.scope, attachmentId, body.filename),
        filename: body.filename,
        contentType: body.contentType,
        sizeBytes: body.sizeBytes,
        status: 'pending',
        createdBy: caller.userId,
        createdAt: now.toISOString(),
      };
      const outcome = await writeTransaction((entities) => ({ ...stillEditable(entities, invoice), attachment: entities.InvoiceAttachment.create(item).commit() }));
      if (outcome.canceled) throw await explainFailure(outcome, { editable: notEditableNow, latest: notEditableNow }, () => problems.busy('invoice'));

      // The type and the length are signed: S3 refuses a PUT with any other (and confirm checks again).
      const url = await getSignedUrl(
        s3Client(),
        new PutObjectCommand({ Bucket: config.bucketName, Key: item.key, ContentType: item.contentType, ContentLength: item.sizeBytes }),
        { expiresIn: uploadUrlSeconds, signableHeaders: new Set(['content-type', 'content-length']) },
      );
      return {
        status: 201,
        headers: { location: `/v1/projects/${encodeURIComponent(invoice.projectId)}/invoices/${encodeURIComponent(invoice.invoiceId)}/attachments/${attachmentId}` },
        body: {
          attachment: await toAttachmentResponse(item),
          upload: { method: 'PUT' as const, url, headers: { 'content-type': item.contentType }, expiresAt: expiresAt(uploadUrlSeconds, now.getTime()) },
        },
      };
    },

    confirmAttachment: async ({ path, caller }) => {
      const now = new Date();
      const access = await loadInvoiceAccess(path, caller);
      await enforceEditable(access, now);
      const { invoice } = access;
      const attachment = await loadAttachment(invoice.projectId, invoice.invoiceId, path.attachmentId);
      if (attachment.status === 'uploaded') return { body: await toAttachmentResponse(attachment) };

      const object = await headObject(attachment.key);
      if (!object) throw problems.conflict(`The file ${attachment.filename} is not uploaded yet: PUT it to the upload URL, then confirm.`);
      const refusal = declaredRefusal(object, attachment);
      if (refusal) throw refusal;
      const copy = await keepConfirmedCopy(access.scope, attachment);

      const uploadedAt = now.toISOString();
      const outcome = await writeTransaction((entities) =>
        ({
          ...stillEditable(entities, invoice),
          attachment: entities.InvoiceAttachment.patch({ projectId: invoice.projectId, invoiceId: invoice.invoiceId, attachmentId: attachment.attachmentId })
            .set({ status: 'uploaded', uploadedAt, key: copy.key, sha256: copy.sha256 })
            .where((a, op) => op.eq(a.status, 'pending'))
            .commit(),
          event: invoiceEventWrite(entities, {
            projectId: invoice.projectId,
            invoiceId: invoice.invoiceId,
            type: 'attachment_added',
            by: caller.userId,
            at: uploadedAt,
            changes: { attachmentId: attachment.attachmentId, filename: attachment.filename, contentType: attachment.contentType, sizeBytes: attachment.sizeBytes },
          }),
        }),
      );
      if (outcome.canceled) {
        await deleteObject(copy.key).catch((error: unknown) => logger.warn('unused attachment copy not removed', { key: copy.key, error: error as Error }));
        if (outcome.failed.includes('editable') || outcome.failed.includes('latest')) throw notEditableNow();
        if (outcome.failed.includes('attachment')) {
          // A concurrent confirm won (the same answer), or the attachment was deleted meanwhile.
          return { body: await toAttachmentResponse(await loadAttachment(invoice.projectId, invoice.invoiceId, attachment.attachmentId, true)) };
        }
        throw problems.busy('invoice');
      }
      // The upload object is no longer read; a PUT after this only recreates it (delete removes it too).
      await deleteObject(attachment.key).catch((error: unknown) => logger.warn('confirmed upload object not removed', { key: attachment.key, error: error as Error }));
      return { body: await toAttachmentResponse({ ...attachment, status: 'uploaded', uploadedAt, key: copy.key, sha256: copy.sha256 }) };
    },

    listAttachments: async ({ path, caller }) => {
      const { invoice, member, commitment } = await loadInvoiceAccess(path, caller);
      enforce('invoices.view', member, commitment);
      const uploaded = (await loadAttachments(invoice.projectId, invoice.invoiceId))
        .filter((item) => item.status === 'uploaded')
        .sort((a, b) => a.uploadedAt!.localeCompare(b.uploadedAt!) || a.attachmentId.localeCompare(b.attachmentId));
      return { body: { items: await Promise.all(uploaded.map(toAttachmentResponse)), nextCursor: null } };
    },

    getAttachment: async ({ path, caller }) => {
      const { invoice, member, commitment } = await loadInvoiceAccess(path, caller);
      enforce('invoices.view', member, commitment);
      return { body: await toAttachmentResponse(await loadAttachment(invoice.projectId, invoice.invoiceId, path.attachmentId)) };
    },

    deleteAttachment: async ({ path, caller }) => {
      const now = new Date();
      const access = await loadInvoiceAccess(path, caller);
      await enforceEditable(access, now);
      const { invoice } = access;
      const attachment = await loadAttachment(invoice.projectId, invoice.invoiceId, path.attachmentId);

      // The bytes first: if the record's delete then fails, a retry finds the record and finishes.
      // Both objects: the kept copy, and whatever a PUT to the still-valid upload URL left.
      await Promise.all([deleteObject(attachment.key), deleteObject(attachmentUploadKey(access.scope, attachment.attachmentId, attachment.filename))]);
      const key = { projectId: invoice.projectId, invoiceId: invoice.invoiceId, attachmentId: attachment.attachmentId };
      const outcome = await writeTransaction((entities) => ({
        ...stillEditable(entities, invoice),
        attachment: entities.InvoiceAttachment.delete(key)
          .where((a, op) => op.exists(a.attachmentId))
          .commit(),
        // Only an upload that counted is history; an abandoned one never was.
        event:
          attachment.status === 'uploaded'
            ? invoiceEventWrite(entities, {
                projectId: invoice.projectId,
                invoiceId: invoice.invoiceId,
                type: 'attachment_removed',
                by: caller.userId,
                at: now.toISOString(),
                changes: { attachmentId: attachment.attachmentId, filename: attachment.filename },
              })
            : undefined,
      }));
      if (outcome.canceled) throw await explainFailure(outcome, { editable: notEditableNow, latest: notEditableNow, attachment: noSuchAttachment }, () => problems.busy('invoice'));
      return { status: 204 };
    },

    getInvoicePdf: async ({ path, caller }) => {
      const now = new Date();
      const access = await loadInvoiceAccess(path, caller);
      enforce('invoices.view', access.member, access.commitment);
      const pdf = await storedInvoicePdf(access, now);
      const download = await downloadUrl(pdf.key, pdf.filename, 'inline', 'application/pdf');
      return {
        body: { ...download, filename: pdf.filename, contentType: 'application/pdf' as const, sizeBytes: pdf.sizeBytes, invoiceVersion: access.invoice.version },
      };
    },

    forwardInvoice: async ({ path, body, caller, headers }) => {
      const now = new Date();
      const access = await loadInvoiceAccess(path, caller);
      enforce('invoices.forward', access.member, access.commitment);
      const { invoice, project } = access;
      const [pdf, sender] = await Promise.all([storedInvoicePdf(access, now), db().User.get({ userId: caller.userId }).go()]);
      // A retry with the same Idempotency-Key (after a failure past the publish) is the same email, sent once.
      const requestKey = headers['idempotency-key'];
      const emailId = requestKey
        ? `invoice-forward-${createHash('sha256').update(`${caller.userId}\n${project.projectId}\n${invoice.invoiceId}\n${requestKey}`).digest('hex').slice(0, 40)}`
        : `invoice-forward-${randomUUID()}`;
      const email = forwardEmail({
        access,
        senderName: sender.data?.name ?? caller.email ?? 'A colleague',
        message: body.message || undefined,
        period: pdf.period,
      });
      await publishEvents('email.requested', [
        {
          emailId,
          to: body.to,
          // Access tokens carry no email: the user record has it.
          ...(sender.data?.email ?? caller.email ? { replyTo: [(sender.data?.email ?? caller.email)!] } : {}),
          ...email,
          attachments: [{ key: pdf.key, filename: pdf.filename, contentType: 'application/pdf' }],
        },
      ]);
      await appendInvoiceEvent({
        projectId: invoice.projectId,
        invoiceId: invoice.invoiceId,
        type: 'forwarded',
        by: caller.userId,
        at: now.toISOString(),
        ...(body.message ? { comment: body.message } : {}),
        changes: { to: body.to, emailId, pdfKey: pdf.key },
      });
      return { status: 202, body: { emailId, to: body.to, attachment: { filename: pdf.filename, contentType: 'application/pdf' as const } } };
    },
  },
  { idempotency: idempotencyKey },
);
