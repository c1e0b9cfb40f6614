import type { EventBridgeEvent } from 'aws-lambda';
import { SendEmailCommand, type Attachment } from '@aws-sdk/client-sesv2';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { emailRequested, type EmailRequested } from '../../events/contracts';
import { s3Client, sesClient } from '../../shared/aws/clients';
import { config } from '../../shared/config';
import { logger } from '../../shared/logger';
import { claimSend, recordOutcome } from '../../shared/email/deliveries';

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

export const handler = async (event: EventBridgeEvent<'email.requested', unknown>) => {
  const parsed = emailRequested.safeParse(event.detail);
  if (!parsed.success) {
    // A malformed event can never succeed; log it whole so it can be replayed once fixed.
    logger.error('invalid email.requested event', { eventId: event.id, issues: parsed.error.issues });
    return { status: 'invalid' as const };
  }
  const email = parsed.data;
  logger.appendKeys({ emailId: email.emailId });

  const claim = await claimSend(email.emailId, email, Date.now());
  if (claim === 'already-sent' || claim === 'rejected') {
    logger.info('email not sent again', { claim });
    return { status: claim };
  }
  if (claim === 'in-flight') throw new TransientEmailError(`email ${email.emailId} is being sent by another attempt`);

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
            Attachments: email.attachments ? await loadAttachments(email.attachments) : undefined,
          },
        },
        EmailTags: [{ Name: 'emailId', Value: email.emailId.replace(/[^\w-]/g, '_').slice(0, 256) }],
      }),
    );
    await recordOutcome(email.emailId, { status: 'sent', messageId: MessageId ?? 'unknown' }, Date.now());
    logger.info('email sent', { messageId: MessageId, to: email.to.length });
    return { status: 'sent' as const, messageId: MessageId };
  } catch (error) {
    const name = (error as Error).name;
    if (permanentSesErrors.has(name)) {
      await recordOutcome(email.emailId, { status: 'rejected', error: `${name}: ${(error as Error).message}` }, Date.now());
      logger.error('email rejected by SES', { error: error as Error });
      return { status: 'rejected' as const };
    }
    await recordOutcome(email.emailId, { status: 'retrying', error: `${name}: ${(error as Error).message}` }, Date.now());
    throw new TransientEmailError(`sending ${email.emailId} failed: ${name}`, { cause: error });
  }
};

async function loadAttachments(attachments: NonNullable<EmailRequested['attachments']>): Promise<Attachment[]> {
  return Promise.all(
    attachments.map(async ({ key, filename, contentType }) => {
      const object = await s3Client().send(new GetObjectCommand({ Bucket: config.bucketName, Key: key }));
      return {
        FileName: filename,
        ContentType: contentType,
        RawContent: await object.Body!.transformToByteArray(),
        ContentDisposition: 'ATTACHMENT',
      } satisfies Attachment;
    }),
  );
}
