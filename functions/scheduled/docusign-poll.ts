import { putEvents } from '../../shared/aws/events';
import { batchGetAll, db } from '../../shared/db/service';
import { logger } from '../../shared/logger';
import type { ScheduledEvent } from '../../shared/wiring/schedules';
import { docusignRequestedEvent } from '../../events/contracts';

/** An envelope is polled once it has been out this long without ending: Connect should have said so by then. */
export const pollAfterHours = 6;

/**
 * Scheduled (the `docusign-poll` schedule, run by the docusignEnvelopes function): the polling fallback for DocuSign. Every watched envelope sent more than
 * `pollAfterHours` ago whose request is still open gets a `refresh` call (the consumer reads the
 * envelope with GET envelope and applies it as Connect's message would be); watches of requests
 * that ended meanwhile are dropped. Idempotent: a refresh that finds nothing new records nothing.
 */
export const pollDocusignEnvelopes = async (event: ScheduledEvent) => {
  const now = new Date(event.scheduledTime);
  const cutoff = new Date(now.getTime() - pollAfterHours * 60 * 60 * 1000).toISOString();
  const { data: watches } = await db().DocusignWatch.query.open({}).lte({ sentAt: cutoff }).go({ pages: 'all' });
  const signatures = await batchGetAll(
    watches.map(({ projectId, invoiceId }) => ({ projectId, invoiceId })),
    (keys) => db().InvoiceSignature.get(keys).go(),
  );
  const signatureOf = new Map(signatures.map((s) => [`${s.projectId}/${s.invoiceId}`, s]));
  const open = watches.filter((watch) => {
    const signature = signatureOf.get(`${watch.projectId}/${watch.invoiceId}`);
    return signature?.provider === 'docusign' && signature.sentAt === watch.sentAt && signature.envelopeId === watch.envelopeId && (signature.status === 'sent' || signature.status === 'delivered');
  });
  const ended = watches.filter((watch) => !open.includes(watch));
  await Promise.all(ended.map(({ sentAt, projectId, invoiceId }) => db().DocusignWatch.delete({ sentAt, projectId, invoiceId }).go()));
  const outcomes = await putEvents(
    docusignRequestedEvent,
    open.map(({ projectId, invoiceId, sentAt }) => ({ projectId, invoiceId, sentAt, action: 'refresh' as const })),
  );
  const refused = outcomes.filter((outcome) => !outcome.accepted).length;
  if (refused > 0) logger.warn('docusign refreshes not requested; the next run asks again', { refused });
  return { polled: open.length - refused, dropped: ended.length };
};
