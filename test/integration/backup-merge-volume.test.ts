import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { invokeLocal } from '../../infra/local/lambda';
import { s3Client } from '../../shared/aws/s3';
import { backupWarningsKey } from '../../shared/backup/task-io';
import type { PartInput } from '../../functions/backup/prepare-part';
import { encryptedPdf, labelledPdf, TINY_JPEG, TINY_PNG } from '../support/pdf-fixtures';
import { pageTexts, qpdfCheck, qpdfOutline } from '../support/pdf-tools';

/**
 * MergeVolume, the route for backups one task can hold: the parts' sources merged straight into
 * the backup's PDF. It must make the same PDF — cover, pages, bookmarks, warnings — as MergePart
 * and Combine together make out of the same parts, and hand the backup to that route when a
 * source is encrypted or the backup needs volumes.
 */

const run = Math.random().toString(36).slice(2, 10);
const key = (name: string) => `merge-volume-${run}/${name}`;
const cover = { title: 'Subcontractor invoice backup', lines: ['Harbour Tower (P-100)', 'Compiled 5 December 2026 at 14:30 (Australia/Sydney)', '3 progress claims'], createdAt: '2026-12-05T03:30:00.000Z' };

async function readObject(objectKey: string): Promise<Uint8Array> {
  const object = await s3Client().send(new GetObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: objectKey }));
  return object.Body!.transformToByteArray();
}

async function put(objectKey: string, body: Uint8Array | string, contentType: string): Promise<void> {
  await s3Client().send(new PutObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: objectKey, Body: body, ContentType: contentType }));
}

/** Parts as PreparePart describes them, in the one manifest Prepare writes for MergeVolume. */
async function prepareParts(job: string, parts: Array<{ title: string; number: string; sources: Array<{ file: string; attachmentId?: string }> }>): Promise<{ manifestKey: string; parts: PartInput[] }> {
  const inputs = parts.map((part, index) => ({
    partKey: key(`${job}/parts/${String(index + 1).padStart(4, '0')}.pdf`),
    title: part.title,
    invoice: { invoiceId: `invoice-${index + 1}`, number: part.number, commitmentNumber: `SC-00${index + 1}`, commitmentTitle: 'Electrical services' },
    sources: part.sources.map(({ file, attachmentId }) => ({ key: key(file), title: file, ...(attachmentId && { attachmentId }) })),
  }));
  const manifestKey = key(`${job}/parts/manifest.json`);
  await put(manifestKey, JSON.stringify({ parts: inputs }), 'application/json');
  return { manifestKey, parts: inputs };
}

const threeParts = [
  { title: 'SC-001 Electrical services — Progress Claim 1', number: '1', sources: [{ file: 'claim-1.pdf' }, { file: 'long.pdf', attachmentId: 'att-long' }, { file: 'photo.jpg', attachmentId: 'att-photo' }] },
  {
    title: 'SC-002 Electrical services — Progress Claim 2',
    number: '2',
    sources: [{ file: 'claim-2.pdf' }, { file: 'scan.png', attachmentId: 'att-scan' }, { file: 'gone.pdf', attachmentId: 'att-gone' }, { file: 'mislabelled.png', attachmentId: 'att-bad' }],
  },
  { title: 'SC-003 Electrical services — Progress Claim 3', number: '3', sources: [{ file: 'claim-3.pdf' }] },
];

beforeAll(async () => {
  const uploads: Array<[string, Uint8Array, string]> = [
    ['claim-1.pdf', await labelledPdf('Claim one', 2), 'application/pdf'],
    ['claim-2.pdf', await labelledPdf('Claim two', 1), 'application/pdf'],
    ['claim-3.pdf', await labelledPdf('Claim three', 2), 'application/pdf'],
    ['long.pdf', await labelledPdf('Long', 3), 'application/pdf'],
    ['photo.jpg', TINY_JPEG, 'image/jpeg'],
    ['scan.png', TINY_PNG, 'image/png'],
    ['mislabelled.png', Buffer.from('GIF89a, not a PNG'), 'image/png'],
    ['locked.pdf', await encryptedPdf(), 'application/pdf'],
  ];
  for (const [name, body, contentType] of uploads) await put(key(name), body, contentType);
});

afterEach(() => {
  delete process.env.BACKUP_VOLUME_MAX_PAGES;
});

describe('MergeVolume', () => {
  it('merges every part into one PDF: the cover with its contents, the pages in order, bookmarks, warnings with their pages', async () => {
    const { manifestKey } = await prepareParts('job-a', threeParts);
    const outputKey = key('job-a/Subcontractor invoice backup.pdf');

    const answer = await invokeLocal('backupMergeVolume', { outputKey, cover, manifestKey });

    const pdf = await readObject(outputKey);
    expect(qpdfCheck(pdf)).toContain('No syntax or stream encoding errors');
    const texts = pageTexts(pdf).map((text) => text.replace(/\s+/g, ' ').trim());
    // Cover, then part 1 (2 + 3 + 1 pages), part 2 (1 + 1 + 2 placeholders), part 3 (2).
    expect(texts).toHaveLength(1 + 6 + 4 + 2);
    expect(answer).toEqual([{ volume: 1, pages: 13, bytes: pdf.byteLength, warningCount: 2 }]);
    expect(texts[0]).toContain('Subcontractor invoice backup');
    expect(texts[0]).toMatch(/SC-001 Electrical services — Progress Claim 1 \.* ?2/);
    expect(texts[0]).toMatch(/SC-002 Electrical services — Progress Claim 2 \.* ?8/);
    expect(texts[0]).toMatch(/SC-003 Electrical services — Progress Claim 3 \.* ?12/);
    expect(texts.slice(1, 7)).toEqual(['Claim one page 1', 'Claim one page 2', 'Long page 1', 'Long page 2', 'Long page 3', '']);
    expect(texts[7]).toBe('Claim two page 1');
    expect(texts[9]).toContain('"gone.pdf" was left out');
    expect(texts[10]).toContain('"mislabelled.png" was left out');
    expect(texts.slice(11)).toEqual(['Claim three page 1', 'Claim three page 2']);

    const outline = qpdfOutline(pdf);
    expect(outline.map((item) => [item.title, item.page])).toEqual([
      ['SC-001 Electrical services — Progress Claim 1', 2],
      ['SC-002 Electrical services — Progress Claim 2', 8],
      ['SC-003 Electrical services — Progress Claim 3', 12],
    ]);
    expect(outline[1]!.kids.map((item) => [item.title, item.page])).toEqual([
      ['claim-2.pdf', 8],
      ['scan.png', 9],
      ['gone.pdf (left out)', 10],
      ['mislabelled.png (left out)', 11],
    ]);

    const warnings = JSON.parse(Buffer.from(await readObject(backupWarningsKey(outputKey))).toString('utf8'));
    expect(warnings).toEqual([
      expect.objectContaining({ invoiceId: 'invoice-2', invoiceNumber: '2', commitmentNumber: 'SC-002', attachmentId: 'att-gone', fileName: 'gone.pdf', page: 10, volume: 1, reason: 'the file was not found in storage' }),
      expect.objectContaining({ invoiceId: 'invoice-2', attachmentId: 'att-bad', fileName: 'mislabelled.png', page: 11, volume: 1 }),
    ]);
  });

  it('makes the PDF the parts route makes: MergePart for each part, then Combine', async () => {
    const { manifestKey, parts } = await prepareParts('job-b', threeParts);
    const volumeKey = key('job-b/volume.pdf');
    const combinedKey = key('job-b/combined.pdf');

    const [volume] = (await invokeLocal('backupMergeVolume', { outputKey: volumeKey, cover, manifestKey })) as Array<{ pages: number; warningCount: number }>;
    const merged = [];
    for (const part of parts) merged.push((await invokeLocal('backupMergePart', part)) as { partKey: string; bytes: number });
    const combined = (await invokeLocal('backupCombine', { outputKey: combinedKey, cover, parts: merged })) as { pages: number; warningCount: number };

    const [volumePdf, combinedPdf] = [await readObject(volumeKey), await readObject(combinedKey)];
    expect(volume).toMatchObject({ pages: combined.pages, warningCount: combined.warningCount });
    expect(pageTexts(volumePdf)).toEqual(pageTexts(combinedPdf));
    expect(qpdfOutline(volumePdf)).toEqual(qpdfOutline(combinedPdf));
    const warningsOf = async (outputKey: string) => JSON.parse(Buffer.from(await readObject(backupWarningsKey(outputKey))).toString('utf8'));
    expect(await warningsOf(volumeKey)).toEqual(await warningsOf(combinedKey));
  });

  it('hands a backup with an encrypted PDF to the parts route (EncryptedSources), leaving no PDF behind', async () => {
    const { manifestKey } = await prepareParts('job-c', [threeParts[0]!, { title: 'SC-002 Electrical services — Progress Claim 2', number: '2', sources: [{ file: 'claim-2.pdf' }, { file: 'locked.pdf', attachmentId: 'att-locked' }] }]);
    const outputKey = key('job-c/backup.pdf');

    await expect(invokeLocal('backupMergeVolume', { outputKey, cover, manifestKey })).rejects.toMatchObject({ name: 'EncryptedSources' });
    await expect(readObject(outputKey)).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('hands a backup that passes a volume’s limits to the parts route (NeedsVolumes); one part alone may pass them', async () => {
    process.env.BACKUP_VOLUME_MAX_PAGES = '7';
    const { manifestKey } = await prepareParts('job-d', threeParts);
    const outputKey = key('job-d/backup.pdf');
    await expect(invokeLocal('backupMergeVolume', { outputKey, cover, manifestKey })).rejects.toMatchObject({ name: 'NeedsVolumes', message: expect.stringContaining('at part 2') });
    await expect(readObject(outputKey)).rejects.toMatchObject({ name: 'NoSuchKey' });

    // A single part larger than a volume is a volume by itself, as PlanVolumes plans it.
    process.env.BACKUP_VOLUME_MAX_PAGES = '2';
    const single = await prepareParts('job-e', [threeParts[0]!]);
    await expect(invokeLocal('backupMergeVolume', { outputKey: key('job-e/backup.pdf'), cover, manifestKey: single.manifestKey })).resolves.toEqual([expect.objectContaining({ volume: 1, pages: 7 })]);
  });

  it('fails the run on a missing or malformed manifest, and on bad input (InvalidInput)', async () => {
    const { manifestKey } = await prepareParts('job-f', threeParts.slice(0, 2));
    await expect(invokeLocal('backupMergeVolume', { outputKey: key('job-f/a.pdf'), cover, manifestKey: key('job-f/parts/none.json') })).rejects.toThrow(/none\.json is missing from the bucket/);
    const malformed = key('job-f/parts/malformed.json');
    await put(malformed, JSON.stringify({ parts: [{ partKey: 'x.pdf', title: 'No sources' }] }), 'application/json');
    await expect(invokeLocal('backupMergeVolume', { outputKey: key('job-f/b.pdf'), cover, manifestKey: malformed })).rejects.toThrow(/malformed\.json is not what the workflow wrote/);
    await expect(invokeLocal('backupMergeVolume', { outputKey: key('job-f/c.pdf'), cover: { lines: [] }, manifestKey })).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringContaining('cover.title') });
    await expect(invokeLocal('backupMergeVolume', { cover, manifestKey })).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringContaining('outputKey') });
    for (const name of ['a', 'b', 'c']) await expect(readObject(key(`job-f/${name}.pdf`))).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});
