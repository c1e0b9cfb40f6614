import { describe, expect, it } from 'vitest';
import type { BackupWarning } from '../../shared/domain/backups';
import { backupReadyEmail, warningsListedInEmail } from '../../shared/email/backup';

const warning = (index: number): BackupWarning => ({
  commitmentNumber: 'SC-7',
  commitmentTitle: 'Façade & glazing',
  invoiceId: `invoice-${index}`,
  invoiceNumber: `PC-${index}`,
  attachmentId: index === 0 ? null : `attachment-${index}`,
  fileName: 'Statutory declaration.pdf',
  reason: 'the file is damaged',
  page: 10 + index,
  volume: 1,
});

const link = 'https://app.progress-claims.test/projects/p/invoice-backups/j';
const email = (warnings: BackupWarning[], warningCount = warnings.length) =>
  backupReadyEmail({ projectName: 'Harbour Tower', projectNumber: 'HT-1', fileName: 'backup.pdf', pages: 40, warnings, warningCount, link });

describe('the backup-ready email', () => {
  it('names each file left out by commitment, invoice, attachment and placeholder page', () => {
    const { text, html } = email([warning(0), warning(1)]);

    expect(text).toContain('2 files were left out');
    expect(text).toContain(`- SC-7 Façade & glazing, invoice PC-0: "Statutory declaration.pdf" (the invoice's own PDF), page 10 — the file is damaged`);
    expect(text).toContain(`- SC-7 Façade & glazing, invoice PC-1: "Statutory declaration.pdf" (attachment attachment-1), page 11 — the file is damaged`);
    expect(text).not.toContain('more');
    expect(html).toContain('Façade &amp; glazing');
  });

  it(`lists the first ${warningsListedInEmail} and counts the rest, with the link to them all`, () => {
    // The job item holds the first 100 of 250.
    const { text, html } = email(Array.from({ length: 100 }, (_, index) => warning(index)), 250);

    expect(text).toContain('250 files were left out');
    expect(text.split('\n').filter((line) => line.startsWith('- '))).toHaveLength(warningsListedInEmail);
    expect(text).toContain(`and ${250 - warningsListedInEmail} more: see them all at ${link}`);
    expect(html).toContain(`<p>and ${250 - warningsListedInEmail} more: <a href="${link}">see them all</a></p>`);
    expect(html.match(/<li>/g)).toHaveLength(warningsListedInEmail);
  });

  it('links every volume of a backup split into several, and names the volume of each file left out', () => {
    const volumes = [
      { volume: 1, fileName: 'backup - Volume 1 of 2.pdf', pages: 30 },
      { volume: 2, fileName: 'backup - Volume 2 of 2.pdf', pages: 10 },
    ];
    const { text, html } = backupReadyEmail({ projectName: 'Harbour Tower', projectNumber: 'HT-1', fileName: 'backup.pdf', pages: 40, volumes, warnings: [{ ...warning(1), volume: 2, page: 3 }], warningCount: 1, link });

    expect(text).toContain('ready to download, in 2 volumes (40 pages in all):');
    expect(text).toContain(`- Volume 1 of 2: backup - Volume 1 of 2.pdf (30 pages): ${link}?volume=1`);
    expect(text).toContain(`- Volume 2 of 2: backup - Volume 2 of 2.pdf (10 pages): ${link}?volume=2`);
    expect(text).toContain('(attachment attachment-1), volume 2, page 3 — the file is damaged');
    expect(html).toContain(`<li><a href="${link}?volume=2">Volume 2 of 2: backup - Volume 2 of 2.pdf (10 pages)</a></li>`);
  });

  it('says nothing of warnings when nothing was left out', () => {
    expect(email([]).text).not.toContain('left out');
  });
});
