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
