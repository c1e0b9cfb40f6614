import type { CommitmentItem } from './commitments';
import type { BillingPeriodItem } from './billing-periods';
import { batchGetAll, chunk, chunkByWeight, entitiesOf } from './service';
import { remindAtFor } from './reminders';
import { loadCommitmentsById, loadProjectCommitments } from './commitments';
// Moved to the modules named, re-exported for the invites' callers.
export { chunk, chunkByWeight } from './service';
export { reminderDay, reminderInstant, remindAtFor } from './reminders';
export { loadCommitmentsById, loadProjectCommitments };
import { explainFailure, writeTransactionOver } from './transaction';
import { publishEvents } from '../aws/events';
import { dispatchSoon } from './outbox-delivery';
import { outboxRecord, outboxWrite } from './outbox-record';
import type { InvitesSent } from '../../events/contracts';
import type { InvoiceType } from '../email/invite';
import { localDate } from '../domain/billing-periods';
import { inviteIdOf, invitesClosedRefusal, type InviteRefusalReason } from '../domain/invites';
import { ssovStatusWords } from '../domain/commitments';
import { inviteSubject, namedTaskWrites, planTasks, subjectTaskItems, taskWrites } from './tasks';
import { inviteTaskKind } from '../domain/tasks';
export type { InviteItem } from './entities/invite';
export type { ProjectItem } from './entities/project';
import { Invite, type InviteItem } from './entities/invite';
import type { ProjectItem } from './entities/project';
import { Commitment } from './entities/commitment';
import { BillingPeriod } from './entities/billing-period';
import { Invoice } from './entities/invoice';
import { Outbox } from './entities/outbox';
import { Task } from './entities/task';
import { inviteRespondedEvent, invitesSentEvent } from '../../events/contracts';

/** The entities invites are read and written with (the period they check, the invoice an answer looks for, outbox and tasks). */
export const inviteEntities = /* @__PURE__ */ entitiesOf({ Invite, Commitment, BillingPeriod, Invoice, Outbox, Task });
type InviteEntities = ReturnType<typeof inviteEntities>;


export type RefusalReason = InviteRefusalReason;

export interface Refusal {
  commitmentId: string;
  reason: RefusalReason;
  detail: string;
}

export { inviteIdOf };

export function parseInviteId(inviteId: string): { billingPeriodId: string; commitmentId: string } | undefined {
  const dot = inviteId.lastIndexOf('.');
  if (dot <= 0 || dot === inviteId.length - 1) return undefined;
  return { billingPeriodId: inviteId.slice(0, dot), commitmentId: inviteId.slice(dot + 1) };
}

// ---------------------------------------------------------------------------------------------
// Dates in the project's time zone

/** Whether invites may be sent (or answered) in this period now: it is open and its due date has not passed locally. */
export function periodClosedForInvites(period: BillingPeriodItem, timeZone: string, now: Date): string | undefined {
  return invitesClosedRefusal(period, localDate(now, timeZone));
}

// ---------------------------------------------------------------------------------------------
// Reads


/** The invites of these commitments for the period, by commitment id (BatchGet). */
export async function loadInvites(projectId: string, billingPeriodId: string, commitmentIds: readonly string[]): Promise<Map<string, InviteItem>> {
  if (commitmentIds.length === 0) return new Map();
  const { Invite } = inviteEntities();
  const items = await batchGetAll(
    commitmentIds.map((commitmentId) => ({ projectId, billingPeriodId, commitmentId })),
    (keys) => Invite.get(keys).go(),
  );
  return new Map(items.map((item) => [item.commitmentId, item]));
}

/** Every invite of the period (Query on the primary key's prefix). */
export async function loadPeriodInvites(projectId: string, billingPeriodId: string): Promise<InviteItem[]> {
  const { data } = await inviteEntities().Invite.query.byPeriod({ projectId, billingPeriodId }).go({ pages: 'all' });
  return data;
}

// ---------------------------------------------------------------------------------------------
// Sending invites: the one implementation behind the route and automatic invites

/** What to do with one requested commitment: write a new invite, replace the existing one, or refuse. */
type Plan =
  | { commitment: CommitmentItem; existing?: InviteItem; round: number }
  | { refusal: Refusal };

/**
 * The per-commitment preconditions, in the order they are reported. A declined invite may be
 * sent again (a new round); an invited one whose email failed may be sent again (same round,
 * so contacts who did get it get nothing more).
 */
export function planInvite(
  commitmentId: string,
  commitment: CommitmentItem | undefined,
  existing: InviteItem | undefined,
  visible: boolean,
): Plan {
  const refuse = (reason: RefusalReason, detail: string): Plan => ({ refusal: { commitmentId, reason, detail } });
  if (!commitment || !visible) return refuse('not_found', 'No such commitment in this project.');
  if (commitment.invoiceContactIds.length === 0) {
    return refuse('no_invoice_contacts', `Commitment ${commitment.number} has no invoice contacts to invite.`);
  }
  if (commitment.ssovEnabled && commitment.ssovStatus !== 'approved') {
    return refuse(
      'ssov_not_approved',
      `Commitment ${commitment.number} has its subcontractor SOV enabled and it is ${commitment.ssovStatus ? ssovStatusWords[commitment.ssovStatus] : 'not started'}, not approved.`,
    );
  }
  if (!existing) return { commitment, round: 1 };
  if (existing.status === 'declined') return { commitment, existing, round: existing.round + 1 };
  if (existing.status === 'invited' && existing.emailStatus === 'failed') return { commitment, existing, round: existing.round };
  return refuse('already_invited', `Commitment ${commitment.number} is already ${existing.status} for this billing period.`);
}

export interface SendInvitesInput {
  project: ProjectItem;
  /** The open period; the caller has checked `periodClosedForInvites`, the writes check it again. */
  period: BillingPeriodItem;
  /** The commitments asked for, in the order answered. */
  commitmentIds: readonly string[];
  /** Already loaded (automatic invites Query them all); otherwise read by BatchGet. */
  commitments?: CommitmentItem[];
  /** Whether the sender may see the commitment (an invisible one answers `not_found`). */
  visible: (commitment: CommitmentItem) => boolean;
  invoiceType: InvoiceType;
  invitedBy: string;
  now: Date;
}

export interface SendInvitesResult {
  invited: Array<{ commitmentId: string; inviteId: string }>;
  refused: Refusal[];
  /** Existing invites whose emails were never reported sent or failed (e.g. the sender crashed before publishing). */
  awaitingEmail: string[];
}

/** One transaction: the period check, at most this many invites and their outbox record (DynamoDB's limit is 100 items). */
const invitesPerTransaction = 98;
const parallelTransactions = 4;

/**
 * Checks every requested commitment's preconditions (two BatchGets per 100), writes the invites
 * (conditional creates, or conditional replaces of a declined or failed one) in transactions that
 * also check the period is still open and write the `invites.sent` outbox record, then publishes
 * those records. A publish that fails (or never happens) is left to the outbox's stream dispatcher
 * and sweeper: the invites stay `pending` until their emails go, never silently lost.
 */
export async function sendInvites(input: SendInvitesInput): Promise<SendInvitesResult> {
  const { project, period, now } = input;
  const [commitments, existing] = await Promise.all([
    input.commitments ?? loadCommitmentsById(project.projectId, input.commitmentIds),
    loadInvites(project.projectId, period.billingPeriodId, input.commitmentIds),
  ]);
  const byId = new Map(commitments.map((c) => [c.commitmentId, c]));

  const plans = input.commitmentIds.map((commitmentId) => {
    const commitment = byId.get(commitmentId);
    return planInvite(commitmentId, commitment, existing.get(commitmentId), Boolean(commitment && input.visible(commitment)));
  });
  const remindAt = remindAtFor(project, period, now);
  const writes = plans.flatMap((plan) =>
    'refusal' in plan
      ? []
      : [
          {
            existing: plan.existing,
            item: {
              projectId: project.projectId,
              billingPeriodId: period.billingPeriodId,
              commitmentId: plan.commitment.commitmentId,
              status: 'invited' as const,
              invoiceType: input.invoiceType,
              contactIds: [...plan.commitment.invoiceContactIds],
              invitedBy: input.invitedBy,
              invitedAt: now.toISOString(),
              emailStatus: 'pending' as const,
              round: plan.round,
              ...(remindAt ? { remindAt } : {}),
              version: (plan.existing?.version ?? 0) + 1,
              updatedAt: now.toISOString(),
            } satisfies InviteItem,
            number: plan.commitment.number,
          },
        ],
  );

  const outcomes = new Map<string, WriteOutcome>();
  const outboxIds: string[] = [];
  // Each invite takes one transaction item and one per contact (their "answer the invite" task).
  const chunks = chunkByWeight(writes, (write) => 1 + write.item.contactIds.length, invitesPerTransaction);
  const today = localDate(now, project.timeZone);
  for (const group of chunk(chunks, parallelTransactions)) {
    const results = await Promise.all(group.map((writes) => writeInviteChunk(period, today, writes, now)));
    for (const result of results) {
      for (const [id, outcome] of result.outcomes) outcomes.set(id, outcome);
      if (result.outboxId) outboxIds.push(result.outboxId);
    }
  }

  const invited: SendInvitesResult['invited'] = [];
  const refused: Refusal[] = [];
  const numberOf = new Map(writes.map((w) => [w.item.commitmentId, w.number]));
  for (const plan of plans) {
    if ('refusal' in plan) {
      refused.push(plan.refusal);
      continue;
    }
    const commitmentId = plan.commitment.commitmentId;
    const outcome = outcomes.get(commitmentId);
    if (outcome === 'written') invited.push({ commitmentId, inviteId: inviteIdOf(period.billingPeriodId, commitmentId) });
    else if (outcome === 'period') refused.push({ commitmentId, reason: 'period_not_open', detail: 'The billing period closed or passed its due date meanwhile.' });
    else refused.push({ commitmentId, reason: 'already_invited', detail: `Commitment ${numberOf.get(commitmentId)} was invited by another request meanwhile.` });
  }

  // Their `invites.sent` records were written with them: publish now; the stream and the sweeper
  // deliver whatever this request does not (it crashed, or EventBridge refused).
  await dispatchSoon(outboxIds);
  const awaitingEmail = [...existing.values()]
    .filter((invite) => invite.status !== 'declined' && invite.emailStatus === 'pending')
    .map((invite) => invite.commitmentId);
  return { invited, refused, awaitingEmail };
}

type WriteOutcome = 'written' | 'conflict' | 'period';

/**
 * Writes up to 98 invites in one transaction with a check that the period is still open and not
 * past due, and the outbox record of their `invites.sent` event: the invites and their emails
 * are committed together or not at all. A conditional failure on an invite (another request got
 * there first) drops that one and the rest are written again; a failed period check refuses them all.
 */
async function writeInviteChunk(
  period: BillingPeriodItem,
  today: string,
  writes: Array<{ existing?: InviteItem; item: InviteItem }>,
  now: Date,
): Promise<{ outcomes: Map<string, WriteOutcome>; outboxId?: string }> {
  const outcomes = new Map<string, WriteOutcome>();
  let pending = writes;
  while (pending.length > 0) {
    const record = outboxRecord(
      invitesSentEvent,
      { projectId: period.projectId, billingPeriodId: period.billingPeriodId, commitmentIds: pending.map(({ item }) => item.commitmentId), kind: 'invite' },
      now,
    );
    const outcome = await writeTransactionOver<InviteEntities, 'period' | 'outbox' | `invite:${string}` | `task${number}`>(
      inviteEntities,
      (entities) => ({
        period: entities.BillingPeriod.check({ projectId: period.projectId, billingPeriodId: period.billingPeriodId })
          .where((attr, op) => `${op.eq(attr.status, 'open')} AND ${op.gte(attr.dueDate, today)}`)
          .commit(),
        ...Object.fromEntries(
          pending.map(({ existing, item }) => [
            inviteItemName(item),
            existing
              ? entities.Invite.put(item)
                  .where((attr, op) => `${op.eq(attr.version, existing.version)}`)
                  .commit()
              : entities.Invite.create(item).commit(),
          ]),
        ),
        outbox: outboxWrite(entities, record),
        ...Object.fromEntries(pending.flatMap(({ item }) => answerTaskWrites(entities, item, period)).map((write, index) => [`task${index}`, write])),
      }),
      // A token makes the SDK's own retries of this call idempotent.
      { idempotent: true },
    );
    if (!outcome.canceled) {
      for (const { item } of pending) outcomes.set(item.commitmentId, 'written');
      return { outcomes, outboxId: record.outboxId };
    }
    if (outcome.failed.includes('period')) {
      for (const { item } of pending) outcomes.set(item.commitmentId, 'period');
      break;
    }
    const lost = pending.filter(({ item }) => outcome.failed.includes(inviteItemName(item)));
    if (lost.length === 0) throw new Error(`invite transaction canceled: ${outcome.failed.join(', ') || 'no condition failed'}`);
    for (const { item } of lost) outcomes.set(item.commitmentId, 'conflict');
    pending = pending.filter((write) => !lost.includes(write));
  }
  return { outcomes };
}

/** An invite's item name in its chunk's transaction. */
function inviteItemName(item: InviteItem): `invite:${string}` {
  return `invite:${item.commitmentId}`;
}

/**
 * Puts the invite's emails back to pending and writes its `invites.sent` outbox record in one
 * transaction (only if the invite is still the version read), then publishes it. The email ids
 * are the same (same round), so a contact who did get it gets nothing more. Undefined when the
 * invite changed meanwhile.
 */
export async function resendInvite(invite: InviteItem, now: Date): Promise<InviteItem | undefined> {
  const record = outboxRecord(
    invitesSentEvent,
    { projectId: invite.projectId, billingPeriodId: invite.billingPeriodId, commitmentIds: [invite.commitmentId], kind: 'invite' },
    now,
  );
  const updated: InviteItem = { ...invite, emailStatus: 'pending', emailError: undefined, version: invite.version + 1, updatedAt: now.toISOString() };
  const key = { projectId: invite.projectId, billingPeriodId: invite.billingPeriodId, commitmentId: invite.commitmentId };
  const outcome = await writeTransactionOver(
    inviteEntities,
    (entities) => ({
      invite: entities.Invite.patch(key)
        .set({ emailStatus: 'pending', version: updated.version, updatedAt: updated.updatedAt })
        .remove(['emailError'])
        .where((attr, op) => op.eq(attr.version, invite.version))
        .commit(),
      outbox: outboxWrite(entities, record),
    }),
    { idempotent: true },
  );
  if (outcome.canceled) {
    return explainFailure(outcome, { invite: () => undefined }, () => {
      throw new Error('invite resend transaction canceled without a failed condition');
    });
  }
  await dispatchSoon([record.outboxId]);
  return updated;
}

/**
 * Records a contact's answer (only if the invite is still the version read) and, in the same
 * transaction, its tasks: nobody answers it any more; if accepted, its contacts bill the period
 * unless the commitment already has an invoice for it. Undefined when the invite changed meanwhile.
 */
export async function answerInvite(
  invite: InviteItem,
  answer: { status: 'accepted' | 'declined'; by: string; contactIds: readonly string[]; dueDate: string },
  now: Date,
): Promise<InviteItem | undefined> {
  const at = now.toISOString();
  const updated: InviteItem = { ...invite, status: answer.status, respondedBy: answer.by, respondedAt: at, version: invite.version + 1, updatedAt: at };
  const { data: invoiced } = await inviteEntities()
    .Invoice.query.byPeriod({ projectId: invite.projectId, billingPeriodId: invite.billingPeriodId, commitmentId: invite.commitmentId })
    .go({ limit: 1, attributes: ['invoiceId'] });
  const plan = await planTasks(
    [inviteSubject(invite, inviteTaskKind(updated, invoiced.length > 0), { contactIds: answer.contactIds, dueDate: answer.dueDate })],
    now,
  );
  const key = { projectId: invite.projectId, billingPeriodId: invite.billingPeriodId, commitmentId: invite.commitmentId };
  // The domain event (webhooks), committed with the answer: a retried answer meets the version condition and emits nothing.
  const responded = outboxRecord(
    inviteRespondedEvent,
    { ...key, inviteId: inviteIdOf(invite.billingPeriodId, invite.commitmentId), response: answer.status, respondedBy: answer.by, occurredAt: at },
    now,
  );
  const outcome = await writeTransactionOver<InviteEntities, 'invite' | 'outbox' | `task${number}`>(
    inviteEntities,
    (entities) => ({
      invite: entities.Invite.patch(key)
        .set({ status: updated.status, respondedBy: answer.by, respondedAt: at, version: updated.version, updatedAt: at })
        .where((attr, op) => op.eq(attr.version, invite.version))
        .commit(),
      outbox: outboxWrite(entities, responded),
      ...namedTaskWrites(entities, plan),
    }),
    { idempotent: true },
  );
  if (outcome.canceled) {
    return explainFailure(outcome, { invite: () => undefined }, () => {
      throw new Error('invite answer transaction canceled without a failed condition');
    });
  }
  await dispatchSoon([responded.outboxId]);
  return updated;
}

// ---------------------------------------------------------------------------------------------
// Events

/** PutEvents takes 10 entries and 256 KB per call; a 500-id entry is ~20 KB. */
/**
 * Publishes `invites.sent` for these commitments, 500 per event; throws when any event is
 * refused, never losing one silently.
 */
export async function publishInvitesSent(
  projectId: string,
  billingPeriodId: string,
  commitmentIds: readonly string[],
  kind: InvitesSent['kind'],
): Promise<void> {
  await publishEvents(
    invitesSentEvent,
    chunk(commitmentIds, 500).map((ids) => ({ projectId, billingPeriodId, commitmentIds: ids, kind })),
  );
}

/** The tasks a fresh invite makes: each contact it was sent to answers it (a re-invite's put overwrites the old ones). */
function answerTaskWrites(entities: Parameters<typeof taskWrites>[0], invite: InviteItem, period: BillingPeriodItem) {
  const subject = inviteSubject(invite, 'answer_invite', { contactIds: invite.contactIds, dueDate: period.dueDate });
  return taskWrites(entities, { put: subjectTaskItems(subject, invite.invitedAt), remove: [] });
}

