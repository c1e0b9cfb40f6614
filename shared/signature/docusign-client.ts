/**
 * DocuSign's eSignature REST API v2.1 through the official `docusign-esign` client, authenticated
 * by JWT grant (`requestJWTUserToken`, the company's RSA key) with the access token cached until
 * shortly before it expires. Only functions/events/docusign-envelopes.ts bundles this.
 */
import ApiClient from 'docusign-esign/src/ApiClient';
import EnvelopesApi from 'docusign-esign/src/api/EnvelopesApi';
import type { ProviderReport } from '../domain/signatures';
import { requestFieldName, type DocusignAccount, type EnvelopeDefinition } from './docusign';

/** What JWT grant asks for: sending envelopes, as the consenting user. */
const scopes = ['signature', 'impersonation'];
/** DocuSign grants at most an hour; a token is used until a minute before it ends. */
const tokenSeconds = 3600;
const renewBeforeMs = 60_000;

const tokens = new Map<string, { accessToken: string; expiresAt: number }>();

/** Forgets cached tokens (tests, or a revoked consent). */
export const forgetDocusignTokens = () => tokens.clear();

export interface DocusignClient {
  createEnvelope(definition: EnvelopeDefinition): Promise<string>;
  /** The envelope a request already made (found by its custom field), for a retried send. */
  findEnvelope(requestKey: string, sentSince: string): Promise<string | undefined>;
  getReport(envelopeId: string): Promise<ProviderReport>;
  getDocument(envelopeId: string, documentId: 'combined' | 'certificate'): Promise<Buffer>;
  voidEnvelope(envelopeId: string, reason: string): Promise<void>;
  resend(envelopeId: string, signer: { recipientId: string; name: string; email: string }): Promise<void>;
  /** Envelopes of the account whose status changed since `fromDate`, among `envelopeIds`. */
  statusChanges(envelopeIds: string[], fromDate: string): Promise<Array<{ envelopeId: string; report: ProviderReport }>>;
}

type EnvelopeLike = Record<string, unknown> & { status?: string; statusChangedDateTime?: string; voidedReason?: string; recipients?: { signers?: Array<Record<string, string | undefined>> } };

function reportOf(envelope: EnvelopeLike, now: Date): ProviderReport {
  return {
    envelopeStatus: envelope.status ?? 'sent',
    at: envelope.statusChangedDateTime ?? now.toISOString(),
    ...(envelope.voidedReason ? { voidedReason: envelope.voidedReason } : {}),
    signers: (envelope.recipients?.signers ?? []).map((signer) => ({
      recipientId: signer.recipientId ?? '',
      status: signer.status ?? 'created',
      ...(signer.deliveredDateTime ? { deliveredAt: signer.deliveredDateTime } : {}),
      ...(signer.signedDateTime ? { signedAt: signer.signedDateTime } : {}),
      ...(signer.declinedDateTime ? { declinedAt: signer.declinedDateTime } : {}),
      ...(signer.declinedReason ? { declinedReason: signer.declinedReason } : {}),
    })),
  };
}

export async function docusignClient(account: DocusignAccount, privateKeyPem: string, now = () => new Date()): Promise<DocusignClient> {
  const apiClient = new ApiClient({ basePath: account.basePath, oAuthBasePath: account.oauthBasePath });
  apiClient.setBasePath(account.basePath);
  // setBasePath guesses the OAuth host from the REST host; the account names it.
  apiClient.setOAuthBasePath(account.oauthBasePath);
  const cacheKey = `${account.oauthBasePath}|${account.integrationKey}|${account.userId}`;
  let token = tokens.get(cacheKey);
  if (!token || token.expiresAt - renewBeforeMs <= Date.now()) {
    const { body } = await apiClient.requestJWTUserToken(account.integrationKey, account.userId, scopes, Buffer.from(privateKeyPem), tokenSeconds);
    token = { accessToken: body.access_token, expiresAt: Date.now() + Number(body.expires_in ?? tokenSeconds) * 1000 };
    tokens.set(cacheKey, token);
  }
  apiClient.addDefaultHeader('Authorization', `Bearer ${token.accessToken}`);
  const envelopes = new EnvelopesApi(apiClient);
  const { accountId } = account;

  return {
    async createEnvelope(definition) {
      const summary = await envelopes.createEnvelope(accountId, { envelopeDefinition: definition });
      if (!summary.envelopeId) throw new Error('DocuSign created no envelope id');
      return summary.envelopeId;
    },
    async findEnvelope(requestKey, sentSince) {
      const found = await envelopes.listStatusChanges(accountId, { fromDate: sentSince, customField: `${requestFieldName}=${requestKey}` });
      return found.envelopes?.find((envelope) => envelope.envelopeId)?.envelopeId;
    },
    async getReport(envelopeId) {
      return reportOf(await envelopes.getEnvelope(accountId, envelopeId, { include: 'recipients' }), now());
    },
    async getDocument(envelopeId, documentId) {
      return Buffer.from(await envelopes.getDocument(accountId, envelopeId, documentId, {}));
    },
    async voidEnvelope(envelopeId, reason) {
      await envelopes.update(accountId, envelopeId, { envelope: { status: 'voided', voidedReason: reason } });
    },
    async resend(envelopeId, signer) {
      await envelopes.updateRecipients(accountId, envelopeId, { recipients: { signers: [signer] }, resendEnvelope: 'true' });
    },
    async statusChanges(envelopeIds, fromDate) {
      if (envelopeIds.length === 0) return [];
      const changed = await envelopes.listStatusChanges(accountId, { envelopeIds: envelopeIds.join(','), fromDate, include: 'recipients' });
      return (changed.envelopes ?? []).flatMap((envelope) => (envelope.envelopeId ? [{ envelopeId: envelope.envelopeId, report: reportOf(envelope as EnvelopeLike, now()) }] : []));
    },
  };
}
