import { httpHandler } from '../../shared/http/handler';
import { decodeCursor, encodeCursor } from '../../shared/http/cursor';
import { loadTaskPage, type TaskEntry } from '../../shared/db/tasks';
import { localDate } from '../../shared/domain/billing-periods';
import { invoiceTaskKind, inviteTaskKind, taskRefusal } from '../../shared/domain/tasks';
import { paymentScheduleStatus } from '../../shared/domain/au-jurisdictions';
import type { InvoiceItem } from '../../shared/db/entities/invoice';
import type { MyTask } from '../../shared/api/my-work.docs';
import { myWorkRoutes } from '../../shared/api/my-work';

/**
 * GET /v1/me/tasks: one page of the caller's tasks across every project, by due date, in two
 * DynamoDB requests whatever the number of projects (loadTaskPage). A task is shown only if
 * the caller may act on it now, decided by the same policy the routes that do it enforce.
 */
export const handler = httpHandler(myWorkRoutes, 'listMyTasks', async ({ query, caller }) => {
  const scope = `tasks:${caller.userId}`;
  const now = new Date();
  const page = await loadTaskPage(caller.userId, { kinds: query.kind, cursor: decodeCursor(scope, query.cursor), limit: query.limit });
  return {
    body: {
      items: page.entries.flatMap((entry) => {
        const task = actionable(entry, now);
        return task ? [task] : [];
      }),
      nextCursor: encodeCursor(scope, page.cursor),
    },
  };
});

/** The task as the caller sees it, or undefined when they may not act on it now (stale, or no longer theirs). */
function actionable(entry: TaskEntry, now: Date): MyTask | undefined {
  const { task, project, member, commitment, period, invoice, invite } = entry;
  if (!project || !commitment || !period) return undefined;
  const currentKind = task.invoiceId
    ? invoice && invoiceTaskKind(invoice.status)
    : // An accepted invite is billed once the commitment has an invoice for the period: that invoice's creation removes this task.
      invite && inviteTaskKind(invite, false);
  const membership = member && { userId: member.userId, commitments: member.commitments, headContracts: member.headContracts, granular: member.granular ?? [] };
  const today = localDate(now, project.timeZone);
  const refusal = taskRefusal(task.kind, { member: membership, commitment, currentKind, period, today });
  if (refusal) return undefined;
  return {
    kind: task.kind,
    dueDate: period.dueDate,
    project: { projectId: project.projectId, name: project.name, number: project.number },
    commitment: { commitmentId: commitment.commitmentId, number: commitment.number, title: commitment.title, vendorName: commitment.vendorName },
    billingPeriod: { billingPeriodId: period.billingPeriodId, startDate: period.startDate, endDate: period.endDate, dueDate: period.dueDate },
    invoice: invoice ? { invoiceId: invoice.invoiceId, number: invoice.number, status: invoice.status, paymentScheduleDue: awaitedSchedule(invoice, today) } : null,
    invite: invite ? { inviteId: task.subjectId, status: invite.status } : null,
  };
}

/** The payment schedule an Australian claim awaits (its deadline was kept with its submission), due or overdue today. */
function awaitedSchedule(invoice: InvoiceItem, today: string) {
  const awaited = invoice.paymentSchedule ? undefined : invoice.paymentScheduleDue;
  return awaited ? { dueOn: awaited.dueOn, status: paymentScheduleStatus(awaited, undefined, today) as 'due' | 'overdue' } : null;
}
