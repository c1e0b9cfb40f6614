import { logger } from '../../shared/logger';
import { db } from '../../shared/db/service';
import { remindersDue } from '../../shared/db/entities/invite';
import { loadBillingPeriod } from '../../shared/db/billing-periods';
import { localDate } from '../../shared/domain/billing-periods';
import { isConditionalFailure } from '../../shared/db/conditions';
import { chunk, reminderDay, reminderInstant, type InviteItem } from '../../shared/db/invites';
// Writes no backup request, so the dispatch that leaves those to the stream (no Step Functions client).
import { dispatchSoon } from '../../shared/db/outbox-delivery';
import { outboxRecord, outboxWrite } from '../../shared/db/outbox-record';
import { writeTransaction } from '../../shared/db/transaction';
import type { ScheduledEvent } from '../../shared/wiring/schedules';
import { remindPaymentSchedules } from './payment-schedule-reminders';
import { invitesSentEvent } from '../../events/contracts';

/**
 * Hourly: reminds the contacts of invites whose reminder is due, once per invite. Invites carry
 * `remindAt` (set when sent, from the project's `reminderDaysBeforeDue`) in a sparse index, so
 * this is one Query for the reminders due by now — never a Scan, and it scales with the reminders
 * due, not with projects. Each is checked against the current settings and period first (they
 * may have changed since): moved later → re-indexed, moot → dropped from the index.
 * `reminderSentAt` is set in the transaction that writes the reminder's outbox record: a run that
 * dies after it loses nothing (the stream or sweeper publishes the record), and the email ids (per
 * invite round, contact and kind) send once however often the record is delivered.
 */
export const handler = async (event: ScheduledEvent) => {
  const now = new Date(event.scheduledTime);
  if (Number.isNaN(now.getTime())) throw new Error(`invalid scheduledTime: ${event.scheduledTime}`);
  const { data: due } = await db().Invite.query.byReminder({ reminderPartition: remindersDue }).lte({ remindAt: now.toISOString() }).go({ pages: 'all' });

  const groups = new Map<string, InviteItem[]>();
  for (const invite of due) {
    const key = `${invite.projectId}\n${invite.billingPeriodId}`;
    groups.set(key, [...(groups.get(key) ?? []), invite]);
  }
  const totals = { reminded: 0, rescheduled: 0, dropped: 0 };
  for (const invites of groups.values()) {
    const outcome = await remindPeriod(invites, now);
    totals.reminded += outcome.reminded;
    totals.rescheduled += outcome.rescheduled;
    totals.dropped += outcome.dropped;
  }
  // The same hourly run reminds administrators of payment schedules falling due (Australian claims).
  const paymentSchedules = await remindPaymentSchedules(now);
  logger.info('invite reminders', { scheduledTime: event.scheduledTime, due: due.length, ...totals, paymentSchedules });
  return { scheduledTime: now.toISOString(), ...totals, paymentSchedules };
};

async function remindPeriod(invites: InviteItem[], now: Date) {
  const { projectId, billingPeriodId } = invites[0]!;
  const [{ data: project }, period] = await Promise.all([db().Project.get({ projectId }).go(), loadBillingPeriod(projectId, billingPeriodId)]);
  const outcome = { reminded: 0, rescheduled: 0, dropped: 0 };

  const day = project && period ? reminderDay(project, period) : undefined;
  const today = project ? localDate(now, project.timeZone) : undefined;
  if (!project || !period || period.status !== 'open' || day === undefined || today! > period.dueDate) {
    await Promise.all(invites.map((invite) => settle(invite, {})));
    outcome.dropped = invites.length;
    return outcome;
  }
  if (day > today!) {
    // The due date or the number of days changed since the invite was sent: remind on the new day.
    const remindAt = reminderInstant(day, project.timeZone);
    await Promise.all(invites.map((invite) => settle(invite, { remindAt })));
    outcome.rescheduled = invites.length;
    return outcome;
  }
  // Issue 5 adds: and has not submitted an invoice for this period.
  const remind = invites.filter((invite) => invite.status !== 'declined' && !invite.reminderSentAt);
  const moot = invites.filter((invite) => !remind.includes(invite));
  await Promise.all(moot.map((invite) => settle(invite, {})));
  outcome.dropped = moot.length;
  for (const group of chunk(remind, remindersPerTransaction)) outcome.reminded += await recordReminders(group, now);
  return outcome;
}

/** DynamoDB's 100 items per transaction: the invites and their one outbox record. */
const remindersPerTransaction = 99;

/**
 * Marks the invites reminded (`reminderSentAt`, out of the index) and writes the outbox record of
 * their `invites.sent` reminder in one transaction, then publishes it: a crash after the commit
 * leaves the record for the stream or sweeper, and an invite marked reminded is never picked
 * again — one reminder per invite round. Invites changed since they were read (a re-invite, a
 * reminder already sent) are left out and the rest written again.
 */
async function recordReminders(invites: InviteItem[], now: Date): Promise<number> {
  if (invites.length === 0) return 0;
  const { projectId, billingPeriodId } = invites[0]!;
  const record = outboxRecord(invitesSentEvent, { projectId, billingPeriodId, commitmentIds: invites.map((i) => i.commitmentId), kind: 'reminder' }, now);
  const at = now.toISOString();
  const result = await writeTransaction<string>((entities) => ({
    outbox: outboxWrite(entities, record),
    ...Object.fromEntries(
      invites.map((invite) => [
        invite.commitmentId,
        entities.Invite.patch({ projectId, billingPeriodId, commitmentId: invite.commitmentId })
          .set({ reminderSentAt: at, updatedAt: at })
          .remove(['remindAt'])
          .where((attr, op) => `${op.eq(attr.round, invite.round)} AND ${op.eq(attr.remindAt, invite.remindAt!)} AND ${op.notExists(attr.reminderSentAt)}`)
          .commit(),
      ]),
    ),
  }));
  if (result.canceled) {
    const changed = new Set(result.failed);
    if (changed.size === 0) throw new Error(`Recording ${invites.length} reminders failed (transaction canceled)`);
    return recordReminders(invites.filter((invite) => !changed.has(invite.commitmentId)), now);
  }
  await dispatchSoon([record.outboxId]);
  return invites.length;
}

/**
 * Takes the invite out of the reminder index (setting `reminderSentAt` when it was reminded), or
 * moves it to a new `remindAt` — only if it is still the item that was read (a re-invite meanwhile
 * has its own reminder), and `reminderSentAt` only once.
 */
async function settle(invite: InviteItem, change: { remindAt?: string; reminderSentAt?: string }): Promise<void> {
  const key = { projectId: invite.projectId, billingPeriodId: invite.billingPeriodId, commitmentId: invite.commitmentId };
  const updatedAt = new Date().toISOString();
  const patch = db().Invite.patch(key);
  const update = change.remindAt
    ? patch.set({ remindAt: change.remindAt, updatedAt })
    : change.reminderSentAt
      ? patch.set({ reminderSentAt: change.reminderSentAt, updatedAt }).remove(['remindAt'])
      : patch.set({ updatedAt }).remove(['remindAt']);
  try {
    await update
      .where((attr, op) =>
        [op.eq(attr.round, invite.round), op.eq(attr.remindAt, invite.remindAt!), change.reminderSentAt ? op.notExists(attr.reminderSentAt) : '']
          .filter(Boolean)
          .join(' AND '),
      )
      .go();
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
  }
}
