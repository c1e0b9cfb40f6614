import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { invokeLocal } from '../../infra/local/lambda';
import { s3Client } from '../../shared/aws/s3';
import { describePages, labelledPdf, TINY_JPEG, TINY_PNG } from '../support/pdf-fixtures';
import { qpdfCheck } from '../support/pdf-tools';

/**
 * MergePart reads its sources into buffers it gives back once each source is written, and
 * hands them out again to the next sources and to the next invocation: whatever a buffer held
 * before (a longer file, another type) must never show in a later part.
 */

const run = Math.random().toString(36).slice(2, 10);
const key = (name: string) => `merge-part-${run}/${name}`;
const invoice = { invoiceId: `invoice-${run}`, number: '3', commitmentNumber: 'SC-7', commitmentTitle: 'Electrical services' };

async function readObject(objectKey: string): Promise<Uint8Array> {
  const object = await s3Client().send(new GetObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: objectKey }));
  return object.Body!.transformToByteArray();
}

beforeAll(async () => {
  const uploads: Array<[string, Uint8Array, string]> = [
    ['long.pdf', await labelledPdf('Long', 60), 'application/pdf'],
    ['short.pdf', await labelledPdf('Short', 1), 'application/pdf'],
    ['photo.jpg', TINY_JPEG, 'image/jpeg'],
    ['scan.png', TINY_PNG, 'image/png'],
    // Neither PDF, JPEG nor PNG: the declared type words the warning.
    ['mislabelled.png', Buffer.from('GIF89a, not a PNG'), 'image/png'],
  ];
  for (const [name, body, contentType] of uploads) {
    await s3Client().send(new PutObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: key(name), Body: body, ContentType: contentType }));
  }
});

describe('MergePart', () => {
  it('merges part after part from reused buffers: each source is its own bytes, whatever the buffer held before', async () => {
    const part = (name: string, sources: string[]) => ({
      partKey: key(`parts/${name}.pdf`),
      title: `SC-7 Electrical services — ${name}`,
      invoice,
      sources: sources.map((source) => ({ key: key(source), title: source })),
    });
    const long = Array.from({ length: 60 }, (_, index) => `Long page ${index + 1}`);
    const image = { text: '', images: 1 };
    const wrongType = '"mislabelled.png" was left out of this document: the file is damaged or is not a valid PNG image';
    const cases = [
      { part: part('first', ['long.pdf', 'short.pdf', 'photo.jpg', 'scan.png', 'mislabelled.png']), pages: [...long, 'Short page 1', image, image, wrongType] },
      // The next invocation: short files read into the buffers the long one and the images had.
      { part: part('second', ['short.pdf', 'scan.png', 'photo.jpg', 'short.pdf', 'long.pdf']), pages: ['Short page 1', image, image, 'Short page 1', ...long] },
      { part: part('third', ['photo.jpg', 'mislabelled.png', 'short.pdf']), pages: [image, wrongType, 'Short page 1'] },
    ];

    for (const { part: merged, pages } of cases) {
      const answer = await invokeLocal('backupMergePart', merged);
      const pdf = await readObject(merged.partKey);

      expect(answer).toMatchObject({ partKey: merged.partKey, pages: pages.length });
      const found = await describePages(pdf);
      expect(found.map((page, index) => (typeof pages[index] === 'string' ? page.text : { text: page.text, images: page.images }))).toEqual(
        pages.map((page) => (typeof page === 'string' && page.startsWith('"') ? expect.stringContaining(page) : page)),
      );
      expect(qpdfCheck(pdf)).toContain('No syntax or stream encoding errors');
    }
  });
});
