import { entitiesOf } from '../db/service';
import { isConditionalFailure } from '../db/conditions';
import { writeTransactionOver, type WriteEntities, type WriteItem } from '../db/transaction';
import { EmailDelivery } from '../db/entities/email-delivery';
import { Invite } from '../db/entities/invite';

/** The entities a send is recorded with: its delivery, and the invite whose emailStatus it may settle (`also`). */
const deliveryEntities = /* @__PURE__ */ entitiesOf({ EmailDelivery, Invite });

/** What a write recorded with a send's outcome (`also`) may be built from. */
export type AlsoEntities = Pick<WriteEntities, 'Invite'>;

/** How long one attempt owns a send before another delivery of the same event may take over. */
export const sendLeaseMs = 2 * 60 * 1000;

export type Claim = 'claimed' | 'already-sent' | 'in-flight' | 'rejected';

/**
 * Claims the right to send `emailId` now. Exactly one concurrent caller gets `claimed`;
 * the rest learn whether it was sent, is being sent, or was refused for good.
 */
export async function claimSend(emailId: string, email: { to: string[]; subject: string }, now: number): Promise<Claim> {
  const { EmailDelivery } = deliveryEntities();
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

/** Why SES refused an email earlier (a second GetItem, only on this rare path). */
export async function loadRejection(emailId: string): Promise<string | undefined> {
  const { data } = await deliveryEntities().EmailDelivery.get({ emailId }).go({ attributes: ['lastError'] });
  return data?.lastError;
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
  also?: (entities: AlsoEntities) => WriteItem | undefined,
): Promise<{ alsoWritten: boolean }> {
  if (also) {
    const result = await writeTransactionOver(deliveryEntities, (entities) => ({ outcome: outcomeWrite(entities, emailId, outcome, now), also: also(entities) }));
    if (!result.canceled) return { alsoWritten: true };
    if (!result.failed.includes('also')) throw new Error(`Recording the outcome of email ${emailId} failed: ${result.failed.join(', ') || 'transaction canceled'}`);
  }
  await deliveryEntities()
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
