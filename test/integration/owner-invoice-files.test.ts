import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as sendEmail } from '../../functions/events/send-email';
import { db } from '../../shared/db/service';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import { expectProblem, expectRefusal, expectStatus, fieldsOf, type ApiRequest, type Call, type Json, type TestApi } from '../support/api-client';
import { deliveredEvent, startRecordingBus, type RecordedEvent } from '../support/event-recorder';
import { sentEmails } from '../support/mailbox';
import { createBillingPeriod, startFixtureApi, type PermissionFixture, type Profile } from '../support/permission-fixtures';

/**
 * An owner invoice's PDF (G702/G703 in the en-AU project's terms: "Progress Claim", "Head
 * Contract", "Retention"; the owner as the "To", the general contractor as contractor) and
 * emailing it through the outbox to the local SES, through the local API Gateway.
 *
 * Figures: owner-invoices.test.ts's hand-checked period 1 — A 16-100 $150,000.00 with E 33,333.33
 * and F 1,000.01; B 16-200 $100,000.50 at 12.5 % (E 12,500.06); retention 10 % work, 5 % materials:
 * G 46,833.40, retention 4,633.34, line 8 = 42,200.06.
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let published: RecordedEvent[];
let stopBus: () => Promise<void>;
let invoicePath: string;
let invoice: Json;
let tmp: string;

const as = (profile: Profile, request: ApiRequest) => call(fx.users[profile].token, request);
const admin = (request: ApiRequest) => as('admin', request);

async function createContract(number: string, ownerContactEmails: string[]) {
  const created = await admin({
    method: 'POST',
    path: `/v1/projects/${fx.projectId}/head-contracts`,
    body: {
      number,
      title: 'Harbour Tower main works',
      ownerCompanyName: 'Harbour Tower Developments Pty Ltd',
      ownerContactEmails,
      retainage: { workPercent: '10', workEnabled: true, materialsPercent: '5', materialsEnabled: true },
    },
  });
  const contractPath = expectStatus(created, 201, `head contract ${number}`).headers.get('location')!;
  const sov = await admin({
    method: 'PUT',
    path: `${contractPath}/sov`,
    body: {
      lines: [
        { costCode: '16-100', description: 'Electrical: switchboards', scheduledValueCents: 15_000_000 },
        { costCode: '16-200', description: 'Electrical: cabling', scheduledValueCents: 10_000_050 },
      ],
    },
    headers: { 'if-match': '"1"' },
  });
  const lineIds: string[] = expectStatus(sov, 200, 'SOV').body.lines.map((l: { lineId: string }) => l.lineId);
  return { contractPath, lineIds };
}

async function pdfText(url: string, name: string): Promise<string[]> {
  const file = path.join(tmp, name);
  await fs.writeFile(file, Buffer.from(await (await fetch(url)).arrayBuffer()));
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).split('\f');
}

beforeAll(async () => {
  const recording = await startRecordingBus();
  published = recording.published;
  stopBus = () => recording.bus.stop();
  ({ api, fx, call } = await startFixtureApi());
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'owner-invoice-files-'));
  const { contractPath, lineIds: [lineA, lineB] } = await createContract('PC-PDF', ['accounts@harbourtower.example']);
  const today = localDate(new Date(), 'Australia/Sydney');
  await createBillingPeriod(call, fx, { startDate: addDays(today, -5), endDate: addDays(today, 25), dueDate: addDays(today, 20) });
  const created = expectStatus(await admin({ method: 'POST', path: `${contractPath}/owner-invoices`, body: {} }), 201, 'owner invoice').body;
  invoicePath = `/v1/projects/${fx.projectId}/owner-invoices/${created.ownerInvoiceId}`;
  const edited = await admin({
    method: 'PATCH',
    path: invoicePath,
    body: { lines: [{ lineId: lineA, workThisPeriodCents: 3_333_333, materialsStoredCents: 100_001 }, { lineId: lineB, percentComplete: '12.5' }] },
    headers: { 'if-match': `"${created.version}"` },
  });
  invoice = expectStatus(edited, 200, 'enter the figures').body;
  expect(invoice.summary).toMatchObject({ totalCompletedAndStoredCents: 4_683_340, totalRetainageCents: 463_334, currentPaymentDueCents: 4_220_006 });
});

afterAll(async () => {
  await api?.stop();
  await stopBus?.();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('the owner invoice PDF', () => {
  it('is the G702/G703 in the en-AU terms, to the owner from the general contractor, with the figures to the cent', async () => {
    const response = expectStatus(await admin({ method: 'GET', path: `${invoicePath}/pdf` }), 200, 'GET pdf');
    expect(response.body).toMatchObject({ filename: 'Progress Claim 1 - PC-PDF.pdf', contentType: 'application/pdf', invoiceVersion: invoice.version });
    const [summary = '', sheet = ''] = await pdfText(response.body.url, 'owner-invoice.pdf');

    expect(summary).toContain('Progress Claim — Application and Certificate for Payment');
    expect(summary).toMatch(/Head Contract PC-PDF: Harbour Tower main works/);
    expect(summary).toMatch(/To \(Owner\)\s+Harbour Tower Developments Pty Ltd/);
    expect(summary).toMatch(/Contractor\s+Northbeam Constructions/);
    expect(summary).toMatch(/Head Contract title\s+Harbour Tower main works/);
    // G702 lines 1, 4, 5, 6, 8 and 9.
    expect(summary).toMatch(/Original Contract Sum\s+\$250,000\.50/);
    expect(summary).toMatch(/Total Completed and Stored to Date \(Column G\)\s+\$46,833\.40/);
    expect(summary).toMatch(/Total Retention \(Line 5a \+ Line 5b, Column I\)\s+\$4,633\.34/);
    expect(summary).toMatch(/Total Earned Less Retention .*\s+\$42,200\.06/);
    expect(summary).toMatch(/Current Payment Due \(Line 6 - Line 7\)\s+\$42,200\.06/);
    expect(summary).toMatch(/Balance to Finish, Including Retention .*\s+\$207,800\.44/);
    // G703: each line's E, F, G and I, and the totals.
    expect(sheet).toMatch(/Electrical: switchboards\s+150,000\.00\s+0\.00\s+33,333\.33\s+1,000\.01\s+34,333\.34\s+22\.89\s+115,666\.66\s+3,383\.33/);
    expect(sheet).toMatch(/Electrical: cabling\s+100,000\.50\s+0\.00\s+12,500\.06\s+0\.00\s+12,500\.06\s+12\.50\s+87,500\.44\s+1,250\.01/);
    expect(sheet).toMatch(/Grand Total\s+250,000\.50\s+0\.00\s+45,833\.39\s+1,000\.01\s+46,833\.40\s+18\.73\s+203,167\.10\s+4,633\.34/);
  });

  it('is exported by head-contract admins only: 403 for standard and read_only, 404 for another company or a hidden invoice', async () => {
    expectRefusal(await as('standard', { method: 'GET', path: `${invoicePath}/pdf` }), 403, /export an owner invoice/);
    expectRefusal(await as('read_only', { method: 'GET', path: `${invoicePath}/pdf` }), 403);
    expectRefusal(await as('other_company_admin', { method: 'GET', path: `${invoicePath}/pdf` }), 404);
    expectRefusal(await admin({ method: 'GET', path: `/v1/projects/${fx.projectId}/owner-invoices/no-such-invoice/pdf` }), 404);
  });
});

describe('emailing the owner invoice', () => {
  it('sends one email with the PDF to the addresses given and the owner’s contacts, through the outbox, once however often it is retried or redelivered', async () => {
    const key = randomUUID();
    const send = () =>
      admin({ method: 'POST', path: `${invoicePath}/email`, body: { to: ['QS@owner.example'], message: 'Claim for this month <attached>.' }, headers: { 'idempotency-key': key } });
    const before = published.length;
    const response = expectStatus(await send(), 202, 'email');
    expect(response.body).toMatchObject({
      to: ['qs@owner.example', 'accounts@harbourtower.example'],
      attachment: { filename: 'Progress Claim 1 - PC-PDF.pdf', contentType: 'application/pdf' },
    });
    // The same key again: the same answer, nothing written or published again.
    expect(expectStatus(await send(), 202, 'replay').body).toEqual(response.body);

    const emails = published.slice(before).filter((e) => e.detailType === 'email.requested');
    expect(emails).toHaveLength(1);
    const detail = emails[0]!.detail;
    expect(detail).toMatchObject({ emailId: response.body.emailId, to: ['qs@owner.example', 'accounts@harbourtower.example'], replyTo: [fx.users.admin.email] });
    expect(detail.subject).toBe('Progress Claim 1 – PC-PDF Harbour Tower main works (Harbour Tower)');
    expect(detail.text).toContain('Head Contract: PC-PDF – Harbour Tower main works');
    expect(detail.text).toContain('Current payment due: $42,200.06');
    expect(detail.html).toContain('Claim for this month &lt;attached&gt;.');

    // Delivered, then delivered again (an EventBridge retry): one email in the mailbox, the PDF attached.
    await expect(sendEmail(deliveredEvent('email.requested', detail))).resolves.toMatchObject({ status: 'sent' });
    await sendEmail(deliveredEvent('email.requested', detail));
    const sent = await sentEmails(detail.subject);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.destination.to).toEqual(['qs@owner.example', 'accounts@harbourtower.example']);
    expect(sent[0]!.attachments).toHaveLength(1);
    expect(sent[0]!.attachments[0]).toMatchObject({ filename: 'Progress Claim 1 - PC-PDF.pdf', contentType: 'application/pdf' });
    expect(Buffer.from(sent[0]!.attachments[0]!.content, 'base64').subarray(0, 5).toString()).toBe('%PDF-');

    const history = expectStatus(await admin({ method: 'GET', path: `${invoicePath}/history` }), 200, 'history').body.items;
    expect(history.filter((e: Json) => e.type === 'forwarded')).toEqual([
      expect.objectContaining({ by: fx.users.admin.userId, comment: 'Claim for this month <attached>.', changes: expect.objectContaining({ to: ['qs@owner.example', 'accounts@harbourtower.example'] }) }),
    ]);
  });

  it('names bad addresses (400 on `to`), needs a recipient, and is for head-contract admins only', async () => {
    for (const bad of [{ to: ['not-an-address'] }, { to: Array.from({ length: 21 }, (_, i) => `p${i}@owner.example`) }]) {
      expect(fieldsOf(expectProblem(await admin({ method: 'POST', path: `${invoicePath}/email`, body: bad }), 400, 'validation'))[0]).toMatch(/^to/);
    }
    const body = { to: ['qs@owner.example'] };
    expectRefusal(await as('standard', { method: 'POST', path: `${invoicePath}/email`, body }), 403, /email an owner invoice/);
    expectRefusal(await as('read_only', { method: 'POST', path: `${invoicePath}/email`, body }), 403);
    expectRefusal(await as('other_company_admin', { method: 'POST', path: `${invoicePath}/email`, body }), 404);

    // Without owner contacts and without addresses there is nobody to send it to.
    const { contractPath } = await createContract('PC-NOBODY', []);
    const lonely = expectStatus(await admin({ method: 'POST', path: `${contractPath}/owner-invoices`, body: {} }), 201, 'owner invoice').body;
    const path = `/v1/projects/${fx.projectId}/owner-invoices/${lonely.ownerInvoiceId}/email`;
    expect(fieldsOf(expectProblem(await admin({ method: 'POST', path, body: {} }), 400, 'validation'))).toEqual(['to']);
    expect(fieldsOf(expectProblem(await admin({ method: 'POST', path, body: { includeOwnerContacts: false } }), 400, 'validation'))).toEqual(['to']);
  });
});

describe('status emails', () => {
  it('tells the head-contract admins (not the one who acted) of each step, in the project’s terms, through the outbox records of the status change', async () => {
    // A second head-contract admin to hear of what the admin does.
    await db().Member.patch({ projectId: fx.projectId, userId: fx.memberTarget.userId }).set({ headContracts: 'admin' }).go();
    const step = async (status: string, version: number, comment?: string) => {
      const before = published.length;
      const response = await admin({ method: 'POST', path: `${invoicePath}/status`, body: { status, ...(comment && { comment }) }, headers: { 'if-match': `"${version}"` } });
      const changed = expectStatus(response, 200, `→ ${status}`).body;
      return { changed, emails: published.slice(before).filter((e) => e.detailType === 'email.requested').map((e) => e.detail) };
    };

    const sent = await step('under_review', invoice.version);
    expect(sent.emails).toHaveLength(1);
    expect(sent.emails[0]).toMatchObject({
      emailId: `owner-invoice:${invoice.ownerInvoiceId}:v${sent.changed.version}:${fx.memberTarget.userId}`,
      to: [fx.memberTarget.email],
      subject: 'Harbour Tower: Progress Claim 1 on Head Contract PC-PDF was sent to the owner for review',
    });
    expect(sent.emails[0].text).toContain(`Hello ${fx.memberTarget.name},`);
    expect(sent.emails[0].text).toContain('Current payment due: $42,200.06');
    expect(sent.emails[0].text).toContain(`recorded by ${fx.users.admin.name}`);
    // The email is an outbox record, committed with the step (and marked dispatched once published).
    const { data: records } = await db().Outbox.scan.where((attr, op) => op.contains(attr.detail, sent.emails[0].emailId)).go({ pages: 'all' });
    expect(records).toHaveLength(1);

    const answered = await step('revise_and_resubmit', sent.changed.version, 'Line 2 is ahead of site progress.');
    expect(answered.emails.map((e) => [e.to, e.subject])).toEqual([
      [[fx.memberTarget.email], 'Harbour Tower: Progress Claim 1 on Head Contract PC-PDF was sent back by the owner to revise & resubmit'],
    ]);
    expect(answered.emails[0].text).toContain('Comment: Line 2 is ahead of site progress.');
    const resent = await step('under_review', answered.changed.version);
    const approved = await step('approved', resent.changed.version);
    expect(approved.emails.map((e) => e.subject)).toEqual(['Harbour Tower: Progress Claim 1 on Head Contract PC-PDF was approved by the owner']);
  });
});
