import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { handler, TransientEmailError } from '../../functions/events/send-email';
import { s3Client } from '../../shared/aws/s3';
import { db } from '../../shared/db/service';
import type { EmailRequested } from '../../events/contracts';
import { deliveredEvent } from '../support/event-recorder';
import { sentEmails } from '../support/mailbox';

const emailEvent = (detail: unknown) => deliveredEvent('email.requested', detail);

function email(overrides: Partial<EmailRequested> = {}): EmailRequested {
  const emailId = `test-${randomUUID()}`;
  return {
    emailId,
    to: ['ella@harbour-electrical.example'],
    subject: `Harbour Tower: Priya Patel has invited you to bill. (${emailId})`,
    html: '<p>Please bill for January.</p>',
    text: 'Please bill for January.',
    ...overrides,
  };
}

describe('send-email (email.requested → SES v2)', () => {
  afterEach(() => {
    // aws-sdk-client-mock patches the shared client's prototype; undo it between tests.
    mockClient(SESv2Client).restore();
  });

  it('sends the email through SES with html, text and attachments, and records it as sent', async () => {
    const key = `test/${randomUUID()}.pdf`;
    await s3Client().send(new PutObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: key, Body: '%PDF-1.7 fake', ContentType: 'application/pdf' }));
    const detail = email({ attachments: [{ key, filename: 'claim-7.pdf', contentType: 'application/pdf' }] });

    await expect(handler(emailEvent(detail))).resolves.toMatchObject({ status: 'sent' });

    const sent = await sentEmails(detail.subject);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.destination.to).toEqual(['ella@harbour-electrical.example']);
    expect(sent[0]!.from).toBe(process.env.EMAIL_FROM);
    expect(sent[0]!.body.text).toContain('Please bill for January.');
    expect(sent[0]!.body.html).toContain('<p>Please bill for January.</p>');
    expect(sent[0]!.attachments.map((a) => a.filename)).toEqual(['claim-7.pdf']);
    const { data } = await db().EmailDelivery.get({ emailId: detail.emailId }).go();
    expect(data).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('sends once when the same event is delivered again', async () => {
    const detail = email();
    await handler(emailEvent(detail));
    await expect(handler(emailEvent(detail))).resolves.toEqual({ status: 'already-sent' });
    expect(await sentEmails(detail.subject)).toHaveLength(1);
  });

  it('sends once when two deliveries of the same event race', async () => {
    const detail = email();
    const results = await Promise.allSettled([handler(emailEvent(detail)), handler(emailEvent(detail))]);
    expect(await sentEmails(detail.subject)).toHaveLength(1);
    // The loser either saw it sent, or was told to retry later (and then sees it sent).
    const loser = results.find((r) => r.status === 'rejected' || (r.value as { status: string }).status !== 'sent');
    expect(loser).toBeDefined();
    await expect(handler(emailEvent(detail))).resolves.toEqual({ status: 'already-sent' });
  });

  it('ignores an invalid event without throwing (it could never succeed)', async () => {
    const event = emailEvent({ ...email(), to: ['not-an-address'] });
    await expect(handler(event)).resolves.toEqual({ status: 'invalid' });
  });

  it('records a throttled send as retrying and throws so Lambda retries; the retry sends it', async () => {
    const detail = email();
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' }));
    await expect(handler(emailEvent(detail))).rejects.toBeInstanceOf(TransientEmailError);
    const { data } = await db().EmailDelivery.get({ emailId: detail.emailId }).go();
    expect(data).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(data?.lastError).toContain('TooManyRequestsException');

    ses.restore();
    await expect(handler(emailEvent(detail))).resolves.toMatchObject({ status: 'sent' });
    expect(await sentEmails(detail.subject)).toHaveLength(1);
    const after = await db().EmailDelivery.get({ emailId: detail.emailId }).go();
    expect(after.data).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('marks an email SES rejects for good as rejected and does not retry it', async () => {
    const detail = email();
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }));
    await expect(handler(emailEvent(detail))).resolves.toEqual({ status: 'rejected' });
    await expect(handler(emailEvent(detail))).resolves.toEqual({ status: 'rejected' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    const { data } = await db().EmailDelivery.get({ emailId: detail.emailId }).go();
    expect(data).toMatchObject({ status: 'rejected' });
  });
});
