import { SendEmailCommand, type Attachment } from '@aws-sdk/client-sesv2';
import { sesClient } from '../aws/ses';
import { config } from '../config';
import { logger } from '../logger';
import { claimSend, loadRejection, recordOutcome, type AlsoEntities, type RecordedOutcome } from './deliveries';
import { emailPacer } from './pace';
import type { WriteItem } from '../db/transaction';

/** SES errors that a retry cannot fix: the email is marked rejected instead of retried. */
const permanentSesErrors = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'BadRequestException',
  'AccountSuspendedException',
  'NotFoundException',
]);

/** A transient failure: thrown so Lambda's async retries, then the rule's DLQ, take over. */
export class TransientEmailError extends Error {
  override name = 'TransientEmailError';
}

/** One email, identified by a stable id: the same id is sent at most once. */
export interface OutgoingEmail {
  emailId: string;
  to: string[];
  replyTo?: string[];
  subject: string;
  html: string;
  text: string;
  /** Loaded only when this attempt actually sends (not for duplicates). */
  attachments?: () => Promise<Attachment[]>;
}

export type SendOutcome =
  | { status: 'sent'; messageId: string }
  /** An earlier attempt sent it: nothing was sent now. */
  | { status: 'already-sent' }
  /** SES refused it for good, now (`error` says why) or earlier. */
  | { status: 'rejected'; error?: string }
  /** Another attempt holds the send right now: retry later. */
  | { status: 'in-flight' }
  /** SES failed in a way a retry may fix (throttling, 5xx); the delivery is recorded as `retrying`. */
  | { status: 'retrying'; error: string; cause: unknown; throttled: boolean };

/** SES refusing for the account's send rate: the pacer slows down (SES v2 answers 429 TooManyRequests). */
const throttlingErrors = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling']);

export interface SendOptions {
  /**
   * A write to make in the same transaction as the recorded outcome (e.g. the invite's
   * emailStatus), or undefined for none: one write instead of two.
   */
  alsoWrite?: (outcome: RecordedOutcome, entities: AlsoEntities) => WriteItem | undefined;
}

/**
 * The one SES sending path: claims the email id (EmailDelivery), sends through SES v2, records
 * the outcome, and tells transient failures from permanent ones. Never throws for an SES error;
 * DynamoDB errors propagate (the caller's retry finds the claim and takes over once its lease ends).
 */
export async function sendOnce(email: OutgoingEmail, options: SendOptions = {}): Promise<SendOutcome & { alsoWritten?: boolean }> {
  // Paced before the claim: a claim is a lease, and no lease should run out waiting for a slot.
  const pacer = emailPacer();
  await pacer.take();
  const claim = await claimSend(email.emailId, email, Date.now());
  if (claim === 'already-sent') return { status: 'already-sent' };
  if (claim === 'rejected') return { status: 'rejected', error: await loadRejection(email.emailId) };
  if (claim === 'in-flight') return { status: 'in-flight' };
  const { alsoWrite } = options;
  const record = (outcome: RecordedOutcome) =>
    recordOutcome(email.emailId, outcome, Date.now(), alsoWrite && ((entities) => alsoWrite(outcome, entities)));

  let messageId: string;
  try {
    const { MessageId } = await sesClient().send(
      new SendEmailCommand({
        FromEmailAddress: config.emailFrom,
        Destination: { ToAddresses: email.to },
        ReplyToAddresses: email.replyTo,
        ConfigurationSetName: config.sesConfigurationSet,
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Html: { Data: email.html, Charset: 'UTF-8' }, Text: { Data: email.text, Charset: 'UTF-8' } },
            Attachments: email.attachments ? await email.attachments() : undefined,
          },
        },
        EmailTags: [{ Name: 'emailId', Value: email.emailId.replace(/[^\w-]/g, '_').slice(0, 256) }],
      }),
    );
    messageId = MessageId ?? 'unknown';
  } catch (error) {
    const name = (error as Error).name;
    const description = `${name}: ${(error as Error).message}`;
    if (permanentSesErrors.has(name)) {
      const { alsoWritten } = await record({ status: 'rejected', error: description });
      logger.error('email rejected by SES', { emailId: email.emailId, error: error as Error });
      return { status: 'rejected', error: description, alsoWritten };
    }
    const throttled = throttlingErrors.has(name);
    if (throttled) pacer.throttled();
    const { alsoWritten } = await record({ status: 'retrying', error: description });
    logger.warn('email send failed, retryable', { emailId: email.emailId, throttled, rate: pacer.rate, error: error as Error });
    return { status: 'retrying', error: description, cause: error, throttled, alsoWritten };
  }

  // SES accepted it. A failure from here on is not a failed send: recorded as `retrying` it would be
  // taken over and sent again at once. Recording is retried; if it still fails the claim stays
  // `sending` under its lease (as after a crash at this instant) and the error propagates.
  pacer.succeeded();
  const { alsoWritten } = await recordSent(email.emailId, messageId, record);
  logger.info('email sent', { emailId: email.emailId, messageId, to: email.to.length });
  return { status: 'sent', messageId, alsoWritten };
}

/** Records an accepted send: with the caller's write first, then (if that fails) the outcome alone. */
async function recordSent(
  emailId: string,
  messageId: string,
  record: (outcome: RecordedOutcome) => Promise<{ alsoWritten: boolean }>,
): Promise<{ alsoWritten: boolean }> {
  try {
    return await record({ status: 'sent', messageId });
  } catch (error) {
    logger.warn('recording a sent email failed; recording it alone', { emailId, error: error as Error });
    await recordOutcome(emailId, { status: 'sent', messageId }, Date.now());
    return { alsoWritten: false };
  }
}
