import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DownloadBuffers, getObject, getObjectInto, pdfUpload } from '../../shared/backup/task-io';

/**
 * The backup's PDFs are uploaded as they are written (shared/backup/task-io.ts `pdfUpload`):
 * what lands in the bucket must be every byte in order, whether it took one request or a
 * multipart upload, and a failed write must leave no object behind.
 */
describe('pdfUpload', () => {
  it('puts a small file in one request and a large one in parts, every byte in order', async () => {
    for (const [key, size] of [
      ['upload/small.pdf', 300_000],
      ['upload/large.pdf', 21 * 1024 * 1024],
    ] as const) {
      const bytes = randomBytes(size);
      const upload = pdfUpload(key);
      // Uneven chunks, as the PDF writer sends them.
      for (let offset = 0; offset < size; offset += 700_001) await upload.write(bytes.subarray(offset, offset + 700_001));
      await upload.end();
      const stored = await getObject(key);
      expect(stored?.contentType).toBe('application/pdf');
      expect(Buffer.from(stored!.bytes).equals(bytes)).toBe(true);
    }
  });

  it('aborts a multipart upload whose writer failed: no object is left', async () => {
    const upload = pdfUpload('upload/failed.pdf');
    await upload.write(randomBytes(9 * 1024 * 1024));
    await upload.abort();
    // (s3rver does not list multipart uploads, so the discarded parts cannot be seen here.)
    expect(await getObject('upload/failed.pdf')).toBeUndefined();
  });

  it('uploads from reused part buffers: a second upload after the first is every byte of its own, and the writer may reuse its chunk', async () => {
    const first = randomBytes(9 * 1024 * 1024);
    const second = randomBytes(8 * 1024 * 1024 + 12_345);
    for (const [key, bytes] of [
      ['upload/reuse-1.pdf', first],
      ['upload/reuse-2.pdf', second],
    ] as const) {
      const upload = pdfUpload(key);
      // One chunk buffer, overwritten after each write, as the PDF writer does.
      const chunk = new Uint8Array(333_333);
      for (let offset = 0; offset < bytes.byteLength; offset += chunk.byteLength) {
        const piece = bytes.subarray(offset, offset + chunk.byteLength);
        chunk.set(piece);
        await upload.write(chunk.subarray(0, piece.byteLength));
        chunk.fill(0);
      }
      await upload.end();
    }
    expect(Buffer.from((await getObject('upload/reuse-1.pdf'))!.bytes).equals(first)).toBe(true);
    expect(Buffer.from((await getObject('upload/reuse-2.pdf'))!.bytes).equals(second)).toBe(true);
  });
});

describe('getObjectInto', () => {
  it('reads objects into buffers handed back and out again, each read whole, and answers undefined for a missing key', async () => {
    const buffers = new DownloadBuffers(2);
    const large = randomBytes(700_000);
    const small = randomBytes(300_000);
    for (const [key, bytes] of [
      ['download/large.pdf', large],
      ['download/small.pdf', small],
    ] as const) {
      const upload = pdfUpload(key);
      await upload.write(bytes);
      await upload.end();
    }
    const read = await getObjectInto('download/large.pdf', buffers);
    expect(Buffer.from(read!).equals(large)).toBe(true);
    buffers.give(read!);
    // The smaller object goes into the larger one's buffer: only its own bytes are answered.
    const again = await getObjectInto('download/small.pdf', buffers);
    expect(again!.buffer).toBe(read!.buffer);
    expect(Buffer.from(again!).equals(small)).toBe(true);
    expect(await getObjectInto('download/missing.pdf', buffers)).toBeUndefined();
  });
});
