import { createHash, randomBytes } from 'node:crypto';
import { ttlAttribute } from '../db/keys';
import { signatureRequestEmail } from '../email/signatures';
import type { InvitationInput, SignatureProviderPort } from './provider';

/** Links expire with the request; their records are kept a month longer, then DynamoDB removes them. */
const keepLinkSeconds = 30 * 24 * 60 * 60;

/** The key a token is stored under: its SHA-256, so the table never holds a usable link. */
export const tokenHashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

export const signingPageUrl = (baseUrl: string, token: string) => `${baseUrl.replace(/\/+$/, '')}/v1/signing/${token}`;

/**
 * The built-in signer: the signer gets an email with a one-time link (a random 256-bit token,
 * stored hashed) to the signing page the API serves.
 */
export const builtinSigner: SignatureProviderPort = {
  provider: 'builtin',
  invite(input: InvitationInput) {
    const token = randomBytes(32).toString('base64url');
    const link = {
      tokenHash: tokenHashOf(token),
      projectId: input.projectId,
      invoiceId: input.invoiceId,
      signerUserId: input.signer.userId,
      requestSentAt: input.requestSentAt,
      expiresAt: input.expiresAt,
      [ttlAttribute]: Math.floor(Date.parse(input.expiresAt) / 1000) + keepLinkSeconds,
    };
    const email = signatureRequestEmail({ ...input, link: signingPageUrl(input.signingBaseUrl, token) });
    return { email, link };
  },
};
