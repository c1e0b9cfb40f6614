/**
 * DocuSign's eSignature REST API v2.1 through the official `docusign-esign` client, authenticated
 * by JWT grant (`requestJWTUserToken`, the company's RSA key) with the access token cached until
 * shortly before it expires. Only functions/events/docusign-envelopes.ts bundles this.
 *
 * The envelope calls go through `ApiClient.callApi` with the arguments the client's EnvelopesApi
 * passes for the same operations (src/api/EnvelopesApi.js in docusign-esign 8.x), so the requests
 * are the ones it sends; EnvelopesApi itself requires 265 model classes (1.2 MB bundled) whose only
 * job is to copy the response into class instances, which we read as plain JSON.
 */
import ApiClient from 'docusign-esign/src/ApiClient';
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
  const { accountId } = account;
  const envelopes = envelopesOf(apiClient);

  return {
    async createEnvelope(definition) {
      const summary = (await envelopes('POST', '/v2.1/accounts/{accountId}/envelopes', { accountId }, {}, definition)) as { envelopeId?: string };
      if (!summary.envelopeId) throw new Error('DocuSign created no envelope id');
      return summary.envelopeId;
    },
    async findEnvelope(requestKey, sentSince) {
      const found = (await envelopes('GET', '/v2.1/accounts/{accountId}/envelopes', { accountId }, { custom_field: `${requestFieldName}=${requestKey}`, from_date: sentSince })) as EnvelopeList;
      return found.envelopes?.find((envelope) => envelope.envelopeId)?.envelopeId;
    },
    async getReport(envelopeId) {
      return reportOf((await envelopes('GET', '/v2.1/accounts/{accountId}/envelopes/{envelopeId}', { accountId, envelopeId }, { include: 'recipients' })) as EnvelopeLike, now());
    },
    async getDocument(envelopeId, documentId) {
      const path = '/v2.1/accounts/{accountId}/envelopes/{envelopeId}/documents/{documentId}';
      return Buffer.from((await envelopes('GET', path, { accountId, envelopeId, documentId }, {}, null, 'application/pdf')) as Buffer);
    },
    async voidEnvelope(envelopeId, reason) {
      await envelopes('PUT', '/v2.1/accounts/{accountId}/envelopes/{envelopeId}', { accountId, envelopeId }, {}, { status: 'voided', voidedReason: reason });
    },
    async resend(envelopeId, signer) {
      await envelopes('PUT', '/v2.1/accounts/{accountId}/envelopes/{envelopeId}/recipients', { accountId, envelopeId }, { resend_envelope: 'true' }, { signers: [signer] });
    },
    async statusChanges(envelopeIds, fromDate) {
      if (envelopeIds.length === 0) return [];
      const query = { envelope_ids: envelopeIds.join(','), from_date: fromDate, include: 'recipients' };
      const changed = (await envelopes('GET', '/v2.1/accounts/{accountId}/envelopes', { accountId }, query)) as EnvelopeList;
      return (changed.envelopes ?? []).flatMap((envelope) => (envelope.envelopeId ? [{ envelopeId: envelope.envelopeId, report: reportOf(envelope, now()) }] : []));
    },
  };
}

type EnvelopeList = { envelopes?: Array<EnvelopeLike & { envelopeId?: string }> };

/**
 * One envelope operation, called as EnvelopesApi calls it: the path template and its parameters, the
 * query (DocuSign's snake_case names, in EnvelopesApi's order), the JSON body (`null` for none), the
 * `docusignAccessCode` auth name, no declared content type (callApi sends application/json) and one
 * accepted type. The answer is the response's JSON as is (`Object` return type), or a PDF's bytes.
 */
function envelopesOf(apiClient: ApiClient) {
  return (
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    pathParams: Record<string, string>,
    queryParams: Record<string, string>,
    body: object | null = null,
    accept: 'application/json' | 'application/pdf' = 'application/json',
  ): Promise<unknown> => apiClient.callApi(path, method, pathParams, queryParams, {}, {}, body, ['docusignAccessCode'], [], [accept], Object);
}
