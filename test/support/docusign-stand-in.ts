import { createHmac, createPublicKey, createVerify, randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A local stand-in for DocuSign's side of the eSignature REST API v2.1 and its OAuth JWT grant,
 * as far as the adapter calls them: POST /oauth/token, POST …/envelopes, GET …/envelopes/{id}
 * (?include=recipients), GET …/envelopes (listStatusChanges), GET …/envelopes/{id}/documents/{combined|certificate},
 * PUT …/envelopes/{id} (void) and PUT …/envelopes/{id}/recipients?resend_envelope=true. Every
 * request is recorded as received so tests can hold it to DocuSign's documented shapes.
 * HTTPS (the client always calls https://<oauth host>): a throwaway certificate the test trusts.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** JSON bodies parsed; form bodies as fields; none for GETs. */
  body: unknown;
}

interface StandInSigner {
  recipientId: string;
  routingOrder: string;
  name: string;
  email: string;
  status: string;
  signedDateTime?: string;
  deliveredDateTime?: string;
}

export interface StandInEnvelope {
  envelopeId: string;
  status: string;
  statusChangedDateTime: string;
  definition: Record<string, unknown> & { documents: Array<{ documentBase64: string }>; customFields?: { textCustomFields?: Array<{ name: string; value: string }> } };
  signers: StandInSigner[];
  voidedReason?: string;
}

export interface DocusignStandIn {
  /** The account's REST base path, as DocuSign's userinfo names it (…/restapi). */
  basePath: string;
  /** The OAuth host (no scheme), as the client takes it. */
  oauthBasePath: string;
  /** The stand-in's certificate: trust it for the client's TLS. */
  ca: string;
  requests: RecordedRequest[];
  envelopes: Map<string, StandInEnvelope>;
  /** The certificate of completion the stand-in serves (a stand-in PDF). */
  certificatePdf: Buffer;
  /** Any request from now on answers `status` (a DocuSign outage). */
  failWith(status: number | undefined): void;
  stop(): Promise<void>;
}

const certificatePdf = Buffer.from('%PDF-1.4\n% stand-in certificate of completion\n%%EOF\n');

function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'docusign-stand-in-'));
  const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
  const run = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`openssl failed: ${run.stderr}`);
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

/** Verifies an RS256 JWT with `publicKeyPem` and answers its claims (or throws). */
export function verifiedJwtClaims(assertion: string, publicKeyPem: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header, payload, signature] = assertion.split('.');
  if (!header || !payload || !signature) throw new Error('not a JWT');
  const valid = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(createPublicKey(publicKeyPem), Buffer.from(signature, 'base64url'));
  if (!valid) throw new Error('bad JWT signature');
  return { header: JSON.parse(Buffer.from(header, 'base64url').toString()), claims: JSON.parse(Buffer.from(payload, 'base64url').toString()) };
}

export async function startDocusignStandIn(options: { accountId: string; publicKeyPem: string }): Promise<DocusignStandIn> {
  const tls = selfSignedCertificate();
  const requests: RecordedRequest[] = [];
  const envelopes = new Map<string, StandInEnvelope>();
  let failing: number | undefined;
  const accountPath = `/restapi/v2.1/accounts/${options.accountId}`;

  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://stand-in');
      const raw = Buffer.concat(chunks).toString('utf8');
      const contentType = String(req.headers['content-type'] ?? '');
      const body = raw === '' ? undefined : contentType.includes('x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(raw)) : JSON.parse(raw);
      requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body });
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const error = (status: number, errorCode: string, message: string) => json(status, { errorCode, message });
      if (failing) return error(failing, 'SERVICE_UNAVAILABLE', 'The stand-in is failing on purpose.');
      const now = new Date().toISOString();

      if (req.method === 'POST' && url.pathname === '/oauth/token') {
        const form = body as Record<string, string>;
        if (form.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return json(400, { error: 'unsupported_grant_type' });
        try {
          verifiedJwtClaims(form.assertion ?? '', options.publicKeyPem);
        } catch {
          return json(400, { error: 'invalid_grant' });
        }
        return json(200, { access_token: `stand-in-${randomUUID()}`, token_type: 'Bearer', expires_in: 3600 });
      }
      if (!url.pathname.startsWith(accountPath)) return error(404, 'RESOURCE_NOT_FOUND', 'No such path.');
      if (!/^Bearer stand-in-/.test(String(req.headers.authorization ?? ''))) return error(401, 'USER_AUTHENTICATION_FAILED', 'No access token.');
      const rest = url.pathname.slice(accountPath.length);

      if (req.method === 'POST' && rest === '/envelopes') {
        const definition = body as StandInEnvelope['definition'] & { recipients: { signers: Array<Record<string, string>> }; status: string };
        const envelopeId = randomUUID();
        const signers = definition.recipients.signers.map((signer) => ({
          recipientId: signer.recipientId!,
          routingOrder: signer.routingOrder!,
          name: signer.name!,
          email: signer.email!,
          status: signer.routingOrder === '1' ? 'sent' : 'created',
        }));
        envelopes.set(envelopeId, { envelopeId, status: definition.status, statusChangedDateTime: now, definition, signers });
        return json(201, { envelopeId, uri: `/envelopes/${envelopeId}`, statusDateTime: now, status: definition.status });
      }
      if (req.method === 'GET' && rest === '/envelopes') {
        const ids = url.searchParams.get('envelope_ids')?.split(',');
        const [field, value] = (url.searchParams.get('custom_field') ?? '').split('=');
        const found = [...envelopes.values()].filter(
          (e) => (!ids || ids.includes(e.envelopeId)) && (!field || e.definition.customFields?.textCustomFields?.some((f) => f.name === field && f.value === value)),
        );
        return json(200, { resultSetSize: String(found.length), totalSetSize: String(found.length), envelopes: found.map((e) => envelopeOf(e, url.searchParams.get('include') === 'recipients')) });
      }
      const match = /^\/envelopes\/([^/]+)(\/.*)?$/.exec(rest);
      const envelope = match && envelopes.get(match[1]!);
      if (!envelope) return error(404, 'ENVELOPE_DOES_NOT_EXIST', 'The envelope does not exist.');
      const sub = match[2] ?? '';
      if (req.method === 'GET' && sub === '') return json(200, envelopeOf(envelope, url.searchParams.get('include') === 'recipients'));
      if (req.method === 'GET' && /^\/documents\/(combined|certificate|1)$/.test(sub)) {
        const documentId = sub.split('/')[2];
        if (documentId === 'combined' && envelope.status !== 'completed') return error(400, 'ENVELOPE_NOT_COMPLETE', 'Not completed.');
        res.writeHead(200, { 'content-type': 'application/pdf' });
        return res.end(documentId === 'certificate' ? certificatePdf : combinedPdf(envelope));
      }
      if (req.method === 'PUT' && sub === '') {
        const update = body as { status?: string; voidedReason?: string };
        if (update.status === 'voided') {
          if (!['sent', 'delivered', 'created'].includes(envelope.status)) return error(400, 'ENVELOPE_CANNOT_VOID_INVALID_STATE', 'Only an envelope in progress can be voided.');
          if (!update.voidedReason) return error(400, 'INVALID_REQUEST_PARAMETER', 'voidedReason is required.');
          Object.assign(envelope, { status: 'voided', voidedReason: update.voidedReason, statusChangedDateTime: now });
        }
        return json(200, { envelopeId: envelope.envelopeId });
      }
      if (req.method === 'PUT' && sub === '/recipients') {
        const { signers = [] } = body as { signers?: Array<{ recipientId: string }> };
        return json(200, { recipientUpdateResults: signers.map((s) => ({ recipientId: s.recipientId, errorDetails: { errorCode: 'SUCCESS', message: '' } })) });
      }
      return error(404, 'RESOURCE_NOT_FOUND', 'No such path.');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    basePath: `https://127.0.0.1:${port}/restapi`,
    oauthBasePath: `127.0.0.1:${port}`,
    ca: tls.cert,
    requests,
    envelopes,
    certificatePdf,
    failWith: (status) => {
      failing = status;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The combined document of a completed envelope: here, the PDF sent with a marker appended (DocuSign's would carry its signatures). */
export const combinedPdf = (envelope: StandInEnvelope) => Buffer.concat([Buffer.from(envelope.definition.documents[0]!.documentBase64, 'base64'), Buffer.from(`\n% signed at the stand-in: ${envelope.envelopeId}\n`)]);

function envelopeOf(envelope: StandInEnvelope, withRecipients: boolean) {
  return {
    envelopeId: envelope.envelopeId,
    status: envelope.status,
    statusChangedDateTime: envelope.statusChangedDateTime,
    ...(envelope.voidedReason ? { voidedReason: envelope.voidedReason } : {}),
    ...(withRecipients ? { recipients: { signers: envelope.signers } } : {}),
  };
}

/**
 * A Connect message as DocuSign posts it in the JSON SIM format (Connect 2.0, `restv2.1` event
 * data with the envelope summary and its recipients), for `event` on `envelope`.
 */
export function connectPayload(envelope: StandInEnvelope, event: string, accountId: string, recipientId?: string): string {
  return JSON.stringify({
    event,
    apiVersion: 'v2.1',
    uri: `/restapi/v2.1/accounts/${accountId}/envelopes/${envelope.envelopeId}`,
    retryCount: 0,
    configurationId: 10_553_212,
    generatedDateTime: new Date().toISOString(),
    data: {
      accountId,
      userId: '9b2c3d4e-0000-4f5a-8b9c-1d2e3f4a5b6c',
      envelopeId: envelope.envelopeId,
      ...(recipientId ? { recipientId } : {}),
      envelopeSummary: {
        status: envelope.status,
        emailSubject: envelope.definition.emailSubject,
        envelopeId: envelope.envelopeId,
        statusChangedDateTime: envelope.statusChangedDateTime,
        ...(envelope.status === 'completed' ? { completedDateTime: envelope.statusChangedDateTime } : {}),
        ...(envelope.voidedReason ? { voidedReason: envelope.voidedReason, voidedDateTime: envelope.statusChangedDateTime } : {}),
        recipients: { signers: envelope.signers },
        customFields: envelope.definition.customFields,
      },
    },
  });
}

/** DocuSign's signature of a Connect message under one HMAC key: base64 of HMAC-SHA256 of the raw body. */
export const connectSignature = (body: string, key: string) => createHmac('sha256', key).update(body).digest('base64');

/** Moves the envelope on as DocuSign would when its signers act: every signer signs, it completes. */
export function completeEnvelope(envelope: StandInEnvelope): void {
  const at = new Date().toISOString();
  envelope.signers = envelope.signers.map((signer) => ({ ...signer, status: 'completed', deliveredDateTime: at, signedDateTime: at }));
  Object.assign(envelope, { status: 'completed', statusChangedDateTime: at });
}
