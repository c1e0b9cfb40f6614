import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import * as z from '../zod';
import { s3Client } from '../aws/s3';
import { config } from '../config';
import type { BackupWarning } from '../domain/backups';
import type { MergeSource } from '../pdf/merge';
import { TransientError } from './task-input';

/**
 * What the backup workflow's Task functions share: their error names (matched by the ASL's
 * Retry and Catch), input parsing, the part summary MergePart hands to Combine inside the part,
 * and bucket I/O.
 */

// Their home is task-input.ts, which loads no SDK: a task that reads nothing from S3 imports it alone.
export { EncryptedSourcesError, InvalidInputError, NeedsVolumesError, parseEvent, TransientError } from './task-input';

/** The invoice a backup part holds, as its warnings name it. */
export const partInvoiceSchema = z.object({
  invoiceId: z.string().check(z.minLength(1)),
  number: z.string(),
  commitmentNumber: z.string(),
  commitmentTitle: z.string(),
});
export type PartInvoice = z.infer<typeof partInvoiceSchema>;

/**
 * One part as PreparePart answers it and MergePart (and DecryptSources) read it: the invoice's PDF
 * first, then its attachments, each an S3 key.
 */
export const partToMergeSchema = z.object({
  partKey: z.string().check(z.minLength(1)),
  title: z.string().check(z.minLength(1)),
  invoice: partInvoiceSchema,
  sources: z
    .array(
      z.object({ key: z.string().check(z.minLength(1)), title: z.string().check(z.minLength(1)), attachmentId: z.optional(z.string().check(z.minLength(1))) }),
    )
    .check(z.minLength(1)),
  /**
   * Set by DecryptSources: every file that opens without a password is a decrypted copy now, so an
   * encrypted PDF still among the sources needs a password and is left out (a placeholder says so).
   */
  decryptionTried: z.optional(z.literal(true)),
});
export type PartToMerge = z.infer<typeof partToMergeSchema>;

/**
 * What `MergePart` writes inside its part's PDF (the appendix, see PdfAppendix) and `Combine`
 * reads back from the part it downloads anyway: no request of its own, and Combine need not
 * wait for every summary before writing the first part. It stays out of the workflow's state:
 * with every file's name it grows with the invoices' files, and the state (256 KB at most)
 * carries only keys and counts. The pages of each source (a left-out file's placeholder page
 * included) let Combine number the cover's contents and place the bookmarks without reading
 * the sources again.
 */
export const mergedPartSchema = z.object({
  partKey: z.string().check(z.minLength(1)),
  title: z.string().check(z.minLength(1)),
  /** Whose part it is: a warning names the invoice and its commitment. */
  invoice: partInvoiceSchema,
  pages: z.number().check(z.int(), z.nonnegative()),
  warnings: z.array(z.object({ title: z.string(), reason: z.string() })),
  sources: z.array(
    z.object({
      title: z.string(),
      /** The attachment the file is; absent for the invoice's own PDF. */
      attachmentId: z.optional(z.string()),
      pages: z.number().check(z.int(), z.nonnegative()),
      leftOut: z.optional(z.string()),
    }),
  ),
});
export type MergedPart = z.infer<typeof mergedPartSchema>;

/**
 * A merged part's summary: the part as PreparePart described it, with what the merge answered
 * (one summary per source, in order, each keeping its attachment id).
 */
export function mergedPartOf(part: PartToMerge, merged: Pick<MergedPart, 'pages' | 'warnings' | 'sources'>): MergedPart {
  return {
    partKey: part.partKey,
    title: part.title,
    invoice: part.invoice,
    pages: merged.pages,
    warnings: merged.warnings,
    sources: merged.sources.map((source, index) => ({ ...source, ...(part.sources[index]?.attachmentId && { attachmentId: part.sources[index].attachmentId }) })),
  };
}

/** The summary as MergePart appends it to its part. */
export const partSummaryBytes = (summary: MergedPart): Uint8Array => Buffer.from(JSON.stringify(summary), 'utf8');

/**
 * The summary a part carries (`appendix`, as PartsWriter found it), checked against
 * `mergedPartSchema`: a part without one, or with a malformed one or another part's, fails the
 * run (parts are our own output). A part merged before summaries travelled inside parts has none.
 */
export function partSummaryOf(partKey: string, appendix: Uint8Array | undefined): MergedPart {
  if (!appendix) throw new Error(`Merged part ${partKey} carries no summary (a part merged before this version of MergePart): the backup must be started again`);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(appendix.buffer, appendix.byteOffset, appendix.byteLength).toString('utf8'));
  } catch (error) {
    throw new Error(`The summary merged part ${partKey} carries is not JSON: ${(error as Error).message}`);
  }
  const parsed = mergedPartSchema.safeParse(json);
  if (!parsed.success) throw new Error(`The summary merged part ${partKey} carries is not what MergePart writes: ${z.prettifyError(parsed.error)}`);
  if (parsed.data.partKey !== partKey) throw new Error(`Merged part ${partKey} carries the summary of ${parsed.data.partKey}`);
  return parsed.data;
}

/** Every warning of a backup, as Combine writes them to S3 (see `BackupWarning`). */
export const backupWarningSchema: z.ZodMiniType<BackupWarning> = z.object({
  commitmentNumber: z.string(),
  commitmentTitle: z.string(),
  invoiceId: z.string(),
  invoiceNumber: z.string(),
  attachmentId: z.nullable(z.string()),
  fileName: z.string(),
  reason: z.string(),
  page: z.number().check(z.int(), z.positive()),
  /** Lists written before backups had volumes have none: theirs was the only one. */
  volume: z._default(z.number().check(z.int(), z.positive()), 1),
});

/**
 * Every file left out, in the PDF's order, named by its commitment, invoice and attachment, with
 * the page its placeholder took: the cover's pages, then each part's sources one after another.
 */
export function backupWarnings(parts: MergedPart[], coverPages: number, volume = 1): BackupWarning[] {
  const warnings: BackupWarning[] = [];
  let page = coverPages + 1;
  for (const { invoice, sources } of parts) {
    for (const source of sources) {
      if (source.leftOut !== undefined) {
        warnings.push({
          commitmentNumber: invoice.commitmentNumber,
          commitmentTitle: invoice.commitmentTitle,
          invoiceId: invoice.invoiceId,
          invoiceNumber: invoice.number,
          attachmentId: source.attachmentId ?? null,
          fileName: source.title,
          reason: source.leftOut,
          volume,
          page,
        });
      }
      page += source.pages;
    }
  }
  return warnings;
}

/** Where DecryptSources keeps the decrypted copy of a part's source (by its place in the part): beside the part, so a retry writes the same key. */
export const decryptedSourceKey = (partKey: string, index: number) => `${partKey.replace(/\.pdf$/, '')}.decrypted/${index + 1}.pdf`;

/**
 * Every part of a backup merged in one task (MergeVolume), in order, as Prepare writes it to S3:
 * hundreds of part descriptions would not fit in the workflow's state.
 */
export const partsManifestSchema = z.object({ parts: z.array(partToMergeSchema).check(z.minLength(1)) });

/** Where every warning of a backup is kept (the job item keeps the first ones and the count). */
export const backupWarningsKey = (outputKey: string) => `${outputKey.replace(/\.pdf$/i, '')}.warnings.json`;

/**
 * The results of `tasks` in order, each task started up to `ahead` places before its turn: S3's
 * latency overlaps the caller's work on the earlier ones, and memory holds at most `ahead` results
 * besides the one being used. A rejection is reported when its turn comes.
 */
export async function* inOrderAhead<T>(tasks: Iterable<() => Promise<T>> | AsyncIterable<() => Promise<T>>, ahead: number): AsyncGenerator<T> {
  const iterator = Symbol.asyncIterator in tasks ? tasks[Symbol.asyncIterator]() : tasks[Symbol.iterator]();
  const started: Array<Promise<T>> = [];
  let exhausted = false;
  const fill = async () => {
    while (!exhausted && started.length < ahead) {
      const next = await iterator.next();
      if (next.done) exhausted = true;
      else {
        const running = next.value();
        running.catch(() => undefined);
        started.push(running);
      }
    }
  };
  await fill();
  while (started.length > 0) {
    const result = await started.shift()!;
    await fill();
    // A turn of the event loop before the caller's work: the responses of the tasks ahead are
    // read as they come, rather than waiting in the socket (and S3 with them) while results that
    // are already there are used one after another.
    await new Promise((resolve) => setImmediate(resolve));
    yield result;
  }
}

/** The placeholder's reason for a source whose key is not in the bucket. */
const MISSING_SOURCE = 'the file was not found in storage';

/**
 * A part's source as the merge takes it, read into one of `buffers` (given back by its `release`
 * once its pages are written); a key missing from the bucket becomes a placeholder's reason. Its
 * placeholder, if it needs one, names the part and the attachment as well as the file name.
 */
export async function fetchMergeSource(
  { key, title, attachmentId }: { key: string; title: string; attachmentId?: string | undefined },
  partOf: string,
  buffers: DownloadBuffers,
): Promise<MergeSource> {
  const origin = { title, partOf, ...(attachmentId && { attachmentId }) };
  const object = await getObjectWithTypeInto(key, buffers);
  return object ? { ...origin, ...object, release: () => buffers.give(object.bytes) } : { ...origin, unavailable: MISSING_SOURCE };
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

/**
 * Buffers for downloads whose bytes are spent once read (Combine's parts), handed out again
 * instead of allocating fresh memory for each object (see `spareParts`). A buffer is rounded
 * up to a whole MiB so that the next object, a little bigger, fits it; one over
 * `POOLED_MAX_BYTES` is the object's size and is not kept.
 */
export class DownloadBuffers {
  private readonly spare: Uint8Array[] = [];

  constructor(private readonly keep = 8) {}

  take(size: number): Uint8Array {
    const index = this.spare.findIndex((buffer) => buffer.byteLength >= size);
    if (index !== -1) return this.spare.splice(index, 1)[0]!;
    return new Uint8Array(size > POOLED_MAX_BYTES ? size : Math.ceil(Math.max(size, 1) / MiB) * MiB);
  }

  /** Gives back bytes `take` handed out (or a view from their start): they must not be read again. */
  give(bytes: Uint8Array): void {
    const whole = new Uint8Array(bytes.buffer);
    if (bytes.byteOffset === 0 && whole.byteLength <= POOLED_MAX_BYTES && this.spare.length < this.keep) this.spare.push(whole);
  }
}

const MiB = 1024 * 1024;
const POOLED_MAX_BYTES = 16 * MiB;

/** An object's bytes read into a buffer of `buffers` (see DownloadBuffers), or undefined when there is no such key. */
export async function getObjectInto(key: string, buffers: DownloadBuffers): Promise<Uint8Array | undefined> {
  return (await getObjectWithTypeInto(key, buffers))?.bytes;
}

/**
 * `getObject`'s answer (bytes and declared type) with the bytes read into a buffer of `buffers`
 * (checked against the object's length), for bytes spent once read: MergePart's sources, given
 * back once their pages are written; Combine's parts (`getObjectInto`).
 */
export async function getObjectWithTypeInto(key: string, buffers: DownloadBuffers): Promise<{ bytes: Uint8Array; contentType?: string } | undefined> {
  let buffer: Uint8Array | undefined;
  try {
    const object = await s3Client().send(new GetObjectCommand({ Bucket: config.bucketName, Key: key }));
    if (!object.Body || object.ContentLength === undefined) throw new TransientError(`S3 GetObject ${key} returned no body or length`);
    buffer = buffers.take(object.ContentLength);
    let length = 0;
    for await (const chunk of object.Body as AsyncIterable<Uint8Array>) {
      if (length + chunk.byteLength > object.ContentLength) throw new TransientError(`S3 GetObject ${key} returned more than its ${object.ContentLength} bytes`);
      buffer.set(chunk, length);
      length += chunk.byteLength;
    }
    if (length !== object.ContentLength) throw new TransientError(`S3 GetObject ${key} returned ${length} of its ${object.ContentLength} bytes`);
    return { bytes: buffer.subarray(0, length), contentType: object.ContentType };
  } catch (error) {
    if (buffer) buffers.give(buffer);
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
export async function getJson<T extends z.ZodMiniType>(key: string, schema: T): Promise<z.infer<T>> {
  const object = await getObject(key);
  if (!object) throw new Error(`${key} is missing from the bucket`);
  const parsed = schema.safeParse(JSON.parse(Buffer.from(object.bytes).toString('utf8')));
  if (!parsed.success) throw new Error(`${key} is not what the workflow wrote: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** S3's smallest part but the last; a part is held in memory until it is sent. */
const MULTIPART_PART_SIZE = 8 * 1024 * 1024;
/** Parts sent at once: the writer goes on while they travel, holding at most this many more. */
const MULTIPART_PARTS_IN_FLIGHT = 3;

/**
 * Part buffers, reused by every upload of the process (a Lambda's next invocations too). Fresh
 * memory is what costs: the first touch of each page faults, several times the cost of copying
 * into a buffer already touched — 126 MB of fresh parts took a second of a backup's Combine.
 * At most one upload's worth is kept.
 */
const spareParts: Uint8Array[] = [];
const takePartBuffer = () => spareParts.pop() ?? new Uint8Array(MULTIPART_PART_SIZE);
const returnPartBuffer = (buffer: Uint8Array) => {
  if (spareParts.length <= MULTIPART_PARTS_IN_FLIGHT) spareParts.push(buffer);
};

/**
 * A PDF (or, by `contentType`, another file: the accounting exports' CSV and XLSX) written to
 * `key` as it is produced: bytes are copied into parts of a multipart upload sent while the
 * writer goes on, so memory holds a few parts, never the whole file (and `write` keeps no
 * chunk: the caller may reuse it). A file smaller than one part is put in one request. `abort`
 * discards the parts of a failed write.
 */
export function pdfUpload(key: string, contentType = 'application/pdf'): { write(chunk: Uint8Array): Promise<void>; end(): Promise<void>; abort(): Promise<void> } {
  const client = s3Client();
  const target = { Bucket: config.bucketName, Key: key };
  /** The part being filled, and how much of it is. */
  let part: Uint8Array | undefined;
  let filled = 0;
  let uploadId: string | undefined;
  const parts: Array<Promise<{ PartNumber: number; ETag?: string }>> = [];
  const inFlight = new Set<Promise<unknown>>();

  const sendPart = async (): Promise<void> => {
    const buffer = part!;
    const body = buffer.subarray(0, filled);
    part = undefined;
    filled = 0;
    try {
      uploadId ??= (await client.send(new CreateMultipartUploadCommand({ ...target, ContentType: contentType }))).UploadId;
    } catch (error) {
      returnPartBuffer(buffer);
      throw asTransient(error, `S3 CreateMultipartUpload ${key}`);
    }
    while (inFlight.size >= MULTIPART_PARTS_IN_FLIGHT) await Promise.race(inFlight);
    const PartNumber = parts.length + 1;
    const sent = client
      .send(unsignedPayload(new UploadPartCommand({ ...target, UploadId: uploadId, PartNumber, Body: body })))
      .then(({ ETag }) => ({ PartNumber, ETag }))
      .catch((error: unknown) => {
        throw asTransient(error, `S3 UploadPart ${key} #${PartNumber}`);
      });
    // The buffer is free again once its request (with the SDK's retries) has settled.
    const settled: Promise<boolean> = sent.then(
      () => inFlight.delete(settled),
      () => inFlight.delete(settled),
    );
    void settled.then(() => returnPartBuffer(buffer));
    inFlight.add(settled);
    parts.push(sent);
  };

  return {
    async write(chunk) {
      for (let at = 0; at < chunk.byteLength; ) {
        part ??= takePartBuffer();
        const taken = Math.min(chunk.byteLength - at, part.byteLength - filled);
        part.set(chunk.subarray(at, at + taken), filled);
        filled += taken;
        at += taken;
        if (filled === part.byteLength) await sendPart();
      }
    },
    async end() {
      if (uploadId === undefined) {
        const buffer = part;
        try {
          return await putObject(key, buffer ? buffer.subarray(0, filled) : new Uint8Array(0), contentType);
        } finally {
          part = undefined;
          filled = 0;
          if (buffer) returnPartBuffer(buffer);
        }
      }
      if (filled > 0) await sendPart();
      const completed = await Promise.all(parts);
      try {
        await client.send(new CompleteMultipartUploadCommand({ ...target, UploadId: uploadId, MultipartUpload: { Parts: completed } }));
      } catch (error) {
        throw asTransient(error, `S3 CompleteMultipartUpload ${key}`);
      }
    },
    async abort() {
      if (part) returnPartBuffer(part);
      part = undefined;
      filled = 0;
      if (uploadId === undefined) return;
      await Promise.allSettled(parts);
      await client.send(new AbortMultipartUploadCommand({ ...target, UploadId: uploadId })).catch(() => undefined);
    },
  };
}

/**
 * Sends the body unsigned (SigV4's UNSIGNED-PAYLOAD) rather than hashing every byte with SHA-256
 * to sign it — a tenth of a backup's CPU time. S3 accepts it; TLS guards the bytes on the way.
 */
function unsignedPayload<T extends { middlewareStack: { add: (...args: never[]) => void } }>(command: T): T {
  type Middleware = (next: (args: { request: unknown }) => Promise<unknown>) => (args: { request: unknown }) => Promise<unknown>;
  const middleware: Middleware = (next) => async (args) => {
    (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    return next(args);
  };
  (command.middlewareStack.add as (middleware: Middleware, options: { step: 'build'; name: string }) => void)(middleware, { step: 'build', name: 'unsignedPayload' });
  return command;
}

async function putObject(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
  try {
    await s3Client().send(unsignedPayload(new PutObjectCommand({ Bucket: config.bucketName, Key: key, Body: body, ContentType: contentType })));
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
