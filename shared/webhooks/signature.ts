import { createHmac, randomBytes } from 'node:crypto';

/** A new endpoint secret as Standard Webhooks writes it: `whsec_` and the base64 of 32 random bytes. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * The `webhook-signature` header value (Standard Webhooks, v1): HMAC-SHA256 over
 * `<webhook-id>.<webhook-timestamp>.<body>` keyed by each secret, space-separated, so a receiver
 * holding either the current or the previous secret (during a rotation's overlap) verifies it.
 */
export function webhookSignature(secrets: readonly string[], webhookId: string, timestampSeconds: number, body: string): string {
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
      return `v1,${createHmac('sha256', key).update(`${webhookId}.${timestampSeconds}.${body}`).digest('base64')}`;
    })
    .join(' ');
}
