import { db } from '../db/service';
import { isConditionalFailure } from '../db/conditions';

/** How long one attempt owns a send before another delivery of the same event may take over. */
export const sendLeaseMs = 2 * 60 * 1000;

export type Claim = 'claimed' | 'already-sent' | 'in-flight' | 'rejected';

/**
 * Claims the right to send `emailId` now. Exactly one concurrent caller gets `claimed`;
 * the rest learn whether it was sent, is being sent, or was refused for good.
 */
export async function claimSend(emailId: string, email: { to: string[]; subject: string }, now: number): Promise<Claim> {
  const { EmailDelivery } = db();
  const timestamp = new Date(now).toISOString();
  try {
    await EmailDelivery.create({
      emailId,
      status: 'sending',
      attempts: 1,
      leaseUntil: now + sendLeaseMs,
      to: email.to,
      subject: email.subject,
      createdAt: timestamp,
      updatedAt: timestamp,
    }).go();
    return 'claimed';
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
  }
  try {
    // A previous attempt failed (retrying) or died mid-send (its lease ran out): take over.
    await EmailDelivery.patch({ emailId })
      .set({ status: 'sending', leaseUntil: now + sendLeaseMs, updatedAt: timestamp })
      .add({ attempts: 1 })
      .where((attr, op) => `${op.eq(attr.status, 'retrying')} OR (${op.eq(attr.status, 'sending')} AND ${op.lt(attr.leaseUntil, now)})`)
      .go();
    return 'claimed';
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
  }
  const { data } = await EmailDelivery.get({ emailId }).go({ consistent: true });
  if (data?.status === 'sent') return 'already-sent';
  if (data?.status === 'rejected') return 'rejected';
  return 'in-flight';
}

export async function recordOutcome(
  emailId: string,
  outcome: { status: 'sent'; messageId: string } | { status: 'retrying' | 'rejected'; error: string },
  now: number,
): Promise<void> {
  const { EmailDelivery } = db();
  const update =
    outcome.status === 'sent'
      ? { status: outcome.status, messageId: outcome.messageId, leaseUntil: 0 }
      : { status: outcome.status, lastError: outcome.error.slice(0, 1000), leaseUntil: 0 };
  await EmailDelivery.patch({ emailId })
    .set({ ...update, updatedAt: new Date(now).toISOString() })
    .go();
}
