/** The API's views of stored invites (what the handlers answer; its schema is in invites.docs.ts, which no handler bundles). */
import type { InviteItem } from '../db/invites';
import { inviteIdOf } from '../domain/invites';
import type { InviteAction } from '../domain/allowed-actions';
import type { InviteResponse } from './invites.docs';

/** The API's view of a stored invite: absent optional fields as null. */
export function toInviteResponse(item: InviteItem, allowedActions: InviteAction[]): InviteResponse {
  return {
    inviteId: inviteIdOf(item.billingPeriodId, item.commitmentId),
    projectId: item.projectId,
    billingPeriodId: item.billingPeriodId,
    commitmentId: item.commitmentId,
    status: item.status,
    invoiceType: item.invoiceType,
    contactIds: [...item.contactIds],
    invitedBy: item.invitedBy,
    invitedAt: item.invitedAt,
    emailStatus: item.emailStatus,
    emailError: item.emailError ?? null,
    reminderSentAt: item.reminderSentAt ?? null,
    respondedBy: item.respondedBy ?? null,
    respondedAt: item.respondedAt ?? null,
    version: item.version,
    allowedActions,
  };
}
