/** The invite vocabulary, here (not in the entity) so the route table does not bundle ElectroDB. */
export const inviteStatuses = ['invited', 'accepted', 'declined'] as const;
export const inviteEmailStatuses = ['pending', 'sent', 'failed'] as const;
/** Why a commitment was not invited (docs/domain.md, "Invite to bill": each failed precondition per commitment). */
export const inviteRefusalReasons = ['not_found', 'no_invoice_contacts', 'ssov_not_approved', 'already_invited', 'period_not_open'] as const;
export type InviteRefusalReason = (typeof inviteRefusalReasons)[number];

/** The API's invite id: `<billingPeriodId>.<commitmentId>` (commitment ids are UUIDs, without dots). */
export const inviteIdOf = (billingPeriodId: string, commitmentId: string): string => `${billingPeriodId}.${commitmentId}`;

/** An invite whose emails are still pending this long after it was written is stuck: it may be re-sent. */
export const stuckEmailMs = 10 * 60 * 1000;

/**
 * Why this invite's emails may not be sent again now, or undefined when they may: only an invite
 * not yet answered, whose emails failed or are stuck (still pending 10 minutes after it was written).
 */
export function resendRefusal(
  invite: { status: string; emailStatus: 'pending' | 'sent' | 'failed'; updatedAt: string },
  now: Date,
): string | undefined {
  if (invite.status !== 'invited') return `The invite is ${invite.status}; only an invite not yet answered is re-sent.`;
  if (invite.emailStatus === 'sent') return 'Its emails were sent.';
  if (invite.emailStatus === 'pending' && now.getTime() - Date.parse(invite.updatedAt) < stuckEmailMs) {
    return 'Its emails are being sent; an invite is re-sent once they failed, or are still pending after 10 minutes.';
  }
  return undefined;
}

/**
 * Why invites of the period cannot be sent, answered or re-sent now, or undefined: only while it
 * is open, until its due date. `today` is the local date in the project's time zone (YYYY-MM-DD).
 */
export function invitesClosedRefusal(period: { status: string; dueDate: string }, today: string): string | undefined {
  if (period.status !== 'open') return 'The billing period is closed.';
  if (today > period.dueDate) return `The billing period was due on ${period.dueDate}; it is ${today} in the project’s time zone.`;
  return undefined;
}
