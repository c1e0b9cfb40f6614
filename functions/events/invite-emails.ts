import { setTimeout as sleep } from 'node:timers/promises';
import type { EventBridgeEvent } from 'aws-lambda';
import { invitesSent, type InvitesSent } from '../../events/contracts';
import { config } from '../../shared/config';
import { logger } from '../../shared/logger';
import { mapLimited } from '../../shared/map-limited';
import { entitiesOf } from '../../shared/db/service';
import { loadUsers } from '../../shared/db/people';
import { Project } from '../../shared/db/entities/project';
import { Invite } from '../../shared/db/entities/invite';
import { loadBillingPeriod, type BillingPeriodItem } from '../../shared/db/billing-periods';
import {
  inviteIdOf,
  loadCommitmentsById,
  loadInvites,
  type InviteItem,
  type ProjectItem,
} from '../../shared/db/invites';
import { writeTransactionOver, type WriteEntities, type WriteItem } from '../../shared/db/transaction';
import { renderInviteEmail } from '../../shared/email/invite';
import { sendLeaseMs } from '../../shared/email/deliveries';
import { sendOnce, TransientEmailError, type OutgoingEmail, type SendOutcome } from '../../shared/email/send';
import type { CommitmentItem } from '../../shared/db/commitments';

const projectReaders = /* @__PURE__ */ entitiesOf({ Project });
const inviteWriters = /* @__PURE__ */ entitiesOf({ Invite });

export interface InviteEmailOptions {
  /** SES attempts per email within one invocation (throttling backs off between them). */
  attemptsPerRun: number;
  /** First backoff; doubled each attempt, with jitter. */
  baseDelayMs: number;
  /** Emails in flight at once (SES's send rate is per account). */
  concurrency: number;
}

/** How often an email in flight elsewhere is checked again, at most. */
const inFlightPollMs = 5_000;

export const defaultInviteEmailOptions: InviteEmailOptions = { attemptsPerRun: 3, baseDelayMs: 250, concurrency: 8 };

/** Stable per invite round, contact and kind: a retried or duplicated event sends nothing more. */
export function inviteEmailId(invite: Pick<InviteItem, 'billingPeriodId' | 'commitmentId' | 'round'>, contactId: string, kind: InvitesSent['kind']): string {
  const base = `invite:${invite.billingPeriodId}:${invite.commitmentId}:${contactId}:${kind}`;
  return invite.round > 1 ? `${base}:${invite.round}` : base;
}

type Delivery = SendOutcome | { status: 'no-address'; error: string };
/** What the invite's emailStatus is decided from. */
type DeliveryStatus = { status: Delivery['status']; error?: string };

/**
 * `invites.sent`: one email per invoice contact of each invite (SES through the one idempotent
 * sender), then the invite's `emailStatus`: `sent` when every contact got it, `failed` with the
 * error otherwise. Throttling is retried here with backoff; what still fails throws, so Lambda's
 * async retries take over — a retry sends only what is missing — while the invite already shows
 * `failed`, so nothing is lost silently even when the retries run out.
 */
export function inviteEmailsHandler(options: InviteEmailOptions = defaultInviteEmailOptions) {
  return async (event: EventBridgeEvent<'invites.sent', unknown>) => {
    const parsed = invitesSent.safeParse(event.detail);
    if (!parsed.success) {
      logger.error('invalid invites.sent event', { eventId: event.id, issues: parsed.error.issues });
      return { status: 'invalid' as const };
    }
    const { projectId, billingPeriodId, commitmentIds, kind } = parsed.data;
    logger.appendKeys({ projectId, billingPeriodId, kind });

    const [{ data: project }, period, invites, commitments] = await Promise.all([
      projectReaders().Project.get({ projectId }).go(),
      loadBillingPeriod(projectId, billingPeriodId),
      loadInvites(projectId, billingPeriodId, commitmentIds),
      loadCommitmentsById(projectId, commitmentIds),
    ]);
    if (!project || !period) {
      logger.error('invites.sent for a project or period that does not exist', { eventId: event.id });
      return { status: 'invalid' as const };
    }
    // A declined invite gets no email; a reminder goes to those who have not answered no.
    const toEmail = [...invites.values()].filter((invite) => invite.status !== 'declined');
    const commitmentOf = new Map(commitments.map((c) => [c.commitmentId, c]));
    const userIds = [...new Set(toEmail.flatMap((invite) => [...invite.contactIds, invite.invitedBy]))];
    const users = await loadUsers(userIds);

    // Per invite: its contacts' emails; the last one's outcome is recorded in one transaction with
    // the invite's emailStatus (two writes per email: the claim, then outcome + status). A crash
    // midway leaves the invites already emailed recorded as such, the rest pending for the retry.
    const perInvite = await mapLimited(toEmail, options.concurrency, async (invite) => {
      const results: Delivery[] = [];
      let settled = false;
      for (const [index, contactId] of invite.contactIds.entries()) {
        const contact = users.get(contactId);
        const commitment = commitmentOf.get(invite.commitmentId);
        if (!contact) results.push({ status: 'no-address', error: `Contact ${contactId} has no user record to email.` });
        else if (!commitment) results.push({ status: 'no-address', error: `Commitment ${invite.commitmentId} no longer exists.` });
        else {
          const email = inviteEmail(kind, project, period, commitment, invite, users.get(invite.invitedBy)?.name, contact);
          const isLast = index === invite.contactIds.length - 1;
          const outcome = await deliverWithBackoff(email, options, isLast ? (final) => statusChange(invite, [...results, final]) : undefined);
          settled = outcome.alsoWritten === true;
          results.push(outcome);
        }
      }
      if (!settled) await settleEmailStatus(invite, results);
      return results;
    });
    const deliveries = perInvite.flat();
    const pendingRetry = perInvite.filter((results) => results.some((r) => r.status === 'retrying' || r.status === 'in-flight')).length;

    const sent = deliveries.filter((d) => d.status === 'sent').length;
    logger.info('invite emails', { invites: toEmail.length, emails: deliveries.length, sent, invitesToRetry: pendingRetry });
    if (pendingRetry > 0) throw new TransientEmailError(`${pendingRetry} invite(s) of this invites.sent event still have emails to send`);
    return { status: 'done' as const, invites: toEmail.length, emails: deliveries.length, sent };
  };
}

export const handler = inviteEmailsHandler();

function inviteEmail(
  kind: InvitesSent['kind'],
  project: ProjectItem,
  period: BillingPeriodItem,
  commitment: CommitmentItem,
  invite: InviteItem,
  inviterName: string | undefined,
  contact: { userId: string; email: string; name: string },
): OutgoingEmail {
  const rendered = renderInviteEmail({
    kind,
    region: project.region,
    frontendBaseUrl: config.frontendBaseUrl,
    projectId: project.projectId,
    projectName: project.name,
    inviteId: inviteIdOf(invite.billingPeriodId, invite.commitmentId),
    commitment: { number: commitment.number, title: commitment.title },
    invoiceType: invite.invoiceType,
    period: { startDate: period.startDate, endDate: period.endDate, dueDate: period.dueDate },
    inviterName: inviterName ?? 'The project team',
    contactName: contact.name,
  });
  return { emailId: inviteEmailId(invite, contact.userId, kind), to: [contact.email], subject: rendered.subject, html: rendered.html, text: rendered.text };
}

/**
 * Sends, backing off while SES throttles (or another attempt holds the email), up to
 * `attemptsPerRun` times. `settle` (given for an invite's last email) names the invite's status
 * change for the attempt's final outcome, written in the same transaction as that outcome.
 */
async function deliverWithBackoff(
  email: OutgoingEmail,
  options: InviteEmailOptions,
  settle?: (outcome: DeliveryStatus) => InviteStatusChange | undefined,
): Promise<SendOutcome & { alsoWritten?: boolean }> {
  // Another attempt holds the email: it finishes, or (it died between its claim and its outcome,
  // e.g. the stack was killed) its lease runs out and this attempt takes over. So an email found in
  // flight is polled until a lease could have run out, not given up after a few tries: a redelivery
  // that gave up would leave the invite's emailStatus pending for good.
  const inFlightUntil = Date.now() + sendLeaseMs + 5_000;
  let polls = 0;
  for (let attempt = 1; ; attempt++) {
    const lastAttempt = attempt >= options.attemptsPerRun;
    const outcome = await sendOnce(email, {
      alsoWrite: settle && ((recorded, entities) => {
        // A throttled attempt that will be retried now settles nothing yet.
        if (recorded.status === 'retrying' && !lastAttempt) return undefined;
        const change = settle(recorded);
        return change && inviteStatusWrite(entities, change);
      }),
    });
    if (outcome.status === 'in-flight' && Date.now() < inFlightUntil) {
      await sleep(Math.min(options.baseDelayMs * 2 ** polls++, inFlightPollMs) * (0.5 + Math.random()));
      attempt -= 1; // waiting for another attempt is not an attempt of this one
      continue;
    }
    if ((outcome.status !== 'retrying' && outcome.status !== 'in-flight') || lastAttempt) return outcome;
    await sleep(options.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
  }
}

interface InviteStatusChange {
  invite: InviteItem;
  emailStatus: 'sent' | 'failed';
  error?: string;
}

/**
 * What the invite's emailStatus becomes once `results` are all its contacts' deliveries: `sent`
 * when every contact got it, `failed` (with the errors) when any was refused or still throttled;
 * undefined when it is unchanged or still undecided (an email in flight elsewhere).
 */
function statusChange(invite: InviteItem, results: readonly DeliveryStatus[]): InviteStatusChange | undefined {
  const failures = results.filter((r) => r.status === 'rejected' || r.status === 'no-address' || r.status === 'retrying');
  if (failures.length > 0) {
    const error = [...new Set(failures.map((f) => ('error' in f && f.error ? f.error : 'rejected by SES')))].join('; ').slice(0, 1000);
    return invite.emailStatus !== 'failed' || invite.emailError !== error ? { invite, emailStatus: 'failed', error } : undefined;
  }
  if (results.every((r) => r.status === 'sent' || r.status === 'already-sent')) {
    return invite.emailStatus !== 'sent' || invite.emailError ? { invite, emailStatus: 'sent' } : undefined;
  }
  return undefined;
}

/** Records the status when the last email's outcome did not carry it (a rare path: one more write). */
async function settleEmailStatus(invite: InviteItem, results: Delivery[]): Promise<void> {
  const change = statusChange(invite, results);
  if (!change) return;
  const outcome = await writeTransactionOver(inviteWriters, (entities) => ({ invite: inviteStatusWrite(entities, change) }));
  // The invite was re-invited meanwhile (another round): that round's emails report on it.
  if (outcome.canceled && !outcome.failed.includes('invite')) throw new Error(`Recording the emailStatus of invite ${invite.commitmentId} failed`);
}

/** The invite's email status, for its current round only: a re-invite meanwhile starts over. */
function inviteStatusWrite({ Invite }: Pick<WriteEntities, 'Invite'>, { invite, emailStatus, error }: InviteStatusChange): WriteItem {
  const key = { projectId: invite.projectId, billingPeriodId: invite.billingPeriodId, commitmentId: invite.commitmentId };
  const updatedAt = new Date().toISOString();
  const patch = Invite.patch(key);
  const update = emailStatus === 'sent' ? patch.set({ emailStatus, updatedAt }).remove(['emailError']) : patch.set({ emailStatus, emailError: error!, updatedAt });
  return update.where((attr, op) => op.eq(attr.round, invite.round)).commit();
}
