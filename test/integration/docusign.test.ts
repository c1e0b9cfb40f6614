import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '../../shared/db/service';
import { loadCommitment } from '../../shared/db/commitments';
import { normalizeInvoiceNumber, positionKey } from '../../shared/db/invoices';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import { computeInvoice, type InvoiceContract, type LineEntry } from '../../shared/domain/invoice-figures';
import { fileDocusignSecretStore } from '../../shared/signature/docusign-secrets';
import { forgetDocusignTokens } from '../../shared/signature/docusign-client';
import { handler as docusignEnvelopes } from '../../functions/events/docusign-envelopes';
import { expectFetchedProblem, expectRefusal, expectStatus, type Call, type Json, type TestApi } from '../support/api-client';
import { deliveredEvent, startRecordingBus, type RecordedEvent } from '../support/event-recorder';
import { createBillingPeriod, createCommitment, startFixtureApi, type PermissionFixture, type TestBillingPeriod } from '../support/permission-fixtures';
import { combinedPdf, completeEnvelope, connectPayload, connectSignature, startDocusignStandIn, verifiedJwtClaims, type DocusignStandIn } from '../support/docusign-stand-in';

/**
 * The DocuSign adapter end to end, against a local stand-in for DocuSign's REST API v2.1 and OAuth
 * (test/support/docusign-stand-in.ts): bulk send through the API, the outbox record delivered to
 * the consumer, every request it sends held to DocuSign's documented shapes, Connect messages
 * (JSON SIM) HMAC-checked and applied once, the completed documents stored and served, void and resend.
 */

let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let published: RecordedEvent[];
let stopBus: () => Promise<void>;
let period: TestBillingPeriod;
let standIn: DocusignStandIn;
const accountId = 'a1b2c3d4-1111-4e5f-8a9b-0c1d2e3f4a5b';
const integrationKey = 'b2c3d4e5-2222-4f6a-9b0c-1d2e3f4a5b6c';
const dsUserId = 'c3d4e5f6-3333-4a7b-8c9d-2e3f4a5b6c7d';
const hmacKey = 'connect-key-current';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const savedCa = https.globalAgent.options.ca;

beforeAll(async () => {
  const recording = await startRecordingBus();
  published = recording.published;
  stopBus = () => recording.bus.stop();
  process.env.DOCUSIGN_SECRET_DIR = mkdtempSync(path.join(tmpdir(), 'docusign-secrets-'));
  ({ api, fx, call } = await startFixtureApi());
  standIn = await startDocusignStandIn({ accountId, publicKeyPem });
  // The client reaches the stand-in over TLS with its throwaway certificate.
  https.globalAgent.options.ca = standIn.ca;
  const today = localDate(new Date(), 'Australia/Sydney');
  period = await createBillingPeriod(call, fx, { startDate: addDays(today, -5), endDate: addDays(today, 25), dueDate: addDays(today, 20) });
  await db()
    .Company.patch({ companyId: fx.companyId })
    .set({ signatureProvider: 'docusign', docusign: { accountId, basePath: standIn.basePath, oauthBasePath: standIn.oauthBasePath, integrationKey, userId: dsUserId } })
    .go();
  await fileDocusignSecretStore(process.env.DOCUSIGN_SECRET_DIR).keep(fx.companyId, {
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    connectHmacKeys: ['connect-key-old', hmacKey],
  });
}, 60_000);

afterAll(async () => {
  https.globalAgent.options.ca = savedCa;
  await api?.stop();
  await stopBus?.();
  await standIn?.stop();
});

beforeEach(() => {
  standIn.failWith(undefined);
});

/** `count` approved invoices (positions 1…count) on a fresh commitment whose invoice contacts are the fixture's two. */
async function seedInvoices(count: number) {
  const { Sov, Invoice, InvoiceNumber } = db();
  const of = await createCommitment(call, fx, { title: 'Electrical services' });
  const [stored, sov] = await Promise.all([loadCommitment(fx.projectId, of.commitmentId), Sov.get({ projectId: fx.projectId, commitmentId: of.commitmentId }).go()]);
  const sovLines = sov.data!.lines.map((line) => ({ ...line }));
  const contract: InvoiceContract = { originalContractSumCents: stored!.originalContractSumCents, approvedChangeOrdersCents: stored!.approvedChangeOrdersCents, retainage: stored!.retainage };
  const entries: LineEntry[] = [{ lineId: sovLines[0]!.lineId, workThisPeriodCents: 2_500_000 }];
  const figures = computeInvoice({ sovLines, contract, entries, overbillingAllowed: false });
  const now = new Date().toISOString();
  const invoices = [];
  for (let position = 1; position <= count; position++) {
    const invoiceId = randomUUID();
    const number = `INV-${randomUUID().slice(0, 6).toUpperCase()}`;
    for (const normalizedNumber of [normalizeInvoiceNumber(number), positionKey(position)]) {
      await InvoiceNumber.create({ projectId: fx.projectId, commitmentId: of.commitmentId, normalizedNumber, invoiceId }).go();
    }
    await Invoice.create({
      projectId: fx.projectId, invoiceId, commitmentId: of.commitmentId, billingPeriodId: period.billingPeriodId, number, position, kind: 'progress', status: 'approved',
      paymentStatus: 'unpaid', paidCents: 0, entries, figures, sovLines, contract, createdBy: fx.users['standard+contact'].userId, createdAt: now, updatedAt: now, version: 1,
    }).go();
    invoices.push({ invoiceId, path: `/v1/projects/${fx.projectId}/invoices/${invoiceId}` });
  }
  return invoices;
}

const admin = () => fx.users.admin.token;
const bulkPath = () => `/v1/projects/${fx.projectId}/invoices/bulk-signature`;
const connectPath = (invoiceId: string) => `/v1/integrations/docusign/connect/${fx.projectId}/${invoiceId}`;

/** Delivers the `docusign.requested` events published for `invoiceId` (as the event rule would), each once. */
const delivered = new Set<RecordedEvent>();
async function deliverDocusignCalls(invoiceIds: readonly string[]) {
  const ids = new Set(invoiceIds);
  const due = published.filter((e) => e.detailType === 'docusign.requested' && ids.has(e.detail.invoiceId) && !delivered.has(e));
  const outcomes = [];
  for (const event of due) {
    delivered.add(event);
    outcomes.push(await docusignEnvelopes(deliveredEvent('docusign.requested', event.detail)));
  }
  return outcomes;
}

async function postConnect(invoiceId: string, body: string, signatures: Record<string, string>) {
  const response = await fetch(`${api.server.url}${connectPath(invoiceId)}`, { method: 'POST', headers: { 'content-type': 'application/json', ...signatures }, body });
  return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as Json };
}

const signatureOf = async (invoiceId: string) => (await db().InvoiceSignature.get({ projectId: fx.projectId, invoiceId }).go({ consistent: true })).data!;
const historyOf = async (invoiceId: string) => (await db().InvoiceEvent.query.byInvoice({ projectId: fx.projectId, invoiceId }).go({ pages: 'all' })).data;

/** Sends `invoice` through the API and the consumer: its envelope at the stand-in. */
async function sendOne(invoiceId: string) {
  const response = expectStatus(await call(admin(), { method: 'POST', path: bulkPath(), body: { invoiceIds: [invoiceId] } }), 200, 'send');
  expect(response.body.results).toEqual([{ invoiceId, ok: true, status: 'sent', signers: 2 }]);
  await deliverDocusignCalls([invoiceId]);
  const { envelopeId } = await signatureOf(invoiceId);
  return standIn.envelopes.get(envelopeId!)!;
}

describe('sending with DocuSign', () => {
  it('authenticates by JWT grant and creates one envelope per invoice, shaped as DocuSign documents it', async () => {
    forgetDocusignTokens();
    const [invoice] = await seedInvoices(1);
    const from = standIn.requests.length;
    const envelope = await sendOne(invoice!.invoiceId);
    const sent = standIn.requests.slice(from);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /oauth/token', `POST /restapi/v2.1/accounts/${accountId}/envelopes`]);

    // OAuth JWT grant: form-encoded grant type and an RS256 assertion for the integration key, as the user, for an hour.
    const [token, create] = sent as [(typeof sent)[0], (typeof sent)[0]];
    expect(token.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    const form = token.body as Record<string, string>;
    expect(Object.keys(form).sort()).toEqual(['assertion', 'grant_type']);
    expect(form.grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const { header, claims } = verifiedJwtClaims(form.assertion!, publicKeyPem);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(claims).toMatchObject({ iss: integrationKey, sub: dsUserId, aud: standIn.oauthBasePath, scope: 'signature impersonation' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);

    // Envelopes::create: a bearer token, JSON, the envelope definition field by field.
    expect(create.headers.authorization).toMatch(/^Bearer stand-in-/);
    expect(create.headers['content-type']).toMatch(/^application\/json/);
    const definition = create.body as Json;
    expect(Object.keys(definition).sort()).toEqual(['customFields', 'documents', 'emailBlurb', 'emailSubject', 'eventNotification', 'notification', 'recipients', 'status']);
    expect(definition.status).toBe('sent');
    expect(definition.emailSubject.length).toBeLessThanOrEqual(100);
    expect(definition.documents).toEqual([{ documentId: '1', name: expect.stringMatching(/\.pdf$/), fileExtension: 'pdf', documentBase64: expect.any(String) }]);
    const pdf = Buffer.from(definition.documents[0].documentBase64, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // The anchors are text the G702 prints: DocuSign places the tabs on it.
    const dir = mkdtempSync(path.join(tmpdir(), 'docusign-pdf-'));
    writeFileSync(path.join(dir, 'sent.pdf'), pdf);
    const text = spawnSync('pdftotext', ['-f', '1', '-l', '1', path.join(dir, 'sent.pdf'), '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('Signature (Contractor)');

    const [first, second] = [fx.users['read_only+contact'], fx.users['standard+contact']];
    const signers = definition.recipients.signers as Json[];
    expect(Object.keys(definition.recipients)).toEqual(['signers']);
    expect(signers.map((s) => ({ recipientId: s.recipientId, routingOrder: s.routingOrder, email: s.email }))).toEqual(
      expect.arrayContaining([
        { recipientId: '1', routingOrder: '1', email: expect.any(String) },
        { recipientId: '2', routingOrder: '2', email: expect.any(String) },
      ]),
    );
    expect(signers.map((s) => s.email).sort()).toEqual([first.email, second.email].sort());
    signers.forEach((signer, index) => {
      expect(Object.keys(signer).sort()).toEqual(['email', 'name', 'recipientId', 'routingOrder', 'tabs']);
      expect(Object.keys(signer.tabs).sort()).toEqual(['dateSignedTabs', 'signHereTabs']);
      for (const tab of [...signer.tabs.signHereTabs, ...signer.tabs.dateSignedTabs]) {
        expect(tab).toEqual({
          anchorString: 'Signature (Contractor)',
          anchorUnits: 'pixels',
          anchorXOffset: String(index * 80),
          anchorYOffset: expect.stringMatching(/^-?\d+$/),
          anchorIgnoreIfNotPresent: 'false',
          anchorMatchWholeWord: 'true',
        });
      }
    });
    expect(definition.eventNotification).toEqual({
      url: `${api.server.url}${connectPath(invoice!.invoiceId)}`,
      requireAcknowledgment: 'true',
      includeHMAC: 'true',
      loggingEnabled: 'true',
      deliveryMode: 'SIM',
      events: ['envelope-sent', 'envelope-delivered', 'envelope-completed', 'envelope-declined', 'envelope-voided', 'recipient-completed', 'recipient-delivered', 'recipient-declined'],
      eventData: { version: 'restv2.1', format: 'json', includeData: ['recipients', 'custom_fields'] },
    });
    expect(definition.notification).toEqual({ useAccountDefaults: 'false', expirations: { expireEnabled: 'true', expireAfter: '14', expireWarn: '3' } });
    expect(definition.customFields).toEqual({ textCustomFields: [{ name: 'progressClaimsRequest', value: expect.stringContaining(invoice!.invoiceId), show: 'false', required: 'false' }] });

    // The request names its envelope; the same event delivered again makes no second envelope.
    expect((await signatureOf(invoice!.invoiceId)).envelopeId).toBe(envelope.envelopeId);
    const again = published.filter((e) => e.detailType === 'docusign.requested' && e.detail.invoiceId === invoice!.invoiceId);
    const before = standIn.requests.length;
    expect(await docusignEnvelopes(deliveredEvent('docusign.requested', again[0]!.detail))).toMatchObject({ status: 'already-sent', envelopeId: envelope.envelopeId });
    expect(standIn.requests.length).toBe(before);
    const status = expectStatus(await call(admin(), { method: 'GET', path: `${invoice!.path}/signature` }), 200, 'status');
    expect(status.body).toMatchObject({ provider: 'docusign', status: 'sent', signed: false });
  });

  it('a send retried after a crash finds the envelope it made instead of making another', async () => {
    const [invoice] = await seedInvoices(1);
    const envelope = await sendOne(invoice!.invoiceId);
    // As if the first attempt died after DocuSign made the envelope, before its id was recorded, minutes ago.
    await db().InvoiceSignature.patch({ projectId: fx.projectId, invoiceId: invoice!.invoiceId }).remove(['envelopeId']).set({ envelopeClaimedAt: new Date(Date.now() - 5 * 60_000).toISOString() }).go();
    const event = published.find((e) => e.detailType === 'docusign.requested' && e.detail.invoiceId === invoice!.invoiceId)!;
    const from = standIn.requests.length;
    expect(await docusignEnvelopes(deliveredEvent('docusign.requested', event.detail))).toMatchObject({ status: 'sent', envelopeId: envelope.envelopeId });
    const calls = standIn.requests.slice(from);
    expect(calls.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /restapi/v2.1/accounts/${accountId}/envelopes`]);
    expect(calls[0]!.query).toEqual({ from_date: expect.any(String), custom_field: `progressClaimsRequest=${invoice!.invoiceId}@${(await signatureOf(invoice!.invoiceId)).sentAt}` });
  });

  it('bulk sends 100 invoices with one createEnvelope each (and one token for all)', async () => {
    const invoices = await seedInvoices(100);
    forgetDocusignTokens();
    const from = standIn.requests.length;
    const response = expectStatus(await call(admin(), { method: 'POST', path: bulkPath(), body: { invoiceIds: invoices.map((i) => i.invoiceId) } }), 200, 'bulk');
    expect(response.body.results.filter((r: Json) => r.ok)).toHaveLength(100);
    const outcomes = await deliverDocusignCalls(invoices.map((i) => i.invoiceId));
    expect(outcomes.filter((o) => 'status' in o && o.status === 'sent')).toHaveLength(100);
    const sent = standIn.requests.slice(from);
    const creates = sent.filter((r) => r.method === 'POST' && r.path.endsWith('/envelopes'));
    const tokens = sent.filter((r) => r.path === '/oauth/token');
    expect(creates).toHaveLength(100);
    expect(tokens).toHaveLength(1);
    const perInvoice = sent.length / invoices.length;
    expect(perInvoice).toBe(1.01);
    console.info(`DocuSign bulk send of 100 invoices: ${sent.length} requests (${creates.length} createEnvelope, ${tokens.length} token), ${perInvoice} per invoice`);
  }, 240_000);
});

describe('DocuSign Connect', () => {
  it('refuses a message without a valid HMAC (401 problem+json) and changes nothing', async () => {
    const [invoice] = await seedInvoices(1);
    const envelope = await sendOne(invoice!.invoiceId);
    completeEnvelope(envelope);
    const body = connectPayload(envelope, 'envelope-completed', accountId);
    const before = await signatureOf(invoice!.invoiceId);
    const historyBefore = (await historyOf(invoice!.invoiceId)).length;
    for (const headers of [{} as Record<string, string>, { 'x-docusign-signature-1': connectSignature(body, 'not-the-key') }, { 'x-docusign-signature-1': connectSignature(`${body} `, hmacKey) }]) {
      const refused = await postConnect(invoice!.invoiceId, body, headers);
      expect(refused.status).toBe(401);
      expect(refused.contentType).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ status: 401, type: expect.stringContaining('unauthorized'), detail: expect.stringMatching(/Connect keys/) });
    }
    // An unknown project answers the same.
    const unknown = await fetch(`${api.server.url}/v1/integrations/docusign/connect/nope/${invoice!.invoiceId}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-docusign-signature-1': connectSignature(body, hmacKey) }, body });
    expect(unknown.status).toBe(401);
    expect(await signatureOf(invoice!.invoiceId)).toEqual(before);
    expect(await historyOf(invoice!.invoiceId)).toHaveLength(historyBefore);
    expect(published.filter((e) => e.detailType === 'docusign.requested' && e.detail.invoiceId === invoice!.invoiceId && e.detail.action === 'store-completed')).toEqual([]);
  });

  it('applies each message once, completes, stores the signed PDF and certificate, and serves the signed PDF', async () => {
    const [invoice] = await seedInvoices(1);
    const envelope = await sendOne(invoice!.invoiceId);
    const historyOfSteps = async () => (await historyOf(invoice!.invoiceId)).map((e) => e.type).filter((type) => type.startsWith('signature_'));

    // The first signer opened it: recipient-delivered, signed with the second of the account's keys (rotation).
    envelope.signers[0] = { ...envelope.signers[0]!, status: 'delivered', deliveredDateTime: new Date().toISOString() };
    Object.assign(envelope, { status: 'delivered' });
    const delivered = connectPayload(envelope, 'recipient-delivered', accountId, '1');
    const headers = { 'x-docusign-signature-1': connectSignature(delivered, 'connect-key-old'), 'x-docusign-signature-2': connectSignature(delivered, hmacKey) };
    expect(await postConnect(invoice!.invoiceId, delivered, headers)).toMatchObject({ status: 200, body: { applied: true, status: 'delivered' } });
    // The same message again (a Connect retry, or a replay): applied once, one history entry.
    expect(await postConnect(invoice!.invoiceId, delivered, headers)).toMatchObject({ status: 200, body: { applied: false, status: 'delivered' } });
    expect(await historyOfSteps()).toEqual(['signature_sent', 'signature_delivered']);

    // Completed: both signers signed.
    completeEnvelope(envelope);
    const completed = connectPayload(envelope, 'envelope-completed', accountId);
    const signed = { 'x-docusign-signature-1': connectSignature(completed, hmacKey) };
    expect(await postConnect(invoice!.invoiceId, completed, signed)).toMatchObject({ status: 200, body: { applied: true, status: 'completed' } });
    expect(await postConnect(invoice!.invoiceId, completed, signed)).toMatchObject({ status: 200, body: { applied: false, status: 'completed' } });
    // A late, older message changes nothing either.
    expect(await postConnect(invoice!.invoiceId, delivered, headers)).toMatchObject({ status: 200, body: { applied: false, status: 'completed' } });
    expect(await historyOfSteps()).toEqual(['signature_sent', 'signature_delivered', 'signature_completed']);

    // The consumer fetches the combined document and the certificate of completion, and keeps them.
    const from = standIn.requests.length;
    expect(await deliverDocusignCalls([invoice!.invoiceId])).toEqual([expect.objectContaining({ status: 'stored' })]);
    const fetched = standIn.requests.slice(from).map((r) => `${r.method} ${r.path}`);
    expect(fetched.sort()).toEqual([
      `GET /restapi/v2.1/accounts/${accountId}/envelopes/${envelope.envelopeId}/documents/certificate`,
      `GET /restapi/v2.1/accounts/${accountId}/envelopes/${envelope.envelopeId}/documents/combined`,
    ]);
    expect(standIn.requests.slice(from).every((r) => r.headers.accept === 'application/pdf')).toBe(true);
    const stored = await signatureOf(invoice!.invoiceId);
    expect(stored).toMatchObject({ status: 'completed', signedPdfKey: expect.stringMatching(/signed\/.+\.pdf$/), certificateKey: expect.stringMatching(/-certificate\.pdf$/) });
    expect(stored.signers.map((s) => s.status)).toEqual(['signed', 'signed']);

    const status = expectStatus(await call(admin(), { method: 'GET', path: `${invoice!.path}/signature` }), 200, 'status');
    expect(status.body).toMatchObject({ provider: 'docusign', status: 'completed', signed: true });
    const pdf = expectStatus(await call(fx.users.standard.token, { method: 'GET', path: `${invoice!.path}/pdf` }), 200, 'pdf');
    const served = Buffer.from(await (await fetch(pdf.body.url)).arrayBuffer());
    expect(served.equals(combinedPdf(envelope))).toBe(true);
  });

  it('answers bad JSON 400 once the HMAC is good, and ignores another envelope’s messages', async () => {
    const [invoice] = await seedInvoices(1);
    const envelope = await sendOne(invoice!.invoiceId);
    const bad = '{"event": 1}';
    const response = await fetch(`${api.server.url}${connectPath(invoice!.invoiceId)}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-docusign-signature-1': connectSignature(bad, hmacKey) }, body: bad });
    await expectFetchedProblem(response, 400, 'validation');
    const other = connectPayload({ ...envelope, envelopeId: randomUUID(), status: 'completed' }, 'envelope-completed', accountId);
    expect(await postConnect(invoice!.invoiceId, other, { 'x-docusign-signature-1': connectSignature(other, hmacKey) })).toMatchObject({ status: 200, body: { applied: false, status: 'sent' } });
  });
});

describe('the polling fallback', () => {
  it('reads an envelope Connect said nothing about, after six hours, and completes it; then stops watching it', async () => {
    const [invoice] = await seedInvoices(1);
    const envelope = await sendOne(invoice!.invoiceId);
    completeEnvelope(envelope);
    const watched = async () => (await db().DocusignWatch.query.open({}).go({ pages: 'all' })).data.filter((w) => w.invoiceId === invoice!.invoiceId);
    expect(await watched()).toHaveLength(1);
    // Too early: not polled.
    await docusignEnvelopes({ schedule: 'docusign-poll', scheduledTime: new Date(Date.now() + 60 * 60_000).toISOString() });
    expect(await deliverDocusignCalls([invoice!.invoiceId])).toEqual([]);

    await docusignEnvelopes({ schedule: 'docusign-poll', scheduledTime: new Date(Date.now() + 7 * 60 * 60_000).toISOString() });
    const from = standIn.requests.length;
    expect(await deliverDocusignCalls([invoice!.invoiceId])).toEqual([expect.objectContaining({ status: 'refreshed', signatureStatus: 'completed' })]);
    const [read] = standIn.requests.slice(from);
    expect(read).toMatchObject({ method: 'GET', path: `/restapi/v2.1/accounts/${accountId}/envelopes/${envelope.envelopeId}`, query: { include: 'recipients' } });
    expect(await deliverDocusignCalls([invoice!.invoiceId])).toEqual([expect.objectContaining({ status: 'stored' })]);
    expect(await signatureOf(invoice!.invoiceId)).toMatchObject({ status: 'completed', signedPdfKey: expect.any(String) });
    expect((await historyOf(invoice!.invoiceId)).map((e) => e.type)).toContain('signature_completed');
    expect(await watched()).toEqual([]);
  });
});

describe('void and resend with DocuSign', () => {
  it('voids the envelope through the client; DocuSign’s voided message then changes nothing', async () => {
    const [invoice] = await seedInvoices(1);
    const envelope = await sendOne(invoice!.invoiceId);
    expectRefusal(await call(fx.users.standard.token, { method: 'POST', path: `${invoice!.path}/signature/void`, body: { reason: 'Wrong retention' } }), 403, /e-signature/);
    expectStatus(await call(admin(), { method: 'POST', path: `${invoice!.path}/signature/void`, body: { reason: 'Wrong retention' } }), 200, 'void');
    const from = standIn.requests.length;
    expect(await deliverDocusignCalls([invoice!.invoiceId])).toEqual([expect.objectContaining({ status: 'voided' })]);
    const [update] = standIn.requests.slice(from);
    expect(update).toMatchObject({ method: 'PUT', path: `/restapi/v2.1/accounts/${accountId}/envelopes/${envelope.envelopeId}`, body: { status: 'voided', voidedReason: 'Wrong retention' } });
    expect(envelope.status).toBe('voided');
    const voided = connectPayload(envelope, 'envelope-voided', accountId);
    expect(await postConnect(invoice!.invoiceId, voided, { 'x-docusign-signature-1': connectSignature(voided, hmacKey) })).toMatchObject({ status: 200, body: { applied: false, status: 'voided' } });
  });

  it('resends to the current signer through the client', async () => {
    const [invoice] = await seedInvoices(1);
    const envelope = await sendOne(invoice!.invoiceId);
    expectRefusal(await call(fx.users.standard.token, { method: 'POST', path: `${invoice!.path}/signature/resend` }), 403, /e-signature/);
    expectStatus(await call(admin(), { method: 'POST', path: `${invoice!.path}/signature/resend` }), 200, 'resend');
    const from = standIn.requests.length;
    expect(await deliverDocusignCalls([invoice!.invoiceId])).toEqual([expect.objectContaining({ status: 'resent' })]);
    const [update] = standIn.requests.slice(from);
    const first = envelope.signers.find((s) => s.recipientId === '1')!;
    expect(update).toMatchObject({
      method: 'PUT',
      path: `/restapi/v2.1/accounts/${accountId}/envelopes/${envelope.envelopeId}/recipients`,
      query: { resend_envelope: 'true' },
      body: { signers: [{ recipientId: '1', name: first.name, email: first.email }] },
    });
  });

  it('a DocuSign outage leaves the call to be retried (the event fails), the request unchanged', async () => {
    const [invoice] = await seedInvoices(1);
    expectStatus(await call(admin(), { method: 'POST', path: bulkPath(), body: { invoiceIds: [invoice!.invoiceId] } }), 200, 'send');
    forgetDocusignTokens();
    standIn.failWith(503);
    await expect(deliverDocusignCalls([invoice!.invoiceId])).rejects.toThrow();
    expect((await signatureOf(invoice!.invoiceId)).envelopeId).toBeUndefined();
  });
});
