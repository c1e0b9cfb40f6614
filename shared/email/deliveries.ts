import { db } from '../db/service';
import { isConditionalFailure } from '../db/conditions';
import { writeTransaction, type WriteEntities, type WriteItem } from '../db/transaction';

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

export type RecordedOutcome = { status: 'sent'; messageId: string } | { status: 'retrying' | 'rejected'; error: string };

/** The write that records a send's outcome, as a transaction item (see recordOutcome). */
export function outcomeWrite({ EmailDelivery }: Pick<WriteEntities, 'EmailDelivery'>, emailId: string, outcome: RecordedOutcome, now: number): WriteItem {
  return EmailDelivery.patch({ emailId })
    .set({ ...outcomeFields(outcome), updatedAt: new Date(now).toISOString() })
    .commit();
}

/**
 * Records the outcome of a claimed send, together with `also` (e.g. the invite's emailStatus) in
 * one transaction when given — one write either way. Answers whether `also` was written: when its
 * condition failed (the invite moved on), the outcome is recorded alone.
 */
export async function recordOutcome(
  emailId: string,
  outcome: RecordedOutcome,
  now: number,
  also?: (entities: WriteEntities) => WriteItem | undefined,
): Promise<{ alsoWritten: boolean }> {
  if (also) {
    const result = await writeTransaction((entities) => ({ outcome: outcomeWrite(entities, emailId, outcome, now), also: also(entities) }));
    if (!result.canceled) return { alsoWritten: true };
    if (!result.failed.includes('also')) throw new Error(`Recording the outcome of email ${emailId} failed: ${result.failed.join(', ') || 'transaction canceled'}`);
  }
  await db()
    .EmailDelivery.patch({ emailId })
    .set({ ...outcomeFields(outcome), updatedAt: new Date(now).toISOString() })
    .go();
  return { alsoWritten: false };
}

function outcomeFields(outcome: RecordedOutcome) {
  return outcome.status === 'sent'
    ? { status: outcome.status, messageId: outcome.messageId, leaseUntil: 0 }
    : { status: outcome.status, lastError: outcome.error.slice(0, 1000), leaseUntil: 0 };
}
