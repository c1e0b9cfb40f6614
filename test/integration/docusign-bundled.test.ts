import { generateKeyPairSync } from 'node:crypto';
import https from 'node:https';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployedEsbuildOptions } from '../../infra/aws/bundling';
import { functions } from '../../shared/wiring/functions';
import { requestFieldName, type DocusignAccount, type EnvelopeDefinition } from '../../shared/signature/docusign';
import type { DocusignClient, docusignClient as DocusignClientFactory } from '../../shared/signature/docusign-client';
import { completeEnvelope, startDocusignStandIn, type DocusignStandIn, type RecordedRequest } from '../support/docusign-stand-in';

/**
 * The DocuSign client as deployed: bundled with the aliases of infra/aws/bundling.ts (form-data
 * replaced by infra/aws/form-data-refused.ts), without the client's EnvelopesApi. Every call it
 * makes runs against the stand-in, and each request is held to the one the official EnvelopesApi
 * sends for the same operation (called unbundled, from node_modules): same method, path, query
 * (names and order), headers and JSON body.
 */

const root = path.resolve(import.meta.dirname, '../..');
const outdir = path.join(root, 'cdk.out', 'docusign-bundle-test');

const accountId = 'a1b2c3d4-1111-4e5f-8a9b-0c1d2e3f4a5b';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const savedCa = https.globalAgent.options.ca;
let standIn: DocusignStandIn;
let account: DocusignAccount;

async function bundle(name: string, entry: string): Promise<{ file: string; inputs: string[] }> {
  const file = path.join(outdir, `${name}.mjs`);
  const result = await build({ ...deployedEsbuildOptions, entryPoints: [path.join(root, entry)], outfile: file, write: true, metafile: true });
  const output = Object.values(result.metafile.outputs)[0] as Metafile['outputs'][string];
  return { file, inputs: Object.keys(output.inputs) };
}

beforeAll(async () => {
  standIn = await startDocusignStandIn({ accountId, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  https.globalAgent.options.ca = standIn.ca;
  account = { accountId, basePath: standIn.basePath, oauthBasePath: standIn.oauthBasePath, integrationKey: 'b2c3d4e5-2222-4f6a-9b0c-1d2e3f4a5b6c', userId: 'c3d4e5f6-3333-4a7b-8c9d-2e3f4a5b6c7d' };
}, 60_000);

afterAll(async () => {
  https.globalAgent.options.ca = savedCa;
  await standIn?.stop();
});

const definition = {
  emailSubject: 'Please sign: INV-1',
  status: 'sent',
  documents: [{ documentId: '1', name: 'INV-1.pdf', fileExtension: 'pdf', documentBase64: Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64') }],
  recipients: { signers: [{ recipientId: '1', routingOrder: '1', name: 'Ella Reid', email: 'ella@example.com', tabs: { signHereTabs: [{ anchorString: 'Signature (Contractor)' }] } }] },
  customFields: { textCustomFields: [{ name: requestFieldName, value: 'invoice-1@2027-02-01T00:00:00.000Z', show: 'false', required: 'false' }] },
} as unknown as EnvelopeDefinition;
const requestKey = 'invoice-1@2027-02-01T00:00:00.000Z';
const since = '2027-01-01T00:00:00.000Z';
const signer = { recipientId: '1', name: 'Ella Reid', email: 'ella@example.com' };

/** The operations the consumer makes, in an order the stand-in accepts (void while in progress, the combined PDF once completed). */
interface Operations {
  create(): Promise<string>;
  find(): Promise<unknown>;
  report(envelopeId: string): Promise<unknown>;
  changes(envelopeId: string): Promise<unknown>;
  resend(envelopeId: string): Promise<unknown>;
  document(envelopeId: string, documentId: 'combined' | 'certificate'): Promise<Buffer>;
  void(envelopeId: string): Promise<unknown>;
}

/** Runs every operation; answers the envelope requests as received, the envelope id and token made neutral, and the PDFs. */
async function run(operations: Operations) {
  const from = standIn.requests.length;
  const envelopeId = await operations.create();
  await operations.find();
  await operations.report(envelopeId);
  await operations.changes(envelopeId);
  await operations.resend(envelopeId);
  const certificate = await operations.document(envelopeId, 'certificate');
  await operations.void(envelopeId);
  completeEnvelope(standIn.envelopes.get(envelopeId)!);
  const combined = await operations.document(envelopeId, 'combined');
  const requests = standIn.requests.slice(from).filter((r) => r.path !== '/oauth/token');
  // Entries and JSON text, so the order of query names, headers and body fields is compared too.
  const neutral = ({ method, path, query, headers, body }: RecordedRequest) =>
    JSON.parse(
      JSON.stringify({ method, path, query: Object.entries(query), headers: Object.entries({ ...headers, authorization: 'Bearer …' }), body: JSON.stringify(body) }).replaceAll(envelopeId, '{envelopeId}'),
    ) as { method: string; path: string };
  return { requests: requests.map(neutral), certificate, combined: combined.toString().replaceAll(envelopeId, '{envelopeId}') };
}

describe('the DocuSign client, bundled as deployed', () => {
  it('leaves out EnvelopesApi, its models and form-data, and the bundled consumer loads', async () => {
    const client = await bundle('docusign-client', 'shared/signature/docusign-client.ts');
    expect(client.inputs.filter((input) => /docusign-esign\/src\/(api|model)\/|node_modules\/form-data\//.test(input))).toEqual([]);
    expect(client.inputs).toContain('infra/aws/form-data-refused.ts');
    const consumer = await bundle('docusignEnvelopes', functions.docusignEnvelopes.entry);
    const loaded = (await import(consumer.file)) as { handler?: unknown };
    expect(typeof loaded.handler).toBe('function');
  }, 60_000);

  it('makes every call it is used for, each request the one EnvelopesApi sends', async () => {
    const { docusignClient } = (await import((await bundle('docusign-client', 'shared/signature/docusign-client.ts')).file)) as { docusignClient: typeof DocusignClientFactory };
    const client: DocusignClient = await docusignClient(account, privateKeyPem);
    const ours = await run({
      create: () => client.createEnvelope(definition),
      find: () => client.findEnvelope(requestKey, since),
      report: (id) => client.getReport(id),
      changes: (id) => client.statusChanges([id], since),
      resend: (id) => client.resend(id, signer),
      document: (id, documentId) => client.getDocument(id, documentId),
      void: (id) => client.voidEnvelope(id, 'Wrong retention'),
    });

    // The official client, whole: ApiClient with EnvelopesApi, as the consumer used it before.
    const load = createRequire(import.meta.url);
    const ApiClient = load('docusign-esign/src/ApiClient');
    const EnvelopesApi = load('docusign-esign/src/api/EnvelopesApi');
    const apiClient = new ApiClient({ basePath: account.basePath, oAuthBasePath: account.oauthBasePath });
    apiClient.setOAuthBasePath(account.oauthBasePath);
    const { body } = await apiClient.requestJWTUserToken(account.integrationKey, account.userId, ['signature', 'impersonation'], Buffer.from(privateKeyPem), 3600);
    apiClient.addDefaultHeader('Authorization', `Bearer ${body.access_token}`);
    const envelopes = new EnvelopesApi(apiClient);
    const official = await run({
      create: async () => (await envelopes.createEnvelope(accountId, { envelopeDefinition: definition })).envelopeId,
      find: () => envelopes.listStatusChanges(accountId, { fromDate: since, customField: `${requestFieldName}=${requestKey}` }),
      report: (id) => envelopes.getEnvelope(accountId, id, { include: 'recipients' }),
      changes: (id) => envelopes.listStatusChanges(accountId, { envelopeIds: id, fromDate: since, include: 'recipients' }),
      resend: (id) => envelopes.updateRecipients(accountId, id, { recipients: { signers: [signer] }, resendEnvelope: 'true' }),
      document: async (id, documentId) => Buffer.from(await envelopes.getDocument(accountId, id, documentId, {})),
      void: (id) => envelopes.update(accountId, id, { envelope: { status: 'voided', voidedReason: 'Wrong retention' } }),
    });

    expect(ours.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /restapi/v2.1/accounts/${accountId}/envelopes`,
      `GET /restapi/v2.1/accounts/${accountId}/envelopes`,
      `GET /restapi/v2.1/accounts/${accountId}/envelopes/{envelopeId}`,
      `GET /restapi/v2.1/accounts/${accountId}/envelopes`,
      `PUT /restapi/v2.1/accounts/${accountId}/envelopes/{envelopeId}/recipients`,
      `GET /restapi/v2.1/accounts/${accountId}/envelopes/{envelopeId}/documents/certificate`,
      `PUT /restapi/v2.1/accounts/${accountId}/envelopes/{envelopeId}`,
      `GET /restapi/v2.1/accounts/${accountId}/envelopes/{envelopeId}/documents/combined`,
    ]);
    expect(ours.requests).toEqual(official.requests);
    expect(ours.certificate.equals(standIn.certificatePdf)).toBe(true);
    expect(ours.combined).toBe(official.combined);
  }, 60_000);

  it('refuses a multipart body with a clear error: form-data is not in the bundle', async () => {
    const outfile = path.join(outdir, 'axios-multipart.mjs');
    await build({ ...deployedEsbuildOptions, stdin: { contents: "import axios from 'axios'; export const multipart = () => axios.toFormData({ file: 'x' });", resolveDir: root, loader: 'ts' }, outfile, write: true });
    const { multipart } = (await import(outfile)) as { multipart: () => unknown };
    expect(multipart).toThrow(/multipart\/form-data is not bundled/);
  }, 60_000);
});
