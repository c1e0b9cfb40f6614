import { httpRouter } from '../../shared/http/handler';
import { idempotencyKey } from '../../shared/http/idempotency';
import { problems } from '../../shared/http/problem';
import { etagFor } from '../../shared/http/etag';
import { enforce, enforceRefusal, loadProjectAccess } from '../../shared/http/access';
import { peopleNamed } from '../../shared/api/common';
import { loadUserNames } from '../../shared/db/people';
import { canSee, type GuardedRecord, type Membership } from '../../shared/domain/permissions';
import { billingPeriodActionRefusal, inviteActionRefusal, inviteAllowedActions, type InviteActionContext } from '../../shared/domain/allowed-actions';
import { localDate } from '../../shared/domain/billing-periods';
import type { BillingPeriodItem } from '../../shared/db/billing-periods';
import { loadCommitment } from '../../shared/db/commitments';
import { loadBillingPeriod } from '../../shared/db/billing-periods';
import {
  answerInvite,
  inviteEntities,
  inviteIdOf,
  loadPeriodInvites,
  parseInviteId,
  resendInvite,
  sendInvites,
  type InviteItem,
} from '../../shared/db/invites';
import { inviteRoutes } from '../../shared/api/invites';
import type { PeriodInviteRow } from '../../shared/api/invites.docs';
import { toInviteResponse } from '../../shared/api/invites-views';
import { commitmentsView, invitesRespond, invitesSend } from '../../shared/domain/permission-rules';

const noSuchPeriod = () => problems.notFound('No such billing period.');
const noSuchInvite = () => problems.notFound('No such invite.');

export const handler = httpRouter(inviteRoutes, 
  {
    sendInvites: async ({ path, body, caller }) => {
      const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
      enforce(invitesSend, member);
      const period = await loadBillingPeriod(project.projectId, path.billingPeriodId);
      if (!period) throw noSuchPeriod();
      const now = new Date();
      enforceRefusal(billingPeriodActionRefusal('send_invites', { member, period, today: localDate(now, project.timeZone) }));

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
      enforce(commitmentsView, member);
      // Two Queries (paged by DynamoDB's 1 MB), no per-commitment reads.
      const [period, commitments, invites] = await Promise.all([
        loadBillingPeriod(project.projectId, path.billingPeriodId),
        inviteEntities()
          .Commitment.query.byNumber({ projectId: project.projectId })
          .go({ pages: 'all', attributes: ['commitmentId', 'number', 'title', 'vendorName', 'private', 'privateUserIds', 'invoiceContactIds'] }),
        loadPeriodInvites(project.projectId, path.billingPeriodId),
      ]);
      if (!period) throw noSuchPeriod();

      const inviteOf = new Map(invites.map((invite) => [invite.commitmentId, invite]));
      const now = new Date();
      const today = localDate(now, project.timeZone);
      const counts = { notInvited: 0, invited: 0, accepted: 0, declined: 0 };
      const visible = commitments.data.filter((commitment) => canSee(member, 'commitments', commitment));
      const contactsOf = (commitment: (typeof visible)[number]) => inviteOf.get(commitment.commitmentId)?.contactIds ?? commitment.invoiceContactIds;
      const names = await loadUserNames(visible.flatMap(contactsOf));
      const items: PeriodInviteRow[] = [];
      for (const commitment of visible) {
        const invite = inviteOf.get(commitment.commitmentId);
        if (invite) counts[invite.status] += 1;
        else counts.notInvited += 1;
        const allowedActions = invite ? inviteAllowedActions({ member, commitment, invite, period, now, today }) : [];
        items.push({ ...toRow(commitment, period.billingPeriodId, invite, allowedActions), contacts: peopleNamed(contactsOf(commitment), names) });
      }
      return { body: { items, counts } };
    },

    respondToInvite: async ({ path, body, caller }) => {
      const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
      const key = parseInviteId(path.inviteId);
      if (!key) throw noSuchInvite();
      const { Invite } = inviteEntities();
      const [commitment, { data: invite }, period] = await Promise.all([
        loadCommitment(project.projectId, key.commitmentId),
        Invite.get({ projectId: project.projectId, ...key }).go(),
        loadBillingPeriod(project.projectId, key.billingPeriodId),
      ]);
      // Only the commitment's invoice contacts answer; one the caller cannot see does not exist for them.
      if (!commitment) throw noSuchInvite();
      enforce(invitesRespond, member, commitment);
      if (!invite || !period) throw noSuchInvite();
      const context = contextOf(member, project, commitment, invite, period);
      enforceRefusal(inviteActionRefusal('respond', context));

      const status = body.accept ? 'accepted' : 'declined';
      if (invite.status === status) return reply(invite, context);
      const updated = await answerInvite(invite, { status, by: caller.userId, contactIds: commitment.invoiceContactIds, dueDate: period.dueDate }, context.now);
      if (!updated) throw problems.conflict('The invite changed meanwhile (it was answered or sent again); read it and answer again.');
      return reply(updated, { ...context, invite: updated });
    },

    resendInvite: async ({ path, caller }) => {
      const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
      const key = parseInviteId(path.inviteId);
      if (!key) throw noSuchInvite();
      const [commitment, { data: invite }, period] = await Promise.all([
        loadCommitment(project.projectId, key.commitmentId),
        inviteEntities().Invite.get({ projectId: project.projectId, ...key }).go(),
        loadBillingPeriod(project.projectId, key.billingPeriodId),
      ]);
      // Invisible is 404 before a missing level is 403, as everywhere.
      if (!commitment || !canSee(member, 'commitments', commitment) || !invite || !period) throw noSuchInvite();
      const context = contextOf(member, project, commitment, invite, period);
      enforceRefusal(inviteActionRefusal('resend', context));
      const updated = await resendInvite(invite, context.now);
      if (!updated) throw problems.conflict('The invite changed meanwhile (it was answered or sent again); read it and try again.');
      return reply(updated, { ...context, invite: updated });
    },
  },
  { idempotency: idempotencyKey },
);

/** What the invite's actions are decided on, now. */
function contextOf(
  member: Membership,
  project: { timeZone: string },
  commitment: GuardedRecord,
  invite: InviteItem,
  period: BillingPeriodItem,
): InviteActionContext {
  const now = new Date();
  return { member, commitment, invite, period, now, today: localDate(now, project.timeZone) };
}

function reply(invite: InviteItem, context: InviteActionContext) {
  return { body: toInviteResponse(invite, inviteAllowedActions(context)), headers: { etag: etagFor(invite.version) } };
}

function toRow(
  commitment: { commitmentId: string; number: string; title: string; vendorName: string; invoiceContactIds: readonly string[] },
  billingPeriodId: string,
  invite: InviteItem | undefined,
  allowedActions: PeriodInviteRow['allowedActions'],
): Omit<PeriodInviteRow, 'contacts'> {
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
    allowedActions,
  };
}
