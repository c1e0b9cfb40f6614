import { httpRouter } from '../../shared/http/handler';
import { idempotencyKey } from '../../shared/http/idempotency';
import { enforce, loadProjectAccess } from '../../shared/http/access';
import { etagFor, requiredIfMatch } from '../../shared/http/etag';
import { decodeCursor, encodeCursor } from '../../shared/http/cursor';
import { HttpProblem, problems } from '../../shared/http/problem';
import { batchGetAll, db } from '../../shared/db/service';
import { explainFailure, writeTransaction } from '../../shared/db/transaction';
import { loadCommitment, type CommitmentItem } from '../../shared/db/commitments';
import { loadBillingPeriod } from '../../shared/db/billing-periods';
import { chunk, loadCommitmentsById, type ProjectItem } from '../../shared/db/invites';
import {
  invoiceEventItem,
  isLatestInvoice,
  loadInvoice,
  successorCheck,
  type InvoiceEventItem,
  type InvoiceItem,
} from '../../shared/db/invoices';
import { canSee, type Membership } from '../../shared/domain/permissions';
import { localDate } from '../../shared/domain/billing-periods';
import type { InvoiceStatus } from '../../shared/domain/invoices';
import { invoiceRole, notificationKind, statusWords } from '../../shared/domain/invoice-rules';
import { notPastDue } from '../../shared/db/conditions';
import {
  contactSendRefusal,
  entersReview,
  reviewLines,
  staleExpectationRefusal,
  statusChangeAction,
  transitionRefusal,
  type LineReviews,
  type WorkflowRole,
} from '../../shared/domain/invoice-workflow';
import { renderInvoiceNotification, type RejectedLineInWords } from '../../shared/email/invoice-notifications';
import { publishEvents } from '../../shared/aws/events';
import { config } from '../../shared/config';
import { logger } from '../../shared/logger';
import type { EmailRequested } from '../../events/contracts';
import type { BulkInvoiceStatusResult, InvoiceHistoryEventResponse } from '../../shared/api/invoice-workflow';
import { toInvoiceResponse } from '../../shared/api/invoices';

const noSuchInvoice = () => problems.notFound('No such invoice.');

interface Loaded {
  project: ProjectItem;
  member: Membership;
  invoice: InvoiceItem;
  commitment: CommitmentItem;
}

/** The caller's membership and the invoice in parallel, then its commitment (what access is decided on). */
async function load(projectId: string, invoiceId: string, userId: string): Promise<Loaded> {
  const [{ project, member }, invoice] = await Promise.all([loadProjectAccess(projectId, userId), loadInvoice(projectId, invoiceId)]);
  if (!invoice) throw noSuchInvoice();
  const commitment = await loadCommitment(projectId, invoice.commitmentId);
  if (!commitment) throw noSuchInvoice();
  return { project, member, invoice, commitment };
}

/** Anyone who is not an invoice administrator acts as a contact; the contact's actions are then enforced. */
const roleOf = (member: Membership, commitment: CommitmentItem): WorkflowRole => invoiceRole(member, commitment) ?? 'contact';

const reply = (invoice: InvoiceItem) => ({ body: toInvoiceResponse(invoice), headers: { etag: etagFor(invoice.version) } });

/**
 * The version a change applies to: If-Match is required (428 without), 412 when it is not the
 * version just read. The write is then conditional on it, so a change landing between the read
 * and the write loses too.
 */
function expectedVersion(headers: Record<string, string | undefined>, invoice: InvoiceItem): number {
  const expected = requiredIfMatch(headers, invoice.version);
  if (expected !== invoice.version) throw problems.preconditionFailed(`If-Match ${etagFor(expected)} is not the invoice's current ETag; read it again.`);
  return expected;
}

// ---------------------------------------------------------------------------------------------
// The write: the invoice (conditional on its version) and its history event, in one transaction

interface Change {
  loaded: Omit<Loaded, 'member'>;
  role: WorkflowRole;
  expectedVersion: number;
  to: InvoiceStatus;
  /** Attributes set besides status, version and updatedAt. */
  set?: { lineReviews?: LineReviews; submittedAt?: string };
  clearLineReviews?: boolean;
  event: { type: 'status_changed' | 'lines_reviewed'; comment?: string; changes?: unknown };
  by: string;
  now: Date;
}

/**
 * Commits one change: the invoice patched under its version, the event appended, and for a
 * contact checks that the billing period is still before its due date and that no later invoice
 * was created meanwhile (neither can slip through between the read and the write). Emails go out
 * after the commit.
 */
async function commitChange(change: Change): Promise<{ invoice: InvoiceItem; event: InvoiceEventItem }> {
  const { invoice, project } = change.loaded;
  const at = change.now.toISOString();
  const from = invoice.status;
  const version = change.expectedVersion + 1;
  const key = { projectId: invoice.projectId, invoiceId: invoice.invoiceId };
  const set = { ...change.set, status: change.to, version, updatedAt: at };
  const event = invoiceEventItem({
    projectId: invoice.projectId,
    invoiceId: invoice.invoiceId,
    type: change.event.type,
    by: change.by,
    at,
    ...(from !== change.to ? { fromStatus: from, toStatus: change.to } : {}),
    ...(change.event.comment ? { comment: change.event.comment } : {}),
    ...(change.event.changes !== undefined ? { changes: change.event.changes } : {}),
  });
  const today = localDate(change.now, project.timeZone);
  const gated = change.role === 'contact';

  const result = await writeTransaction((entities) => ({
    invoice: (change.clearLineReviews ? entities.Invoice.patch(key).set(set).remove(['lineReviews']) : entities.Invoice.patch(key).set(set))
      .where((attr, op) => op.eq(attr.version, change.expectedVersion))
      .commit(),
    event: entities.InvoiceEvent.create(event).commit(),
    // The contact's gates again at write time: before the due date, still the latest invoice.
    period: gated
      ? entities.BillingPeriod.check({ projectId: invoice.projectId, billingPeriodId: invoice.billingPeriodId })
          .where((attr, op) => notPastDue(op, attr.dueDate, today))
          .commit()
      : undefined,
    successor: gated ? successorCheck(entities, invoice) : undefined,
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
  const updated: InvoiceItem = { ...invoice, ...set };
  if (change.clearLineReviews) delete updated.lineReviews;
  return { invoice: updated, event };
}

/**
 * A status change as POST …/status and bulk status make it: the transition rule for the role,
 * the contact's gates (latest invoice, due date), the write, then the emails.
 */
async function changeStatus(input: {
  loaded: Omit<Loaded, 'member'>;
  role: WorkflowRole;
  expectedVersion: number;
  to: InvoiceStatus;
  comment?: string;
  by: string;
}): Promise<InvoiceItem> {
  const { invoice, project } = input.loaded;
  const from = invoice.status;
  const refusal = transitionRefusal(input.role, from, input.to);
  if (refusal) throw problems.conflict(refusal);
  const now = new Date();
  if (input.role === 'contact') {
    const [period, isLatest] = await Promise.all([loadBillingPeriod(invoice.projectId, invoice.billingPeriodId), isLatestInvoice(invoice)]);
    if (!period) throw problems.conflict('The invoice’s billing period no longer exists.');
    const gate = contactSendRefusal({ isLatest, dueDate: period.dueDate, today: localDate(now, project.timeZone) });
    if (gate) throw problems.conflict(gate);
  }
  const entering = entersReview(from, input.to);
  const { invoice: updated, event } = await commitChange({
    loaded: input.loaded,
    role: input.role,
    expectedVersion: input.expectedVersion,
    to: input.to,
    // Entering review starts a new round of line decisions (the previous ones stay in the history).
    ...(entering ? { set: { submittedAt: now.toISOString() }, clearLineReviews: Boolean(invoice.lineReviews) } : {}),
    event: { type: 'status_changed', ...(input.comment ? { comment: input.comment } : {}) },
    by: input.by,
    now,
  });
  await notify({ ...input.loaded, invoice: updated, from, event });
  return updated;
}

// ---------------------------------------------------------------------------------------------
// Emails: `email.requested` per recipient, after the commit, with an id stable per event

/** The project's invoice administrators: members with admin on the commitments tool (one Query). */
async function invoiceAdministrators(projectId: string): Promise<string[]> {
  const { data } = await db().Member.query.byProject({ projectId }).go({ pages: 'all', attributes: ['userId', 'commitments'] });
  return data.filter((m) => m.commitments === 'admin').map((m) => m.userId);
}

function rejectedLinesOf(invoice: InvoiceItem): RejectedLineInWords[] {
  const reviews = (invoice.lineReviews ?? {});
  const sovLines = invoice.sovLines;
  return invoice.figures.lines.flatMap((line, index) => {
    const review = reviews[line.lineId];
    if (!review || review.approved) return [];
    const sov = sovLines[index];
    return [{ itemNumber: index + 1, ...(sov?.costCode ? { costCode: sov.costCode } : {}), description: sov?.description ?? line.lineId, reason: review.reason ?? '' }];
  });
}

/**
 * Publishes the change's emails. The change is committed already: a failure to publish is
 * logged as an error for follow-up, not answered as a failed change the client would retry.
 */
async function notify(change: Omit<Loaded, 'member'> & { from: InvoiceStatus; event: InvoiceEventItem }): Promise<void> {
  const { project, commitment, invoice, event } = change;
  const kind = notificationKind(project, change.from, invoice.status);
  if (!kind) return;
  try {
    const toAdministrators = kind === 'submitted' || kind === 'resubmitted';
    const recipientIds = (toAdministrators ? await invoiceAdministrators(project.projectId) : [...commitment.invoiceContactIds]).filter(
      (userId) => userId !== event.by,
    );
    if (recipientIds.length === 0) return;
    const users = new Map(
      (await batchGetAll([...new Set([...recipientIds, event.by])].map((userId) => ({ userId })), (keys) => db().User.get(keys).go())).map((u) => [
        u.userId,
        u,
      ]),
    );
    const rejectedLines = kind === 'revise_and_resubmit' ? rejectedLinesOf(invoice) : undefined;
    const emails: EmailRequested[] = recipientIds.flatMap((userId) => {
      const user = users.get(userId);
      if (!user) return [];
      const rendered = renderInvoiceNotification({
        kind,
        region: project.region,
        frontendBaseUrl: config.frontendBaseUrl,
        projectId: project.projectId,
        projectName: project.name,
        invoice: { invoiceId: invoice.invoiceId, number: invoice.number, currentPaymentDueCents: invoice.figures.summary.currentPaymentDueCents },
        commitment: { number: commitment.number, title: commitment.title, vendorName: commitment.vendorName },
        actorName: users.get(event.by)?.name ?? 'The project team',
        recipientName: user.name,
        ...(event.comment ? { comment: event.comment } : {}),
        ...(rejectedLines ? { rejectedLines } : {}),
      });
      return [{ emailId: `invoice:${invoice.invoiceId}:${event.eventKey}:${userId}`, to: [user.email], subject: rendered.subject, html: rendered.html, text: rendered.text }];
    });
    if (emails.length) await publishEvents('email.requested', emails);
  } catch (error) {
    logger.error('invoice status changed but its emails were not requested', {
      error: error as Error,
      projectId: project.projectId,
      invoiceId: invoice.invoiceId,
      eventKey: event.eventKey,
      kind,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Routes

/** Bulk changes run a few at a time: each is its own transaction and emails. */
const bulkConcurrency = 8;

export const handler = httpRouter(
  {
    changeInvoiceStatus: async ({ path, body, caller, headers }) => {
      const { member, ...loaded } = await load(path.projectId, path.invoiceId, caller.userId);
      const role = roleOf(member, loaded.commitment);
      enforce(statusChangeAction(role, loaded.invoice.status, body.status), member, loaded.commitment);
      const updated = await changeStatus({
        loaded,
        role,
        expectedVersion: expectedVersion(headers, loaded.invoice),
        to: body.status,
        ...(body.comment ? { comment: body.comment } : {}),
        by: caller.userId,
      });
      return reply(updated);
    },

    reviewInvoice: async ({ path, body, caller, headers }) => {
      const { member, ...loaded } = await load(path.projectId, path.invoiceId, caller.userId);
      const { invoice } = loaded;
      enforce('invoices.review', member, loaded.commitment);
      const version = expectedVersion(headers, invoice);
      if (invoice.status !== 'under_review') {
        throw problems.conflict(`Only an invoice under review can be reviewed line by line; this one is ${statusWords[invoice.status]}.`);
      }
      const now = new Date();
      const outcome = reviewLines({
        lineIds: invoice.figures.lines.map((line) => line.lineId),
        current: (invoice.lineReviews ?? {}),
        decisions: body.decisions,
        approveInvoice: body.approveInvoice,
        by: caller.userId,
        at: now.toISOString(),
      });

      const { invoice: updated, event } = await commitChange({
        loaded,
        role: 'administrator',
        expectedVersion: version,
        to: outcome.toStatus,
        set: { lineReviews: outcome.lineReviews },
        event: { type: 'lines_reviewed', ...(body.comment ? { comment: body.comment } : {}), changes: { decisions: body.decisions } },
        by: caller.userId,
        now,
      });
      await notify({ ...loaded, invoice: updated, from: invoice.status, event });
      return reply(updated);
    },

    bulkInvoiceStatus: async ({ path, body, caller }) => {
      const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
      enforce('invoices.bulk_status', member);
      const invoices = await batchGetAll(
        body.invoices.map(({ invoiceId }) => ({ projectId: project.projectId, invoiceId })),
        (keys) => db().Invoice.get(keys).go(),
      );
      const invoiceOf = new Map(invoices.map((i) => [i.invoiceId, i]));
      const commitments = await loadCommitmentsById(project.projectId, [...new Set(invoices.map((i) => i.commitmentId))]);
      const commitmentOf = new Map(commitments.map((c) => [c.commitmentId, c]));

      const one = async ({ invoiceId, ...expected }: (typeof body.invoices)[number]): Promise<BulkInvoiceStatusResult> => {
        const invoice = invoiceOf.get(invoiceId);
        const commitment = invoice && commitmentOf.get(invoice.commitmentId);
        if (!invoice || !commitment || !canSee(member, 'commitments', commitment)) {
          return { invoiceId, ok: false, status: 404, detail: 'No such invoice.' };
        }
        // What the caller last read must still hold; the write is then conditional on the version read.
        const stale = staleExpectationRefusal(expected, invoice);
        if (stale) return { invoiceId, ok: false, status: 412, detail: stale };
        try {
          const updated = await changeStatus({
            loaded: { project, invoice, commitment },
            role: roleOf(member, commitment),
            expectedVersion: invoice.version,
            to: body.status,
            ...(body.comment ? { comment: body.comment } : {}),
            by: caller.userId,
          });
          return { invoiceId, ok: true, status: updated.status, version: updated.version };
        } catch (error) {
          if (error instanceof HttpProblem && (error.status === 404 || error.status === 409 || error.status === 412)) {
            return { invoiceId, ok: false, status: error.status, detail: error.detail };
          }
          throw error;
        }
      };
      const results: BulkInvoiceStatusResult[] = [];
      for (const group of chunk(body.invoices, bulkConcurrency)) results.push(...(await Promise.all(group.map(one))));
      return { body: { results } };
    },

    getInvoiceHistory: async ({ path, query, caller }) => {
      const { member, invoice, commitment } = await load(path.projectId, path.invoiceId, caller.userId);
      enforce('invoices.view', member, commitment);
      const scope = `invoice-history:${invoice.projectId}:${invoice.invoiceId}`;
      const { data, cursor } = await db()
        .InvoiceEvent.query.byInvoice({ projectId: invoice.projectId, invoiceId: invoice.invoiceId })
        .go({ cursor: decodeCursor(scope, query.cursor), limit: query.limit });
      return { body: { items: data.map(toHistoryEvent), nextCursor: encodeCursor(scope, cursor) } };
    },
  },
  { idempotency: idempotencyKey },
);

function toHistoryEvent(event: InvoiceEventItem): InvoiceHistoryEventResponse {
  return {
    eventId: event.eventKey,
    type: event.type,
    by: event.by,
    at: event.at,
    fromStatus: event.fromStatus ?? null,
    toStatus: event.toStatus ?? null,
    comment: event.comment ?? null,
    changes: event.changes ?? null,
  };
}
