import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import { expectProblem, expectStatus, type ApiRequest, type Call, type Json, type TestApi } from '../support/api-client';
import { createBillingPeriod, startFixtureApi, type PermissionFixture, type Profile } from '../support/permission-fixtures';

/**
 * Payments received against an owner invoice, through the local API Gateway against DynamoDB Local.
 *
 * Head contract: one line 16-100 $50,000.00, retainage 10 % on work. The owner invoice bills
 * E = 1,000,001 cents; retainage round(100,000.1) = 100,000; line 8 (due) = 900,001 cents.
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let invoicePath: string;
let paymentsPath: string;

const as = (profile: Profile, request: ApiRequest) => call(fx.users[profile].token, request);
const admin = (request: ApiRequest) => as('admin', request);
const today = localDate(new Date(), 'Australia/Sydney');

const payment = (overrides: object = {}) => ({ paymentNumber: 'RCV-1', method: 'electronic', amountCents: 400_000, receivedOn: today, reference: 'EFT 7781', ...overrides });
const pay = (body: object, headers: Record<string, string> = {}) => admin({ method: 'POST', path: paymentsPath, body, headers });
const readInvoice = async () => expectStatus(await admin({ method: 'GET', path: invoicePath }), 200, 'owner invoice').body;

beforeAll(async () => {
  ({ api, fx, call } = await startFixtureApi());
  const created = await admin({
    method: 'POST',
    path: `/v1/projects/${fx.projectId}/head-contracts`,
    body: { number: 'PC-PAY', title: 'Harbour Tower', ownerCompanyName: 'Harbour Tower Developments Pty Ltd', retainage: { workPercent: '10', workEnabled: true, materialsPercent: '0', materialsEnabled: false } },
  });
  const contractPath = expectStatus(created, 201, 'head contract').headers.get('location')!;
  const sov = await admin({ method: 'PUT', path: `${contractPath}/sov`, body: { lines: [{ costCode: '16-100', description: 'Electrical', scheduledValueCents: 5_000_000 }] }, headers: { 'if-match': '"1"' } });
  const [lineId] = expectStatus(sov, 200, 'SOV').body.lines.map((l: Json) => l.lineId);
  await createBillingPeriod(call, fx, { startDate: addDays(today, -5), endDate: addDays(today, 25), dueDate: addDays(today, 20) });
  const invoice = expectStatus(await admin({ method: 'POST', path: `${contractPath}/owner-invoices`, body: {} }), 201, 'owner invoice');
  invoicePath = `/v1/projects/${fx.projectId}/owner-invoices/${invoice.body.ownerInvoiceId}`;
  paymentsPath = `${invoicePath}/payments`;
  const edited = await admin({ method: 'PATCH', path: invoicePath, body: { lines: [{ lineId, workThisPeriodCents: 1_000_001 }] }, headers: { 'if-match': `"${invoice.body.version}"` } });
  expect(expectStatus(edited, 200, 'entries').body.summary.currentPaymentDueCents).toBe(900_001);
});

afterAll(async () => {
  await api?.stop();
});

describe('payments received on an owner invoice', () => {
  it('starts unpaid; two partial payments → partially_paid then paid, to the cent', async () => {
    expect(await readInvoice()).toMatchObject({ paymentStatus: 'unpaid', paidCents: 0 });

    const first = expectStatus(await pay(payment()), 201, 'first payment');
    expect(first.body).toMatchObject({ paymentNumber: 'RCV-1', method: 'electronic', amountCents: 400_000, receivedOn: today, reference: 'EFT 7781' });
    expect(first.headers.get('location')).toBe(`${paymentsPath}/${first.body.paymentId}`);
    expect(await readInvoice()).toMatchObject({ paymentStatus: 'partially_paid', paidCents: 400_000 });

    expectStatus(await pay(payment({ paymentNumber: 'RCV-2', amountCents: 500_001 })), 201, 'second payment');
    expect(await readInvoice()).toMatchObject({ paymentStatus: 'paid', paidCents: 900_001 });
  });

  it('refuses a third payment as overpayment, naming the amount; allowOverpayment records it', async () => {
    const over = expectProblem(await pay(payment({ paymentNumber: 'RCV-3', amountCents: 1 })), 409, 'overpayment');
    expect(over.detail).toMatch(/9000\.01 due and 9000\.01 paid; this payment of 0\.01 would overpay it by 0\.01/);
    expect(over.errors).toContainEqual(expect.objectContaining({ field: 'amountCents' }));
    expect(await readInvoice()).toMatchObject({ paymentStatus: 'paid', paidCents: 900_001 });

    const allowed = expectStatus(await pay(payment({ paymentNumber: 'RCV-3', amountCents: 1, allowOverpayment: true })), 201, 'allowed overpayment');
    expect(await readInvoice()).toMatchObject({ paymentStatus: 'paid', paidCents: 900_002 });
    expectStatus(await admin({ method: 'DELETE', path: `${paymentsPath}/${allowed.body.paymentId}` }), 204, 'delete');
    expect(await readInvoice()).toMatchObject({ paymentStatus: 'paid', paidCents: 900_001 });
  });

  it('the project’s overpaymentAllowed setting records an overpayment without the flag; turned off, it is refused again', async () => {
    const settingsPath = `/v1/projects/${fx.projectId}/settings`;
    const setOverpayment = async (overpaymentAllowed: boolean) => {
      const read = expectStatus(await admin({ method: 'GET', path: settingsPath }), 200, 'settings');
      expectStatus(await admin({ method: 'PATCH', path: settingsPath, body: { overpaymentAllowed }, headers: { 'if-match': read.headers.get('etag')! } }), 200, 'overpayment setting');
    };
    await setOverpayment(true);
    const allowed = expectStatus(await pay(payment({ paymentNumber: 'RCV-4', amountCents: 1 })), 201, 'overpayment the project allows');
    expect(await readInvoice()).toMatchObject({ paymentStatus: 'paid', paidCents: 900_002 });
    expectStatus(await admin({ method: 'DELETE', path: `${paymentsPath}/${allowed.body.paymentId}` }), 204, 'delete');
    await setOverpayment(false);
    expectProblem(await pay(payment({ paymentNumber: 'RCV-4', amountCents: 1 })), 409, 'overpayment');
  });

  it('refuses a number already used on the head contract (ignoring case and spaces)', async () => {
    const duplicate = expectProblem(await pay(payment({ paymentNumber: ' rcv-1 ', amountCents: 1, allowOverpayment: true })), 409, 'conflict');
    expect(duplicate.errors).toContainEqual(expect.objectContaining({ field: 'paymentNumber' }));
  });

  it('deleting a payment reverses the paid total; concurrent payments that together overpay: one is refused', async () => {
    const list = expectStatus(await admin({ method: 'GET', path: paymentsPath }), 200, 'list').body.items;
    expect(list.map((p: Json) => [p.paymentNumber, p.amountCents])).toEqual([['RCV-1', 400_000], ['RCV-2', 500_001]]);
    expectStatus(await admin({ method: 'DELETE', path: `${paymentsPath}/${list[1].paymentId}` }), 204, 'delete RCV-2');
    expect(await readInvoice()).toMatchObject({ paymentStatus: 'partially_paid', paidCents: 400_000 });

    // 500,001 left: each of these fits alone, both together do not.
    const results = await Promise.all([pay(payment({ paymentNumber: 'RACE-A', amountCents: 300_000 })), pay(payment({ paymentNumber: 'RACE-B', amountCents: 300_000 }))]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await readInvoice()).toMatchObject({ paymentStatus: 'partially_paid', paidCents: 700_000 });
  });

  it('answers a retried POST with the same Idempotency-Key once', async () => {
    const key = randomUUID();
    const first = expectStatus(await pay(payment({ paymentNumber: 'RCV-IDEM', amountCents: 1 }), { 'idempotency-key': key }), 201, 'first');
    const again = expectStatus(await pay(payment({ paymentNumber: 'RCV-IDEM', amountCents: 1 }), { 'idempotency-key': key }), 201, 'again');
    expect(again.body.paymentId).toBe(first.body.paymentId);
    expect(await readInvoice()).toMatchObject({ paidCents: 700_001 });
  });

  it('is invisible to another company, and recorded only by head-contract admins', async () => {
    expectProblem(await as('other_company_admin', { method: 'GET', path: paymentsPath }), 404, 'not-found');
    expectProblem(await as('other_company_admin', { method: 'POST', path: paymentsPath, body: payment({ paymentNumber: 'X-1', amountCents: 1 }) }), 404, 'not-found');
    expectStatus(await as('read_only', { method: 'GET', path: paymentsPath }), 200, 'read_only views');
    expectProblem(await as('standard', { method: 'POST', path: paymentsPath, body: payment({ paymentNumber: 'X-1', amountCents: 1 }) }), 403, 'forbidden');
  });

  it('the history records each payment with the figures changed', async () => {
    const history = expectStatus(await admin({ method: 'GET', path: `${invoicePath}/history` }), 200, 'history').body.items;
    const payments = history.filter((e: Json) => e.type === 'payment_recorded');
    expect(payments[0].changes).toContainEqual({ field: 'paidCents', from: 0, to: 400_000 });
    expect(payments[0].changes).toContainEqual({ field: 'paymentStatus', from: 'unpaid', to: 'partially_paid' });
  });
});
