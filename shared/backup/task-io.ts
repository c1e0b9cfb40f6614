import { GetObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { s3Client } from '../aws/clients';
import { config } from '../config';

/**
 * What the backup workflow's Task functions share: their error names (matched by the ASL's
 * Retry and Catch), input parsing, the part summary they pass along, and bucket I/O.
 */

/** Matched by name in the ASL's Retry: the same call may well succeed in a moment. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

/** Not retried: the same input would fail the same way, so the ASL's Catch ends the run. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInput';
}

/**
 * What `MergePart` returns and `Combine` receives, one per part: small, never PDF bytes. The
 * pages of each source (a left-out file's placeholder page included) let Combine number the
 * cover's contents and place the bookmarks without reading the sources again.
 */
export const mergedPartSchema = z.object({
  partKey: z.string().min(1),
  title: z.string().min(1),
  pages: z.number().int().nonnegative(),
  warnings: z.array(z.object({ title: z.string(), reason: z.string() })),
  sources: z.array(z.object({ title: z.string(), pages: z.number().int().nonnegative(), leftOut: z.string().optional() })),
});
export type MergedPart = z.infer<typeof mergedPartSchema>;

export function parseEvent<T extends z.ZodType>(schema: T, event: unknown): z.infer<T> {
  const parsed = schema.safeParse(event);
  if (!parsed.success) throw new InvalidInputError(`Invalid input: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** An object of the bucket, or undefined when there is no such key. */
export async function getObject(key: string): Promise<{ bytes: Uint8Array; contentType?: string } | undefined> {
  try {
    const object = await s3Client().send(new GetObjectCommand({ Bucket: config.bucketName, Key: key }));
    const bytes = await object.Body?.transformToByteArray();
    if (!bytes) throw new TransientError(`S3 GetObject ${key} returned no body`);
    return { bytes, contentType: object.ContentType };
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw asTransient(error, `S3 GetObject ${key}`);
  }
}

export async function putPdf(key: string, pdf: Uint8Array): Promise<void> {
  try {
    await s3Client().send(new PutObjectCommand({ Bucket: config.bucketName, Key: key, Body: pdf, ContentType: 'application/pdf' }));
  } catch (error) {
    throw asTransient(error, `S3 PutObject ${key}`);
  }
}

// The SDK has already retried these a few times; the workflow's Retry waits longer between tries.
const transientCodes = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
]);

/** Throttling, 5xx and network failures become a TransientError; anything else is thrown as it is. */
function asTransient(error: unknown, action: string): unknown {
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode ?? 0;
  const transient = status === 429 || status >= 500 || transientCodes.has(e.name ?? '') || transientCodes.has(e.code ?? '');
  return transient ? new TransientError(`${action} failed: ${e.message}`, { cause: error }) : error;
}
