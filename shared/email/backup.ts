import { escapeHtml } from './letter';

/** The requester's email when a backup fails: what happened, in the job's words, and where to try again. */
export function backupFailedEmail(input: { projectName: string; projectNumber: string; reason: string; link: string }) {
  const subject = `Your invoice backup for ${input.projectName} (${input.projectNumber}) failed`;
  const intro = 'The invoice backup you requested could not be compiled.';
  const why = `Reason: ${input.reason}`;
  const text = [intro, why, '', `See the backup, or request it again: ${input.link}`].join('\n');
  const html = [`<p>${escapeHtml(intro)}</p>`, `<p>${escapeHtml(why)}</p>`, `<p><a href="${escapeHtml(input.link)}">See the backup</a></p>`].join('\n');
  return { subject, text, html };
}
