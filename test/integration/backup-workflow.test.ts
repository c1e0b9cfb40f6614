import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ExecutionAlreadyExists, ExecutionDoesNotExist, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backupDefinitionFile,
  runLocalWorkflow,
  startLocalStepFunctions,
  taskFunctions,
  type LocalStepFunctions,
} from '../../infra/local/step-functions';
import { invokeLocal } from '../../infra/local/lambda';
import { s3Client } from '../../shared/aws/s3';
import { stepFunctionsClient } from '../../shared/aws/step-functions';
import { db } from '../../shared/db/service';
import type { InvoiceItem } from '../../shared/db/invoices';
import { defaultProjectSettings } from '../../shared/domain/project-settings';
import { startRecordingBus, type RecordedEvent } from '../support/event-recorder';
import { describePages, encryptedPdf, labelledPdf, qpdfEncrypted, truncatedPdf } from '../support/pdf-fixtures';
import { pageTexts, qpdfCheck, qpdfOutline, readOutline, savePdf } from '../support/pdf-tools';
import { mergeDocuments } from '../../shared/pdf/merge';
import { invoicePdfEstimateBytes } from '../../shared/backup/route';
import type { PreparedBackup } from '../../functions/backup/prepare';
import { partsManifestSchema } from '../../shared/backup/task-io';
import { backupPartsManifestKey } from '../../shared/db/backups';

/**
 * The backup workflow (shared/wiring/backup.asl.json) run locally, from a job's { projectId, jobId }:
 * two invoices whose e-signed PDFs are in S3 (so nothing is rendered), five sources, three of
 * them left out (encrypted, corrupt, never uploaded). The HTTP side is test/integration/backups.test.ts.
 * A backup this small takes the volume route (one MergeVolume task) unless BACKUP_SINGLE_TASK_MAX_BYTES
 * is below its sources' bytes: the tests run both routes, and the volume route handing a backup
 * over to the parts route (an encrypted source, several volumes).
 */

const run = randomUUID().slice(0, 8);
const projectId = `project-${run}`;
const createdAt = new Date().toISOString();
let stopBus: () => Promise<void>;
let published: RecordedEvent[];

/** Invoice 1 (commitment SC-2) and invoice 2 (SC-10): SC-2 comes first, by number. */
const invoices = [
  { invoiceId: `invoice-1-${run}`, commitmentId: `c-2-${run}`, commitmentNumber: 'SC-2', signed: 'uploads/invoice-1.pdf', attachments: [['uploads/locked.pdf', 'Locked statement.pdf']] },
  {
    invoiceId: `invoice-2-${run}`,
    commitmentId: `c-10-${run}`,
    commitmentNumber: 'SC-10',
    signed: 'uploads/invoice-2.pdf',
    attachments: [
      ['uploads/broken.pdf', 'Broken upload.pdf'],
      ['uploads/never-uploaded.pdf', 'Never uploaded.pdf'],
    ],
  },
] as const;

/** Invoice 4 (SC-4): an attachment that merges as it is. Backed up with invoice 2, nothing needs decrypting: one task merges it (the volume route). */
const plainInvoice = {
  invoiceId: `invoice-4-${run}`,
  commitmentId: `c-4-${run}`,
  commitmentNumber: 'SC-4',
  signed: 'uploads/invoice-4.pdf',
  attachments: [['uploads/docket.pdf', 'Docket.pdf']],
} as const;

/** Invoice 3 (SC-30), backed up on its own: two encrypted attachments, one that opens without a password and one that needs one. */
const encryptedInvoice = {
  invoiceId: `invoice-3-${run}`,
  commitmentId: `c-30-${run}`,
  commitmentNumber: 'SC-30',
  signed: 'uploads/invoice-3.pdf',
  attachments: [
    ['uploads/bank-statement.pdf', 'Bank statement.pdf'],
    ['uploads/payroll.pdf', 'Payroll.pdf'],
  ],
} as const;

async function seedJob(jobId: string, invoiceIds: string[] = invoices.map((i) => i.invoiceId)): Promise<{ projectId: string; jobId: string; outputKey: string }> {
  const outputKey = `backups/${jobId}/backup.pdf`;
  await db()
    .BackupJob.create({
      projectId,
      jobId,
      status: 'queued',
      // Requested in the other order: the workflow orders them.
      invoiceIds: [...invoiceIds].reverse(),
      requestedBy: `user-${run}`,
      progress: { done: 0, total: invoiceIds.length },
      fileName: 'backup.pdf',
      outputKey,
      createdAt,
      updatedAt: createdAt,
      version: 1,
    })
    .go();
  return { projectId, jobId, outputKey };
}

/** Each names its commitment, invoice, attachment and the page of its placeholder (after a 1-page cover). */
const expectedWarnings = [
  {
    commitmentNumber: 'SC-2',
    commitmentTitle: 'Electrical services',
    invoiceId: invoices[0].invoiceId,
    invoiceNumber: '1',
    attachmentId: 'a-0',
    fileName: 'Locked statement.pdf',
    reason: expect.stringContaining('password-protected'),
    page: 4,
    volume: 1,
  },
  {
    commitmentNumber: 'SC-10',
    commitmentTitle: 'Electrical services',
    invoiceId: invoices[1].invoiceId,
    invoiceNumber: '1',
    attachmentId: 'a-0',
    fileName: 'Broken upload.pdf',
    reason: expect.stringContaining('damaged'),
    page: 8,
    volume: 1,
  },
  {
    commitmentNumber: 'SC-10',
    commitmentTitle: 'Electrical services',
    invoiceId: invoices[1].invoiceId,
    invoiceNumber: '1',
    attachmentId: 'a-1',
    fileName: 'Never uploaded.pdf',
    reason: 'the file was not found in storage',
    page: 9,
    volume: 1,
  },
];

/** After the cover: part 1, 2 pages + a placeholder; part 2, 3 pages + 2 placeholders. */
const expectedPages = [
  'Invoice 1 page 1',
  'Invoice 1 page 2',
  expect.stringContaining('"Locked statement.pdf" was left out'),
  'Invoice 2 page 1',
  'Invoice 2 page 2',
  'Invoice 2 page 3',
  expect.stringContaining('"Broken upload.pdf" was left out'),
  expect.stringContaining('"Never uploaded.pdf" was left out'),
];

/**
 * Below the sources' bytes of any backup here (each invoice's PDF alone is estimated at 1 MiB):
 * the parts route.
 */
const partsRoute = { BACKUP_SINGLE_TASK_MAX_BYTES: '1024' };

/** `work` with these environment variables set: the tasks run in this process and read them. */
async function withEnv<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return await work();
  } finally {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

const runWorkflowWith = (env: Record<string, string>, input: { projectId: string; jobId: string }) => withEnv(env, () => runLocalWorkflow(input));

/** Which route merged the job: the volume route leaves Prepare's manifest, the parts route each part's PDF (both when the volume route handed over). */
async function routeTaken(jobId: string, parts: number) {
  const keys = Array.from({ length: parts }, (_, index) => `backups/${jobId}/parts/${String(index + 1).padStart(4, '0')}.pdf`);
  const found = async (key: string) => (await readPdf(key).then(() => true, (error: Error) => (error.name === 'NoSuchKey' ? false : Promise.reject(error))));
  return { manifest: await found(backupPartsManifestKey(jobId)), partPdfs: await Promise.all(keys.map(found)) };
}

/**
 * The backups the routes are compared on: invoices 1 and 2, whose locked statement MergeVolume
 * hands to the parts route (DecryptSources leaves it out), and invoices 4 and 2, which one task merges.
 */
const lockedBackup = {
  name: 'invoices 1 and 2',
  invoiceIds: invoices.map((invoice) => invoice.invoiceId),
  pages: expectedPages,
  warnings: expectedWarnings,
  first: { commitmentNumber: 'SC-2', firstPage: 'Invoice 1 page 1', fileBookmark: ['Locked statement.pdf (left out)', 4] },
};
const plainBackup = {
  name: 'invoices 4 and 2',
  invoiceIds: [plainInvoice.invoiceId, invoices[1].invoiceId],
  pages: ['Invoice 4 page 1', 'Docket page 1', 'Docket page 2', ...expectedPages.slice(3)],
  // Invoice 4's part has as many pages as invoice 1's (3): invoice 2's warnings keep their pages.
  warnings: expectedWarnings.slice(1),
  first: { commitmentNumber: 'SC-4', firstPage: 'Invoice 4 page 1', fileBookmark: ['Docket.pdf', 3] },
};

async function readPdf(key: string) {
  const object = await s3Client().send(new GetObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: key }));
  return { contentType: object.ContentType, bytes: await object.Body!.transformToByteArray() };
}

/** The summary MergePart appended to a part, as qpdf reads it: the stream the trailer's /PCAppendix names. */
function appendedSummary(pdf: Uint8Array): unknown {
  const file = savePdf(pdf);
  const trailer = execFileSync('qpdf', ['--show-object=trailer', file], { encoding: 'utf8' });
  const appendix = /\/PCAppendix (\d+) 0 R/.exec(trailer)?.[1];
  if (!appendix) throw new Error(`The part's trailer names no appendix: ${trailer}`);
  return JSON.parse(execFileSync('qpdf', [`--show-object=${appendix}`, '--raw-stream-data', file], { encoding: 'utf8' }));
}

/** The text of each page after the cover. */
async function bodyPages(key: string) {
  const pages = (await describePages((await readPdf(key)).bytes)).map((page) => page.text);
  return pages.slice(pages.length - expectedPages.length);
}

beforeAll(async () => {
  // Finalize emails the requester: the email event goes to a recording bus.
  const recording = await startRecordingBus();
  stopBus = () => recording.bus.stop();
  published = recording.published;
  const uploads: Record<string, Uint8Array> = {
    'uploads/invoice-1.pdf': await labelledPdf('Invoice 1', 2),
    'uploads/locked.pdf': await encryptedPdf(),
    'uploads/invoice-2.pdf': await labelledPdf('Invoice 2', 3),
    'uploads/broken.pdf': await truncatedPdf(),
    'uploads/invoice-3.pdf': await labelledPdf('Invoice 3', 1),
    'uploads/invoice-4.pdf': await labelledPdf('Invoice 4', 1),
    'uploads/docket.pdf': await labelledPdf('Docket', 2),
    'uploads/bank-statement.pdf': qpdfEncrypted(await labelledPdf('Bank statement', 2), ''),
    'uploads/payroll.pdf': qpdfEncrypted(await labelledPdf('Payroll', 1), 'open-sesame'),
  };
  for (const [key, body] of Object.entries(uploads)) {
    await s3Client().send(new PutObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: key, Body: body, ContentType: 'application/pdf' }));
  }
  const { Project, Commitment, Invoice, InvoiceAttachment, User } = db();
  await User.create({ userId: `user-${run}`, email: `requester-${run}@example.test`, name: 'Requester', companyId: `company-${run}`, createdAt }).go();
  await Project.create({ ...defaultProjectSettings('en-US'), projectId, companyId: `company-${run}`, name: 'Harbour Tower', number: 'HT-1', timeZone: 'UTC', createdBy: `user-${run}`, createdAt }).go();
  for (const invoice of [...invoices, encryptedInvoice, plainInvoice]) {
    await Commitment.create({
      projectId,
      commitmentId: invoice.commitmentId,
      type: 'subcontract',
      number: invoice.commitmentNumber,
      title: 'Electrical services',
      vendorId: `vendor-${run}`,
      vendorName: 'Harbour Electrical',
      status: 'approved',
      accountingMethod: 'amount',
      retainage: { workPercent: '10', workEnabled: true, materialsPercent: '0', materialsEnabled: false },
      private: false,
      privateUserIds: [],
      invoiceContactIds: [],
      ssovEnabled: false,
      paymentsIssuedEnabled: false,
      lineCount: 0,
      originalContractSumCents: 0,
      approvedChangeOrdersCents: 0,
      searchText: invoice.commitmentNumber,
      version: 1,
      createdBy: `user-${run}`,
      createdAt,
      updatedAt: createdAt,
    }).go();
    await Invoice.create({
      projectId,
      invoiceId: invoice.invoiceId,
      commitmentId: invoice.commitmentId,
      billingPeriodId: `period-${run}`,
      number: '1',
      position: 1,
      kind: 'progress',
      status: 'approved',
      paymentStatus: 'unpaid',
      paidCents: 0,
      entries: [],
      // Never read: the signed PDF is taken as it is.
      figures: {} as InvoiceItem['figures'],
      sovLines: [],
      contract: {} as InvoiceItem['contract'],
      // The e-signed PDF is what the backup takes: nothing is rendered.
      signedPdfKey: invoice.signed,
      createdBy: `user-${run}`,
      createdAt,
      updatedAt: createdAt,
      version: 1,
    }).go();
    for (const [index, [key, filename]] of invoice.attachments.entries()) {
      await InvoiceAttachment.create({
        projectId,
        invoiceId: invoice.invoiceId,
        attachmentId: `a-${index}`,
        key,
        filename,
        contentType: 'application/pdf',
        sizeBytes: 1,
        status: 'uploaded',
        uploadedAt: `2026-01-0${index + 1}T00:00:00.000Z`,
        createdBy: `user-${run}`,
        createdAt,
      }).go();
    }
  }
  // An upload never confirmed: not in the backup, nor in its estimated bytes (else every backup here would take the parts route).
  await InvoiceAttachment.create({
    projectId,
    invoiceId: invoices[1].invoiceId,
    attachmentId: 'a-pending',
    key: 'uploads/pending.pdf',
    filename: 'Pending.pdf',
    contentType: 'application/pdf',
    sizeBytes: 10 * 1024 * 1024 * 1024,
    status: 'pending',
    createdBy: `user-${run}`,
    createdAt,
  }).go();
});

afterAll(() => stopBus?.());

describe('the backup workflow, run locally from shared/wiring/backup.asl.json', () => {
  it('maps each Task state, inside the Map too, to the function its Resource placeholder names', () => {
    const definition = JSON.parse(readFileSync(backupDefinitionFile, 'utf8'));
    expect(taskFunctions(definition)).toEqual({
      Prepare: 'backupPrepare',
      MergeVolume: 'backupMergeVolume',
      PreparePart: 'backupPreparePart',
      MergePart: 'backupMergePart',
      DecryptSources: 'backupDecryptSources',
      MergeDecryptedPart: 'backupMergePart',
      RecordProgress: 'backupProgress',
      PlanVolumes: 'backupPlanVolumes',
      Combine: 'backupCombine',
      Finalize: 'backupFinalize',
      MarkFailed: 'backupFailed',
    });
  });

  it('refuses a Task whose Resource names no declared function, even inside a Parallel branch', () => {
    const definition = {
      States: {
        Both: {
          Type: 'Parallel' as const,
          Branches: [{ StartAt: 'Render', States: { Render: { Type: 'Task' as const, Resource: '${renderFunctionArn}', End: true as const } } }],
          End: true as const,
        },
      },
    };
    expect(() => taskFunctions(definition)).toThrow(/Task state "Render" has Resource "\$\{renderFunctionArn\}", which names no function/);
  });
});

const partsTaken = { manifest: false, partPdfs: [true, true] };

describe.each([
  { route: 'parts', backup: lockedBackup, env: partsRoute, taken: partsTaken },
  { route: 'parts', backup: plainBackup, env: partsRoute, taken: partsTaken },
  // The same backup, the same PDF: merged whole by MergeVolume, no part written to S3.
  { route: 'volume', backup: plainBackup, env: {}, taken: { manifest: true, partPdfs: [false, false] } },
])('the $route route, $backup.name', ({ route, backup, env, taken }) => {
  const seedBackup = (name: string) => seedJob(`job-${name}-${route}-${backup.first.commitmentNumber}-${run}`, backup.invoiceIds);

  it('merges every invoice’s files in order after the cover, reports what was left out, finishes the job (every part counted) and emails the requester', async () => {
    const job = await seedBackup('direct');

    const result = await runWorkflowWith(env, { projectId: job.projectId, jobId: job.jobId });

    expect(result).toEqual({
      status: 'SUCCEEDED',
      output: { projectId, jobId: job.jobId, status: 'succeeded', outputKey: job.outputKey, pages: 1 + backup.pages.length, bytes: expect.any(Number), volumes: 1, warningCount: backup.warnings.length },
    });
    const output = await readPdf(job.outputKey);
    expect(output.contentType).toBe('application/pdf');
    expect(result).toMatchObject({ output: { bytes: output.bytes.byteLength } });
    expect(await bodyPages(job.outputKey)).toEqual(backup.pages);
    expect(await routeTaken(job.jobId, 2)).toEqual(taken);
    if (route === 'parts') expect(await describePages((await readPdf(`backups/${job.jobId}/parts/0002.pdf`)).bytes)).toHaveLength(5);
    const { data } = await db().BackupJob.get({ projectId, jobId: job.jobId }).go({ consistent: true });
    expect(data).toMatchObject({
      status: 'succeeded',
      progress: { done: 2, total: 2 },
      warnings: backup.warnings,
      warningCount: backup.warnings.length,
      bytes: output.bytes.byteLength,
      volumes: [{ volume: 1, pages: 1 + backup.pages.length, bytes: output.bytes.byteLength }],
    });
    // Each warning's page is its placeholder in the PDF.
    const texts = pageTexts(output.bytes);
    for (const warning of data!.warnings!) expect(texts[warning.page! - 1]).toContain(`"${warning.fileName}" was left out`);
    const emails = published.filter((event) => event.detailType === 'email.requested' && event.detail.emailId === `invoice-backup-${job.jobId}`);
    expect(emails).toEqual([{ detailType: 'email.requested', detail: expect.objectContaining({ to: [`requester-${run}@example.test`], subject: expect.stringContaining('Harbour Tower') }) }]);
  });

  it('starts the PDF with a cover listing the invoices at their page numbers, and bookmarks each invoice and each of its files', async () => {
    const job = await seedBackup('cover');

    const result = await runWorkflowWith(env, { projectId: job.projectId, jobId: job.jobId });

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { pages: 1 + backup.pages.length } });
    const { bytes } = await readPdf(job.outputKey);
    expect(qpdfCheck(bytes)).toContain('No syntax or stream encoding errors');
    const texts = pageTexts(bytes);
    expect(texts).toHaveLength(1 + backup.pages.length);
    // The cover: title, project, then the contents — the first commitment before SC-10, each at its first page.
    expect(texts[0]).toMatch(/^\s*Invoice backup\s*\n\s*Harbour Tower \(HT-1\)/);
    expect(texts[0]).toMatch(new RegExp(`Contents\\s*\\n\\s*${backup.first.commitmentNumber} Electrical services — Invoice 1\\s+2\\s*\\n\\s*SC-10 Electrical services — Invoice 1\\s+5\\s*\\n`));
    expect([texts[1], texts[4]].map((text) => text?.trim())).toEqual([backup.first.firstPage, 'Invoice 2 page 1']);

    const outline = await readOutline(bytes);
    const bookmarks = outline.items.map((item) => [item.title, item.pageIndex + 1, item.children.map((child) => [child.title, child.pageIndex + 1])]);
    expect(bookmarks).toEqual([
      [`${backup.first.commitmentNumber} Electrical services — Invoice 1`, 2, [[expect.stringMatching(/\.pdf$/), 2], backup.first.fileBookmark]],
      [
        'SC-10 Electrical services — Invoice 1',
        5,
        [
          [expect.stringMatching(/\.pdf$/), 5],
          ['Broken upload.pdf (left out)', 8],
          ['Never uploaded.pdf (left out)', 9],
        ],
      ],
    ]);
    expect(qpdfOutline(bytes).map((item) => [item.title, item.page])).toEqual(bookmarks.map(([title, page]) => [title, page]));
  });
});

describe.each([
  { how: 'in the parts route', env: partsRoute, manifest: false },
  // MergeVolume does not decrypt: it fails with EncryptedSources and the parts route starts over.
  { how: 'handed over from the volume route (EncryptedSources)', env: {}, manifest: true },
])('a backup with encrypted attachments, $how', ({ how, env, manifest }) => {
  it('decrypts the file that opens without a password (DecryptSources), merges its pages and leaves out the one that needs a password', async () => {
    const job = await seedJob(`job-encrypted-${manifest ? 'volume' : 'parts'}-${run}`, [encryptedInvoice.invoiceId]);

    const result = await runWorkflowWith(env, { projectId: job.projectId, jobId: job.jobId });

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { pages: 1 + 4, volumes: 1, warningCount: 1 } });
    const { bytes } = await readPdf(job.outputKey);
    expect(qpdfCheck(bytes)).toContain('No syntax or stream encoding errors');
    const pages = (await describePages(bytes)).map((page) => page.text).slice(1);
    expect(pages).toEqual(['Invoice 3 page 1', 'Bank statement page 1', 'Bank statement page 2', expect.stringContaining('"Payroll.pdf" was left out of this document: the file is password-protected')]);
    expect(await routeTaken(job.jobId, 1), how).toEqual({ manifest, partPdfs: [true] });
    const partKey = `backups/${job.jobId}/parts/0001.pdf`;
    // The decrypted copy is kept beside the part (under the job's prefix); the locked one is not copied.
    expect(await describePages((await readPdf(`backups/${job.jobId}/parts/0001.decrypted/2.pdf`)).bytes)).toHaveLength(2);
    await expect(readPdf(`backups/${job.jobId}/parts/0001.decrypted/3.pdf`)).rejects.toMatchObject({ name: 'NoSuchKey' });
    // The part's summary travels inside it, for Combine: a valid PDF still, and no object beside it.
    const part = (await readPdf(partKey)).bytes;
    expect(qpdfCheck(part)).toContain('No syntax or stream encoding errors');
    await expect(readPdf(partKey.replace(/\.pdf$/, '.summary.json'))).rejects.toMatchObject({ name: 'NoSuchKey' });
    const summary = appendedSummary(part) as { partKey: string; pages: number; sources: unknown[] };
    expect(summary).toMatchObject({ partKey, pages: 4 });
    expect(summary.sources).toEqual([
      { title: expect.stringMatching(/\.pdf$/), pages: 1 },
      { title: 'Bank statement.pdf', attachmentId: 'a-0', pages: 2 },
      { title: 'Payroll.pdf', attachmentId: 'a-1', pages: 1, leftOut: expect.stringContaining('password-protected') },
    ]);
    const { data } = await db().BackupJob.get({ projectId, jobId: job.jobId }).go({ consistent: true });
    expect(data).toMatchObject({
      status: 'succeeded',
      progress: { done: 1, total: 1 },
      warningCount: 1,
      warnings: [{ commitmentNumber: 'SC-30', invoiceId: encryptedInvoice.invoiceId, attachmentId: 'a-1', fileName: 'Payroll.pdf', reason: expect.stringContaining('password-protected'), page: 5 }],
    });
  });
});

describe('the Prepare step', () => {
  it('takes the volume route while the sources’ estimated bytes (uploaded attachments’ sizes, each invoice’s PDF estimated) are within BACKUP_SINGLE_TASK_MAX_BYTES', async () => {
    const job = await seedJob(`job-route-${run}`);
    // Two e-signed invoices; their uploaded attachments are recorded at 1 byte each (3); the pending one is left out.
    const estimate = 2 * invoicePdfEstimateBytes.signed + 3;
    const prepare = (limit?: number) =>
      withEnv(limit === undefined ? {} : { BACKUP_SINGLE_TASK_MAX_BYTES: String(limit) }, () => invokeLocal('backupPrepare', { projectId, jobId: job.jobId }) as Promise<PreparedBackup>);

    expect(await prepare()).toMatchObject({ route: 'volume', outputKey: job.outputKey, parts: [{ partKey: `backups/${job.jobId}/parts/0001.pdf` }, { partKey: `backups/${job.jobId}/parts/0002.pdf` }] });
    expect((await prepare(estimate)).route).toBe('volume');
    expect((await prepare(estimate - 1)).route).toBe('parts');
    expect((await prepare(0)).route).toBe('parts');
  });

  it('describes every part in one manifest for MergeVolume in the volume route, as PreparePart describes each; none in the parts route', async () => {
    const job = await seedJob(`job-manifest-${run}`, plainBackup.invoiceIds);
    const manifestKey = backupPartsManifestKey(job.jobId);

    const parts = (await withEnv(partsRoute, () => invokeLocal('backupPrepare', { projectId, jobId: job.jobId }))) as PreparedBackup;
    expect(parts).not.toHaveProperty('manifestKey');
    await expect(readPdf(manifestKey)).rejects.toMatchObject({ name: 'NoSuchKey' });

    const volume = (await invokeLocal('backupPrepare', { projectId, jobId: job.jobId })) as PreparedBackup;
    expect(volume).toMatchObject({ route: 'volume', manifestKey, parts: parts.parts });
    const manifest = JSON.parse(Buffer.from((await readPdf(manifestKey)).bytes).toString('utf8'));
    expect(partsManifestSchema.parse(manifest)).toEqual(manifest);
    const described = [];
    for (const part of volume.parts) described.push(await invokeLocal('backupPreparePart', { projectId, ...part }));
    expect(manifest).toEqual({ parts: described });
    expect(manifest.parts.map((part: { invoice: { commitmentNumber: string }; sources: Array<{ key: string }> }) => [part.invoice.commitmentNumber, part.sources.map((source) => source.key)])).toEqual([
      ['SC-4', [plainInvoice.signed, 'uploads/docket.pdf']],
      ['SC-10', [invoices[1].signed, 'uploads/broken.pdf', 'uploads/never-uploaded.pdf']],
    ]);
  });
});

describe('the Combine step', () => {
  const cover = { title: 'Invoice backup', lines: [] };

  it('fails naming the part when a part carries no summary (merged before summaries travelled inside parts) or another part’s', async () => {
    const oldPartKey = `backups/job-old-${run}/parts/0001.pdf`;
    const { pdf } = await mergeDocuments([{ title: 'Invoice 1.pdf', bytes: await labelledPdf('Invoice 1', 2) }]);
    await s3Client().send(new PutObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: oldPartKey, Body: pdf, ContentType: 'application/pdf' }));
    const partKey = `backups/job-moved-${run}/parts/0001.pdf`;
    const merged = await invokeLocal('backupMergePart', {
      partKey,
      title: 'SC-2 Electrical services — Invoice 1',
      invoice: { invoiceId: invoices[0].invoiceId, number: '1', commitmentNumber: 'SC-2', commitmentTitle: 'Electrical services' },
      sources: [{ key: 'uploads/invoice-1.pdf', title: 'Invoice 1.pdf' }],
    });
    const movedKey = `backups/job-moved-${run}/parts/0002.pdf`;
    await s3Client().send(new PutObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: movedKey, Body: (await readPdf(partKey)).bytes, ContentType: 'application/pdf' }));

    await expect(invokeLocal('backupCombine', { outputKey: `backups/job-old-${run}/backup.pdf`, cover, parts: [{ partKey: oldPartKey, bytes: pdf.byteLength }] })).rejects.toThrow(
      `Merged part ${oldPartKey} carries no summary`,
    );
    await expect(invokeLocal('backupCombine', { outputKey: `backups/job-moved-${run}/backup.pdf`, cover, parts: [merged, { partKey: movedKey }] })).rejects.toThrow(
      `Merged part ${movedKey} carries the summary of ${partKey}`,
    );
    // Nothing is left half-written: the failed volume was never completed.
    await expect(readPdf(`backups/job-moved-${run}/backup.pdf`)).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});

describe('the DecryptSources step', () => {
  it('answers the same part on a retry, its decrypted copy written to the same key, and leaves a part with nothing to decrypt as it is', async () => {
    const partKey = `backups/job-retry-${run}/parts/0001.pdf`;
    const part = {
      partKey,
      title: 'SC-30 Electrical services — Invoice 1',
      invoice: { invoiceId: encryptedInvoice.invoiceId, number: '1', commitmentNumber: 'SC-30', commitmentTitle: 'Electrical services' },
      sources: [
        { key: 'uploads/invoice-3.pdf', title: 'Invoice 3.pdf' },
        { key: 'uploads/bank-statement.pdf', title: 'Bank statement.pdf', attachmentId: 'a-0' },
        { key: 'uploads/payroll.pdf', title: 'Payroll.pdf', attachmentId: 'a-1' },
        { key: 'uploads/never-uploaded.pdf', title: 'Never uploaded.pdf', attachmentId: 'a-2' },
      ],
    };
    const decryptedKey = `backups/job-retry-${run}/parts/0001.decrypted/2.pdf`;
    const expected = { ...part, sources: [part.sources[0], { ...part.sources[1], key: decryptedKey }, part.sources[2], part.sources[3]], decryptionTried: true };

    const first = await invokeLocal('backupDecryptSources', part);
    const copy = (await readPdf(decryptedKey)).bytes;
    const again = await invokeLocal('backupDecryptSources', part);

    expect(first).toEqual(expected);
    expect(again).toEqual(expected);
    expect(pageTexts((await readPdf(decryptedKey)).bytes)).toEqual(pageTexts(copy));
    const plain = { ...part, sources: [part.sources[0]!] };
    expect(await invokeLocal('backupDecryptSources', plain)).toEqual({ ...plain, decryptionTried: true });
  });
});

describe('a backup bigger than one volume holds', () => {
  it('is split between invoices into volumes, each with its own cover ("Volume 1 of 2"), contents and bookmarks, all on the job', async () => {
    const job = await seedJob(`job-volumes-${run}`);
    // Part 1 has 3 pages (2 + a placeholder), part 2 has 5: at most 4 a volume, each is a volume.
    const result = await runWorkflowWith({ ...partsRoute, BACKUP_VOLUME_MAX_PAGES: '4' }, { projectId: job.projectId, jobId: job.jobId });

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { outputKey: job.outputKey, volumes: 2, pages: 2 + 8, warningCount: 3 } });
    expect(await routeTaken(job.jobId, 2)).toEqual(partsTaken);
    const keys = [1, 2].map((volume) => `backups/${job.jobId}/backup - Volume ${volume} of 2.pdf`);
    const pdfs = await Promise.all(keys.map(async (key) => (await readPdf(key)).bytes));
    const texts = pdfs.map((pdf) => pageTexts(pdf));
    expect(texts.map((pages) => pages.length)).toEqual([1 + 3, 1 + 5]);
    texts.forEach((pages, index) => {
      expect(pages[0]).toMatch(new RegExp(`^\\s*Invoice backup\\s*\\n\\s*Volume ${index + 1} of 2\\s*\\n\\s*Harbour Tower \\(HT-1\\)`));
    });
    // Each volume's contents and bookmarks list its own invoices, numbered in its own pages.
    expect(texts[0]![0]).toMatch(/Contents\s*\n\s*SC-2 Electrical services — Invoice 1\s+2\s*\n/);
    expect(texts[1]![0]).toMatch(/Contents\s*\n\s*SC-10 Electrical services — Invoice 1\s+2\s*\n/);
    expect(texts[1]![0]).not.toContain('SC-2 ');
    for (const pdf of pdfs) expect(qpdfCheck(pdf)).toContain('No syntax or stream encoding errors');
    expect((await Promise.all(pdfs.map(readOutline))).map((outline) => outline.items.map((item) => [item.title, item.pageIndex + 1]))).toEqual([
      [['SC-2 Electrical services — Invoice 1', 2]],
      [['SC-10 Electrical services — Invoice 1', 2]],
    ]);

    const { data } = await db().BackupJob.get({ projectId, jobId: job.jobId }).go({ consistent: true });
    expect(data).toMatchObject({
      status: 'succeeded',
      pages: 10,
      volumes: [
        { volume: 1, fileName: 'backup - Volume 1 of 2.pdf', outputKey: keys[0], pages: 4, bytes: pdfs[0]!.byteLength },
        { volume: 2, fileName: 'backup - Volume 2 of 2.pdf', outputKey: keys[1], pages: 6, bytes: pdfs[1]!.byteLength },
      ],
      // Each warning names its volume and the page there.
      warnings: [
        { ...expectedWarnings[0], volume: 1, page: 4 },
        { ...expectedWarnings[1], volume: 2, page: 5 },
        { ...expectedWarnings[2], volume: 2, page: 6 },
      ],
      warningCount: 3,
    });
    for (const warning of data!.warnings!) expect(texts[warning.volume! - 1]![warning.page! - 1]).toContain(`"${warning.fileName}" was left out`);
    // The job pages through every volume's warnings in one list.
    const all = JSON.parse(Buffer.from((await readPdf(`backups/${job.jobId}/backup.warnings.json`)).bytes).toString('utf8'));
    expect(all.map((warning: { volume: number; page: number }) => [warning.volume, warning.page])).toEqual([
      [1, 4],
      [2, 5],
      [2, 6],
    ]);
  });

  it('is split by the parts route when one task could merge its sources but not into one volume (MergeVolume hands it over: NeedsVolumes)', async () => {
    const job = await seedJob(`job-volumes-handed-${run}`, plainBackup.invoiceIds);

    // Invoice 4's part has 3 pages, invoice 2's 5: at most 4 a volume, each is a volume.
    const result = await runWorkflowWith({ BACKUP_VOLUME_MAX_PAGES: '4' }, { projectId: job.projectId, jobId: job.jobId });

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { outputKey: job.outputKey, volumes: 2, pages: 2 + 8, warningCount: 2 } });
    expect(await routeTaken(job.jobId, 2)).toEqual({ manifest: true, partPdfs: [true, true] });
    const texts = await Promise.all([1, 2].map(async (volume) => pageTexts((await readPdf(`backups/${job.jobId}/backup - Volume ${volume} of 2.pdf`)).bytes)));
    expect(texts.map((pages) => pages.map((page) => page.trim()).slice(1, 2))).toEqual([['Invoice 4 page 1'], ['Invoice 2 page 1']]);
    texts.forEach((pages, index) => expect(pages[0]).toMatch(new RegExp(`^\\s*Invoice backup\\s*\\n\\s*Volume ${index + 1} of 2`)));
    // Nothing of MergeVolume's remains where the backup's one PDF would have been.
    await expect(readPdf(job.outputKey)).rejects.toMatchObject({ name: 'NoSuchKey' });
    const { data } = await db().BackupJob.get({ projectId, jobId: job.jobId }).go({ consistent: true });
    expect(data).toMatchObject({
      status: 'succeeded',
      progress: { done: 2, total: 2 },
      volumes: [{ volume: 1, pages: 4 }, { volume: 2, pages: 6 }],
      warnings: [
        { ...expectedWarnings[1], volume: 2, page: 5 },
        { ...expectedWarnings[2], volume: 2, page: 6 },
      ],
    });
  });
});

describe('the local Step Functions server, driven by the SDK client the product uses', () => {
  let stepFunctions: LocalStepFunctions;

  beforeAll(async () => {
    stepFunctions = await startLocalStepFunctions();
    process.env.AWS_ENDPOINT_URL_SFN = stepFunctions.endpoint;
  });
  afterAll(() => stepFunctions?.stop());

  const start = (name: string, input: unknown) =>
    stepFunctionsClient().send(new StartExecutionCommand({ stateMachineArn: stepFunctions.stateMachineArn, name, input: JSON.stringify(input) }));

  async function waitForEnd(executionArn: string) {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const execution = await stepFunctionsClient().send(new DescribeExecutionCommand({ executionArn }));
      if (execution.status !== 'RUNNING') return execution;
      await sleep(100);
    }
    throw new Error(`${executionArn} was still running after 20 s`);
  }

  it('starts an execution at once, runs it in the background and describes its output when it succeeds', async () => {
    const name = `job-sdk-${run}`;
    const job = await seedJob(name);
    const input = { projectId: job.projectId, jobId: job.jobId };

    // Like AWS: starting the same name with the same input while it runs is the same execution.
    const [first, again] = await Promise.all([start(name, input), start(name, input)]);
    expect(again).toMatchObject({ executionArn: first.executionArn, startDate: first.startDate });
    const execution = await waitForEnd(first.executionArn!);

    expect(execution).toMatchObject({ status: 'SUCCEEDED', name, stateMachineArn: stepFunctions.stateMachineArn, input: JSON.stringify(input) });
    expect(JSON.parse(execution.output!)).toMatchObject({ outputKey: job.outputKey, pages: expect.any(Number), bytes: expect.any(Number), warningCount: 3 });
    expect(execution.stopDate!.getTime()).toBeGreaterThanOrEqual(execution.startDate!.getTime());
    expect(await bodyPages(job.outputKey)).toEqual(expectedPages);
    // Once it has ended, the name is taken.
    await expect(start(name, input)).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('fails through MarkFailed and the BackupFailed state, with the job failed and the reason', async () => {
    const job = await seedJob(`job-gone-${run}`);
    await db().Invoice.delete({ projectId, invoiceId: invoices[0].invoiceId }).go();
    try {
      const { executionArn } = await start(job.jobId, { projectId, jobId: job.jobId });

      const execution = await waitForEnd(executionArn!);

      expect(execution).toMatchObject({ status: 'FAILED', error: 'BackupFailed', cause: expect.stringContaining(invoices[0].invoiceId) });
      expect(execution.output).toBeUndefined();
      const { data } = await db().BackupJob.get({ projectId, jobId: job.jobId }).go({ consistent: true });
      expect(data).toMatchObject({ status: 'failed', error: expect.stringContaining('deleted after the backup was requested') });
    } finally {
      const { data } = await db().Invoice.get({ projectId, invoiceId: invoices[1].invoiceId }).go();
      await db().Invoice.put({ ...data!, invoiceId: invoices[0].invoiceId, commitmentId: invoices[0].commitmentId, signedPdfKey: invoices[0].signed }).go();
    }
  });

  it('fails an execution for a job that does not exist', async () => {
    const { executionArn } = await start(`no-job-${run}`, { projectId, jobId: 'no-such-job' });

    const execution = await waitForEnd(executionArn!);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'BackupFailed', cause: expect.stringMatching(/no-such-job[\s\S]*does not exist/) });
  });

  it('answers unknown executions and operations with the errors of the JSON protocol', async () => {
    await expect(
      stepFunctionsClient().send(new DescribeExecutionCommand({ executionArn: `${stepFunctions.stateMachineArn.replace(':stateMachine:', ':execution:')}:nope` })),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);

    const response = await fetch(stepFunctions.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListExecutions' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: 'UnknownOperationException', message: expect.stringContaining('ListExecutions') });
  });
});
