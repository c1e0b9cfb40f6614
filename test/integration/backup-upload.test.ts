import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getObject, pdfUpload } from '../../shared/backup/task-io';

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
});
