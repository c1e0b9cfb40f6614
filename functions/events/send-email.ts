import type { EventBridgeEvent } from 'aws-lambda';
import type { Attachment } from '@aws-sdk/client-sesv2';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { emailRequested, type EmailRequested } from '../../events/contracts';
import { s3Client } from '../../shared/aws/s3';
import { config } from '../../shared/config';
import { logger } from '../../shared/logger';
import { sendOnce, TransientEmailError } from '../../shared/email/send';

export { TransientEmailError };

export const handler = async (event: EventBridgeEvent<'email.requested', unknown>) => {
  const parsed = emailRequested.safeParse(event.detail);
  if (!parsed.success) {
    // A malformed event can never succeed; log it whole so it can be replayed once fixed.
    logger.error('invalid email.requested event', { eventId: event.id, issues: parsed.error.issues });
    return { status: 'invalid' as const };
  }
  const { attachments, ...email } = parsed.data;
  logger.appendKeys({ emailId: email.emailId });

  const outcome = await sendOnce({ ...email, attachments: attachments ? () => loadAttachments(attachments) : undefined });
  switch (outcome.status) {
    case 'sent':
      return { status: 'sent' as const, messageId: outcome.messageId };
    case 'already-sent':
      logger.info('email not sent again', { claim: outcome.status });
      return { status: outcome.status };
    case 'rejected':
      // sendOnce logged a rejection it received now; an earlier one is simply not retried.
      return { status: outcome.status };
    case 'in-flight':
      throw new TransientEmailError(`email ${email.emailId} is being sent by another attempt`);
    case 'retrying':
      throw new TransientEmailError(`sending ${email.emailId} failed: ${outcome.error}`, { cause: outcome.cause });
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
