import { createHash, randomUUID } from 'node:crypto';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3Client } from '../../../shared/aws/s3';
import { config } from '../../../shared/config';
import { problems } from '../../../shared/http/problem';
import { attachmentKey, contentDisposition, type InvoiceScope } from '../../../shared/storage/keys';
import { downloadUrlSeconds, uploadUrlSeconds } from '../../../shared/api/invoice-file-limits';
import type { InvoiceAttachmentItem } from '../../../shared/db/entities/invoice';

export const expiresAt = (seconds: number, now = Date.now()) => new Date(now + seconds * 1000).toISOString();

export async function downloadUrl(key: string, filename: string, disposition: 'attachment' | 'inline', contentType: string) {
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

/** The presigned PUT of an attachment: the type and the length are signed, so S3 refuses a PUT with any other (and confirm checks again). */
export async function uploadUrl(item: InvoiceAttachmentItem, now: Date) {
  const url = await getSignedUrl(
    s3Client(),
    new PutObjectCommand({ Bucket: config.bucketName, Key: item.key, ContentType: item.contentType, ContentLength: item.sizeBytes }),
    { expiresIn: uploadUrlSeconds, signableHeaders: new Set(['content-type', 'content-length']) },
  );
  return { method: 'PUT' as const, url, headers: { 'content-type': item.contentType }, expiresAt: expiresAt(uploadUrlSeconds, now.getTime()) };
}

/** The object's metadata, or undefined when there is no such object. */
export async function headObject(key: string): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await s3Client().send(new HeadObjectCommand({ Bucket: config.bucketName, Key: key }));
  } catch (error) {
    if ((error as Error).name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
    throw error;
  }
}

/** "Application/PDF; charset=binary" → "application/pdf". */
const mediaType = (value: string | undefined) => (value ?? '').split(';')[0]!.trim().toLowerCase();

export const deleteObject = (key: string) => s3Client().send(new DeleteObjectCommand({ Bucket: config.bucketName, Key: key }));

/** How an object differs from what was declared for the attachment: 409, naming each difference. */
export function declaredRefusal(object: { ContentLength?: number; ContentType?: string }, attachment: InvoiceAttachmentItem) {
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
export async function keepConfirmedCopy(scope: InvoiceScope, attachment: InvoiceAttachmentItem): Promise<{ key: string; sha256: string }> {
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
