import { describeBackupWarning, type BackupWarning } from '../domain/backups';
import { escapeHtml } from './letter';
import { volumeLabel } from '../backup/volumes';

/** Warnings an email lists; the rest are counted, and the link shows them all. */
export const warningsListedInEmail = 20;

/**
 * The requester's email when a backup is ready: the link, and every file left out — the first
 * `warningsListedInEmail` named with their commitment, invoice, attachment and placeholder page,
 * then "and N more" pointing at the job, which lists them all.
 */
export function backupReadyEmail(input: {
  projectName: string;
  projectNumber: string;
  fileName: string;
  pages: number;
  /** The PDFs, when the backup was split into several: each is listed with a link to it. */
  volumes?: Array<{ volume: number; fileName: string; pages: number }>;
  warnings: BackupWarning[];
  warningCount: number;
  link: string;
}) {
  const subject = `Your invoice backup for ${input.projectName} (${input.projectNumber}) is ready`;
  const volumes = input.volumes && input.volumes.length > 1 ? input.volumes : [];
  const intro = volumes.length
    ? `The invoice backup you requested is ready to download, in ${volumes.length} volumes (${input.pages} pages in all):`
    : `The invoice backup you requested is ready to download: ${input.fileName} (${input.pages} pages).`;
  // Each volume opens the job in the app at that volume, which fetches its download.
  const volumeLinks = volumes.map((volume) => ({
    label: `${volumeLabel(volume.volume, volumes.length)}: ${volume.fileName} (${volume.pages} pages)`,
    link: `${input.link}?volume=${volume.volume}`,
  }));
  const count = input.warningCount;
  const listed = input.warnings.slice(0, warningsListedInEmail).map((warning) => describeBackupWarning(warning, Math.max(1, volumes.length)));
  const more = count - listed.length;
  const leftOutIntro = `${count} file${count === 1 ? ' was' : 's were'} left out (the PDF has a page saying so where each would have been):`;
  const moreText = `and ${more} more: see them all at ${input.link}`;
  const text = [intro, ...volumeLinks.map((volume) => `- ${volume.label}: ${volume.link}`), ...(count ? ['', leftOutIntro, ...listed.map((line) => `- ${line}`), ...(more > 0 ? [moreText] : [])] : []), '', `Download it: ${input.link}`].join('\n');
  const html = [
    `<p>${escapeHtml(intro)}</p>`,
    ...(volumes.length ? [`<ul>${volumeLinks.map((volume) => `<li><a href="${escapeHtml(volume.link)}">${escapeHtml(volume.label)}</a></li>`).join('')}</ul>`] : []),
    ...(count
      ? [
          `<p>${escapeHtml(leftOutIntro)}</p>`,
          `<ul>${listed.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`,
          ...(more > 0 ? [`<p>and ${more} more: <a href="${escapeHtml(input.link)}">see them all</a></p>`] : []),
        ]
      : []),
    `<p><a href="${escapeHtml(input.link)}">Download the backup</a></p>`,
  ].join('\n');
  return { subject, text, html };
}

/** The requester's email when a backup fails: what happened, in the job's words, and where to try again. */
export function backupFailedEmail(input: { projectName: string; projectNumber: string; reason: string; link: string }) {
  const subject = `Your invoice backup for ${input.projectName} (${input.projectNumber}) failed`;
  const intro = 'The invoice backup you requested could not be compiled.';
  const why = `Reason: ${input.reason}`;
  const text = [intro, why, '', `See the backup, or request it again: ${input.link}`].join('\n');
  const html = [`<p>${escapeHtml(intro)}</p>`, `<p>${escapeHtml(why)}</p>`, `<p><a href="${escapeHtml(input.link)}">See the backup</a></p>`].join('\n');
  return { subject, text, html };
}
