import { randomBytes, randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../shared/db/service';
import { loadCommitment } from '../../shared/db/commitments';
import { normalizeInvoiceNumber, positionKey } from '../../shared/db/invoices';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import { computeInvoice, type InvoiceContract, type LineEntry } from '../../shared/domain/invoice-figures';
import type { InvoiceStatus } from '../../shared/domain/invoices';
import { tokenHashOf } from '../../shared/signature/builtin';
import { expectProblem, expectRefusal, expectStatus, type Call, type Json, type TestApi } from '../support/api-client';
import { startRecordingBus, type RecordedEvent } from '../support/event-recorder';
import { createBillingPeriod, createCommitment, createHeadContract, startFixtureApi, type PermissionFixture, type TestBillingPeriod } from '../support/permission-fixtures';
import { TINY_PNG } from '../support/pdf-fixtures';

/**
 * E-signature with the built-in signer, through the local API Gateway against DynamoDB Local,
 * s3rver and the renderer function: bulk send, the one-time links emailed (outbox → bus), the
 * signing page, signing in routing order, the PAdES-sealed PDF (checked with pdfsig), the signed
 * PDF everywhere, the figures locked until voided, and the links' single use and expiry.
 */

let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let published: RecordedEvent[];
let stopBus: () => Promise<void>;
let period: TestBillingPeriod;
const dir = mkdtempSync(path.join(tmpdir(), 'signatures-'));

beforeAll(async () => {
  const recording = await startRecordingBus();
  published = recording.published;
  stopBus = () => recording.bus.stop();
  ({ api, fx, call } = await startFixtureApi());
  const today = localDate(new Date(), 'Australia/Sydney');
  period = await createBillingPeriod(call, fx, { startDate: addDays(today, -5), endDate: addDays(today, 25), dueDate: addDays(today, 20) });
});

afterAll(async () => {
  await api?.stop();
  await stopBus?.();
});

/** A stored invoice in `status` on a fresh commitment whose invoice contacts are the fixture's two. */
async function seedInvoice(status: InvoiceStatus = 'approved') {
  const { Sov, Invoice, InvoiceNumber } = db();
  const of = await createCommitment(call, fx, { title: 'Electrical services' });
  const [stored, sov] = await Promise.all([loadCommitment(fx.projectId, of.commitmentId), Sov.get({ projectId: fx.projectId, commitmentId: of.commitmentId }).go()]);
  const sovLines = sov.data!.lines.map((line) => ({ ...line }));
  const contract: InvoiceContract = { originalContractSumCents: stored!.originalContractSumCents, approvedChangeOrdersCents: stored!.approvedChangeOrdersCents, retainage: stored!.retainage };
  const entries: LineEntry[] = [{ lineId: sovLines[0]!.lineId, workThisPeriodCents: 2_500_000 }];
  const figures = computeInvoice({ sovLines, contract, entries, overbillingAllowed: false });
  const invoiceId = randomUUID();
  const number = `INV-${randomUUID().slice(0, 6).toUpperCase()}`;
  const now = new Date().toISOString();
  for (const normalizedNumber of [normalizeInvoiceNumber(number), positionKey(1)]) {
    await InvoiceNumber.create({ projectId: fx.projectId, commitmentId: of.commitmentId, normalizedNumber, invoiceId }).go();
  }
  await Invoice.create({
    projectId: fx.projectId, invoiceId, commitmentId: of.commitmentId, billingPeriodId: period.billingPeriodId, number, position: 1, kind: 'progress', status,
    paymentStatus: 'unpaid', paidCents: 0, entries, figures, sovLines, contract, createdBy: fx.users['standard+contact'].userId, createdAt: now, updatedAt: now, version: 1,
  }).go();
  return { invoiceId, path: `/v1/projects/${fx.projectId}/invoices/${invoiceId}` };
}

const token = (profile: keyof PermissionFixture['users']) => fx.users[profile].token;
const admin = () => token('admin');
const bulkPath = () => `/v1/projects/${fx.projectId}/invoices/bulk-signature`;

/** The signing link emailed to `email` for `invoiceId` most recently: its token. */
function linkTokenFor(invoiceId: string, email: string): string {
  const emails = published.filter((e) => e.detailType === 'email.requested' && e.detail.emailId.startsWith(`signature:${invoiceId}:`) && e.detail.to.includes(email));
  const match = /\/v1\/signing\/([A-Za-z0-9_-]{43})/.exec(emails.at(-1)?.detail.text ?? '');
  if (!match) throw new Error(`no signing link for ${email}`);
  return match[1]!;
}

async function waitFor<T>(find: () => T | undefined): Promise<T> {
  for (let i = 0; i < 50; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('not found in time');
}

const signingUrl = (linkToken: string) => `${api.server.url}/v1/signing/${linkToken}`;
async function submit(linkToken: string, body: Json, userAgent = 'vitest') {
  const response = await fetch(signingUrl(linkToken), { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': userAgent }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Json };
}

function pdfsig(bytes: Uint8Array, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  const run = spawnSync('pdfsig', [file], { encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`;
}

describe('bulk send for signature', () => {
  it('is for admins only: standard and contacts are refused 403, other companies 404', async () => {
    const invoice = await seedInvoice();
    for (const profile of ['standard', 'standard+contact', 'read_only'] as const) {
      expectRefusal(await call(token(profile), { method: 'POST', path: bulkPath(), body: { invoiceIds: [invoice.invoiceId] } }), 403, /e-signature/);
    }
    expectRefusal(await call(token('other_company_admin'), { method: 'POST', path: bulkPath(), body: { invoiceIds: [invoice.invoiceId] } }), 404);
    expectProblem(await call(admin(), { method: 'POST', path: bulkPath(), body: { invoiceIds: [] } }), 400, 'validation');
  });

  it('answers per invoice: approved ones sent, a draft refused 409, an unknown one 404', async () => {
    const [approved, draft] = [await seedInvoice('approved'), await seedInvoice('draft')];
    const response = expectStatus(await call(admin(), { method: 'POST', path: bulkPath(), body: { invoiceIds: [approved.invoiceId, draft.invoiceId, 'nope'] } }), 200, 'bulk');
    expect(response.body.results).toEqual([
      { invoiceId: approved.invoiceId, ok: true, status: 'sent', signers: 2 },
      { invoiceId: draft.invoiceId, ok: false, status: 409, detail: expect.stringMatching(/approved/) },
      { invoiceId: 'nope', ok: false, status: 404, detail: 'No such invoice.' },
    ]);
    // Sent twice: the second is refused while the first is out.
    const again = expectStatus(await call(admin(), { method: 'POST', path: bulkPath(), body: { invoiceIds: [approved.invoiceId] } }), 200, 'again');
    expect(again.body.results[0]).toMatchObject({ ok: false, status: 409, detail: expect.stringMatching(/already out for signature/) });
  });
});

describe('signing through one-time links', () => {
  it('signs in routing order, seals a PDF pdfsig verifies, uses it everywhere, locks the figures until voided', async () => {
    const invoice = await seedInvoice();
    const [first, second] = [fx.users['read_only+contact'], fx.users['standard+contact']];
    expectStatus(await call(admin(), { method: 'POST', path: bulkPath(), body: { invoiceIds: [invoice.invoiceId] } }), 200, 'send');
    const sent = expectStatus(await call(token('standard'), { method: 'GET', path: `${invoice.path}/signature` }), 200, 'status');
    expect(sent.body).toMatchObject({ status: 'sent', provider: 'builtin', signed: false });
    expect(sent.body.signers.map((s: Json) => s.status)).toEqual(['sent', 'waiting']);
    expectRefusal(await call(token('none'), { method: 'GET', path: `${invoice.path}/signature` }), 404);

    // The first signer's email carries the link; only they got one.
    const firstToken = await waitFor(() => { try { return linkTokenFor(invoice.invoiceId, first.email); } catch { return undefined; } });
    expect(() => linkTokenFor(invoice.invoiceId, second.email)).toThrow();

    const page = await fetch(signingUrl(firstToken));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<canvas');
    expect(html).toMatch(/<iframe[^>]+src="http/);
    const delivered = expectStatus(await call(admin(), { method: 'GET', path: `${invoice.path}/signature` }), 200, 'delivered');
    expect(delivered.body.status).toBe('delivered');

    // Consent is required; then the typed signature; the link then is spent.
    const noConsent = await submit(firstToken, { action: 'sign', consent: false, signature: { kind: 'typed', text: 'R. Contact' } });
    expect(noConsent.status).toBe(400);
    expect(JSON.stringify(noConsent.body.errors)).toContain('consent');
    expect(await submit(firstToken, { action: 'sign', consent: true, signature: { kind: 'typed', text: 'R. Contact' } })).toEqual({ status: 200, body: { status: 'delivered', signerStatus: 'signed' } });
    const reused = await submit(firstToken, { action: 'sign', consent: true, signature: { kind: 'typed', text: 'R. Contact' } });
    expect(reused.status).toBe(410);
    expect((await fetch(signingUrl(firstToken))).status).toBe(410);

    // While out for signature the invoice cannot go back to be edited.
    const { data: stored } = await db().Invoice.get({ projectId: fx.projectId, invoiceId: invoice.invoiceId }).go();
    const back = await call(admin(), { method: 'POST', path: `${invoice.path}/status`, headers: { 'if-match': `"${stored!.version}"` }, body: { status: 'revise_and_resubmit' } });
    expect(expectProblem(back, 409, 'conflict').detail).toMatch(/signature/);

    // The second signer draws; the request completes and the signed PDF is made.
    const secondToken = await waitFor(() => { try { return linkTokenFor(invoice.invoiceId, second.email); } catch { return undefined; } });
    const drawn = `data:image/png;base64,${Buffer.from(TINY_PNG).toString('base64')}`;
    expect(await submit(secondToken, { action: 'sign', consent: true, signature: { kind: 'drawn', png: drawn } }, 'Mozilla/5.0 (e2e)')).toEqual({ status: 200, body: { status: 'completed', signerStatus: 'signed' } });

    const completed = expectStatus(await call(admin(), { method: 'GET', path: `${invoice.path}/signature` }), 200, 'completed');
    expect(completed.body).toMatchObject({ status: 'completed', signed: true, documentSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(completed.body.signers.map((s: Json) => s.status)).toEqual(['signed', 'signed']);

    // GET …/pdf is the signed PDF: pdfsig verifies it, and one byte changed is reported invalid.
    const pdf = expectStatus(await call(token('standard'), { method: 'GET', path: `${invoice.path}/pdf` }), 200, 'pdf');
    expect(pdf.body.filename).toMatch(/\(signed\)\.pdf$/);
    const bytes = new Uint8Array(await (await fetch(pdf.body.url)).arrayBuffer());
    const report = pdfsig(bytes, `${invoice.invoiceId}.pdf`);
    expect(report).toContain('Signature is Valid');
    expect(report).toContain('Total document signed');
    const tampered = Buffer.from(bytes);
    const at = tampered.indexOf('Certificate of completion');
    tampered[at > 0 ? at : 100]! ^= 0x01;
    expect(pdfsig(tampered, `${invoice.invoiceId}-tampered.pdf`)).toMatch(/Signature is Invalid|Digest Mismatch/);

    // Forwarding attaches the signed PDF.
    const forwarded = expectStatus(await call(admin(), { method: 'POST', path: `${invoice.path}/forward`, body: { to: ['owner@client.example'] } }), 202, 'forward');
    expect(forwarded.body.attachment.filename).toMatch(/\(signed\)\.pdf$/);
    // The completion email goes to the sender and both signers, with the signed PDF attached.
    const completion = await waitFor(() => {
      const found = published.filter((e) => e.detailType === 'email.requested' && /:completed:/.test(e.detail.emailId) && e.detail.emailId.includes(invoice.invoiceId));
      return found.length === 3 ? found : undefined;
    });
    expect(completion[0]!.detail.attachments[0].filename).toMatch(/\(signed\)\.pdf$/);

    // The history has every step.
    const history = expectStatus(await call(admin(), { method: 'GET', path: `${invoice.path}/history` }), 200, 'history');
    expect(history.body.items.map((e: Json) => e.type)).toEqual(['signature_sent', 'signature_delivered', 'signature_signed', 'signature_completed', 'forwarded']);

    // Only an admin voids; then the figures are free again and the PDF is the unsigned one.
    expectRefusal(await call(token('standard'), { method: 'POST', path: `${invoice.path}/signature/void`, body: {} }), 403, /e-signature/);
    const voided = expectStatus(await call(admin(), { method: 'POST', path: `${invoice.path}/signature/void`, body: { reason: 'Wrong retention' } }), 200, 'void');
    expect(voided.body).toMatchObject({ status: 'voided', signed: false, voidReason: 'Wrong retention' });
    const unsigned = expectStatus(await call(admin(), { method: 'GET', path: `${invoice.path}/pdf` }), 200, 'unsigned pdf');
    expect(unsigned.body.filename).not.toMatch(/signed/);
    const { data: after } = await db().Invoice.get({ projectId: fx.projectId, invoiceId: invoice.invoiceId }).go();
    expect(after!.signedPdfKey).toBeUndefined();
    expectStatus(await call(admin(), { method: 'POST', path: `${invoice.path}/status`, headers: { 'if-match': `"${after!.version}"` }, body: { status: 'revise_and_resubmit' } }), 200, 'editable again');
  });

  it('refuses an expired link (410), a replaced link after a resend (410) and an unknown one (404); a decline ends the request', async () => {
    const invoice = await seedInvoice();
    expectStatus(await call(admin(), { method: 'POST', path: bulkPath(), body: { invoiceIds: [invoice.invoiceId] } }), 200, 'send');
    const contact = fx.users['read_only+contact'];
    const oldToken = await waitFor(() => { try { return linkTokenFor(invoice.invoiceId, contact.email); } catch { return undefined; } });

    // An expired link of the same request (stored as the product stores one).
    const { data: request } = await db().InvoiceSignature.get({ projectId: fx.projectId, invoiceId: invoice.invoiceId }).go();
    const expiredToken = randomBytes(32).toString('base64url');
    await db().SigningLinkRecord.create({ tokenHash: tokenHashOf(expiredToken), projectId: fx.projectId, invoiceId: invoice.invoiceId, signerUserId: contact.userId, requestSentAt: request!.sentAt, expiresAt: new Date(Date.now() - 1000).toISOString() }).go();
    expect((await fetch(signingUrl(expiredToken))).status).toBe(410);
    const expired = await submit(expiredToken, { action: 'sign', consent: true, signature: { kind: 'typed', text: 'X' } });
    expect(expired.status).toBe(410);
    expect(expired.body.detail).toMatch(/expired/);
    expect((await fetch(signingUrl(randomBytes(32).toString('base64url')))).status).toBe(404);

    // Resend: a new link; the old one stops working.
    expectRefusal(await call(token('standard+contact'), { method: 'POST', path: `${invoice.path}/signature/resend` }), 403, /e-signature/);
    expectStatus(await call(admin(), { method: 'POST', path: `${invoice.path}/signature/resend` }), 200, 'resend');
    const newToken = await waitFor(() => { const t = linkTokenFor(invoice.invoiceId, contact.email); return t !== oldToken ? t : undefined; });
    const replaced = await submit(oldToken, { action: 'sign', consent: true, signature: { kind: 'typed', text: 'X' } });
    expect(replaced.status).toBe(410);
    expect(replaced.body.detail).toMatch(/replaced/);

    expect(await submit(newToken, { action: 'decline', reason: 'Figures disagree' })).toEqual({ status: 200, body: { status: 'declined', signerStatus: 'declined' } });
    const declined = expectStatus(await call(admin(), { method: 'GET', path: `${invoice.path}/signature` }), 200, 'declined');
    expect(declined.body.status).toBe('declined');
    expect(declined.body.signers[0]).toMatchObject({ status: 'declined', declineReason: 'Figures disagree' });
    // Declined: it can be sent again.
    const again = expectStatus(await call(admin(), { method: 'POST', path: bulkPath(), body: { invoiceIds: [invoice.invoiceId] } }), 200, 'again');
    expect(again.body.results[0]).toMatchObject({ ok: true });
  });
});

describe('owner invoices', () => {
  /** An owner invoice sent to the owner (under review) on a fresh head contract with these owner contacts. */
  async function ownerInvoiceUnderReview(ownerContactEmails: string[]) {
    const contract = await createHeadContract(call, fx, { ownerContactEmails });
    const created = expectStatus(await call(admin(), { method: 'POST', path: `${contract.path}/owner-invoices`, body: {} }), 201, 'create owner invoice');
    const ownerPath = created.headers.get('location')!;
    let etag = created.headers.get('etag')!;
    etag = expectStatus(await call(admin(), { method: 'POST', path: `${ownerPath}/status`, body: { status: 'under_review' }, headers: { 'if-match': etag } }), 200, 'sent to the owner').headers.get('etag')!;
    return { ownerInvoiceId: ownerPath.split('/').at(-1)!, path: ownerPath, etag: () => etag };
  }
  const ownerBulkPath = () => `/v1/projects/${fx.projectId}/owner-invoices/bulk-signature`;

  it('are signed by the head contract’s owner contacts in order; the PDF route and email then use the sealed PDF, and the figures stay locked until voided', async () => {
    const [first, second] = ['owner.rep@developer.example', 'Finance@Developer.example'];
    const invoice = await ownerInvoiceUnderReview([first, second]);
    expectRefusal(await call(token('standard'), { method: 'POST', path: ownerBulkPath(), body: { invoiceIds: [invoice.ownerInvoiceId] } }), 403, /owner invoices for e-signature/);
    // A subcontractor invoice's id is unknown here, and an owner invoice's to the subcontractor route.
    const sent = expectStatus(await call(admin(), { method: 'POST', path: ownerBulkPath(), body: { invoiceIds: [invoice.ownerInvoiceId, (await seedInvoice()).invoiceId] } }), 200, 'send');
    expect(sent.body.results).toEqual([
      { invoiceId: invoice.ownerInvoiceId, ok: true, status: 'sent', signers: 2 },
      { invoiceId: expect.any(String), ok: false, status: 404, detail: 'No such invoice.' },
    ]);
    const status = expectStatus(await call(token('read_only'), { method: 'GET', path: `${invoice.path}/signature` }), 200, 'status');
    expect(status.body).toMatchObject({ document: 'owner_invoice', status: 'sent', signed: false });
    expect(status.body.signers.map((s: Json) => [s.email, s.status])).toEqual([[first, 'sent'], ['finance@developer.example', 'waiting']]);

    // Out for signature: the owner's answer cannot send it back to be edited.
    const back = await call(admin(), { method: 'POST', path: `${invoice.path}/status`, body: { status: 'revise_and_resubmit' }, headers: { 'if-match': invoice.etag() } });
    expect(expectProblem(back, 409, 'conflict').detail).toMatch(/signature/);

    const firstToken = await waitFor(() => { try { return linkTokenFor(invoice.ownerInvoiceId, first); } catch { return undefined; } });
    const page = await fetch(signingUrl(firstToken));
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<iframe[^>]+src="http/);
    expect(await submit(firstToken, { action: 'sign', consent: true, signature: { kind: 'typed', text: 'O. Representative' } })).toEqual({ status: 200, body: { status: 'delivered', signerStatus: 'signed' } });
    const secondToken = await waitFor(() => { try { return linkTokenFor(invoice.ownerInvoiceId, 'finance@developer.example'); } catch { return undefined; } });
    const drawn = `data:image/png;base64,${Buffer.from(TINY_PNG).toString('base64')}`;
    expect(await submit(secondToken, { action: 'sign', consent: true, signature: { kind: 'drawn', png: drawn } })).toEqual({ status: 200, body: { status: 'completed', signerStatus: 'signed' } });

    // The owner-invoice PDF route serves the sealed PDF; one byte changed is reported invalid.
    const pdf = expectStatus(await call(admin(), { method: 'GET', path: `${invoice.path}/pdf` }), 200, 'pdf');
    expect(pdf.body.filename).toMatch(/\(signed\)\.pdf$/);
    const bytes = new Uint8Array(await (await fetch(pdf.body.url)).arrayBuffer());
    expect(pdfsig(bytes, `${invoice.ownerInvoiceId}.pdf`)).toContain('Signature is Valid');
    const tampered = Buffer.from(bytes);
    tampered[200]! ^= 0x01; // inside the first signed range
    expect(pdfsig(tampered, `${invoice.ownerInvoiceId}-tampered.pdf`)).toMatch(/Signature is Invalid|Digest Mismatch/);
    // Emailing it attaches the signed PDF.
    const emailed = expectStatus(await call(admin(), { method: 'POST', path: `${invoice.path}/email`, body: { to: ['owner@client.example'] } }), 202, 'email');
    expect(emailed.body.attachment.filename).toMatch(/\(signed\)\.pdf$/);
    const history = expectStatus(await call(admin(), { method: 'GET', path: `${invoice.path}/history` }), 200, 'history');
    expect(history.body.items.map((e: Json) => e.type)).toEqual(expect.arrayContaining(['signature_sent', 'signature_delivered', 'signature_signed', 'signature_completed']));

    // Signed: still locked; voided: free again, and the PDF is the unsigned one.
    expectProblem(await call(admin(), { method: 'POST', path: `${invoice.path}/status`, body: { status: 'revise_and_resubmit' }, headers: { 'if-match': invoice.etag() } }), 409, 'conflict');
    expectRefusal(await call(token('standard'), { method: 'POST', path: `${invoice.path}/signature/void`, body: {} }), 403, /owner invoices for e-signature/);
    expectStatus(await call(admin(), { method: 'POST', path: `${invoice.path}/signature/void`, body: { reason: 'Wrong period' } }), 200, 'void');
    const unsigned = expectStatus(await call(admin(), { method: 'GET', path: `${invoice.path}/pdf` }), 200, 'unsigned pdf');
    expect(unsigned.body.filename).not.toMatch(/signed/);
    expectStatus(await call(admin(), { method: 'POST', path: `${invoice.path}/status`, body: { status: 'revise_and_resubmit' }, headers: { 'if-match': invoice.etag() } }), 200, 'editable again');
  });

  it('refuses a draft owner invoice, and one whose head contract has no owner contacts (409 each)', async () => {
    const none = await ownerInvoiceUnderReview([]);
    const contract = await createHeadContract(call, fx, { ownerContactEmails: ['owner@x.example'] });
    const draft = expectStatus(await call(admin(), { method: 'POST', path: `${contract.path}/owner-invoices`, body: {} }), 201, 'draft');
    const sent = expectStatus(await call(admin(), { method: 'POST', path: ownerBulkPath(), body: { invoiceIds: [none.ownerInvoiceId, draft.body.ownerInvoiceId] } }), 200, 'send');
    expect(sent.body.results).toEqual([
      { invoiceId: none.ownerInvoiceId, ok: false, status: 409, detail: 'The head contract has no owner contacts to sign the invoice.' },
      { invoiceId: draft.body.ownerInvoiceId, ok: false, status: 409, detail: expect.stringMatching(/sent to the owner or approved/) },
    ]);
  });
});
