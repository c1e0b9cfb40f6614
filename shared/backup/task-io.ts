import { GetObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import * as z from 'zod';
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
 * What `MergePart` writes next to its part's PDF and `Combine` reads back, one per part. It lives
 * in S3, not in the workflow's state: with every file's name it grows with the invoices' files,
 * and the state (256 KB at most) carries only keys and counts. The pages of each source (a
 * left-out file's placeholder page included) let Combine number the cover's contents and place
 * the bookmarks without reading the sources again.
 */
export const mergedPartSchema = z.object({
  partKey: z.string().min(1),
  title: z.string().min(1),
  pages: z.number().int().nonnegative(),
  warnings: z.array(z.object({ title: z.string(), reason: z.string() })),
  sources: z.array(z.object({ title: z.string(), pages: z.number().int().nonnegative(), leftOut: z.string().optional() })),
});
export type MergedPart = z.infer<typeof mergedPartSchema>;

/** Where a part's summary is kept: beside the part's PDF. */
export const partSummaryKey = (partKey: string) => `${partKey.replace(/\.pdf$/, '')}.summary.json`;

/** Where every warning of a backup is kept (the job item keeps the first ones and the count). */
export const backupWarningsKey = (outputKey: string) => `${outputKey.replace(/\.pdf$/i, '')}.warnings.json`;

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
  await putObject(key, pdf, 'application/pdf');
}

export async function putJson(key: string, value: unknown): Promise<void> {
  await putObject(key, JSON.stringify(value), 'application/json');
}

/** The JSON object at `key`, checked against `schema`; missing or malformed fails the run (it is our own output). */
export async function getJson<T extends z.ZodType>(key: string, schema: T): Promise<z.infer<T>> {
  const object = await getObject(key);
  if (!object) throw new Error(`${key} is missing from the bucket`);
  const parsed = schema.safeParse(JSON.parse(Buffer.from(object.bytes).toString('utf8')));
  if (!parsed.success) throw new Error(`${key} is not what the workflow wrote: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

async function putObject(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
  try {
    await s3Client().send(new PutObjectCommand({ Bucket: config.bucketName, Key: key, Body: body, ContentType: contentType }));
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
