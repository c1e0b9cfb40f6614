import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, expectRefusal, expectStatus, fieldsOf, type ApiRequest, type Call, type TestApi } from '../support/api-client';
import { createCommitment, etagOf, startFixtureApi, type PermissionFixture, type Profile, type TestCommitment } from '../support/permission-fixtures';
import { db } from '../../shared/db/service';
import { computeInvoice, type StoredSovLine } from '../../shared/domain/invoice-figures';

/**
 * Payments issued on a commitment, through the local API Gateway against DynamoDB Local: the
 * payments tab gates them, numbers are unique per commitment, check payments carry a check
 * number, and a payment against an invoice moves its paid sum and payment status (unpaid →
 * partially_paid → paid, and back on delete) in the same transaction, concurrent payments
 * all counted.
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;

const as = (profile: Profile, request: ApiRequest) => call(fx.users[profile].token, request);
const paymentsOf = (commitment: TestCommitment) => `${commitment.path}/payments`;

let counter = 0;
const payment = (overrides: Record<string, unknown> = {}) => ({
  paymentNumber: `PMT-${String(++counter).padStart(3, '0')}`,
  method: 'electronic',
  amountCents: 10_000,
  paidOn: '2025-03-31',
  ...overrides,
});
const pay = (commitment: TestCommitment, body: unknown, profile: Profile = 'admin') =>
  as(profile, { method: 'POST', path: paymentsOf(commitment), body });
const remove = (commitment: TestCommitment, paymentId: string, profile: Profile = 'admin') =>
  as(profile, { method: 'DELETE', path: `${paymentsOf(commitment)}/${paymentId}` });

async function enablePayments(commitment: TestCommitment) {
  const etag = await etagOf(call, fx, commitment.path);
  expectStatus(
    await as('admin', { method: 'PATCH', path: commitment.path, body: { paymentsIssuedEnabled: true }, headers: { 'if-match': etag } }),
    200,
    'enable payments issued',
  );
}

/**
 * An invoice of the commitment seeded directly, its figures from computeInvoice: 1,991.25 of
 * work on the first line at 10 % retainage → retainage 199.13 (199.125 rounded half away from
 * zero), current payment due (line 8) 1,792.12.
 */
async function seedInvoice(commitment: TestCommitment, position = 1) {
  const sov = expectStatus(await as('admin', { method: 'GET', path: `${commitment.path}/sov` }), 200, 'GET SOV').body;
  const sovLines: StoredSovLine[] = sov.lines.map((l: { lineId: string; scheduledValueCents: number; description: string }) => ({
    lineId: l.lineId,
    scheduledValueCents: l.scheduledValueCents,
    description: l.description,
  }));
  const contract = {
    originalContractSumCents: sov.totals.originalContractSumCents,
    approvedChangeOrdersCents: 0,
    retainage: { workPercent: '10', workEnabled: true, materialsPercent: '0', materialsEnabled: false },
  };
  const entries = [{ lineId: sovLines[0]!.lineId, workThisPeriodCents: 199_125 }];
  const figures = computeInvoice({ sovLines, contract, entries, overbillingAllowed: false });
  const now = new Date().toISOString();
  const invoiceId = randomUUID();
  await db()
    .Invoice.create({
      projectId: fx.projectId,
      invoiceId,
      commitmentId: commitment.commitmentId,
      billingPeriodId: `period-${randomUUID().slice(0, 8)}`,
      number: String(position),
      position,
      kind: 'progress',
      status: 'approved',
      paymentStatus: 'unpaid',
      paidCents: 0,
      entries,
      figures,
      sovLines,
      contract,
      createdBy: fx.users.admin.userId,
      createdAt: now,
      updatedAt: now,
      version: 1,
    })
    .go();
  return { invoiceId, dueCents: figures.summary.currentPaymentDueCents };
}

const invoiceNow = async (invoiceId: string) => (await db().Invoice.get({ projectId: fx.projectId, invoiceId }).go({ consistent: true })).data!;
const historyOf = async (invoiceId: string) =>
  (await db().InvoiceEvent.query.byInvoice({ projectId: fx.projectId, invoiceId }).go({ consistent: true, pages: 'all' })).data;

beforeAll(async () => {
  ({ api, fx, call } = await startFixtureApi());
});

afterAll(async () => {
  await api?.stop();
});

describe('the payments-issued tab', () => {
  it('refuses payments (409) until an admin enables it, then records them', async () => {
    const commitment = await createCommitment(call, fx);
    const refused = expectProblem(await pay(commitment, payment()), 409, 'conflict');
    expect(refused.detail).toMatch(/not enabled/);
    await enablePayments(commitment);
    expectStatus(await pay(commitment, payment()), 201, 'pay once enabled');
  });
});

describe('recording, reading, listing and deleting payments', () => {
  let commitment: TestCommitment;
  let other: TestCommitment;

  beforeAll(async () => {
    [commitment, other] = await Promise.all([createCommitment(call, fx), createCommitment(call, fx)]);
    await Promise.all([enablePayments(commitment), enablePayments(other)]);
  });

  it('POST answers 201 with the payment and its Location; GET reads it back', async () => {
    const body = payment({ paymentNumber: 'CHQ-1001', method: 'check', checkNumber: '004512', amountCents: 123_456, notes: 'Progress payment 1' });
    const created = expectStatus(await pay(commitment, body), 201, 'record payment');
    const { paymentId } = created.body;
    expect(created.headers.get('location')).toBe(`${paymentsOf(commitment)}/${paymentId}`);
    expect(created.body).toEqual({
      projectId: fx.projectId,
      commitmentId: commitment.commitmentId,
      paymentId,
      paymentNumber: 'CHQ-1001',
      method: 'check',
      amountCents: 123_456,
      paidOn: '2025-03-31',
      invoiceId: null,
      checkNumber: '004512',
      notes: 'Progress payment 1',
      createdBy: fx.users.admin.userId,
      createdAt: expect.any(String),
    });
    const read = expectStatus(await as('read_only', { method: 'GET', path: created.headers.get('location')! }), 200, 'GET payment');
    expect(read.body).toEqual(created.body);
  });

  it('lists in the order recorded, a page at a time, with a cursor bound to the commitment', async () => {
    const fresh = await createCommitment(call, fx, { sov: false });
    await enablePayments(fresh);
    const numbers = ['EFT-1', 'EFT-2', 'EFT-3'];
    for (const paymentNumber of numbers) expectStatus(await pay(fresh, payment({ paymentNumber })), 201, paymentNumber);

    const first = expectStatus(await as('standard', { method: 'GET', path: `${paymentsOf(fresh)}?limit=2` }), 200, 'page 1').body;
    expect(first.items.map((p: { paymentNumber: string }) => p.paymentNumber)).toEqual(['EFT-1', 'EFT-2']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = expectStatus(
      await as('standard', { method: 'GET', path: `${paymentsOf(fresh)}?limit=2&cursor=${encodeURIComponent(first.nextCursor)}` }),
      200,
      'page 2',
    ).body;
    expect(second.items.map((p: { paymentNumber: string }) => p.paymentNumber)).toEqual(['EFT-3']);
    expect(second.nextCursor).toBeNull();

    const replayed = await as('standard', { method: 'GET', path: `${paymentsOf(commitment)}?cursor=${encodeURIComponent(first.nextCursor)}` });
    expect(fieldsOf(expectProblem(replayed, 400, 'validation'))).toEqual(['cursor']);
  });

  it('DELETE answers 204, the payment is gone from the list, and its number is free again', async () => {
    const body = payment({ paymentNumber: 'EFT-DEL' });
    const { paymentId } = expectStatus(await pay(commitment, body), 201, 'record').body;
    expect((await remove(commitment, paymentId)).status).toBe(204);
    expectProblem(await remove(commitment, paymentId), 404, 'not-found');
    expectProblem(await as('admin', { method: 'GET', path: `${paymentsOf(commitment)}/${paymentId}` }), 404, 'not-found');
    const list = expectStatus(await as('admin', { method: 'GET', path: `${paymentsOf(commitment)}?limit=100` }), 200, 'list').body;
    expect(list.items.map((p: { paymentId: string }) => p.paymentId)).not.toContain(paymentId);
    expectStatus(await pay(commitment, body), 201, 'the number again');
  });

  it('payment numbers are unique per commitment, ignoring case and surrounding spaces (409 naming paymentNumber)', async () => {
    expectStatus(await pay(commitment, payment({ paymentNumber: 'PN-77' })), 201, 'first');
    const duplicate = expectProblem(await pay(commitment, payment({ paymentNumber: ' pn-77 ' })), 409, 'conflict');
    expect(fieldsOf(duplicate)).toEqual(['paymentNumber']);
    expectStatus(await pay(other, payment({ paymentNumber: 'PN-77' })), 201, 'the same number on another commitment');
  });

  it('a check payment needs its check number, and only a check payment has one (400 naming checkNumber)', async () => {
    expect(fieldsOf(expectProblem(await pay(commitment, payment({ method: 'check' })), 400, 'validation'))).toEqual(['checkNumber']);
    expect(fieldsOf(expectProblem(await pay(commitment, payment({ method: 'credit_card', checkNumber: '12' })), 400, 'validation'))).toEqual([
      'checkNumber',
    ]);
    expectStatus(await pay(commitment, payment({ method: 'credit_card' })), 201, 'credit card without a check number');
  });

  it('refuses bad fields with 400 naming each', async () => {
    const bad = await pay(commitment, { paymentNumber: ' ', method: 'cash', amountCents: 0, paidOn: '31/03/2025' });
    expect(fieldsOf(expectProblem(bad, 400, 'validation')).sort()).toEqual(['amountCents', 'method', 'paidOn', 'paymentNumber']);
    expect(fieldsOf(expectProblem(await pay(commitment, payment({ amountCents: 10.5 })), 400, 'validation'))).toEqual(['amountCents']);
    expect(fieldsOf(expectProblem(await pay(commitment, payment({ amountCents: -100 })), 400, 'validation'))).toEqual(['amountCents']);
  });

  it('an invoiceId must be an invoice of this commitment (400 naming invoiceId)', async () => {
    const ofOther = await seedInvoice(other);
    for (const invoiceId of [ofOther.invoiceId, 'no-such-invoice']) {
      expect(fieldsOf(expectProblem(await pay(commitment, payment({ invoiceId })), 400, 'validation'))).toEqual(['invoiceId']);
    }
    expect((await invoiceNow(ofOther.invoiceId)).paidCents).toBe(0);
  });
});

describe('an invoice’s payment status follows its payments', () => {
  let commitment: TestCommitment;

  beforeAll(async () => {
    commitment = await createCommitment(call, fx);
    await enablePayments(commitment);
  });

  it('unpaid → partially_paid → paid, refusing an overpayment by one cent, and back on delete', async () => {
    const { invoiceId, dueCents } = await seedInvoice(commitment);
    expect(dueCents).toBe(179_212); // 1,991.25 less 10 % retainage (199.13)

    const first = expectStatus(await pay(commitment, payment({ invoiceId, amountCents: 100_000 })), 201, 'first payment');
    expect(first.body.invoiceId).toBe(invoiceId);
    expect(await invoiceNow(invoiceId)).toMatchObject({ paidCents: 100_000, paymentStatus: 'partially_paid', version: 2 });

    const over = expectProblem(await pay(commitment, payment({ invoiceId, amountCents: 79_213 })), 409, 'conflict');
    expect(over.detail).toMatch(/overpay it by 0\.01/);
    expect(await invoiceNow(invoiceId)).toMatchObject({ paidCents: 100_000, paymentStatus: 'partially_paid', version: 2 });

    const second = expectStatus(await pay(commitment, payment({ invoiceId, amountCents: 79_212 })), 201, 'the rest');
    expect(await invoiceNow(invoiceId)).toMatchObject({ paidCents: 179_212, paymentStatus: 'paid', version: 3 });

    expect((await remove(commitment, second.body.paymentId)).status).toBe(204);
    expect(await invoiceNow(invoiceId)).toMatchObject({ paidCents: 100_000, paymentStatus: 'partially_paid', version: 4 });
    expect((await remove(commitment, first.body.paymentId)).status).toBe(204);
    expect(await invoiceNow(invoiceId)).toMatchObject({ paidCents: 0, paymentStatus: 'unpaid', version: 5 });

    const history = await historyOf(invoiceId);
    expect(history.map((e) => [e.type, e.by, e.comment])).toEqual([
      ['payment_recorded', fx.users.admin.userId, expect.stringMatching(/of 1000\.00 recorded/)],
      ['payment_recorded', fx.users.admin.userId, expect.stringMatching(/of 792\.12 recorded/)],
      ['payment_recorded', fx.users.admin.userId, expect.stringMatching(/of 792\.12 deleted/)],
      ['payment_recorded', fx.users.admin.userId, expect.stringMatching(/of 1000\.00 deleted/)],
    ]);
    expect(history[0]!.changes).toEqual(
      expect.arrayContaining([
        { field: 'paidCents', from: 0, to: 100_000 },
        { field: 'paymentStatus', from: 'unpaid', to: 'partially_paid' },
      ]),
    );
  });

  it('allowOverpayment records a payment beyond what is due; the invoice is paid', async () => {
    const { invoiceId } = await seedInvoice(commitment, 2);
    expectStatus(await pay(commitment, payment({ invoiceId, amountCents: 200_000, allowOverpayment: true })), 201, 'overpay');
    expect(await invoiceNow(invoiceId)).toMatchObject({ paidCents: 200_000, paymentStatus: 'paid' });
  });

  it('a payment that would take the invoice’s paid sum past 10^14 cents is a 422 naming amountCents, even with allowOverpayment', async () => {
    const { invoiceId } = await seedInvoice(commitment, 4);
    expectStatus(await pay(commitment, payment({ invoiceId, amountCents: 10 ** 14, allowOverpayment: true })), 201, 'the largest payment');
    const refused = expectProblem(await pay(commitment, payment({ invoiceId, amountCents: 1, allowOverpayment: true })), 422, 'payment-too-large');
    expect(fieldsOf(refused)).toEqual(['amountCents']);
    expect(await invoiceNow(invoiceId)).toMatchObject({ paidCents: 10 ** 14 });
    const tooBig = expectProblem(await pay(commitment, payment({ invoiceId, amountCents: Number.MAX_SAFE_INTEGER, allowOverpayment: true })), 400, 'validation');
    expect(fieldsOf(tooBig)).toEqual(['amountCents']);
  });

  it('concurrent payments on one invoice are all counted', async () => {
    const { invoiceId } = await seedInvoice(commitment, 3);
    const responses = await Promise.all(Array.from({ length: 6 }, () => pay(commitment, payment({ invoiceId, amountCents: 10_001 }))));
    for (const response of responses) expectStatus(response, 201, 'concurrent payment');
    expect(await invoiceNow(invoiceId)).toMatchObject({ paidCents: 60_006, paymentStatus: 'partially_paid', version: 7 });
    expect(await historyOf(invoiceId)).toHaveLength(6);

    // And concurrent deletes of them: each reversed once.
    const ids = responses.map((r) => r.body.paymentId as string);
    const deleted = await Promise.all([...ids, ids[0]!].map((id) => remove(commitment, id)));
    expect(deleted.map((r) => r.status).sort()).toEqual([204, 204, 204, 204, 204, 204, 404]);
    expect(await invoiceNow(invoiceId)).toMatchObject({ paidCents: 0, paymentStatus: 'unpaid', version: 13 });
  });
});

describe('who may record, delete and see payments', () => {
  let commitment: TestCommitment;
  let privateCommitment: TestCommitment;
  let paymentId: string;

  beforeAll(async () => {
    [commitment, privateCommitment] = await Promise.all([createCommitment(call, fx), createCommitment(call, fx, { private: true })]);
    await Promise.all([enablePayments(commitment), enablePayments(privateCommitment)]);
    paymentId = expectStatus(await pay(commitment, payment()), 201, 'seed payment').body.paymentId;
  });

  it('only commitment admins record or delete payments (403 naming the action for other levels and contacts)', async () => {
    for (const profile of ['read_only', 'standard', 'standard+contact', 'read_only+G(update_po,update_wo)'] as const) {
      expectRefusal(await pay(commitment, payment(), profile), 403, /payment/i);
      expectRefusal(await remove(commitment, paymentId, profile), 403, /payment/i);
    }
    expectRefusal(await pay(commitment, payment(), 'none'), 404);
  });

  it('members who see the commitment list its payments; others get 404', async () => {
    for (const profile of ['read_only', 'standard', 'admin', 'read_only+contact'] as const) {
      expectStatus(await as(profile, { method: 'GET', path: paymentsOf(commitment) }), 200, profile);
    }
    expectRefusal(await as('none', { method: 'GET', path: paymentsOf(commitment) }), 404);
    expectRefusal(await as('standard', { method: 'GET', path: paymentsOf(privateCommitment) }), 404);
    expectStatus(await as('standard+private_list', { method: 'GET', path: paymentsOf(privateCommitment) }), 200, 'on the private list');
  });

  it('another company and non-members get 404 on every route, and nothing changes', async () => {
    for (const profile of ['other_company_admin', 'not_a_member'] as const) {
      expectRefusal(await as(profile, { method: 'GET', path: paymentsOf(commitment) }), 404);
      expectRefusal(await as(profile, { method: 'GET', path: `${paymentsOf(commitment)}/${paymentId}` }), 404);
      expectRefusal(await pay(commitment, payment(), profile), 404);
      expectRefusal(await remove(commitment, paymentId, profile), 404);
    }
    // Company B's admin, naming A's commitment under B's own project: still nothing.
    const underB = `/v1/projects/${fx.other.projectId}/commitments/${commitment.commitmentId}/payments`;
    expectRefusal(await as('other_company_admin', { method: 'GET', path: underB }), 404);
    expectRefusal(await as('other_company_admin', { method: 'POST', path: underB, body: payment() }), 404);
    expectStatus(await as('admin', { method: 'GET', path: `${paymentsOf(commitment)}/${paymentId}` }), 200, 'still there');
  });
});
