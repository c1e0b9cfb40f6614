import { httpRouter } from '../../shared/http/handler';
import { idempotencyKey } from '../../shared/http/idempotency';
import { problems } from '../../shared/http/problem';
import { etagFor } from '../../shared/http/etag';
import { enforce, loadProjectAccess } from '../../shared/http/access';
import { canSee } from '../../shared/domain/permissions';
import { resendRefusal } from '../../shared/domain/invites';
import { db } from '../../shared/db/service';
import { loadCommitment } from '../../shared/db/commitments';
import { loadBillingPeriod } from '../../shared/db/billing-periods';
import {
  answerInvite,
  inviteIdOf,
  loadPeriodInvites,
  parseInviteId,
  periodClosedForInvites,
  resendInvite,
  sendInvites,
  type InviteItem,
} from '../../shared/db/invites';
import { type PeriodInviteRow, toInviteResponse } from '../../shared/api/invites';

const noSuchPeriod = () => problems.notFound('No such billing period.');
const noSuchInvite = () => problems.notFound('No such invite.');

export const handler = httpRouter(
  {
    sendInvites: async ({ path, body, caller }) => {
      const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
      enforce('invites.send', member);
      const period = await loadBillingPeriod(project.projectId, path.billingPeriodId);
      if (!period) throw noSuchPeriod();
      const now = new Date();
      const closed = periodClosedForInvites(period, project.timeZone, now);
      if (closed) throw problems.conflict(`Invites are sent for the open billing period, before its due date. ${closed}`);

      const { invited, refused } = await sendInvites({
        project,
        period,
        commitmentIds: body.commitmentIds,
        visible: (commitment) => canSee(member, 'commitments', commitment),
        invoiceType: body.invoiceType,
        invitedBy: caller.userId,
        now,
      });
      return { body: { invited, refused } };
    },

    listInvites: async ({ path, caller }) => {
      const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
      enforce('commitments.view', member);
      // Two Queries (paged by DynamoDB's 1 MB), no per-commitment reads.
      const [period, commitments, invites] = await Promise.all([
        loadBillingPeriod(project.projectId, path.billingPeriodId),
        db()
          .Commitment.query.byNumber({ projectId: project.projectId })
          .go({ pages: 'all', attributes: ['commitmentId', 'number', 'title', 'vendorName', 'private', 'privateUserIds', 'invoiceContactIds'] }),
        loadPeriodInvites(project.projectId, path.billingPeriodId),
      ]);
      if (!period) throw noSuchPeriod();

      const inviteOf = new Map(invites.map((invite) => [invite.commitmentId, invite]));
      const counts = { notInvited: 0, invited: 0, accepted: 0, declined: 0 };
      const items: PeriodInviteRow[] = [];
      for (const commitment of commitments.data) {
        if (!canSee(member, 'commitments', commitment)) continue;
        const invite = inviteOf.get(commitment.commitmentId);
        if (invite) counts[invite.status] += 1;
        else counts.notInvited += 1;
        items.push(toRow(commitment, period.billingPeriodId, invite));
      }
      return { body: { items, counts } };
    },

    respondToInvite: async ({ path, body, caller }) => {
      const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
      const key = parseInviteId(path.inviteId);
      if (!key) throw noSuchInvite();
      const { Invite } = db();
      const [commitment, { data: invite }, period] = await Promise.all([
        loadCommitment(project.projectId, key.commitmentId),
        Invite.get({ projectId: project.projectId, ...key }).go(),
        loadBillingPeriod(project.projectId, key.billingPeriodId),
      ]);
      // Only the commitment's invoice contacts answer; one the caller cannot see does not exist for them.
      if (!commitment) throw noSuchInvite();
      enforce('invites.respond', member, commitment);
      if (!invite || !period) throw noSuchInvite();
      const closed = periodClosedForInvites(period, project.timeZone, new Date());
      if (closed) throw problems.conflict(`Invites are answered while their billing period is open, before its due date. ${closed}`);

      const status = body.accept ? 'accepted' : 'declined';
      if (invite.status === status) return reply(invite);
      const updated = await answerInvite(invite, { status, by: caller.userId, contactIds: commitment.invoiceContactIds, dueDate: period.dueDate }, new Date());
      if (!updated) throw problems.conflict('The invite changed meanwhile (it was answered or sent again); read it and answer again.');
      return reply(updated);
    },

    resendInvite: async ({ path, caller }) => {
      const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
      const key = parseInviteId(path.inviteId);
      if (!key) throw noSuchInvite();
      const [commitment, { data: invite }, period] = await Promise.all([
        loadCommitment(project.projectId, key.commitmentId),
        db().Invite.get({ projectId: project.projectId, ...key }).go(),
        loadBillingPeriod(project.projectId, key.billingPeriodId),
      ]);
      // Invisible is 404 before a missing level is 403, as everywhere.
      if (!commitment || !canSee(member, 'commitments', commitment) || !invite || !period) throw noSuchInvite();
      enforce('invites.send', member);
      const now = new Date();
      const closed = periodClosedForInvites(period, project.timeZone, now);
      if (closed) throw problems.conflict(`Invites are re-sent while their billing period is open, before its due date. ${closed}`);
      const refusal = resendRefusal(invite, now);
      if (refusal) throw problems.conflict(refusal);
      const updated = await resendInvite(invite, now);
      if (!updated) throw problems.conflict('The invite changed meanwhile (it was answered or sent again); read it and try again.');
      return reply(updated);
    },
  },
  { idempotency: idempotencyKey },
);

function reply(invite: InviteItem) {
  return { body: toInviteResponse(invite), headers: { etag: etagFor(invite.version) } };
}

function toRow(
  commitment: { commitmentId: string; number: string; title: string; vendorName: string; invoiceContactIds: readonly string[] },
  billingPeriodId: string,
  invite: InviteItem | undefined,
): PeriodInviteRow {
  return {
    commitmentId: commitment.commitmentId,
    number: commitment.number,
    title: commitment.title,
    vendorName: commitment.vendorName,
    status: invite?.status ?? 'not_invited',
    contactIds: [...(invite?.contactIds ?? commitment.invoiceContactIds)],
    inviteId: invite ? inviteIdOf(billingPeriodId, commitment.commitmentId) : null,
    invoiceType: invite?.invoiceType ?? null,
    emailStatus: invite?.emailStatus ?? null,
    emailError: invite?.emailError ?? null,
    invitedAt: invite?.invitedAt ?? null,
    respondedAt: invite?.respondedAt ?? null,
    reminderSentAt: invite?.reminderSentAt ?? null,
  };
}
