/** The write of every workflow change: the invoice (conditional on its version) and its history event, in one transaction. */
import { problems } from '../../../shared/http/problem';
import { explainFailure, writeTransactionOver } from '../../../shared/db/transaction';
import { entitiesOf } from '../../../shared/db/service';
import { Invoice, InvoiceEvent, InvoiceNumber } from '../../../shared/db/entities/invoice';
import { BillingPeriod } from '../../../shared/db/entities/billing-period';
import { Task } from '../../../shared/db/entities/task';
import { PaymentScheduleReminder } from '../../../shared/db/entities/payment-schedule-reminder';
import { Outbox } from '../../../shared/db/entities/outbox';
import { invoiceEventItem, successorCheck, type InvoiceEventChanges, type InvoiceEventItem, type InvoiceItem } from '../../../shared/db/invoices';
import { notPastDue } from '../../../shared/db/conditions';
import { namedTaskWrites, planInvoiceTasks } from '../../../shared/db/tasks';
import { localDate } from '../../../shared/domain/billing-periods';
import { awaitedScheduleDeadline } from '../../../shared/domain/au-payment-schedules';
import { reminderInstant } from '../../../shared/db/reminders';
import type { InvoiceStatus } from '../../../shared/domain/invoices';
import { entersReview, type LineReviews, type WorkflowRole } from '../../../shared/domain/invoice-workflow';
import { statusChangeRefusal } from '../../../shared/domain/allowed-actions';
import type { Membership } from '../../../shared/domain/permissions';
import { enforceRefusal } from '../../../shared/http/access';
import { invoiceActionContext } from '../../../shared/http/invoice-action-context';
import type { Loaded } from './access';
import { notificationEmails } from './notify';
import { dispatchSoon } from '../../../shared/db/outbox-delivery';
import { outboxRecord, outboxWrite, type OutboxItem } from '../../../shared/db/outbox-record';
import { currencyOf } from '../../../shared/domain/project-settings';
import { logger } from '../../../shared/logger';
import { figuresFreeStatuses, signatureLockRefusal } from '../../../shared/domain/signatures';
import { isEditable } from '../../../shared/domain/invoice-rules';
import { isOneOf } from '../../../shared/db/conditions';
import { emailRequestedEvent, invoiceApprovedEvent, invoiceStatusChangedEvent, invoiceSubmittedEvent } from '../../../events/contracts';

export interface Change {
  loaded: Loaded;
  role: WorkflowRole;
  expectedVersion: number;
  to: InvoiceStatus;
  /** Attributes set besides status, version and updatedAt. */
  set?: { lineReviews?: LineReviews; submittedAt?: string };
  clearLineReviews?: boolean;
  event: { type: 'status_changed' | 'lines_reviewed'; comment?: string; changes?: InvoiceEventChanges };
  by: string;
  now: Date;
  /** The status the invoice had when read: its change is emailed (per the project's settings) through the outbox. */
  notifyFrom?: InvoiceStatus;
}

/** DynamoDB's 100 items per transaction, less the invoice, its event, its domain events (two at most) and the contact's two checks. */
const emailsPerTransaction = 94;

/** What a change writes: the invoice, its event, the contact's period and successor checks, tasks, the schedule reminder, outbox records. */
const changeEntities = /* @__PURE__ */ entitiesOf({ Invoice, InvoiceEvent, InvoiceNumber, BillingPeriod, Task, PaymentScheduleReminder, Outbox });

/** The history event of a change. */
function changeEvent(change: Change, at: string): InvoiceEventItem {
  const { invoice } = change.loaded;
  return invoiceEventItem({
    projectId: invoice.projectId,
    invoiceId: invoice.invoiceId,
    type: change.event.type,
    by: change.by,
    at,
    ...(invoice.status !== change.to ? { fromStatus: invoice.status, toStatus: change.to } : {}),
    ...(change.event.comment ? { comment: change.event.comment } : {}),
    ...(change.event.changes !== undefined ? { changes: change.event.changes } : {}),
  });
}

/**
 * The domain events of a status change: `invoice.status-changed` always, and `invoice.submitted`
 * on entering review or `invoice.approved` on an approval (as noted too), with the G702 figures.
 */
function statusEvents(change: Change, updated: InvoiceItem, at: string): OutboxItem[] {
  const { invoice, project } = change.loaded;
  const ids = { projectId: invoice.projectId, invoiceId: invoice.invoiceId, commitmentId: invoice.commitmentId, billingPeriodId: invoice.billingPeriodId };
  const { summary } = updated.figures;
  const figures = {
    invoiceNumber: updated.number,
    amountDueCents: summary.currentPaymentDueCents,
    totalCompletedAndStoredCents: summary.totalCompletedAndStoredCents,
    retainageCents: summary.totalRetainageCents,
    currency: currencyOf(project).code,
  };
  const records = [
    outboxRecord(invoiceStatusChangedEvent, { ...ids, fromStatus: invoice.status, toStatus: change.to, changedBy: change.by, changedAt: at }, change.now),
  ];
  if (entersReview(invoice.status, change.to)) {
    records.push(outboxRecord(invoiceSubmittedEvent, { ...ids, ...figures, fromStatus: invoice.status, submittedBy: change.by, occurredAt: at }, change.now));
  }
  if (change.to === 'approved' || change.to === 'approved_as_noted') {
    records.push(outboxRecord(invoiceApprovedEvent, { ...ids, ...figures, status: change.to, approvedBy: change.by, occurredAt: at }, change.now));
  }
  return records;
}

/**
 * Commits one change: the invoice patched under its version, the event appended, and for a
 * contact checks that the billing period is still before its due date and that no later invoice
 * was created meanwhile (neither can slip through between the read and the write). Its emails are
 * outbox records of the same transaction.
 */
export async function commitChange(change: Change): Promise<{ invoice: InvoiceItem; event: InvoiceEventItem }> {
  const { invoice, project } = change.loaded;
  const at = change.now.toISOString();
  const key = { projectId: invoice.projectId, invoiceId: invoice.invoiceId };
  const set: Partial<InvoiceItem> & Pick<InvoiceItem, 'status' | 'version' | 'updatedAt'> = { ...change.set, status: change.to, version: change.expectedVersion + 1, updatedAt: at };
  const event = changeEvent(change, at);
  const today = localDate(change.now, project.timeZone);
  const gated = change.role === 'contact';
  // Whoever must act next gets the task, in the same transaction (only when the status changes).
  const tasks = invoice.status === change.to ? { put: [], remove: [] } : await planInvoiceTasks(invoice, change.to, change.loaded.commitment, { now: change.now });

  // A claim submitted on an Australian project awaits a payment schedule: its deadline is kept on
  // the invoice (its answer flags it due or overdue from now on) and indexed for the hourly
  // reminder job on the reminder day, both with the submission.
  const awaited = change.set?.submittedAt !== undefined ? awaitedScheduleDeadline(project, { ...invoice, ...set }) : undefined;
  if (awaited) set.paymentScheduleDue = { jurisdiction: awaited.jurisdiction, claimServedOn: awaited.claimServedOn, dueOn: awaited.dueOn };
  const updated: InvoiceItem = { ...invoice, ...set };
  if (change.clearLineReviews) delete updated.lineReviews;
  // The emails as outbox records of the same transaction: committed with the change or not at all.
  const emails = change.notifyFrom ? await notificationEmails({ ...change.loaded, invoice: updated, from: change.notifyFrom, event }) : [];
  if (emails.length > emailsPerTransaction) logger.warn('more recipients than one transaction holds; the rest are not emailed', { invoiceId: invoice.invoiceId, recipients: emails.length });
  const records = emails.slice(0, emailsPerTransaction).map((email) => outboxRecord(emailRequestedEvent, email, change.now));
  // The domain events integrations subscribe to (webhooks), committed with the change like its emails.
  if (invoice.status !== change.to) records.push(...statusEvents(change, updated, at));

  const result = await writeTransactionOver(changeEntities, (entities) => ({
    ...Object.fromEntries(records.map((record, index) => [`outbox${index}`, outboxWrite(entities, record)])),
    invoice: (change.clearLineReviews ? entities.Invoice.patch(key).set(set).remove(['lineReviews']) : entities.Invoice.patch(key).set(set))
      .where((attr, op) =>
        isEditable(change.to)
          ? // …and no signature request took hold of the figures meanwhile.
            `${op.eq(attr.version, change.expectedVersion)} AND (${op.notExists(attr.signatureStatus)} OR ${isOneOf(op, attr.signatureStatus, figuresFreeStatuses)})`
          : op.eq(attr.version, change.expectedVersion),
      )
      .commit(),
    event: entities.InvoiceEvent.create(event).commit(),
    // The contact's gates again at write time: before the due date, still the latest invoice.
    period: gated
      ? entities.BillingPeriod.check({ projectId: invoice.projectId, billingPeriodId: invoice.billingPeriodId })
          .where((attr, op) => notPastDue(op, attr.dueDate, today))
          .commit()
      : undefined,
    successor: gated ? successorCheck(entities, invoice) : undefined,
    ...namedTaskWrites(entities, tasks),
    scheduleReminder: awaited
      ? entities.PaymentScheduleReminder.put({ projectId: invoice.projectId, invoiceId: invoice.invoiceId, remindAt: reminderInstant(awaited.remindOn, project.timeZone), createdAt: at }).commit()
      : undefined,
  }));
  if (result.canceled) {
    throw await explainFailure(
      result,
      {
        invoice: () => problems.preconditionFailed('The invoice changed since it was read; read it again and retry.'),
        period: () => problems.conflict('The billing period’s due date passed or changed meanwhile; an invoice administrator can submit it on your behalf.'),
        successor: () => problems.conflict('A later invoice of the commitment was created meanwhile; only the latest invoice can be sent for review.'),
      },
      () => problems.conflict('The invoice could not be changed because of a concurrent change; retry.'),
    );
  }
  // Sent now from here; the table stream (or the sweeper) sends whatever this does not.
  await dispatchSoon(records.map((record) => record.outboxId));
  return { invoice: updated, event };
}

/**
 * A status change as POST …/status and bulk status make it: the transition rule for the role,
 * the contact's gates (latest invoice, due date), the write with its emails.
 */
export async function changeStatus(input: {
  loaded: Loaded;
  member: Membership;
  role: WorkflowRole;
  expectedVersion: number;
  to: InvoiceStatus;
  comment?: string;
  by: string;
}): Promise<InvoiceItem> {
  const { invoice } = input.loaded;
  const from = invoice.status;
  const now = new Date();
  // The transition, and a contact's gates (latest invoice, due date): the rule `allowedActions` answers with.
  enforceRefusal(statusChangeRefusal(input.to, await invoiceActionContext({ ...input.loaded, member: input.member }, now)));
  // A signed invoice (or one out for signature) keeps its figures: back to an editable status only once voided.
  const locked = signatureLockRefusal(invoice.signatureStatus, input.to);
  if (locked) throw problems.conflict(locked);
  const entering = entersReview(from, input.to);
  const { invoice: updated } = await commitChange({
    loaded: input.loaded,
    role: input.role,
    expectedVersion: input.expectedVersion,
    to: input.to,
    // Entering review starts a new round of line decisions (the previous ones stay in the history).
    ...(entering ? { set: { submittedAt: now.toISOString() }, clearLineReviews: Boolean(invoice.lineReviews) } : {}),
    event: { type: 'status_changed', ...(input.comment ? { comment: input.comment } : {}) },
    by: input.by,
    now,
    notifyFrom: from,
  });
  return updated;
}
