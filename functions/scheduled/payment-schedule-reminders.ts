import { batchGetAll, db } from '../../shared/db/service';
import { loadInvoice, type InvoiceItem } from '../../shared/db/invoices';
import { loadCommitment } from '../../shared/db/commitments';
import { reminderInstant } from '../../shared/db/invites';
import { isConditionalFailure } from '../../shared/db/conditions';
// Writes no backup request, so the dispatch that leaves those to the stream (no Step Functions client).
import { dispatchSoon } from '../../shared/db/outbox-delivery';
import { outboxRecord, outboxWrite } from '../../shared/db/outbox-record';
import { writeTransaction } from '../../shared/db/transaction';
import { paymentScheduleRemindersDue, type PaymentScheduleReminderItem } from '../../shared/db/entities/payment-schedule-reminder';
import type { ProjectItem } from '../../shared/db/entities/project';
import { auSecurityOfPayment, awaitedScheduleDeadline, businessDaysLeft, type PaymentScheduleDeadline } from '../../shared/domain/au-payment-schedules';
import { localDate } from '../../shared/domain/billing-periods';
import { termsFor } from '../../shared/domain/terminology';
import { config } from '../../shared/config';
import { paymentScheduleReminderEmail } from '../../shared/email/payment-schedules';
import type { EmailRequested } from '../../events/contracts';
import { emailRequestedEvent } from '../../events/contracts';

/**
 * Reminds a project's commitments administrators, once per claim, when a claim's payment
 * schedule falls due within 2 business days and none is served (run by the hourly reminder job).
 * Claims are found in the sparse `byReminder` index of PaymentScheduleReminder (written at
 * submission), never by a Scan. The invoice's `paymentScheduleRemindedAt` is set in the
 * transaction that writes the emails' outbox records and deletes the index entry: a claim is
 * reminded once however often the job runs, and the email ids send once however often delivered.
 */
export async function remindPaymentSchedules(now: Date): Promise<{ reminded: number; rescheduled: number; dropped: number }> {
  const { data: due } = await db().PaymentScheduleReminder.query.byReminder({ reminderPartition: paymentScheduleRemindersDue }).lte({ remindAt: now.toISOString() }).go({ pages: 'all' });
  const totals = { reminded: 0, rescheduled: 0, dropped: 0 };
  for (const entry of due) totals[await remindOne(entry, now)] += 1;
  return totals;
}

/** DynamoDB's 100 items per transaction, less the invoice and the index entry. */
const emailsPerTransaction = 98;

async function remindOne(entry: PaymentScheduleReminderItem, now: Date): Promise<'reminded' | 'rescheduled' | 'dropped'> {
  const [invoice, { data: project }] = await Promise.all([loadInvoice(entry.projectId, entry.invoiceId, { consistent: true }), db().Project.get({ projectId: entry.projectId }).go()]);
  const deadline = invoice && project && !invoice.paymentScheduleRemindedAt ? awaitedScheduleDeadline(project, invoice) : undefined;
  const today = project ? localDate(now, project.timeZone) : '';
  if (invoice && deadline) await storeDeadline(invoice, deadline);
  if (!invoice || !project || !deadline || today > deadline.dueOn) {
    await settle(entry);
    return 'dropped';
  }
  if (deadline.remindOn > today) {
    // Resubmitted since: the claim's deadline moved later.
    await settle(entry, reminderInstant(deadline.remindOn, project.timeZone));
    return 'rescheduled';
  }
  const emails = (await reminderEmails(project, invoice, deadline, today)).slice(0, emailsPerTransaction);
  const records = emails.map((email) => outboxRecord(emailRequestedEvent, email, now));
  const at = now.toISOString();
  const result = await writeTransaction((entities) => ({
    ...Object.fromEntries(records.map((record, index) => [`email${index}`, outboxWrite(entities, record)])),
    invoice: entities.Invoice.patch({ projectId: invoice.projectId, invoiceId: invoice.invoiceId })
      .set({ paymentScheduleRemindedAt: at })
      .where((attr, op) => `${op.notExists(attr.paymentScheduleRemindedAt)} AND ${op.notExists(attr.paymentSchedule)}`)
      .commit(),
    entry: entities.PaymentScheduleReminder.delete({ projectId: entry.projectId, invoiceId: entry.invoiceId })
      .where((attr, op) => op.eq(attr.remindAt, entry.remindAt))
      .commit(),
  }));
  if (result.canceled) {
    // Reminded by another run, served, or resubmitted meanwhile: the next run sees the new state.
    return 'dropped';
  }
  await dispatchSoon(records.map((record) => record.outboxId));
  return 'reminded';
}

/** One email per commitments administrator of the project (members with admin on the commitments tool). */
async function reminderEmails(project: ProjectItem, invoice: InvoiceItem, deadline: PaymentScheduleDeadline, today: string): Promise<EmailRequested[]> {
  const [{ data: members }, commitment] = await Promise.all([
    db().Member.query.byProject({ projectId: project.projectId }).go({ pages: 'all', attributes: ['userId', 'commitments'] }),
    loadCommitment(project.projectId, invoice.commitmentId),
  ]);
  const adminIds = members.filter((m) => m.commitments === 'admin').map((m) => m.userId);
  if (adminIds.length === 0 || !commitment) return [];
  const users = await batchGetAll(adminIds.map((userId) => ({ userId })), (keys) => db().User.get(keys).go());
  const claimName = `${termsFor(project.region).invoice} ${invoice.number}`;
  return users.map((user) => ({
    emailId: `payment-schedule-reminder:${invoice.invoiceId}:${deadline.claimServedOn}:${user.userId}`,
    to: [user.email],
    ...paymentScheduleReminderEmail({
      frontendBaseUrl: config.frontendBaseUrl,
      projectId: project.projectId,
      projectName: project.name,
      invoiceId: invoice.invoiceId,
      claimName,
      commitment: { number: commitment.number, title: commitment.title, vendorName: commitment.vendorName },
      act: auSecurityOfPayment[deadline.jurisdiction].act,
      claimServedOn: deadline.claimServedOn,
      dueOn: deadline.dueOn,
      businessDaysLeft: businessDaysLeft(deadline.jurisdiction, deadline.dueOn, today),
      recipientName: user.name,
    }),
  }));
}

/** Keeps the deadline on the invoice (what its answer flags due or overdue), unless a schedule was served meanwhile. */
async function storeDeadline(invoice: InvoiceItem, deadline: PaymentScheduleDeadline): Promise<void> {
  const { jurisdiction, claimServedOn, dueOn } = deadline;
  const stored = invoice.paymentScheduleDue;
  if (stored?.claimServedOn === claimServedOn && stored.dueOn === dueOn) return;
  try {
    await db()
      .Invoice.patch({ projectId: invoice.projectId, invoiceId: invoice.invoiceId })
      .set({ paymentScheduleDue: { jurisdiction, claimServedOn, dueOn } })
      .where((attr, op) => op.notExists(attr.paymentSchedule))
      .go();
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
  }
}

/** Deletes the index entry (or moves it to `remindAt`), only if it is still the one read. */
async function settle(entry: PaymentScheduleReminderItem, remindAt?: string): Promise<void> {
  const key = { projectId: entry.projectId, invoiceId: entry.invoiceId };
  try {
    if (remindAt) await db().PaymentScheduleReminder.patch(key).set({ remindAt }).where((attr, op) => op.eq(attr.remindAt, entry.remindAt)).go();
    else await db().PaymentScheduleReminder.delete(key).where((attr, op) => op.eq(attr.remindAt, entry.remindAt)).go();
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
  }
}
