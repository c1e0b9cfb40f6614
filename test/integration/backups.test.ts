import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient, StartExecutionCommand, StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as sendEmail } from '../../functions/events/send-email';
import { failureReason } from '../../functions/backup/mark-failed';
import { startLocalStepFunctions, type LocalStepFunctions } from '../../infra/local/step-functions';
import { dynamoDocumentClient } from '../../shared/aws/dynamo';
import { s3Client } from '../../shared/aws/s3';
import { stepFunctionsClient } from '../../shared/aws/step-functions';
import { backupFileName, localDateTime, markBackupFailed, markBackupSucceeded, recordBackupProgress } from '../../shared/db/backups';
import { dispatchOutbox, loadStalePending, sweepAfterMs } from '../../shared/db/outbox';
import { backupNotStartedReason } from '../../shared/backup/start-workflow';
import { backupWarningsKey } from '../../shared/backup/task-io';
import type { BackupWarning } from '../../shared/domain/backups';
import { loadCommitment } from '../../shared/db/commitments';
import { normalizeInvoiceNumber, positionKey } from '../../shared/db/invoices';
import { batchGetAll, db } from '../../shared/db/service';
import { tableKeys } from '../../shared/db/keys';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import { computeInvoice, type InvoiceContract, type LineEntry } from '../../shared/domain/invoice-figures';
import { attachmentKey, invoicePdfKey } from '../../shared/storage/keys';
import { expectProblem, expectStatus, fieldsOf, type ApiResponse, type Call, type TestApi } from '../support/api-client';
import { startRecordingBus, type RecordedEvent, deliveredEvent } from '../support/event-recorder';
import { sentEmails } from '../support/mailbox';
import { encryptedPdf, labelledPdf, TINY_JPEG, truncatedPdf } from '../support/pdf-fixtures';
import type { InvoiceStatus } from '../../shared/domain/invoices';
import { createBillingPeriod, createCommitment, createHeadContract, replaceSov, startFixtureApi, type PermissionFixture, type TestBillingPeriod, type TestCommitment } from '../support/permission-fixtures';

/**
 * Invoice backups through the local API Gateway: the request and its refusals, then the real
 * workflow (shared/wiring/backup.asl.json run by the local Step Functions server) from the
 * job's queue to the PDF in s3rver and the requester's email in aws-ses-v2-local.
 */

let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let published: RecordedEvent[];
let stopBus: () => Promise<void>;
let stepFunctions: LocalStepFunctions;
let period: TestBillingPeriod;
let workDir: string;

beforeAll(async () => {
  // Before any handler creates its client: EventBridge and Step Functions point at local servers.
  const recording = await startRecordingBus();
  published = recording.published;
  stopBus = () => recording.bus.stop();
  stepFunctions = await startLocalStepFunctions();
  process.env.AWS_ENDPOINT_URL_SFN = stepFunctions.endpoint;
  process.env.BACKUP_STATE_MACHINE_ARN = stepFunctions.stateMachineArn;
  ({ api, fx, call } = await startFixtureApi());
  const today = localDate(new Date(), 'Australia/Sydney');
  period = await createBillingPeriod(call, fx, { startDate: addDays(today, -5), endDate: addDays(today, 25), dueDate: addDays(today, 20) });
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'backups-test-'));
});

afterAll(async () => {
  await api?.stop();
  await stepFunctions?.stop();
  await stopBus?.();
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Seeding

interface SeededInvoice {
  invoiceId: string;
  number: string;
  commitment: TestCommitment;
}

/** A stored invoice (figures from computeInvoice), its number and position held as the create transaction holds them. */
async function seedInvoice(
  of: TestCommitment,
  options: { position?: number; projectId?: string; billingPeriodId?: string; brokenFigures?: boolean; status?: InvoiceStatus } = {},
): Promise<SeededInvoice> {
  const { Sov, Invoice, InvoiceNumber } = db();
  const projectId = options.projectId ?? fx.projectId;
  const [stored, sov] = await Promise.all([loadCommitment(fx.projectId, of.commitmentId), Sov.get({ projectId: fx.projectId, commitmentId: of.commitmentId }).go()]);
  const sovLines = sov.data!.lines.map((line) => ({ ...line }));
  const contract: InvoiceContract = {
    originalContractSumCents: stored!.originalContractSumCents,
    approvedChangeOrdersCents: stored!.approvedChangeOrdersCents,
    retainage: stored!.retainage,
  };
  const entries: LineEntry[] = [{ lineId: sovLines[0]!.lineId, workThisPeriodCents: 2_500_000 }];
  const figures = computeInvoice({ sovLines, contract, entries, overbillingAllowed: false });
  const invoiceId = randomUUID();
  const number = `INV-${randomUUID().slice(0, 6).toUpperCase()}`;
  const position = options.position ?? 1;
  const now = new Date().toISOString();
  for (const normalizedNumber of [normalizeInvoiceNumber(number), positionKey(position)]) {
    await InvoiceNumber.create({ projectId, commitmentId: of.commitmentId, normalizedNumber, invoiceId }).go();
  }
  await Invoice.create({
    projectId,
    invoiceId,
    commitmentId: of.commitmentId,
    billingPeriodId: options.billingPeriodId ?? period.billingPeriodId,
    number,
    position,
    kind: 'progress',
    status: options.status ?? 'under_review',
    paymentStatus: 'unpaid',
    paidCents: 0,
    entries,
    // Figures the PDF cannot be drawn from: the workflow's PreparePart fails on this invoice.
    figures: options.brokenFigures ? ({ lines: null } as unknown as typeof figures) : figures,
    sovLines,
    contract,
    createdBy: fx.users.admin.userId,
    createdAt: now,
    updatedAt: now,
    version: 1,
  }).go();
  return { invoiceId, number, commitment: of };
}

let uploadClock = Date.parse('2026-01-05T01:00:00Z');

/** An uploaded attachment: its bytes in the bucket and its record, confirmed at a later instant than the last. Answers its id. */
async function seedAttachment(invoice: SeededInvoice, filename: string, bytes: Uint8Array, contentType: string): Promise<string> {
  const attachmentId = randomUUID();
  const key = attachmentKey({ companyId: fx.companyId, projectId: fx.projectId, invoiceId: invoice.invoiceId }, attachmentId, randomUUID(), filename);
  await s3Client().send(new PutObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: key, Body: bytes, ContentType: contentType }));
  const uploadedAt = new Date((uploadClock += 60_000)).toISOString();
  await db()
    .InvoiceAttachment.create({
      projectId: fx.projectId,
      invoiceId: invoice.invoiceId,
      attachmentId,
      key,
      filename,
      contentType,
      sizeBytes: bytes.length,
      status: 'uploaded',
      uploadedAt,
      createdBy: fx.users.admin.userId,
      createdAt: uploadedAt,
    })
    .go();
  return attachmentId;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const admin = () => fx.users.admin.token;
const backupsPath = () => `/v1/projects/${fx.projectId}/invoice-backups`;

const requestBackup = (invoiceIds: string[], token = admin(), headers: Record<string, string> = {}) =>
  call(token, { method: 'POST', path: backupsPath(), body: { invoiceIds }, headers });

/** GETs the job until it has ended, answering every response seen on the way. */
async function untilEnded(location: string, timeoutMs = 25_000): Promise<ApiResponse[]> {
  const seen: ApiResponse[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = expectStatus(await call(admin(), { method: 'GET', path: location }), 200, `GET ${location}`);
    seen.push(response);
    if (response.body.status === 'succeeded' || response.body.status === 'failed') return seen;
    await sleep(25);
  }
  throw new Error(`${location} had not ended after ${timeoutMs} ms: ${JSON.stringify(seen.at(-1)?.body)}`);
}

async function readObject(key: string): Promise<Buffer> {
  const object = await s3Client().send(new GetObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

/** Writes the bytes to a file of the work directory for the poppler and qpdf tools. */
async function toFile(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(workDir, name);
  await fs.writeFile(file, bytes);
  return file;
}

const pdfPages = (file: string) => Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);

const emailEvent = (detail: unknown) => deliveredEvent('email.requested', detail);

// ---------------------------------------------------------------------------------------------

describe('compiling a backup end to end', () => {
  it('merges 3 invoices of 2 commitments with their 5 attachments in order, warns about the 2 left out, and emails the requester', async () => {
    // Created first, so it has the lower number: its invoices come first whatever the request's order.
    const first = await createCommitment(call, fx, { title: 'Electrical services' });
    const second = await createCommitment(call, fx, { title: 'Hydraulic services' });
    const early = await seedInvoice(first, { position: 1 });
    const late = await seedInvoice(first, { position: 2 });
    const other = await seedInvoice(second, { position: 1 });
    await seedAttachment(early, 'Delivery docket.pdf', await labelledPdf('Docket', 2), 'application/pdf');
    const locked = await seedAttachment(early, 'Locked statement.pdf', await encryptedPdf(), 'application/pdf');
    await seedAttachment(late, 'Site photo.jpg', TINY_JPEG, 'image/jpeg');
    await seedAttachment(late, 'Timesheet.pdf', await labelledPdf('Timesheet', 1), 'application/pdf');
    const broken = await seedAttachment(other, 'Broken upload.pdf', await truncatedPdf(), 'application/pdf');

    const requested = await requestBackup([other.invoiceId, late.invoiceId, early.invoiceId]);

    expectStatus(requested, 202, 'request the backup');
    const { jobId, location } = requested.body;
    expect(requested.body).toEqual({ jobId: expect.any(String), status: 'queued', location: `${backupsPath()}/${jobId}` });
    expect(requested.headers.get('location')).toBe(location);

    const seen = await untilEnded(location);
    const job = seen.at(-1)!.body;
    // Seen while it runs (merging takes seconds): not done yet, with its progress so far.
    expect(seen[0]!.body).toMatchObject({ status: expect.stringMatching(/^(queued|running)$/), progress: { total: 3 }, download: null, pages: null });
    expect(seen[0]!.body.progress.done).toBeLessThan(3);
    // Progress only grows.
    const done = seen.map((r) => r.body.progress.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(seen.every((r) => r.body.progress.total === 3)).toBe(true);

    expect(job).toMatchObject({
      jobId,
      status: 'succeeded',
      invoiceIds: [other.invoiceId, late.invoiceId, early.invoiceId],
      progress: { done: 3, total: 3 },
      // Each left-out file named by its commitment, invoice and attachment, with its placeholder's page.
      warnings: [
        {
          commitmentNumber: first.number,
          commitmentTitle: 'Electrical services',
          invoiceId: early.invoiceId,
          invoiceNumber: early.number,
          attachmentId: locked,
          fileName: 'Locked statement.pdf',
          reason: expect.stringContaining('password-protected'),
          page: expect.any(Number),
        },
        {
          commitmentNumber: second.number,
          commitmentTitle: 'Hydraulic services',
          invoiceId: other.invoiceId,
          invoiceNumber: other.number,
          attachmentId: broken,
          fileName: 'Broken upload.pdf',
          reason: expect.stringContaining('damaged'),
          page: expect.any(Number),
        },
      ],
      warningCount: 2,
      warningsCursor: null,
      error: null,
      requestedBy: fx.users.admin.userId,
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
    });
    const { date } = localDateTime(new Date(job.createdAt), 'Australia/Sydney');
    expect(job.fileName).toMatch(new RegExp(`^Progress Claim backup - Harbour Tower - HT-TEST - ${date} - \\d{2}\\.\\d{2}\\.pdf$`));
    expect(job.fileName).toBe(backupFileName({ name: 'Harbour Tower', number: 'HT-TEST', timeZone: 'Australia/Sydney', region: 'en-AU' }, new Date(job.createdAt)));

    // One volume, the backup itself: `download` is its download.
    expect(job.volumes).toEqual([{ volume: 1, fileName: job.fileName, pages: job.pages, bytes: job.bytes, download: job.download }]);
    // The download is the PDF, under the file name.
    const download = await fetch(job.download.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain(`attachment; filename="${job.fileName}"`);
    const pdf = Buffer.from(await download.arrayBuffer());
    expect(pdf.byteLength).toBe(job.bytes);
    const output = await toFile('backup.pdf', pdf);
    execFileSync('qpdf', ['--check', output]); // throws on a damaged file
    // The document properties, in the project's terminology (en-AU).
    const info = execFileSync('pdfinfo', ['-isodates', output], { encoding: 'utf8' });
    expect(info).toMatch(/^Title:\s+Progress Claim backup$/m);
    expect(info).toMatch(/^Author:\s+Progress Claims$/m);
    expect(info).toMatch(/^Subject:\s+Harbour Tower \(HT-TEST\): 3 progress claims with their files$/m);
    expect(info).toMatch(new RegExp(`^CreationDate:\\s+${job.createdAt.slice(0, 19)}Z$`, 'm'));

    // Pages: each invoice's PDF, its attachments (the JPEG a page; a page for each file left out), after the cover.
    const invoicePdfPages = await Promise.all(
      [early, late, other].map(async (invoice, i) =>
        pdfPages(await toFile(`invoice-${i}.pdf`, await readObject(invoicePdfKey({ companyId: fx.companyId, projectId: fx.projectId, invoiceId: invoice.invoiceId }, 1)))),
      ),
    );
    const partPages = [invoicePdfPages[0]! + 2 + 1, invoicePdfPages[1]! + 1 + 1, invoicePdfPages[2]! + 1];
    const parts = await Promise.all([1, 2, 3].map(async (n) => pdfPages(await toFile(`part-${n}.pdf`, await readObject(`backups/${jobId}/parts/000${n}.pdf`)))));
    expect(parts).toEqual(partPages);
    const total = pdfPages(output);
    expect(total).toBe(job.pages);
    const coverPages = total - partPages.reduce((a, b) => a + b, 0);
    expect(coverPages).toBeGreaterThanOrEqual(1);

    // The invoices in the backup's order (commitment number, then position), each followed by its files.
    const body = execFileSync('pdftotext', ['-f', String(coverPages + 1), '-layout', output, '-'], { encoding: 'utf8' });
    const at = (text: string) => {
      const index = body.indexOf(text);
      expect(index, text).toBeGreaterThanOrEqual(0);
      return index;
    };
    const order = [at(early.number), at('Docket page 1'), at('Docket page 2'), at('Locked statement.pdf'), at(late.number), at('Timesheet page 1'), at(other.number), at('Broken upload.pdf')];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Each warning's page is its placeholder, naming the file, its commitment, invoice and attachment.
    for (const warning of job.warnings) {
      const page = execFileSync('pdftotext', ['-f', String(warning.page), '-l', String(warning.page), output, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      expect(page).toContain(`"${warning.fileName}" was left out`);
      expect(page).toMatch(new RegExp(`Belongs to: ${warning.commitmentNumber} ${warning.commitmentTitle} — Progress Claim \\d+ \\(${warning.invoiceNumber}\\)`));
      expect(page).toContain(`Attachment id: ${warning.attachmentId}`);
    }
    // The cover lists the project.
    expect(execFileSync('pdftotext', ['-l', String(coverPages), output, '-'], { encoding: 'utf8' })).toContain('Harbour Tower');

    // The requester's email: published once, delivered through the email sender.
    const emails = published.filter((e) => e.detailType === 'email.requested' && e.detail.emailId === `invoice-backup-${jobId}`);
    expect(emails).toHaveLength(1);
    const email = emails[0]!.detail;
    expect(email).toMatchObject({ to: [fx.users.admin.email], subject: 'Your invoice backup for Harbour Tower (HT-TEST) is ready' });
    expect(email.text).toContain(`https://app.progress-claims.test/projects/${fx.projectId}/invoice-backups/${jobId}`);
    expect(email.text).toContain(`${first.number} Electrical services, invoice ${early.number}: "Locked statement.pdf" (attachment ${locked}), page ${job.warnings[0].page}`);
    expect(email.text).not.toContain('more: see them all');
    await expect(sendEmail(emailEvent(email))).resolves.toMatchObject({ status: 'sent' });
    const delivered = (await sentEmails(email.subject)).filter((e) => e.destination.to.includes(fx.users.admin.email));
    expect(delivered).toHaveLength(1);

    // The execution is the job's: named by its id, succeeded.
    const stored = await db().BackupJob.get({ projectId: fx.projectId, jobId }).go();
    const execution = await stepFunctionsClient().send(new DescribeExecutionCommand({ executionArn: stored.data!.executionArn! }));
    expect(execution).toMatchObject({ name: jobId, status: 'SUCCEEDED' });
  });

  it('fails the job with the reason when a task fails, and the execution with it', async () => {
    const commitment = await createCommitment(call, fx, { title: 'Mechanical services' });
    const fine = await seedInvoice(commitment, { position: 1 });
    const broken = await seedInvoice(commitment, { position: 2, brokenFigures: true });

    const requested = expectStatus(await requestBackup([fine.invoiceId, broken.invoiceId]), 202, 'request');
    const job = (await untilEnded(requested.body.location)).at(-1)!.body;

    expect(job).toMatchObject({ status: 'failed', download: null, finishedAt: expect.any(String) });
    expect(job.error).toContain(`The PDF of invoice ${broken.number} (${commitment.number}) could not be rendered`);
    expect(published.some((e) => e.detailType === 'email.requested' && e.detail.emailId === `invoice-backup-${job.jobId}`)).toBe(false);
    const stored = await db().BackupJob.get({ projectId: fx.projectId, jobId: job.jobId }).go();
    let execution = await stepFunctionsClient().send(new DescribeExecutionCommand({ executionArn: stored.data!.executionArn! }));
    for (let i = 0; execution.status === 'RUNNING' && i < 50; i++) {
      await sleep(20);
      execution = await stepFunctionsClient().send(new DescribeExecutionCommand({ executionArn: stored.data!.executionArn! }));
    }
    expect(execution).toMatchObject({ status: 'FAILED', error: 'BackupFailed', cause: expect.stringContaining(broken.number) });
  });
});

describe('a backup with an owner invoice', () => {
  it('puts each owner invoice first, then the subcontractor invoices it includes by cost code (its pre-fill’s, else its period’s approved ones on its cost codes), then the other invoices', async () => {
    const onCode = async (title: string, costCode: string) => {
      const commitment = await createCommitment(call, fx, { title });
      await replaceSov(call, admin(), commitment, [{ costCode, description: `${title} works`, scheduledValueCents: 5_000_000 }]);
      return commitment;
    };
    // Created in this order, so by commitment number cabling (16-200) would come before switchboards (16-100).
    const cabling = await onCode('Cabling', '16-200');
    const switchboards = await onCode('Switchboards', '16-100');
    const pending = await onCode('Lighting', '16-100');
    const unmapped = await onCode('Landscaping', '02-900');
    await seedInvoice(cabling, { status: 'approved' });
    await seedInvoice(switchboards, { status: 'approved_as_noted' });
    // Not approved yet: not part of what the owner invoice bills.
    await seedInvoice(pending, { status: 'under_review' });
    const listed = await seedInvoice(unmapped, { status: 'approved' });

    // Head contracts billing cost codes 16-100 and 16-200: one owner invoice pre-filled from those costs, one not.
    for (const prefill of [true, false]) {
      const contract = await createHeadContract(call, fx);
      const owner = expectStatus(await call(admin(), { method: 'POST', path: `${contract.path}/owner-invoices`, body: { prefill } }), 201, 'owner invoice').body;
      expect(owner.prefill === null).toBe(!prefill);

      const requested = expectStatus(await requestBackup([listed.invoiceId, owner.ownerInvoiceId]), 202, 'request the backup');
      const job = (await untilEnded(requested.body.location)).at(-1)!.body;
      expect(job).toMatchObject({ status: 'succeeded', invoiceIds: [listed.invoiceId, owner.ownerInvoiceId], progress: { done: 4, total: 4 }, error: null });

      // The page where each invoice's PDF starts (its header names the contract on every page), after the cover.
      const output = await toFile(`owner-backup-${prefill}.pdf`, Buffer.from(await (await fetch(job.download.url)).arrayBuffer()));
      const pages = execFileSync('pdftotext', ['-layout', output, '-'], { encoding: 'utf8' }).split('\f');
      const firstPage = (marker: string) => pages.findIndex((text) => text.includes(marker));
      const order = [
        firstPage(`Head Contract ${contract.number}:`),
        firstPage(`Commitment ${switchboards.number}:`),
        firstPage(`Commitment ${cabling.number}:`),
        firstPage(`Commitment ${unmapped.number}:`),
      ];
      expect(order.every((page) => page > 0), `pre-fill ${prefill}: ${order.join(', ')}`).toBe(true);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(firstPage(`Commitment ${pending.number}:`)).toBe(-1);
      // The owner invoice's own PDF: the G702 in the project's terms.
      expect(pages[order[0]!]).toContain('Progress Claim 1');
      expect(pages[order[0]!]).toMatch(/To \(Owner\)\s+Harbour Tower Developments Pty Ltd/);
    }
    // Two backups compiled, with their PDFs rendered.
  }, 90_000);
});

describe('requesting a backup', () => {
  let commitment: TestCommitment;
  let invoice: SeededInvoice;

  beforeAll(async () => {
    commitment = await createCommitment(call, fx, { title: 'Fire services' });
    invoice = await seedInvoice(commitment);
  });

  it('refuses invoices of another project, naming them, and starts nothing', async () => {
    const elsewhere = await seedInvoice(commitment, { projectId: fx.other.projectId });
    const before = await db().BackupJob.query.byProject({ projectId: fx.projectId }).go({ pages: 'all' });

    const problem = expectProblem(await requestBackup([invoice.invoiceId, elsewhere.invoiceId, 'no-such-invoice']), 400, 'validation');

    expect(problem.errors).toEqual([
      { location: 'body', field: 'invoiceIds.1', message: `No invoice ${elsewhere.invoiceId} in this project.` },
      { location: 'body', field: 'invoiceIds.2', message: 'No invoice no-such-invoice in this project.' },
    ]);
    const after = await db().BackupJob.query.byProject({ projectId: fx.projectId }).go({ pages: 'all' });
    expect(after.data).toHaveLength(before.data.length);
  });

  it('takes an owner invoice only from who sees its head contract: to a backup administrator without the head-contracts tool it does not exist', async () => {
    const contract = await createHeadContract(call, fx);
    const owner = expectStatus(await call(admin(), { method: 'POST', path: `${contract.path}/owner-invoices`, body: {} }), 201, 'owner invoice').body;
    await db().Member.patch({ projectId: fx.projectId, userId: fx.memberTarget.userId }).set({ commitments: 'admin', headContracts: 'none' }).go();
    try {
      const problem = expectProblem(await requestBackup([invoice.invoiceId, owner.ownerInvoiceId], fx.memberTarget.token), 400, 'validation');
      expect(problem.errors).toEqual([{ location: 'body', field: 'invoiceIds.1', message: `No invoice ${owner.ownerInvoiceId} in this project.` }]);
    } finally {
      await db().Member.patch({ projectId: fx.projectId, userId: fx.memberTarget.userId }).set({ commitments: 'read_only', headContracts: 'read_only' }).go();
    }
  });

  it('refuses invoices whose billing period was deleted, naming them (409)', async () => {
    const { BillingPeriod } = db();
    const billingPeriodId = `doomed-${randomUUID()}`;
    const createdAt = new Date().toISOString();
    await BillingPeriod.create({
      projectId: fx.projectId,
      billingPeriodId,
      position: 99,
      startDate: '2024-01-01',
      endDate: '2024-01-31',
      dueDate: '2024-01-25',
      status: 'closed',
      source: 'manual',
      version: 1,
      createdBy: fx.users.admin.userId,
      createdAt,
      updatedAt: createdAt,
    }).go();
    const orphan = await seedInvoice(await createCommitment(call, fx, { title: 'Lifts' }), { billingPeriodId });
    await BillingPeriod.delete({ projectId: fx.projectId, billingPeriodId }).go();

    const problem = expectProblem(await requestBackup([invoice.invoiceId, orphan.invoiceId]), 409, 'conflict');

    expect(fieldsOf(problem)).toEqual(['invoiceIds.1']);
    expect(problem.errors[0].message).toContain(orphan.number);
    expect(problem.detail).toContain(orphan.invoiceId);
  });

  it('refuses an empty, oversized or repeating list', async () => {
    expect(fieldsOf(expectProblem(await requestBackup([]), 400, 'validation'))).toEqual(['invoiceIds']);
    expect(fieldsOf(expectProblem(await requestBackup(Array.from({ length: 501 }, (_, i) => `i-${i}`)), 400, 'validation'))).toEqual(['invoiceIds']);
    expect(fieldsOf(expectProblem(await requestBackup([invoice.invoiceId, invoice.invoiceId]), 400, 'validation'))).toEqual(['invoiceIds.1']);
  });

  it('is for admins only: 403 for other members, 404 for another company and its jobs', async () => {
    for (const profile of ['standard', 'read_only', 'standard+contact'] as const) {
      expectProblem(await requestBackup([invoice.invoiceId], fx.users[profile].token), 403, 'forbidden');
    }
    expectProblem(await requestBackup([invoice.invoiceId], fx.users.other_company_admin.token), 404, 'not-found');

    const { location } = expectStatus(await requestBackup([invoice.invoiceId]), 202, 'request').body;
    await untilEnded(location);
    expectProblem(await call(fx.users.standard.token, { method: 'GET', path: location }), 403, 'forbidden');
    expectProblem(await call(fx.users.other_company_admin.token, { method: 'GET', path: location }), 404, 'not-found');
    expectProblem(await call(admin(), { method: 'GET', path: `${backupsPath()}/no-such-job` }), 404, 'not-found');
  });

  it('answers a retried request with the same Idempotency-Key with the same job', async () => {
    const key = randomUUID();
    const first = expectStatus(await requestBackup([invoice.invoiceId], admin(), { 'idempotency-key': key }), 202, 'first');
    const again = expectStatus(await requestBackup([invoice.invoiceId], admin(), { 'idempotency-key': key }), 202, 'again');

    expect(again.body).toEqual(first.body);
    const jobs = (await db().BackupJob.query.byProject({ projectId: fx.projectId }).go({ pages: 'all' })).data.filter((j) => j.jobId === first.body.jobId);
    expect(jobs).toHaveLength(1);
    await untilEnded(first.body.location);
  });

  /** What a kill after the commit leaves: the key still in progress, its lock run out, no answer kept (and the commit's mark, unless `unmarked`). */
  async function killedAfterCommit(key: string, options: { unmarked?: boolean } = {}) {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: process.env.TABLE_NAME,
        Key: { [tableKeys.primary.pk]: `idempotency#${fx.users.admin.userId}`, [tableKeys.primary.sk]: `POST ${backupsPath()}#${key}` },
        UpdateExpression: `SET #status = :inProgress, lockedUntil = :lapsed REMOVE #response${options.unmarked ? ', committedAt' : ''}`,
        ConditionExpression: 'attribute_exists(#status)',
        ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
        ExpressionAttributeValues: { ':inProgress': 'in_progress', ':lapsed': 0 },
      }),
    );
  }
  const jobsSince = async (jobId: string) => {
    const { data: firstJob } = await db().BackupJob.get({ projectId: fx.projectId, jobId }).go();
    const { data: jobs } = await db().BackupJob.query.byProject({ projectId: fx.projectId }).go({ pages: 'all' });
    return jobs.filter((j) => j.createdAt >= firstJob!.createdAt).map((j) => j.jobId);
  };

  it('a request cut off after its commit and retried once its key’s lock lapsed is told so, and makes no second job', async () => {
    const key = randomUUID();
    const first = expectStatus(await requestBackup([invoice.invoiceId], admin(), { 'idempotency-key': key }), 202, 'first');
    await untilEnded(first.body.location);
    await killedAfterCommit(key);

    expectProblem(await requestBackup([invoice.invoiceId], admin(), { 'idempotency-key': key }), 409, 'idempotency-answer-lost');
    expect(await jobsSince(first.body.jobId)).toEqual([first.body.jobId]);
  });

  it('without the commit’s mark on the key (a record kept from before it), the retry finds the same job: its id comes from the key', async () => {
    const key = randomUUID();
    const first = expectStatus(await requestBackup([invoice.invoiceId], admin(), { 'idempotency-key': key }), 202, 'first');
    await untilEnded(first.body.location);
    await killedAfterCommit(key, { unmarked: true });

    const again = expectStatus(await requestBackup([invoice.invoiceId], admin(), { 'idempotency-key': key }), 202, 'again');
    expect(again.body).toEqual({ ...first.body, status: 'succeeded' });
    expect(await jobsSince(first.body.jobId)).toEqual([first.body.jobId]);
  });
});

describe('a crash between the job’s write and its workflow’s start', () => {
  let commitment: TestCommitment;

  beforeAll(async () => {
    commitment = await createCommitment(call, fx, { title: 'Façade' });
  });

  /** The job's `backup.requested` outbox records still pending (the sweeper's view, two minutes on). */
  async function pendingStarts(jobId: string): Promise<string[]> {
    const ids = await loadStalePending(new Date(Date.now() + sweepAfterMs + 60_000));
    const records = await batchGetAll(ids.map((outboxId) => ({ outboxId })), (keys) => db().Outbox.get(keys).go({ consistent: true }));
    return records.filter((r) => r.detailType === 'backup.requested' && JSON.parse(r.detail).jobId === jobId).map((r) => r.outboxId);
  }

  /** The request's own start fails after the commit, as when its Lambda dies between the two. */
  async function requestWithLostStart(invoiceIds: string[]) {
    const sfn = mockClient(SFNClient);
    sfn.on(StartExecutionCommand).rejects(new Error('the function died before starting the workflow'));
    try {
      return expectStatus(await requestBackup(invoiceIds), 202, 'request').body as { jobId: string; location: string };
    } finally {
      sfn.restore();
    }
  }

  it('leaves the job queued with its start in the outbox; the stream and the sweeper both deliver it: one execution, the job succeeds, one email', async () => {
    const invoice = await seedInvoice(commitment, { position: 1 });
    const { jobId, location } = await requestWithLostStart([invoice.invoiceId]);

    const queued = await db().BackupJob.get({ projectId: fx.projectId, jobId }).go({ consistent: true });
    expect(queued.data).toMatchObject({ status: 'queued', executionArn: `${stepFunctions.stateMachineArn.replace(':stateMachine:', ':execution:')}:${jobId}` });
    await expect(stepFunctionsClient().send(new DescribeExecutionCommand({ executionArn: queued.data!.executionArn! }))).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    const ids = await pendingStarts(jobId);
    expect(ids).toHaveLength(1);

    // The stream's delivery and the sweeper's at the same moment: both start "the" execution named by the job.
    const [stream, sweeper] = await Promise.all([dispatchOutbox(ids), dispatchOutbox(ids)]);
    expect([...stream.dispatched, ...stream.skipped, ...sweeper.dispatched, ...sweeper.skipped].sort()).toEqual([...ids, ...ids].sort());
    expect([...stream.failed, ...sweeper.failed]).toEqual([]);

    const job = (await untilEnded(location)).at(-1)!.body;
    expect(job).toMatchObject({ status: 'succeeded', progress: { done: 1, total: 1 }, error: null });
    expect(await pendingStarts(jobId)).toEqual([]);
    const execution = await stepFunctionsClient().send(new DescribeExecutionCommand({ executionArn: queued.data!.executionArn! }));
    expect(execution).toMatchObject({ name: jobId, status: 'SUCCEEDED' });

    // Delivered once more after it ended (a crash before the record was marked): nothing starts.
    await db().Outbox.patch({ outboxId: ids[0]! }).set({ pendingShard: 'outbox-pending-0', pendingSince: new Date().toISOString() }).go();
    expect((await dispatchOutbox(ids)).dispatched).toEqual(ids);
    expect(await stepFunctionsClient().send(new DescribeExecutionCommand({ executionArn: queued.data!.executionArn! }))).toMatchObject({
      startDate: execution.startDate,
      status: 'SUCCEEDED',
    });
    expect(published.filter((e) => e.detailType === 'email.requested' && e.detail.emailId === `invoice-backup-${jobId}`)).toHaveLength(1);
  });

  it('starts nothing for a job that ended before its start was delivered', async () => {
    const invoice = await seedInvoice(commitment, { position: 2 });
    const { jobId } = await requestWithLostStart([invoice.invoiceId]);
    await markBackupFailed({ projectId: fx.projectId, jobId }, 'Failed on read: its workflow was not found', new Date());

    const ids = await pendingStarts(jobId);
    expect((await dispatchOutbox(ids)).dispatched).toEqual(ids);

    await expect(stepFunctionsClient().send(new DescribeExecutionCommand({ executionArn: `${stepFunctions.stateMachineArn.replace(':stateMachine:', ':execution:')}:${jobId}` }))).rejects.toBeInstanceOf(
      ExecutionDoesNotExist,
    );
  });

  it('fails the job with the reason and the email when its workflow can never start, and stops retrying', async () => {
    const invoice = await seedInvoice(commitment, { position: 3 });
    const { jobId, location } = await requestWithLostStart([invoice.invoiceId]);
    const ids = await pendingStarts(jobId);

    const sfn = mockClient(SFNClient);
    sfn.on(StartExecutionCommand).rejects(new StateMachineDoesNotExist({ message: 'State Machine Does Not Exist', $metadata: {} }));
    try {
      expect((await dispatchOutbox(ids)).dispatched).toEqual(ids);
    } finally {
      sfn.restore();
    }

    const job = expectStatus(await call(admin(), { method: 'GET', path: location }), 200, 'GET').body;
    expect(job).toMatchObject({ status: 'failed', error: backupNotStartedReason });
    expect(published.filter((e) => e.detailType === 'email.requested' && e.detail.emailId === `invoice-backup-failed-${jobId}`)).toHaveLength(1);
    expect(await pendingStarts(jobId)).toEqual([]);
  });
});

describe('the workflow’s bookkeeping', () => {
  it('counts a merged part once, however often RecordProgress is retried, and only while running', async () => {
    const jobId = randomUUID();
    const now = new Date();
    await db()
      .BackupJob.create({
        projectId: fx.projectId,
        jobId,
        status: 'running',
        invoiceIds: ['a', 'b'],
        requestedBy: fx.users.admin.userId,
        progress: { done: 0, total: 2 },
        fileName: 'x.pdf',
        outputKey: `backups/${jobId}/x.pdf`,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        version: 1,
      })
      .go();
    const job = { projectId: fx.projectId, jobId };

    expect(await recordBackupProgress(job, 'p1', now)).toBe(true);
    expect(await recordBackupProgress(job, 'p1', now)).toBe(false);
    expect(await recordBackupProgress(job, 'p2', now)).toBe(true);

    const { data } = await db().BackupJob.get(job).go({ consistent: true });
    expect(data!.progress).toEqual({ done: 2, total: 2 });
  });

  it('keeps the message of a Lambda error as the reason, not its stack', () => {
    expect(failureReason({ Error: 'InvalidInput', Cause: JSON.stringify({ errorType: 'InvalidInput', errorMessage: 'No PDF', stackTrace: ['at x'] }) })).toBe('No PDF');
    expect(failureReason({ Error: 'States.Timeout', Cause: 'Task timed out' })).toBe('Task timed out');
    expect(failureReason({ Error: 'States.Timeout' })).toBe('States.Timeout');
  });
});

describe('a job’s warnings, however many', () => {
  /** A job that succeeded with `count` files left out, as Finalize leaves it: all warnings in S3, the first on the item. */
  async function seedJobWithWarnings(count: number) {
    const jobId = randomUUID();
    const now = new Date();
    const outputKey = `backups/${jobId}/backup.pdf`;
    await db()
      .BackupJob.create({
        projectId: fx.projectId,
        jobId,
        status: 'running',
        invoiceIds: ['invoice-x'],
        requestedBy: fx.users.admin.userId,
        progress: { done: 1, total: 1 },
        fileName: 'backup.pdf',
        outputKey,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        version: 2,
      })
      .go();
    const warnings: BackupWarning[] = Array.from({ length: count }, (_, index) => ({
      commitmentNumber: 'SC-1',
      commitmentTitle: 'Electrical services',
      invoiceId: `invoice-${index % 2}`,
      invoiceNumber: String((index % 2) + 1),
      attachmentId: `attachment-${index}`,
      fileName: 'Statutory declaration.pdf',
      reason: 'the file is damaged or is not a valid PDF, so it could not be read',
      page: index + 2,
      volume: 1,
    }));
    await s3Client().send(new PutObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: backupWarningsKey(outputKey), Body: JSON.stringify(warnings) }));
    expect(await markBackupSucceeded({ projectId: fx.projectId, jobId }, { pages: count + 1, bytes: 1, warnings }, now)).toBe(true);
    return { location: `${backupsPath()}/${jobId}`, warnings };
  }

  it('keeps the first 100 on the job and the count, and pages through all 250 with warningsCursor', async () => {
    const { location, warnings } = await seedJobWithWarnings(250);
    const { data: stored } = await db().BackupJob.get({ projectId: fx.projectId, jobId: location.split('/').at(-1)! }).go();
    expect([stored!.warnings!.length, stored!.warningCount]).toEqual([100, 250]);

    const pages: Array<{ warnings: BackupWarning[]; warningCount: number; warningsCursor: string | null }> = [];
    let cursor: string | null = null;
    do {
      const path: string = cursor ? `${location}?warningsCursor=${encodeURIComponent(cursor)}` : location;
      const page: (typeof pages)[number] = expectStatus(await call(admin(), { method: 'GET', path }), 200, 'GET warnings').body;
      pages.push(page);
      cursor = page.warningsCursor;
    } while (cursor && pages.length < 10);

    expect(pages.map((page) => [page.warnings.length, page.warningCount])).toEqual([
      [100, 250],
      [100, 250],
      [50, 250],
    ]);
    expect(pages.flatMap((page) => page.warnings)).toEqual(warnings);
  });

  it('refuses a warningsCursor that was altered or belongs to another job, naming the parameter', async () => {
    const [one, another] = [await seedJobWithWarnings(101), await seedJobWithWarnings(101)];
    const { warningsCursor } = expectStatus(await call(admin(), { method: 'GET', path: one.location }), 200, 'GET').body;
    expect(warningsCursor).toEqual(expect.any(String));

    for (const [path, token] of [
      [one.location, `${warningsCursor}x`],
      [one.location, 'not-a-cursor'],
      [another.location, warningsCursor],
    ]) {
      const refused = await call(admin(), { method: 'GET', path: `${path}?warningsCursor=${encodeURIComponent(token)}` });
      expect(fieldsOf(expectProblem(refused, 400, 'validation'))).toEqual(['warningsCursor']);
    }
  });
});

describe('reading a job whose workflow ended without ending it', () => {
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

  async function seedOpenJob(lastProgress: string) {
    const jobId = randomUUID();
    await db()
      .BackupJob.create({
        projectId: fx.projectId,
        jobId,
        status: 'running',
        invoiceIds: ['invoice-x'],
        requestedBy: fx.users.admin.userId,
        progress: { done: 0, total: 10 },
        fileName: 'backup.pdf',
        outputKey: `backups/${jobId}/backup.pdf`,
        // Its execution is gone: the local stack was killed before it kept executions.
        executionArn: `${stepFunctions.stateMachineArn.replace(':stateMachine:', ':execution:')}:${jobId}`,
        createdAt: lastProgress,
        startedAt: lastProgress,
        updatedAt: lastProgress,
        version: 2,
      })
      .go();
    return `${backupsPath()}/${jobId}`;
  }

  it('fails a job silent for 5 minutes whose execution no longer runs, with the reason and the email', async () => {
    const location = await seedOpenJob(minutesAgo(6));

    const job = expectStatus(await call(admin(), { method: 'GET', path: location }), 200, 'GET').body;

    expect(job).toMatchObject({ status: 'failed', error: expect.stringContaining('The backup workflow is gone'), finishedAt: expect.any(String) });
    const emails = published.filter((e) => e.detailType === 'email.requested' && e.detail.emailId === `invoice-backup-failed-${job.jobId}`);
    expect(emails).toEqual([{ detailType: 'email.requested', detail: expect.objectContaining({ to: [fx.users.admin.email], text: expect.stringContaining('The backup workflow is gone') }) }]);
  });

  it('leaves a job that made progress lately running, without asking Step Functions', async () => {
    const location = await seedOpenJob(minutesAgo(1));

    const job = expectStatus(await call(admin(), { method: 'GET', path: location }), 200, 'GET').body;

    expect(job).toMatchObject({ status: 'running', error: null, progress: { done: 0, total: 10 } });
  });
});
