import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../shared/db/service';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import { startRecordingBus, type RecordedEvent } from '../support/event-recorder';
import { expectProblem, expectRefusal, expectStatus, fieldsOf, type ApiRequest, type Call, type Json, type TestApi } from '../support/api-client';
import { createBillingPeriod, freshNumber, replaceSov, startFixtureApi, type PermissionFixture, type Profile, type TestCommitment } from '../support/permission-fixtures';

/**
 * Ontario prompt payment through the local API Gateway against DynamoDB Local: the fixture's
 * project moved to en-CA (America/Toronto). Proper-invoice fields entered on the invoice, the
 * payment due dates (owner 28 days after the proper invoice; a subcontractor 7 days later),
 * due / overdue, and notices of non-payment checked against the Act's deadlines.
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let published: RecordedEvent[];
let stopBus: () => Promise<void>;
const timeZone = 'America/Toronto';
const today = localDate(new Date(), timeZone);

beforeAll(async () => {
  const recording = await startRecordingBus();
  published = recording.published;
  stopBus = () => recording.bus.stop();
  ({ api, fx, call } = await startFixtureApi());
  await db().Project.patch({ projectId: fx.projectId }).set({ region: 'en-CA', timeZone }).go();
});
afterAll(async () => {
  await api?.stop();
  await stopBus?.();
});

const as = (profile: Profile, request: ApiRequest) => call(fx.users[profile].token, request);
const details = {
  contractorAddress: '12 King St W, Toronto ON',
  paymentTerms: 'Net 35 days (Construction Act)',
  payeeName: 'Ana Silva',
  payeeTitle: 'Controller',
  payeePhone: '+1 416 555 0100',
  payeeMailingAddress: '12 King St W, Toronto ON M5H 1A1',
};

async function subcontract(): Promise<TestCommitment> {
  const number = freshNumber('ON');
  const created = expectStatus(
    await as('admin', {
      method: 'POST',
      path: `/v1/projects/${fx.projectId}/commitments`,
      body: { type: 'subcontract', number, title: `Framing ${number}`, vendorId: fx.vendorId, accountingMethod: 'amount', invoiceContactIds: fx.contactIds },
    }),
    201,
    'create the subcontract',
  ).body;
  const commitment = { commitmentId: created.commitmentId, number, path: `/v1/projects/${fx.projectId}/commitments/${created.commitmentId}` };
  await replaceSov(call, fx.users.admin.token, commitment, [{ description: 'Framing, levels 2–3', scheduledValueCents: 10_000_000 }]);
  return commitment;
}

describe('Ontario prompt payment on a subcontractor invoice', () => {
  let invoice: Json;
  let path: string;
  beforeAll(async () => {
    await createBillingPeriod(call, fx, { startDate: addDays(today, -20), endDate: addDays(today, 9), dueDate: addDays(today, 5) });
    const commitment = await subcontract();
    invoice = expectStatus(await as('admin', { method: 'POST', path: `${commitment.path}/invoices`, body: {} }), 201, 'create the invoice').body;
    path = `/v1/projects/${fx.projectId}/invoices/${invoice.invoiceId}`;
  });

  it('a draft names the proper-invoice fields it lacks; entering them (admin or contact) makes it proper', async () => {
    expect(invoice.promptPayment).toMatchObject({ tier: 1, proper: false, status: 'not_given', paymentDueOn: null });
    expect(invoice.promptPayment.missing.map((m: Json) => m.field)).toEqual(['contractorAddress', 'paymentTerms', 'payeeName', 'payeeTitle', 'payeePhone', 'payeeMailingAddress']);
    expect(invoice.paymentScheduleDue).toBeNull();
    const bad = await as('admin', { method: 'PATCH', path, body: { properInvoice: { payeePhone: '' } }, headers: { 'if-match': `"${invoice.version}"` } });
    expect(fieldsOf(expectProblem(bad, 400, 'validation'))).toEqual(['properInvoice.payeePhone']);
    const body = { lines: [{ lineId: invoice.lines[0].lineId, workThisPeriodCents: 4_000_000 }], properInvoice: details };
    invoice = expectStatus(await as('read_only+contact', { method: 'PATCH', path, body, headers: { 'if-match': `"${invoice.version}"` } }), 200, 'the contact enters them').body;
    expect(invoice.promptPayment).toMatchObject({ proper: true, missing: [], details, status: 'not_given' });
    expect(invoice.summary.currentPaymentDueCents).toBe(3_600_000); // 10 % holdback
  });

  it('given: due 7 days after the owner is due to pay, i.e. 35 days after the proper invoice to the owner', async () => {
    invoice = expectStatus(
      await as('admin', { method: 'POST', path: `${path}/status`, body: { status: 'under_review' }, headers: { 'if-match': `"${invoice.version}"` } }),
      200,
      'submit',
    ).body;
    const read = expectStatus(await as('read_only+contact', { method: 'GET', path }), 200, 'read').body;
    expect(read.promptPayment).toMatchObject({ givenOn: today, ownerInvoiceGivenOn: null, paymentDueOn: null, status: 'awaiting_owner_invoice' });

    // The general contractor gives its proper invoice to the owner the same day (stored as the owner-invoice route would).
    const period = read.billingPeriodId;
    await db()
      .OwnerInvoice.create({
        projectId: fx.projectId,
        ownerInvoiceId: `owner-${invoice.invoiceId}`,
        headContractId: 'hc-ontario',
        billingPeriodId: period,
        number: '1',
        position: 1,
        kind: 'progress',
        status: 'under_review',
        paymentStatus: 'unpaid',
        paidCents: 0,
        entries: [],
        figures: invoice.figures ?? { lines: [], totals: {}, summary: {} },
        sovLines: [],
        contract: { originalContractSumCents: 0, approvedChangeOrdersCents: 0, retainage: invoice.retainage },
        createdBy: fx.users.admin.userId,
        createdAt: new Date().toISOString(),
        submittedAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
        version: 2,
      } as never)
      .go();
    const dated = expectStatus(await as('read_only+contact', { method: 'GET', path }), 200, 'read').body;
    expect(dated.promptPayment).toMatchObject({ ownerInvoiceGivenOn: today, paymentDueOn: addDays(today, 35), nonPaymentNoticeBy: addDays(today, 35), status: 'due' });
    const listed = expectStatus(await as('admin', { method: 'GET', path: `/v1/projects/${fx.projectId}/invoices?billingPeriodId=${period}` }), 200, 'list').body;
    expect(listed.items.find((i: Json) => i.invoiceId === invoice.invoiceId).promptPayment).toMatchObject({ paymentDueOn: addDays(today, 35), status: 'due' });
  });

  it('overdue once the due date passed unpaid', async () => {
    const submittedAt = `${addDays(today, -40)}T15:00:00.000Z`;
    await db().Invoice.patch({ projectId: fx.projectId, invoiceId: invoice.invoiceId }).set({ submittedAt }).go();
    await db().OwnerInvoice.patch({ projectId: fx.projectId, ownerInvoiceId: `owner-${invoice.invoiceId}` }).set({ submittedAt }).go();
    const read = expectStatus(await as('admin', { method: 'GET', path }), 200, 'read').body;
    expect(read.promptPayment).toMatchObject({ givenOn: addDays(today, -40), paymentDueOn: addDays(today, -5), status: 'overdue' });
    await db().Invoice.patch({ projectId: fx.projectId, invoiceId: invoice.invoiceId }).set({ submittedAt: new Date().toISOString() }).go();
    await db().OwnerInvoice.patch({ projectId: fx.projectId, ownerInvoiceId: `owner-${invoice.invoiceId}` }).set({ submittedAt: new Date().toISOString() }).go();
  });

  it('notices of non-payment: admin only, amount, reason and the Act’s deadline checked, naming the field', async () => {
    const notices = `${path}/notices-of-non-payment`;
    const notice = { basis: 'disputed', amountCents: 1_250_000, reason: 'Deficient framing at grid C4', givenOn: today };
    for (const profile of ['standard', 'read_only+contact'] as const) expectRefusal(await as(profile, { method: 'POST', path: notices, body: notice }), 403, /notice of non-payment/);
    expectRefusal(await as('none', { method: 'POST', path: notices, body: notice }), 404);
    expect(fieldsOf(expectProblem(await as('admin', { method: 'POST', path: notices, body: { ...notice, amountCents: 3_600_001 } }), 400, 'validation'))).toEqual(['amountCents']);
    expect(fieldsOf(expectProblem(await as('admin', { method: 'POST', path: notices, body: { ...notice, givenOn: addDays(today, 36) } }), 400, 'validation'))).toEqual(['givenOn']);
    expect(fieldsOf(expectProblem(await as('admin', { method: 'POST', path: notices, body: { ...notice, basis: 'not_paid_from_above' } }), 400, 'validation'))).toEqual([
      'noticeFromAboveReceivedOn',
    ]);
    const late = { ...notice, basis: 'not_paid_from_above', noticeFromAboveReceivedOn: addDays(today, -8) };
    expect(expectProblem(await as('admin', { method: 'POST', path: notices, body: late }), 400, 'validation').errors[0].message).toMatch(new RegExp(addDays(today, -1)));

    const given = expectStatus(await as('admin', { method: 'POST', path: notices, body: notice }), 201, 'give the notice').body;
    expect(given).toMatchObject({ ...notice, deadline: addDays(today, 35), givenBy: fx.users.admin.userId, noticeFromAboveReceivedOn: null });
    const passedOn = { ...notice, basis: 'not_paid_from_above', amountCents: 500_000, noticeFromAboveReceivedOn: addDays(today, -2) };
    expect(expectStatus(await as('admin', { method: 'POST', path: notices, body: passedOn }), 201, 'pass on').body.deadline).toBe(addDays(today, 5));

    const list = expectStatus(await as('read_only+contact', { method: 'GET', path: notices }), 200, 'the contact reads them').body;
    expect(list.items.map((n: Json) => [n.basis, n.amountCents])).toEqual([
      ['disputed', 1_250_000],
      ['not_paid_from_above', 500_000],
    ]);
    const history = expectStatus(await as('admin', { method: 'GET', path: `${path}/history` }), 200, 'history').body;
    expect(history.items.filter((e: Json) => e.type === 'non_payment_notice_given').map((e: Json) => e.comment)).toEqual([notice.reason, notice.reason]);

    const emails = published.filter((e) => e.detailType === 'email.requested' && String(e.detail.emailId).startsWith(`non-payment-notice:${invoice.invoiceId}:${given.noticeId}:`));
    expect(emails).toHaveLength(fx.contactIds.length);
    expect(emails[0]!.detail.subject).toMatch(/^Notice of non-payment: /);
    expect(emails[0]!.detail.text).toContain('Amount not being paid: $12,500.00');
    expect(emails[0]!.detail.text).toContain('Construction Act, R.S.O. 1990, c. C.30');
  });

  it('elsewhere than en-CA, no prompt payment and no notices', async () => {
    await db().Project.patch({ projectId: fx.projectId }).set({ region: 'en-US' }).go();
    try {
      expect(expectStatus(await as('admin', { method: 'GET', path }), 200, 'read').body.promptPayment).toBeNull();
      expectProblem(await as('admin', { method: 'POST', path: `${path}/notices-of-non-payment`, body: { basis: 'disputed', amountCents: 1, reason: 'x' } }), 409, 'conflict');
    } finally {
      await db().Project.patch({ projectId: fx.projectId }).set({ region: 'en-CA' }).go();
    }
  });
});
