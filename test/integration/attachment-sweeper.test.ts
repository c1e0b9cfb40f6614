import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { handler as sweep, orphanAfterMs } from '../../functions/scheduled/attachment-sweeper';
import { s3Client } from '../../shared/aws/s3';
import { db } from '../../shared/db/service';
import { attachmentKey, attachmentOfKey, attachmentUploadKey, invoicePdfKey } from '../../shared/storage/keys';

/**
 * The attachment sweeper against s3rver and DynamoDB Local: what no attachment record names goes,
 * a day after it was written; what a record names stays.
 */
const scope = { companyId: 'company-1', projectId: `project-${randomUUID()}`, invoiceId: `invoice-${randomUUID()}` };

const put = (key: string) => s3Client().send(new PutObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: key, Body: 'bytes', ContentType: 'application/pdf' }));
const exists = (key: string) =>
  s3Client()
    .send(new HeadObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: key }))
    .then(
      () => true,
      () => false,
    );

async function seedRecord(attachmentId: string, key: string, status: 'pending' | 'uploaded') {
  const createdAt = new Date().toISOString();
  await db()
    .InvoiceAttachment.create({
      projectId: scope.projectId,
      invoiceId: scope.invoiceId,
      attachmentId,
      key,
      filename: 'Docket.pdf',
      contentType: 'application/pdf',
      sizeBytes: 5,
      status,
      ...(status === 'uploaded' && { uploadedAt: createdAt }),
      createdBy: 'user-1',
      createdAt,
    })
    .go();
}

it('reads the attachment of an upload or copy key, and nothing else', () => {
  expect(attachmentOfKey(attachmentKey(scope, 'a.1', 'copy-1', 'Docket.pdf'))).toEqual({ projectId: scope.projectId, invoiceId: scope.invoiceId, attachmentId: 'a.1' });
  expect(attachmentOfKey(attachmentUploadKey(scope, 'a/2', 'Docket.pdf'))).toEqual({ projectId: scope.projectId, invoiceId: scope.invoiceId, attachmentId: 'a/2' });
  expect(attachmentOfKey(invoicePdfKey(scope, 1))).toBeUndefined();
  expect(attachmentOfKey('backups/job-1/Backup.pdf')).toBeUndefined();
});

it('deletes, a day on, a copy whose confirm never wrote, and an upload PUT again after confirm; keeps what records name', async () => {
  // Confirmed: the record names its kept copy; the upload was PUT again after the confirm.
  const confirmedCopy = attachmentKey(scope, 'confirmed', 'copy-kept', 'Docket.pdf');
  const reuploaded = attachmentUploadKey(scope, 'confirmed', 'Docket.pdf');
  await seedRecord('confirmed', confirmedCopy, 'uploaded');
  // Pending: the confirm copied, then died before its transaction (the record still names the upload).
  const pendingUpload = attachmentUploadKey(scope, 'pending', 'Docket.pdf');
  const orphanCopy = attachmentKey(scope, 'pending', 'copy-never-written', 'Docket.pdf');
  await seedRecord('pending', pendingUpload, 'pending');
  // Deleted attachment whose copy was left behind; the invoice's PDF is no attachment's.
  const noRecord = attachmentKey(scope, 'deleted', 'copy-1', 'Docket.pdf');
  const pdf = invoicePdfKey(scope, 1);
  const all = [confirmedCopy, reuploaded, pendingUpload, orphanCopy, noRecord, pdf];
  for (const key of all) await put(key);

  // Written just now: a confirm may be between its copy and its write, so nothing goes yet.
  expect(await sweep({ schedule: 'attachment-sweeper', scheduledTime: new Date().toISOString() })).toMatchObject({ deleted: [] });

  const dayOn = new Date(Date.now() + orphanAfterMs + 60_000).toISOString();
  const { deleted } = await sweep({ schedule: 'attachment-sweeper', scheduledTime: dayOn });

  expect([...deleted].sort()).toEqual([reuploaded, orphanCopy, noRecord].sort());
  expect(Object.fromEntries(await Promise.all(all.map(async (key) => [key, await exists(key)])))).toEqual({
    [confirmedCopy]: true,
    [reuploaded]: false,
    [pendingUpload]: true,
    [orphanCopy]: false,
    [noRecord]: false,
    [pdf]: true,
  });
  // Run again: nothing more.
  expect(await sweep({ schedule: 'attachment-sweeper', scheduledTime: dayOn })).toMatchObject({ deleted: [] });
});
