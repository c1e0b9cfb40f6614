import { createHash, createHmac, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { handler as sendEmail } from '../../functions/events/send-email';
import { s3Client } from '../../shared/aws/s3';
import { db } from '../../shared/db/service';
import { loadCommitment } from '../../shared/db/commitments';
import { normalizeInvoiceNumber, positionKey } from '../../shared/db/invoices';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import { computeInvoice, type InvoiceContract, type LineEntry } from '../../shared/domain/invoice-figures';
import type { InvoiceStatus } from '../../shared/domain/invoices';
import { maxAttachmentBytes, maxAttachmentsPerInvoice } from '../../shared/api/invoice-files';
import { attachmentKey, attachmentUploadKey, invoicePdfKey, safeFilename } from '../../shared/storage/keys';
import { expectProblem, expectRefusal, expectStatus, fieldsOf, type Call, type Json, type TestApi } from '../support/api-client';
import { startRecordingBus, type RecordedEvent, deliveredEvent } from '../support/event-recorder';
import { sentEmails } from '../support/mailbox';
import {
  createBillingPeriod,
  createCommitment,
  startFixtureApi,
  type PermissionFixture,
  type TestBillingPeriod,
  type TestCommitment,
} from '../support/permission-fixtures';

/**
 * Invoice attachments (presigned PUT → confirm → presigned GET → delete), the invoice PDF and
 * forwarding it by email, through the local API Gateway against s3rver, DynamoDB Local and
 * aws-ses-v2-local. Invoices are seeded as stored items with figures from computeInvoice, so
 * these tests do not depend on the invoice-editing routes.
 */

let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let published: RecordedEvent[];
let stopBus: () => Promise<void>;
let period: TestBillingPeriod;

beforeAll(async () => {
  // Before any handler creates the EventBridge client: it is pointed at the recording bus.
  const recording = await startRecordingBus();
  published = recording.published;
  stopBus = () => recording.bus.stop();
  ({ api, fx, call } = await startFixtureApi());
  const today = localDate(new Date(), 'Australia/Sydney');
  period = await createBillingPeriod(call, fx, { startDate: addDays(today, -5), endDate: addDays(today, 25), dueDate: addDays(today, 20) });
});

afterAll(async () => {
  await api?.stop();
  await stopBus?.();
});

// ---------------------------------------------------------------------------------------------
// Seeding

interface SeededInvoice {
  invoiceId: string;
  number: string;
  commitment: TestCommitment;
  /** /v1/projects/{projectId}/invoices/{invoiceId} */
  path: string;
}

/**
 * A stored invoice: its SOV as billed, figures from computeInvoice, its number and position held
 * as the create transaction holds them. On a fresh commitment unless one is given (a commitment
 * has one invoice per position, and only its latest is editable).
 */
async function seedInvoice(
  options: { of?: TestCommitment; status?: InvoiceStatus; position?: number; billingPeriodId?: string; number?: string } = {},
): Promise<SeededInvoice> {
  const { Sov, Invoice, InvoiceNumber } = db();
  const of = options.of ?? (await createCommitment(call, fx, { title: 'Electrical services' }));
  const [stored, sov] = await Promise.all([loadCommitment(fx.projectId, of.commitmentId), Sov.get({ projectId: fx.projectId, commitmentId: of.commitmentId }).go()]);
  const sovLines = sov.data!.lines.map((line) => ({ ...line }));
  const contract: InvoiceContract = {
    originalContractSumCents: stored!.originalContractSumCents,
    approvedChangeOrdersCents: stored!.approvedChangeOrdersCents,
    retainage: stored!.retainage,
  };
  const entries: LineEntry[] = [
    { lineId: sovLines[0]!.lineId, workThisPeriodCents: 2_500_000 },
    { lineId: sovLines[1]!.lineId, percentComplete: '10' },
  ];
  const figures = computeInvoice({ sovLines, contract, entries, overbillingAllowed: false });
  const invoiceId = randomUUID();
  const number = options.number ?? `INV-${randomUUID().slice(0, 6).toUpperCase()}`;
  const now = new Date().toISOString();
  const position = options.position ?? 1;
  // What the invoice-create transaction holds: its number and its position within the commitment.
  for (const normalizedNumber of [normalizeInvoiceNumber(number), positionKey(position)]) {
    await InvoiceNumber.create({ projectId: fx.projectId, commitmentId: of.commitmentId, normalizedNumber, invoiceId }).go();
  }
  await Invoice.create({
    projectId: fx.projectId,
    invoiceId,
    commitmentId: of.commitmentId,
    billingPeriodId: options.billingPeriodId ?? period.billingPeriodId,
    number,
    position,
    kind: 'progress',
    status: options.status ?? 'draft',
    paymentStatus: 'unpaid',
    paidCents: 0,
    entries,
    figures,
    sovLines,
    contract,
    createdBy: fx.users['standard+contact'].userId,
    createdAt: now,
    updatedAt: now,
    version: 1,
  }).go();
  return { invoiceId, number, commitment: of, path: `/v1/projects/${fx.projectId}/invoices/${invoiceId}` };
}

// ---------------------------------------------------------------------------------------------
// Helpers

const token = (profile: keyof PermissionFixture['users']) => fx.users[profile].token;
const contact = () => token('standard+contact');
const admin = () => token('admin');

const pdfBytes = (label: string) => Buffer.from(`%PDF-1.4\n% ${label}\n${'x'.repeat(200)}\n%%EOF\n`);

async function startUpload(invoice: SeededInvoice, who: string, file: { filename: string; contentType: string; sizeBytes: number }) {
  return call(who, { method: 'POST', path: `${invoice.path}/attachments`, body: file });
}

/** PUTs the bytes to the presigned URL the way a browser would. */
async function putBytes(upload: Json, bytes: Buffer, contentType: string = upload.headers['content-type']): Promise<Response> {
  return fetch(upload.url, { method: 'PUT', body: bytes, headers: { 'content-type': contentType } });
}

/** create → PUT → confirm, as the contact; answers the confirmed attachment. */
async function uploadFile(invoice: SeededInvoice, filename: string, bytes: Buffer, contentType = 'application/pdf'): Promise<Json> {
  const created = expectStatus(await startUpload(invoice, contact(), { filename, contentType, sizeBytes: bytes.length }), 201, `start ${filename}`);
  expect((await putBytes(created.body.upload, bytes)).status).toBe(200);
  return expectStatus(await call(contact(), { method: 'POST', path: `${invoice.path}/attachments/${created.body.attachment.attachmentId}/confirm` }), 200, `confirm ${filename}`).body;
}

async function objectExists(key: string): Promise<boolean> {
  try {
    await s3Client().send(new HeadObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: key }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'NotFound') return false;
    throw error;
  }
}

/** The key of a presigned URL: its path after the bucket (path-style, as s3rver serves it). */
const keyOfUrl = (url: string) => decodeURIComponent(new URL(url).pathname.split('/').slice(2).join('/'));

async function historyOf(invoiceId: string) {
  const { data } = await db().InvoiceEvent.query.byInvoice({ projectId: fx.projectId, invoiceId }).go({ pages: 'all' });
  return data;
}

/**
 * Verifies a presigned SigV4 URL for the request a client sends, as S3 does: the canonical
 * request from the method, path, query and the signed headers' values as sent. (s3rver 3.7
 * accepts any SigV4 signature, so it cannot show S3 refusing a PUT with other headers.)
 */
function s3WouldAccept(url: string, method: string, sent: Record<string, string>, secret = process.env.AWS_SECRET_ACCESS_KEY!): boolean {
  const u = new URL(url);
  const q = (name: string) => u.searchParams.get(name)!;
  const rfc3986 = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const signedHeaders = q('X-Amz-SignedHeaders').split(';');
  const headers: Record<string, string> = { host: u.host };
  for (const [name, value] of Object.entries(sent)) headers[name.toLowerCase()] = value;
  if (signedHeaders.some((name) => headers[name] === undefined)) return false;
  const query = [...u.searchParams.entries()]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonical = [method, u.pathname, query, signedHeaders.map((name) => `${name}:${headers[name]!.trim()}\n`).join(''), signedHeaders.join(';'), 'UNSIGNED-PAYLOAD'].join('\n');
  const [, date, region, service] = q('X-Amz-Credential').split('/');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', q('X-Amz-Date'), scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date!), region!), service!), 'aws4_request');
  return createHmac('sha256', signingKey).update(toSign).digest('hex') === q('X-Amz-Signature');
}

const emailEvent = (detail: unknown) => deliveredEvent('email.requested', detail);

// ---------------------------------------------------------------------------------------------

describe('attachments: presigned upload, confirm, list, download, delete', () => {
  it('runs the whole flow: upload three files, list them in upload order, download the bytes, delete one', async () => {
    const invoice = await seedInvoice();
    const files = [
      { filename: 'Delivery docket 0412.pdf', bytes: pdfBytes('docket') },
      { filename: 'site-photo.png', bytes: Buffer.from('\x89PNG fake image bytes'), contentType: 'image/png' },
      { filename: 'statutory declaration.pdf', bytes: pdfBytes('stat dec') },
    ];

    const started = [];
    for (const file of files) {
      const contentType = file.contentType ?? 'application/pdf';
      const response = expectStatus(await startUpload(invoice, contact(), { filename: file.filename, contentType, sizeBytes: file.bytes.length }), 201, 'start');
      expect(response.headers.get('location')).toBe(`${invoice.path}/attachments/${response.body.attachment.attachmentId}`);
      expect(response.body.attachment).toMatchObject({ filename: file.filename, contentType, sizeBytes: file.bytes.length, status: 'pending', uploadedAt: null, download: null });
      expect(response.body.upload).toMatchObject({ method: 'PUT', headers: { 'content-type': contentType } });
      expect(Date.parse(response.body.upload.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
      // The key names the company, project, invoice and attachment, then a safe file name.
      expect(keyOfUrl(response.body.upload.url)).toBe(
        `companies/${fx.companyId}/projects/${fx.projectId}/invoices/${invoice.invoiceId}/uploads/${response.body.attachment.attachmentId}/${safeFilename(file.filename)}`,
      );
      started.push({ ...file, contentType, created: response.body });
    }
    // Nothing is listed before it is confirmed.
    expect(expectStatus(await call(contact(), { method: 'GET', path: `${invoice.path}/attachments` }), 200, 'list').body.items).toEqual([]);

    // Confirmed in the order 3, 1, 2: that is the upload order.
    for (const index of [2, 0, 1]) {
      const file = started[index]!;
      expect((await putBytes(file.created.upload, file.bytes)).status).toBe(200);
      const confirmed = expectStatus(
        await call(contact(), { method: 'POST', path: `${invoice.path}/attachments/${file.created.attachment.attachmentId}/confirm` }),
        200,
        'confirm',
      ).body;
      expect(confirmed).toMatchObject({ status: 'uploaded', uploadedAt: expect.any(String), download: { url: expect.any(String) } });
      expect(confirmed.sha256).toBe(createHash('sha256').update(file.bytes).digest('hex'));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Confirming again changes nothing.
    const again = await call(contact(), { method: 'POST', path: `${invoice.path}/attachments/${started[0]!.created.attachment.attachmentId}/confirm` });
    expectStatus(again, 200, 'confirm again');

    // A read_only contact views; so does a standard member.
    for (const viewer of [token('read_only+contact'), token('standard'), admin()]) {
      const list = expectStatus(await call(viewer, { method: 'GET', path: `${invoice.path}/attachments` }), 200, 'list').body;
      expect(list.items.map((a: Json) => a.filename)).toEqual([files[2]!.filename, files[0]!.filename, files[1]!.filename]);
      expect(list.nextCursor).toBeNull();
    }

    const list = expectStatus(await call(contact(), { method: 'GET', path: `${invoice.path}/attachments` }), 200, 'list').body;
    for (const item of list.items) {
      const file = started.find((f) => f.filename === item.filename)!;
      const download = await fetch(item.download.url);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(file.bytes)).toBe(true);
      expect(download.headers.get('content-disposition')).toContain(`attachment; filename="${file.filename}"`);
      expect(download.headers.get('content-type')).toBe(file.contentType);
    }
    const one = expectStatus(await call(contact(), { method: 'GET', path: `${invoice.path}/attachments/${list.items[1].attachmentId}` }), 200, 'get').body;
    expect(one).toMatchObject({ attachmentId: list.items[1].attachmentId, filename: files[0]!.filename, status: 'uploaded' });

    // Delete the docket: the record, the object and a history entry.
    const docket = started[0]!;
    const key = keyOfUrl(list.items.find((item: Json) => item.attachmentId === docket.created.attachment.attachmentId).download.url);
    expect(await objectExists(key)).toBe(true);
    const deleted = await call(contact(), { method: 'DELETE', path: `${invoice.path}/attachments/${docket.created.attachment.attachmentId}` });
    expectStatus(deleted, 204, 'delete');
    expect(await objectExists(key)).toBe(false);
    expectProblem(await call(contact(), { method: 'GET', path: `${invoice.path}/attachments/${docket.created.attachment.attachmentId}` }), 404, 'not-found');
    expectProblem(await call(contact(), { method: 'DELETE', path: `${invoice.path}/attachments/${docket.created.attachment.attachmentId}` }), 404, 'not-found');
    const after = expectStatus(await call(contact(), { method: 'GET', path: `${invoice.path}/attachments` }), 200, 'list').body;
    expect(after.items.map((a: Json) => a.filename)).toEqual([files[2]!.filename, files[1]!.filename]);

    const history = await historyOf(invoice.invoiceId);
    expect(history.map((e) => [e.type, e.by, (e.changes as Json).filename])).toEqual([
      ['attachment_added', fx.users['standard+contact'].userId, files[2]!.filename],
      ['attachment_added', fx.users['standard+contact'].userId, files[0]!.filename],
      ['attachment_added', fx.users['standard+contact'].userId, files[1]!.filename],
      ['attachment_removed', fx.users['standard+contact'].userId, files[0]!.filename],
    ]);
  });

  it('signs the content type and length into the upload URL: a PUT with another type or size does not match the signature', async () => {
    const invoice = await seedInvoice();
    const bytes = pdfBytes('signed');
    const { upload } = expectStatus(await startUpload(invoice, contact(), { filename: 'signed.pdf', contentType: 'application/pdf', sizeBytes: bytes.length }), 201, 'start').body;
    expect(new URL(upload.url).searchParams.get('X-Amz-SignedHeaders')!.split(';')).toEqual(expect.arrayContaining(['content-length', 'content-type', 'host']));
    expect(new URL(upload.url).searchParams.get('X-Amz-Expires')).toBe('900');

    expect(s3WouldAccept(upload.url, 'PUT', { 'content-type': 'application/pdf', 'content-length': String(bytes.length) })).toBe(true);
    expect(s3WouldAccept(upload.url, 'PUT', { 'content-type': 'image/png', 'content-length': String(bytes.length) })).toBe(false);
    expect(s3WouldAccept(upload.url, 'PUT', { 'content-type': 'application/pdf', 'content-length': String(bytes.length + 1) })).toBe(false);
    expect(s3WouldAccept(upload.url, 'PUT', { 'content-length': String(bytes.length) })).toBe(false);
  });

  it('confirms only what was declared: not uploaded yet, another size or another type → 409 naming the difference', async () => {
    const invoice = await seedInvoice();
    const bytes = pdfBytes('declared');
    const start = async () => expectStatus(await startUpload(invoice, contact(), { filename: 'claim.pdf', contentType: 'application/pdf', sizeBytes: bytes.length }), 201, 'start').body;
    const confirm = (created: Json) => call(contact(), { method: 'POST', path: `${invoice.path}/attachments/${created.attachment.attachmentId}/confirm` });

    const missing = await start();
    expect(expectProblem(await confirm(missing), 409, 'conflict').detail).toMatch(/not uploaded yet/);

    // s3rver does not check signatures, so these PUTs land; confirm is what refuses them.
    const bigger = await start();
    await putBytes(bigger.upload, Buffer.concat([bytes, Buffer.from('more')]));
    expect(expectProblem(await confirm(bigger), 409, 'conflict').detail).toMatch(/sizeBytes/);

    const png = await start();
    await putBytes(png.upload, bytes, 'image/png');
    const detail = expectProblem(await confirm(png), 409, 'conflict').detail;
    expect(detail).toMatch(/contentType/);
    expect(detail).not.toMatch(/sizeBytes/);

    // Uploaded again as declared, the same attachment confirms.
    await putBytes(png.upload, bytes);
    expectStatus(await confirm(png), 200, 'confirm after a correct upload');
    const list = expectStatus(await call(contact(), { method: 'GET', path: `${invoice.path}/attachments` }), 200, 'list').body;
    expect(list.items).toHaveLength(1);
  });

  it('keeps what was confirmed: a PUT of other bytes (same size and type) to the still-valid upload URL changes neither the download nor the backup source', async () => {
    const invoice = await seedInvoice();
    const confirmedBytes = pdfBytes('the confirmed claim');
    const swapBytes = pdfBytes('a swapped claim!!!!');
    expect(swapBytes.length).toBe(confirmedBytes.length);
    const created = expectStatus(await startUpload(invoice, contact(), { filename: 'claim.pdf', contentType: 'application/pdf', sizeBytes: confirmedBytes.length }), 201, 'start').body;
    expect((await putBytes(created.upload, confirmedBytes)).status).toBe(200);
    const confirmPath = `${invoice.path}/attachments/${created.attachment.attachmentId}/confirm`;
    const confirmed = expectStatus(await call(contact(), { method: 'POST', path: confirmPath }), 200, 'confirm').body;
    const sha256 = createHash('sha256').update(confirmedBytes).digest('hex');
    expect(confirmed.sha256).toBe(sha256);

    // s3rver does not check signatures: the swap lands in the upload object, and must change nothing.
    expect((await putBytes(created.upload, swapBytes)).status).toBe(200);
    expect(expectStatus(await call(contact(), { method: 'POST', path: confirmPath }), 200, 'confirm again').body.sha256).toBe(sha256);
    const kept = expectStatus(await call(admin(), { method: 'GET', path: `${invoice.path}/attachments/${created.attachment.attachmentId}` }), 200, 'get').body;
    expect(kept.sha256).toBe(sha256);
    const downloaded = Buffer.from(await (await fetch(kept.download.url)).arrayBuffer());
    expect(downloaded.equals(confirmedBytes)).toBe(true);
    expect(createHash('sha256').update(downloaded).digest('hex')).toBe(sha256);
    // The backup reads the record's key: the kept copy, not the upload target.
    const { data: record } = await db().InvoiceAttachment.get({ projectId: fx.projectId, invoiceId: invoice.invoiceId, attachmentId: created.attachment.attachmentId }).go();
    expect(record!.key).toBe(keyOfUrl(kept.download.url));
    expect(record!.key).not.toBe(keyOfUrl(created.upload.url));
  });

  it('refuses a file over 25 MiB, a type off the list and a name with a path (400 naming the field)', async () => {
    const invoice = await seedInvoice();
    const cases: Array<[Json, string]> = [
      [{ filename: 'huge.pdf', contentType: 'application/pdf', sizeBytes: maxAttachmentBytes + 1 }, 'sizeBytes'],
      [{ filename: 'empty.pdf', contentType: 'application/pdf', sizeBytes: 0 }, 'sizeBytes'],
      [{ filename: 'run.exe', contentType: 'application/x-msdownload', sizeBytes: 10 }, 'contentType'],
      // Photo formats the backup merge cannot decode: refused now rather than missing from the backup later.
      [{ filename: 'IMG_0001.HEIC', contentType: 'image/heic', sizeBytes: 10 }, 'contentType'],
      [{ filename: 'photo.webp', contentType: 'image/webp', sizeBytes: 10 }, 'contentType'],
      [{ filename: '../../etc/passwd', contentType: 'application/pdf', sizeBytes: 10 }, 'filename'],
      [{ filename: '', contentType: 'application/pdf', sizeBytes: 10 }, 'filename'],
    ];
    for (const [body, field] of cases) {
      const problem = expectProblem(await startUpload(invoice, contact(), body), 400, 'validation');
      expect(fieldsOf(problem)).toEqual([field]);
      if (/heic|webp/.test(String((body as { contentType: string }).contentType))) expect(JSON.stringify(problem)).toMatch(/HEIC|WebP/);
    }
    // Exactly 25 MiB is allowed.
    expectStatus(await startUpload(invoice, contact(), { filename: 'big.pdf', contentType: 'application/pdf', sizeBytes: maxAttachmentBytes }), 201, '25 MiB');
  });

  it('holds at most 50 attachments per invoice; abandoned uploads (URL expired, never confirmed) are swept and do not count', async () => {
    const invoice = await seedInvoice();
    const file = { filename: 'page.pdf', contentType: 'application/pdf', sizeBytes: 10 };
    const ids: string[] = [];
    for (let i = 0; i < maxAttachmentsPerInvoice; i++) {
      ids.push(expectStatus(await startUpload(invoice, contact(), file), 201, `start ${i}`).body.attachment.attachmentId);
    }
    expect(expectProblem(await startUpload(invoice, contact(), file), 409, 'conflict').detail).toMatch(/at most 50/);

    // A pending upload can be cancelled: no history, since it never counted.
    expectStatus(await call(contact(), { method: 'DELETE', path: `${invoice.path}/attachments/${ids[0]}` }), 204, 'cancel');
    expectStatus(await startUpload(invoice, contact(), file), 201, 'room again');

    // One started 20 minutes ago: its URL has expired, so the next start removes it.
    const { data: old } = await db().InvoiceAttachment.get({ projectId: fx.projectId, invoiceId: invoice.invoiceId, attachmentId: ids[1]! }).go();
    await db().InvoiceAttachment.put({ ...old!, createdAt: new Date(Date.now() - 20 * 60_000).toISOString() }).go();
    expectStatus(await startUpload(invoice, contact(), file), 201, 'after the sweep');
    expectProblem(await call(contact(), { method: 'GET', path: `${invoice.path}/attachments/${ids[1]}` }), 404, 'not-found');
    expect(await historyOf(invoice.invoiceId)).toEqual([]);
  });

  it('changes attachments only while the invoice is editable: its latest, in draft or revise & resubmit, contacts until the due date (else 409)', async () => {
    const file = { filename: 'late.pdf', contentType: 'application/pdf', sizeBytes: 10 };
    const sentBack = await seedInvoice({ status: 'revise_and_resubmit' });
    expectStatus(await startUpload(sentBack, contact(), file), 201, 'revise & resubmit is editable');

    for (const status of ['under_review', 'approved', 'approved_as_noted', 'pending_owner_approval'] as const) {
      const invoice = await seedInvoice({ status });
      for (const who of [contact(), admin()]) expectProblem(await startUpload(invoice, who, file), 409, 'conflict');
    }

    // An attachment of a draft that is then sent for review can no longer be confirmed or deleted.
    const draft = await seedInvoice();
    const uploaded = await uploadFile(draft, 'before-review.pdf', pdfBytes('before'));
    const pending = expectStatus(await startUpload(draft, contact(), { ...file, sizeBytes: pdfBytes('x').length }), 201, 'start').body;
    await db().Invoice.patch({ projectId: fx.projectId, invoiceId: draft.invoiceId }).set({ status: 'under_review' }).go();
    expectProblem(await call(contact(), { method: 'DELETE', path: `${draft.path}/attachments/${uploaded.attachmentId}` }), 409, 'conflict');
    expectProblem(await call(contact(), { method: 'POST', path: `${draft.path}/attachments/${pending.attachment.attachmentId}/confirm` }), 409, 'conflict');
    // Still listed and downloadable.
    expect(expectStatus(await call(contact(), { method: 'GET', path: `${draft.path}/attachments` }), 200, 'list').body.items).toHaveLength(1);

    // Not the latest invoice of its commitment.
    const other = await createCommitment(call, fx, { title: 'Second commitment' });
    const first = await seedInvoice({ of: other, position: 1 });
    await seedInvoice({ of: other, position: 2 });
    expect(expectProblem(await startUpload(first, admin(), file), 409, 'conflict').detail).toMatch(/latest/);

    // Past the period's due date: contacts are refused, an administrator acts on their behalf.
    const pastPeriodId = randomUUID();
    const now = new Date().toISOString();
    await db()
      .BillingPeriod.create({
        projectId: fx.projectId,
        billingPeriodId: pastPeriodId,
        position: 0,
        startDate: '2020-01-01',
        endDate: '2020-01-31',
        dueDate: '2020-01-25',
        status: 'closed',
        source: 'manual',
        version: 1,
        createdBy: fx.users.admin.userId,
        createdAt: now,
        updatedAt: now,
      })
      .go();
    const late = await seedInvoice({ billingPeriodId: pastPeriodId });
    expect(expectProblem(await startUpload(late, contact(), file), 409, 'conflict').detail).toMatch(/due on 2020-01-25/);
    expectStatus(await startUpload(late, admin(), file), 201, 'admin after the due date');
  });
});

describe('attachments: who may see and change them', () => {
  it('follows the matrix: editors are the contacts and admins; viewers are admin, standard and contacts', async () => {
    const invoice = await seedInvoice();
    const uploaded = await uploadFile(invoice, 'matrix.pdf', pdfBytes('matrix'));
    const file = { filename: 'x.pdf', contentType: 'application/pdf', sizeBytes: 10 };
    const list = (who: string) => call(who, { method: 'GET', path: `${invoice.path}/attachments` });
    const get = (who: string) => call(who, { method: 'GET', path: `${invoice.path}/attachments/${uploaded.attachmentId}` });
    const remove = (who: string) => call(who, { method: 'DELETE', path: `${invoice.path}/attachments/${uploaded.attachmentId}` });

    // Edit: a contact (even read_only) or an admin; standard without the designation → 403.
    expectStatus(await startUpload(invoice, token('read_only+contact'), file), 201, 'read_only contact');
    expectStatus(await startUpload(invoice, admin(), file), 201, 'admin on behalf');
    expectRefusal(await startUpload(invoice, token('standard'), file), 403, /invoice contact designation/);
    expectRefusal(await startUpload(invoice, token('read_only'), file), 403);
    expectRefusal(await remove(token('standard')), 403);

    // View: read_only only as contact; none, non-members and other companies see nothing.
    expectRefusal(await list(token('read_only')), 403, /view subcontractor invoices/);
    expectRefusal(await get(token('read_only')), 403);
    for (const profile of ['none', 'not_a_member', 'other_company_admin'] as const) {
      expectRefusal(await list(token(profile)), 404);
      expectRefusal(await get(token(profile)), 404);
      expectRefusal(await startUpload(invoice, token(profile), file), 404);
      expectRefusal(await remove(token(profile)), 404);
    }
    // Another company's admin gets the same 404 through their own project's path too.
    expectRefusal(await call(token('other_company_admin'), { method: 'GET', path: `/v1/projects/${fx.other.projectId}/invoices/${invoice.invoiceId}/attachments` }), 404);
  });

  it('keeps contacts to their own commitments, and private commitments to their list', async () => {
    const elsewhere = await createCommitment(call, fx, { title: 'Someone else’s commitment', contactIds: [fx.spareVendorUser.userId] });
    const invoice = await seedInvoice({ of: elsewhere });
    const file = { filename: 'x.pdf', contentType: 'application/pdf', sizeBytes: 10 };
    // A contact of other commitments: standard may view, but not edit; read_only may do neither.
    expectRefusal(await startUpload(invoice, contact(), file), 403, /invoice contact designation/);
    expectStatus(await call(contact(), { method: 'GET', path: `${invoice.path}/attachments` }), 200, 'standard views');
    expectRefusal(await call(token('read_only+contact'), { method: 'GET', path: `${invoice.path}/attachments` }), 403);
    expectRefusal(await startUpload(invoice, token('read_only+contact'), file), 403);

    const hidden = await seedInvoice({ of: await createCommitment(call, fx, { private: true, contactIds: [fx.spareVendorUser.userId] }) });
    expectRefusal(await call(token('standard'), { method: 'GET', path: `${hidden.path}/attachments` }), 404);
    expectStatus(await call(token('standard+private_list'), { method: 'GET', path: `${hidden.path}/attachments` }), 200, 'on the private list');
    expectRefusal(await call(token('standard'), { method: 'GET', path: `${hidden.path}/pdf` }), 404);
  });
});

// ---------------------------------------------------------------------------------------------

const tmp = () => fs.mkdtemp(path.join(os.tmpdir(), 'invoice-files-'));

describe('the invoice PDF', () => {
  const patchSettings = async (body: Json) => {
    const settingsPath = `/v1/projects/${fx.projectId}/settings`;
    const etag = (await call(admin(), { method: 'GET', path: settingsPath })).headers.get('etag')!;
    return expectStatus(await call(admin(), { method: 'PATCH', path: settingsPath, body, headers: { 'if-match': etag } }), 200, 'PATCH settings');
  };

  it('prints the project’s owner, architect, contract date and currency on the G702', async () => {
    await patchSettings({ contract: { ownerName: 'Harbour Health Trust', architectName: 'Łódź & Partners', date: '2026-02-14' }, currency: 'EUR' });
    const dir = await tmp();
    try {
      const invoice = await seedInvoice({ number: `G702-${randomUUID().slice(0, 4).toUpperCase()}` });
      const { url } = expectStatus(await call(admin(), { method: 'GET', path: `${invoice.path}/pdf` }), 200, 'GET pdf').body;
      const file = path.join(dir, 'invoice.pdf');
      await fs.writeFile(file, Buffer.from(await (await fetch(url)).arrayBuffer()));
      const summary = execFileSync('pdftotext', ['-l', '1', '-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
      expect(summary).toMatch(/Owner\s+Harbour Health Trust/);
      expect(summary).toMatch(/Architect\s+Łódź & Partners/);
      expect(summary).toMatch(/14 Feb(ruary)? 2026/);
      expect(summary).toContain('EUR');
      expect(summary).toMatch(/€\s?[\d,]+\.\d{2}/);
    } finally {
      await patchSettings({ contract: { ownerName: null, architectName: null, date: null }, currency: 'AUD' });
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('prints a yen project’s money without decimals in the PDF and the forwarded email: ¥1,234,567', async () => {
    await patchSettings({ currency: 'JPY' });
    const dir = await tmp();
    try {
      const commitment = await createCommitment(call, fx, { title: 'Tower crane hire', sov: false });
      const lines = [
        { costCode: '01-500', description: 'Tower crane', scheduledValueCents: 123_456_700 },
        { costCode: '01-510', description: 'Crane operators', scheduledValueCents: 50_000_000 },
      ];
      expectStatus(await call(admin(), { method: 'PUT', path: `${commitment.path}/sov`, body: { lines }, headers: { 'if-match': '"1"' } }), 200, 'PUT sov');
      const invoice = await seedInvoice({ of: commitment, number: `JPY-${randomUUID().slice(0, 4).toUpperCase()}` });

      const { url } = expectStatus(await call(admin(), { method: 'GET', path: `${invoice.path}/pdf` }), 200, 'GET pdf').body;
      const file = path.join(dir, 'invoice.pdf');
      await fs.writeFile(file, Buffer.from(await (await fetch(url)).arrayBuffer()));
      const [summary = '', sheet = ''] = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).split('\f');
      expect(summary).toMatch(/Currency\s+JPY \(¥\)/);
      expect(summary).toMatch(/1\.\s+Original Contract Sum\s+¥1,734,567\n/);
      // Line 1: scheduled ¥1,234,567, nothing before, ¥25,000 this period, no materials, ¥25,000 to date.
      expect(sheet).toMatch(/Tower crane\s+1,234,567\s+0\s+25,000\s+0\s+25,000\s/);
      expect(summary).not.toMatch(/¥[\d,]+\.\d/);

      const forwarded = expectStatus(await call(admin(), { method: 'POST', path: `${invoice.path}/forward`, body: { to: ['owner@client.example'] } }), 202, 'forward');
      const email = published.find((e) => e.detailType === 'email.requested' && e.detail.emailId === forwarded.body.emailId)!;
      expect(email.detail.text).toMatch(/Current payment due: ¥\d{1,3}(,\d{3})*\n/);
    } finally {
      await patchSettings({ currency: 'AUD' });
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('splits the change-order summary into approved in previous months and this month (additions, deductions, totals, net = line 2)', async () => {
    const commitment = await createCommitment(call, fx, { title: 'Façade works' });
    const sov = expectStatus(await call(admin(), { method: 'GET', path: `${commitment.path}/sov` }), 200, 'GET sov').body;
    const approve = async (lines: Json[]) => {
      const created = expectStatus(await call(admin(), { method: 'POST', path: `${commitment.path}/change-orders`, body: { number: `CO-${randomUUID().slice(0, 4)}`, title: 'Variation', lines } }), 201, 'create CO');
      const coPath = `${commitment.path}/change-orders/${created.body.changeOrderId}`;
      return expectStatus(await call(admin(), { method: 'PATCH', path: coPath, body: { status: 'approved' }, headers: { 'if-match': '"1"' } }), 200, 'approve CO').body;
    };
    // Approved before the period began (the approval dated back two months, as if made then) …
    const earlier = await approve([{ kind: 'add', description: 'Sunshades', amountCents: 1_234_567 }]);
    await db().ChangeOrder.patch({ projectId: fx.projectId, commitmentId: commitment.commitmentId, changeOrderId: earlier.changeOrderId }).set({ approvedAt: new Date(Date.now() - 60 * 86_400_000).toISOString(), approvalPartition: fx.projectId }).go();
    // … and in it: an addition and a deduction.
    await approve([{ kind: 'add', description: 'Extra louvres', amountCents: 30_003 }]);
    await approve([{ kind: 'adjust', lineId: sov.lines[1].lineId, amountCents: -25_001 }]);
    const invoice = await seedInvoice({ of: commitment, number: `COS-${randomUUID().slice(0, 4).toUpperCase()}` });
    // Approved after the invoice froze its line 2: a later invoice's.
    await approve([{ kind: 'add', description: 'Canopy', amountCents: 99_900 }]);

    const dir = await tmp();
    try {
      const { url } = expectStatus(await call(admin(), { method: 'GET', path: `${invoice.path}/pdf` }), 200, 'GET pdf').body;
      const file = path.join(dir, 'invoice.pdf');
      await fs.writeFile(file, Buffer.from(await (await fetch(url)).arrayBuffer()));
      const summary = execFileSync('pdftotext', ['-l', '1', '-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
      expect(summary).toMatch(/Approved in previous months\s+\$12,345\.67\s+\$0\.00/);
      expect(summary).toMatch(/Approved this month\s+\$300\.03\s+\$250\.01/);
      expect(summary).toMatch(/Totals\s+\$12,645\.70\s+\$250\.01/);
      expect(summary).toMatch(/Net change by change orders \(Line 2\)\s+\$12,395\.69/);
      expect(summary).toMatch(/2\.\s+Net Change by Change Orders\s+\$12,395\.69/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('renders the stored figures to S3 under the invoice’s version, and serves it by a presigned URL', async () => {
    const invoice = await seedInvoice({ number: `PDF-${randomUUID().slice(0, 4).toUpperCase()}` });
    const response = expectStatus(await call(token('standard'), { method: 'GET', path: `${invoice.path}/pdf` }), 200, 'GET pdf');
    expect(response.body).toMatchObject({ contentType: 'application/pdf', invoiceVersion: 1, filename: `Progress Claim ${invoice.number} - ${invoice.commitment.number}.pdf` });
    const scope = { companyId: fx.companyId, projectId: fx.projectId, invoiceId: invoice.invoiceId };
    expect(keyOfUrl(response.body.url)).toBe(invoicePdfKey(scope, 1));
    expect(keyOfUrl(response.body.url)).toBe(`companies/${fx.companyId}/projects/${fx.projectId}/invoices/${invoice.invoiceId}/pdf/${invoice.invoiceId}-v1.pdf`);

    const download = await fetch(response.body.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toMatch(/^inline; filename="Progress Claim/);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(response.body.sizeBytes);
    const dir = await tmp();
    try {
      const file = path.join(dir, 'invoice.pdf');
      await fs.writeFile(file, bytes);
      execFileSync('qpdf', ['--check', file], { encoding: 'utf8' }); // exits non-zero on any error or warning
      const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
      expect(text).toContain(invoice.number);
      expect(text).toContain(invoice.commitment.number);
      expect(text).toContain('Main switchboard and distribution boards');
      expect(text).toContain('Cabling and containment');
      // This period: 25,000.00 on line 1 and 10 % of 83,400.50 = 8,340.05 on line 2.
      expect(text).toContain('25,000.00');
      expect(text).toContain('8,340.05');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reuses the stored PDF of an unchanged invoice version and renders a new one for a new version', async () => {
    const invoice = await seedInvoice();
    const key = invoicePdfKey({ companyId: fx.companyId, projectId: fx.projectId, invoiceId: invoice.invoiceId }, 1);
    expectStatus(await call(admin(), { method: 'GET', path: `${invoice.path}/pdf` }), 200, 'first');
    const head = () => s3Client().send(new HeadObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: key }));
    const first = await head();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expectStatus(await call(contact(), { method: 'GET', path: `${invoice.path}/pdf` }), 200, 'second');
    const second = await head();
    expect(second.LastModified).toEqual(first.LastModified);
    expect(second.ETag).toBe(first.ETag);

    await db().Invoice.patch({ projectId: fx.projectId, invoiceId: invoice.invoiceId }).set({ status: 'under_review' }).add({ version: 1 }).go();
    const next = expectStatus(await call(admin(), { method: 'GET', path: `${invoice.path}/pdf` }), 200, 'new version').body;
    expect(next.invoiceVersion).toBe(2);
    expect(keyOfUrl(next.url)).toMatch(/-v2\.pdf$/);
  });

  it('is refused to whoever cannot view the invoice', async () => {
    const invoice = await seedInvoice();
    expectRefusal(await call(token('read_only'), { method: 'GET', path: `${invoice.path}/pdf` }), 403);
    expectRefusal(await call(token('other_company_admin'), { method: 'GET', path: `${invoice.path}/pdf` }), 404);
    expectRefusal(await call(admin(), { method: 'GET', path: `/v1/projects/${fx.projectId}/invoices/no-such-invoice/pdf` }), 404);
  });
});

describe('forward by email', () => {
  it('publishes one email.requested with the stored PDF attached, which the sender delivers with the attachment', async () => {
    const invoice = await seedInvoice();
    const idempotencyKey = randomUUID();
    const forward = () =>
      call(token('standard'), {
        method: 'POST',
        path: `${invoice.path}/forward`,
        body: { to: ['owner@client.example', 'qs@client.example'], message: 'For your records <b>please</b>.' },
        headers: { 'idempotency-key': idempotencyKey },
      });
    const before = published.length;
    const response = expectStatus(await forward(), 202, 'forward');
    expect(response.body).toMatchObject({ to: ['owner@client.example', 'qs@client.example'], attachment: { contentType: 'application/pdf' } });
    // The same key again: the same answer, nothing published again.
    expect(expectStatus(await forward(), 202, 'replay').body).toEqual(response.body);

    const emails = published.slice(before).filter((e) => e.detailType === 'email.requested');
    expect(emails).toHaveLength(1);
    const detail = emails[0]!.detail;
    const key = invoicePdfKey({ companyId: fx.companyId, projectId: fx.projectId, invoiceId: invoice.invoiceId }, 1);
    expect(detail).toMatchObject({
      emailId: response.body.emailId,
      to: ['owner@client.example', 'qs@client.example'],
      replyTo: [fx.users.standard.email],
      attachments: [{ key, filename: `Progress Claim ${invoice.number} - ${invoice.commitment.number}.pdf`, contentType: 'application/pdf' }],
    });
    expect(detail.subject).toContain(`Progress Claim ${invoice.number}`);
    expect(detail.text).toContain('For your records <b>please</b>.');
    expect(detail.html).toContain('For your records &lt;b&gt;please&lt;/b&gt;.');
    expect(detail.text).toContain(fx.users.standard.name);
    expect(await objectExists(key)).toBe(true);

    await expect(sendEmail(emailEvent(detail))).resolves.toMatchObject({ status: 'sent' });
    const sent = await sentEmails(detail.subject);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.destination.to).toEqual(['owner@client.example', 'qs@client.example']);
    expect(sent[0]!.attachments).toHaveLength(1);
    expect(sent[0]!.attachments[0]).toMatchObject({ filename: detail.attachments[0].filename, contentType: 'application/pdf' });
    expect(Buffer.from(sent[0]!.attachments[0]!.content, 'base64').subarray(0, 5).toString()).toBe('%PDF-');

    const history = await historyOf(invoice.invoiceId);
    expect(history.filter((e) => e.type === 'forwarded')).toEqual([
      expect.objectContaining({ by: fx.users.standard.userId, comment: 'For your records <b>please</b>.', changes: expect.objectContaining({ to: ['owner@client.example', 'qs@client.example'] }) }),
    ]);
  });

  it('is for standard and admin members (403 for read_only, even a contact), and validates the addresses', async () => {
    const invoice = await seedInvoice();
    const body = { to: ['owner@client.example'] };
    expectStatus(await call(admin(), { method: 'POST', path: `${invoice.path}/forward`, body }), 202, 'admin');
    expectRefusal(await call(token('read_only+contact'), { method: 'POST', path: `${invoice.path}/forward`, body }), 403, /forward an invoice by email/);
    expectRefusal(await call(token('read_only'), { method: 'POST', path: `${invoice.path}/forward`, body }), 403);
    expectRefusal(await call(token('other_company_admin'), { method: 'POST', path: `${invoice.path}/forward`, body }), 404);
    const tooMany = Array.from({ length: 21 }, (_, i) => `person${i}@client.example`);
    for (const bad of [{ to: [] }, { to: ['not-an-address'] }, { to: tooMany }]) {
      expect(fieldsOf(expectProblem(await call(admin(), { method: 'POST', path: `${invoice.path}/forward`, body: bad }), 400, 'validation'))[0]).toMatch(/^to/);
    }
  });
});

describe('storage keys', () => {
  it('namespaces by company, project and invoice, and keeps file names safe', () => {
    const scope = { companyId: 'c1', projectId: 'p1', invoiceId: 'i1' };
    expect(attachmentUploadKey(scope, 'a1', 'Delivery docket (v2) ñ.pdf')).toBe('companies/c1/projects/p1/invoices/i1/uploads/a1/Delivery_docket_v2_n.pdf');
    expect(attachmentKey(scope, 'a1', 'k1', 'Delivery docket (v2) ñ.pdf')).toBe('companies/c1/projects/p1/invoices/i1/attachments/a1/k1/Delivery_docket_v2_n.pdf');
    expect(attachmentKey({ ...scope, companyId: '../x' }, 'a1', '..', '..')).toBe('companies/%2E%2E%2Fx/projects/p1/invoices/i1/attachments/a1/%2E%2E/file');
    expect(invoicePdfKey(scope, 3)).toBe('companies/c1/projects/p1/invoices/i1/pdf/i1-v3.pdf');
  });
});
