import type { EventBridgeEvent } from 'aws-lambda';
import { billingPeriodOpened } from '../../events/contracts';
import { logger } from '../../shared/logger';
import { db } from '../../shared/db/service';
import { loadBillingPeriod } from '../../shared/db/billing-periods';
import { loadProjectCommitments, periodClosedForInvites, publishInvitesSent, sendInvites } from '../../shared/db/invites';

/**
 * `billing-period.opened`: when an automatic period opens and the project asks for automatic
 * invites, invites every commitment that meets the preconditions, through the same function as
 * the route (the project's creator as inviter, the default invoice type). A duplicated or retried
 * event finds the invites written and sends nothing twice; invites written by a run that died
 * before publishing are published again (their emails are idempotent).
 */
export const handler = async (event: EventBridgeEvent<'billing-period.opened', unknown>) => {
  const parsed = billingPeriodOpened.safeParse(event.detail);
  if (!parsed.success) {
    logger.error('invalid billing-period.opened event', { eventId: event.id, issues: parsed.error.issues });
    return { status: 'invalid' as const };
  }
  const { projectId, billingPeriodId, source } = parsed.data;
  logger.appendKeys({ projectId, billingPeriodId });
  if (source !== 'automatic') return { status: 'skipped' as const, reason: 'manual period' };

  const [{ data: project }, period] = await Promise.all([db().Project.get({ projectId }).go(), loadBillingPeriod(projectId, billingPeriodId)]);
  if (!project || !period) return { status: 'skipped' as const, reason: 'no such project or period' };
  if (!project.billingPeriods.autoInvites) return { status: 'skipped' as const, reason: 'automatic invites are off' };
  const now = new Date();
  const closed = periodClosedForInvites(period, project.timeZone, now);
  if (closed) return { status: 'skipped' as const, reason: closed };

  const commitments = await loadProjectCommitments(projectId);
  const result = await sendInvites({
    project,
    period,
    commitmentIds: commitments.map((c) => c.commitmentId),
    commitments,
    visible: () => true,
    // `none` makes an invite required; the invite itself still needs a type to bill.
    invoiceType: project.defaultInvoiceType === 'none' ? 'work_materials_retainage' : project.defaultInvoiceType,
    invitedBy: project.createdBy,
    now,
  });
  if (result.awaitingEmail.length > 0) await publishInvitesSent(projectId, billingPeriodId, result.awaitingEmail, 'invite');
  logger.info('automatic invites', { invited: result.invited.length, refused: result.refused.length, republished: result.awaitingEmail.length });
  return { status: 'done' as const, invited: result.invited.length, refused: result.refused.length };
};
