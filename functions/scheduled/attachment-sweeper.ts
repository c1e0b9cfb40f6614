import { DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { s3Client } from '../../shared/aws/s3';
import { config } from '../../shared/config';
import { batchGetAll, entitiesOf } from '../../shared/db/service';
import { InvoiceAttachment } from '../../shared/db/entities/invoice';
import { logger } from '../../shared/logger';
import { attachmentOfKey } from '../../shared/storage/keys';
import type { ScheduledEvent } from '../../shared/wiring/schedules';

const attachments = /* @__PURE__ */ entitiesOf({ InvoiceAttachment });

/** Objects younger than this are left alone: a confirm may still be between its copy and its write. */
export const orphanAfterMs = 24 * 60 * 60 * 1000;

/**
 * Daily: deletes attachment objects no attachment record names, a day after they were written —
 * a kept copy whose confirm died between the S3 copy and its transaction, a copy that lost a
 * confirm race and was not removed, an upload object PUT again after its attachment was
 * confirmed. An object is kept while its attachment's record holds its key (a pending
 * attachment's record holds its upload key). One listing of the companies' prefix per run.
 */
export const handler = async (event: ScheduledEvent) => {
  const now = new Date(event.scheduledTime);
  if (Number.isNaN(now.getTime())) throw new Error(`invalid scheduledTime: ${event.scheduledTime}`);
  const writtenBefore = now.getTime() - orphanAfterMs;
  let examined = 0;
  const deleted: string[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await s3Client().send(new ListObjectsV2Command({ Bucket: config.bucketName, Prefix: 'companies/', ContinuationToken: continuationToken }));
    continuationToken = page.NextContinuationToken;
    const candidates = (page.Contents ?? []).flatMap(({ Key, LastModified }) => {
      const attachment = Key && LastModified && LastModified.getTime() < writtenBefore ? attachmentOfKey(Key) : undefined;
      return attachment ? [{ key: Key!, ...attachment }] : [];
    });
    examined += candidates.length;
    const ids = [...new Map(candidates.map((c) => [`${c.projectId}/${c.invoiceId}/${c.attachmentId}`, { projectId: c.projectId, invoiceId: c.invoiceId, attachmentId: c.attachmentId }])).values()];
    const records = await batchGetAll(ids, (keys) => attachments().InvoiceAttachment.get(keys).go({ consistent: true }));
    const kept = new Set(records.map((record) => record.key));
    for (const { key } of candidates.filter((c) => !kept.has(c.key))) {
      await s3Client().send(new DeleteObjectCommand({ Bucket: config.bucketName, Key: key }));
      deleted.push(key);
    }
  } while (continuationToken);
  logger.info('attachment sweep', { examined, deleted: deleted.length });
  return { examined, deleted };
};
