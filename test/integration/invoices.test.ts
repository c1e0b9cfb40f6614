import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../shared/db/service';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import type { InvoiceStatus } from '../../shared/domain/invoices';
import { client, expectProblem, expectRefusal, expectStatus, fieldsOf, type Call, type Json, type TestApi, startTestApi } from '../support/api-client';
import {
  createBillingPeriod,
  createCommitment,
  freshNumber,
  replaceSov,
  seedPermissionFixture,
  sendInvites,
  type PermissionFixture,
  type TestBillingPeriod,
  type TestCommitment,
} from '../support/permission-fixtures';

/**
 * Invoices through the local API Gateway against DynamoDB Local: creation (contact or admin on
 * their behalf, numbering, one progress invoice per period, the open period and its due date),
 * line entry with exact-cent G702/G703 figures over a chain of three invoices, the permission
 * matrix's refusals, optimistic concurrency, and deletion.
 */
let api: TestApi;
let call: Call;
const today = localDate(new Date(), 'Australia/Sydney');

beforeAll(async () => {
  api = await startTestApi();
  call = client(api);
});
afterAll(async () => {
  await api?.stop();
});

const invoicesOf = (fx: PermissionFixture) => `/v1/projects/${fx.projectId}/invoices`;
const createPath = (c: TestCommitment) => `${c.path}/invoices`;
const create = (token: string, c: TestCommitment, body: Json = {}) => call(token, { method: 'POST', path: createPath(c), body });
const get = (token: string, fx: PermissionFixture, invoiceId: string) => call(token, { method: 'GET', path: `${invoicesOf(fx)}/${invoiceId}` });
const patch = (token: string, fx: PermissionFixture, invoice: { invoiceId: string }, etag: string | undefined, lines: Json[]) =>
  call(token, {
    method: 'PATCH',
    path: `${invoicesOf(fx)}/${invoice.invoiceId}`,
    body: { lines },
    ...(etag ? { headers: { 'if-match': etag } } : {}),
  });

/** Moves an invoice to a status directly (the workflow's routes are tested in invoice-workflow.test.ts). */
async function setStatus(fx: PermissionFixture, invoiceId: string, status: InvoiceStatus) {
  await db().Invoice.patch({ projectId: fx.projectId, invoiceId }).set({ status }).add({ version: 1 }).go();
}

/** A commitment created by the admin with the given retainage and SOV lines. */
async function commitmentWith(fx: PermissionFixture, retainage: Json, lines: Json[], method: 'amount' | 'unit' = 'amount'): Promise<TestCommitment> {
  const number = freshNumber('INV');
  const created = await call(fx.users.admin.token, {
    method: 'POST',
    path: `/v1/projects/${fx.projectId}/commitments`,
    body: { type: 'subcontract', number, title: `Electrical ${number}`, vendorId: fx.vendorId, accountingMethod: method, retainage, invoiceContactIds: fx.contactIds },
  });
  expectStatus(created, 201, 'create commitment');
  const commitment = { commitmentId: created.body.commitmentId, number, path: `/v1/projects/${fx.projectId}/commitments/${created.body.commitmentId}` };
  await replaceSov(call, fx.users.admin.token, commitment, lines);
  return commitment;
}

const lineOf = (invoice: Json, description: string) => invoice.lines.find((l: Json) => l.description === description);
const period = async (fx: PermissionFixture, p: TestBillingPeriod) => expectStatus(await call(fx.users.admin.token, { method: 'GET', path: p.path }), 200, 'period').body;
const eventsOf = async (fx: PermissionFixture, invoiceId: string) =>
  (await db().InvoiceEvent.query.byInvoice({ projectId: fx.projectId, invoiceId }).go()).data;

describe('figures over three invoices (exact cents, hand-checked)', () => {
  let fx: PermissionFixture;
  let chain: TestCommitment;
  const periods: TestBillingPeriod[] = [];
  const retainage = { workPercent: '10', workEnabled: true, materialsPercent: '5', materialsEnabled: true };

  beforeAll(async () => {
    fx = await seedPermissionFixture(api.idp);
    chain = await commitmentWith(fx, retainage, [
      { costCode: '16-100', description: 'Switchboards', scheduledValueCents: 10_000_000 },
      { costCode: '16-200', description: 'Cabling', scheduledValueCents: 2_000_000 },
    ]);
  });

  it('refuses an invoice while no billing period is open', async () => {
    expectProblem(await create(fx.users.admin.token, chain), 409, 'conflict');
  });

  it('invoice 1: amount lines, stored materials, work and materials retainage; a contact is refused after the due date', async () => {
    periods.push(await createBillingPeriod(call, fx, { startDate: addDays(today, -90), endDate: addDays(today, -61), dueDate: addDays(today, -70) }));
    const late = expectProblem(await create(fx.users['read_only+contact'].token, chain), 409, 'conflict');
    expect(late.detail).toMatch(/due on/);

    const created = expectStatus(await create(fx.users.admin.token, chain), 201, 'admin creates on behalf after the due date');
    expect(created.headers.get('location')).toBe(`${invoicesOf(fx)}/${created.body.invoiceId}`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toMatchObject({ number: '1', position: 1, kind: 'progress', status: 'draft', paymentStatus: 'unpaid', billingPeriodId: periods[0]!.billingPeriodId });
    expect(created.body.lines.map((l: Json) => [l.costCode, l.description, l.workThisPeriodCents])).toEqual([
      ['16-100', 'Switchboards', 0],
      ['16-200', 'Cabling', 0],
    ]);
    expect(created.body.summary.currentPaymentDueCents).toBe(0);

    const [switchboards, cabling] = created.body.lines;
    const edited = expectStatus(
      await patch(fx.users.admin.token, fx, created.body, '"1"', [
        { lineId: cabling.lineId, workThisPeriodCents: 199_125, materialsStoredCents: 200_000 },
        { lineId: switchboards.lineId, workThisPeriodCents: 5_000_000 },
      ]),
      200,
      'enter invoice 1',
    );
    expect(edited.headers.get('etag')).toBe('"2"');
    const body = edited.body;
    expect(lineOf(body, 'Switchboards')).toMatchObject({
      scheduledValueCents: 10_000_000,
      previousWorkCents: 0,
      workThisPeriodCents: 5_000_000,
      materialsStoredCents: 0,
      completedAndStoredCents: 5_000_000,
      percentCompleteDisplay: '50.00',
      balanceToFinishCents: 5_000_000,
      retainageCents: 500_000,
      entry: { workThisPeriodCents: 5_000_000 },
    });
    // 10 % of 1,991.25 = 199.125 → 199.13; 5 % of 2,000.00 stored = 100.00.
    expect(lineOf(body, 'Cabling')).toMatchObject({
      workThisPeriodCents: 199_125,
      materialsStoredCents: 200_000,
      completedAndStoredCents: 399_125,
      balanceToFinishCents: 1_600_875,
      retainageCents: 29_913,
      workRetainage: { percent: '10', baseCents: 199_125, retainageCents: 19_913, currentlyRetainedCents: 19_913 },
      materialsRetainage: { percent: '5', baseCents: 200_000, retainageCents: 10_000, currentlyRetainedCents: 10_000 },
    });
    expect(body.summary).toEqual({
      originalContractSumCents: 12_000_000,
      netChangeByChangeOrdersCents: 0,
      contractSumToDateCents: 12_000_000,
      totalCompletedAndStoredCents: 5_399_125,
      workRetainageHeldCents: 519_913,
      materialsRetainageHeldCents: 10_000,
      totalRetainageHeldCents: 529_913,
      workRetainageCents: 519_913,
      materialsRetainageCents: 10_000,
      totalRetainageCents: 529_913,
      totalEarnedLessRetainageCents: 4_869_212,
      previousCertificatesCents: 0,
      currentPaymentDueCents: 4_869_212,
      balanceToFinishIncludingRetainageCents: 7_130_788,
    });
    expect(body.totals).toMatchObject({ scheduledValueCents: 12_000_000, workThisPeriodCents: 5_199_125, materialsStoredCents: 200_000, retainageCents: 529_913 });
    // A GET answers what the PATCH stored.
    const read = expectStatus(await get(fx.users.admin.token, fx, body.invoiceId), 200, 'get invoice 1');
    expect(read.headers.get('etag')).toBe('"2"');
    expect(read.body).toEqual(body);

    // The history records the creation and the changed fields.
    const events = await eventsOf(fx, body.invoiceId);
    expect(events.map((e) => e.type)).toEqual(['created', 'edited']);
    expect(events[1]!.changes).toEqual(
      expect.arrayContaining([
        { lineId: cabling.lineId, field: 'workThisPeriodCents', from: null, to: 199_125 },
        { lineId: cabling.lineId, field: 'materialsStoredCents', from: null, to: 200_000 },
        { lineId: switchboards.lineId, field: 'workThisPeriodCents', from: null, to: 5_000_000 },
      ]),
    );
    expect((await period(fx, periods[0]!)).invoiceCount).toBe(1);
  });

  it('the next invoice waits for the previous one to be approved', async () => {
    periods.push(await createBillingPeriod(call, fx, { startDate: addDays(today, -60), endDate: addDays(today, -31), dueDate: addDays(today, -40) }));
    expectProblem(await create(fx.users.admin.token, chain), 409, 'conflict');
  });

  it('invoice 2: D = previous D + E, line 7 = previous line 6, % complete entry, stored materials installed', async () => {
    const [first] = expectStatus(await call(fx.users.admin.token, { method: 'GET', path: `${invoicesOf(fx)}?commitmentId=${chain.commitmentId}` }), 200, 'list').body.items;
    await setStatus(fx, first.invoiceId, 'approved');
    const created = expectStatus(await create(fx.users.admin.token, chain), 201, 'invoice 2').body;
    expect(created).toMatchObject({ number: '2', position: 2 });
    // Nothing entered yet: D carries the previous work, stored materials are gone (entered each period).
    expect(lineOf(created, 'Cabling')).toMatchObject({ previousWorkCents: 199_125, workThisPeriodCents: 0, materialsStoredCents: 0 });
    expect(created.summary.previousCertificatesCents).toBe(4_869_212);

    const cabling = lineOf(created, 'Cabling');
    const body = expectStatus(await patch(fx.users.admin.token, fx, created, '"1"', [{ lineId: cabling.lineId, percentComplete: '50' }]), 200, 'enter invoice 2').body;
    // 50 % of 20,000.00 = 10,000.00 to date, less 1,991.25 before = 8,008.75 this period.
    expect(lineOf(body, 'Cabling')).toMatchObject({
      previousWorkCents: 199_125,
      workThisPeriodCents: 800_875,
      materialsStoredCents: 0,
      completedAndStoredCents: 1_000_000,
      retainageCents: 100_000,
      materialsRetainage: { baseCents: 0, retainedThisPeriodCents: -10_000, currentlyRetainedCents: 0 },
    });
    // The $100,000 line: $50,000 before, nothing this period, 10 % held throughout.
    expect(lineOf(body, 'Switchboards')).toMatchObject({ previousWorkCents: 5_000_000, workThisPeriodCents: 0, completedAndStoredCents: 5_000_000, retainageCents: 500_000 });
    expect(body.summary).toMatchObject({
      totalCompletedAndStoredCents: 6_000_000,
      workRetainageCents: 600_000,
      materialsRetainageCents: 0,
      totalEarnedLessRetainageCents: 5_400_000,
      previousCertificatesCents: 4_869_212,
      currentPaymentDueCents: 530_788,
      balanceToFinishIncludingRetainageCents: 6_600_000,
    });
  });

  it('invoice 3: nothing this period → line 8 = 0.00; releasing retainage raises the amount due', async () => {
    periods.push(await createBillingPeriod(call, fx, { startDate: addDays(today, -30), endDate: addDays(today, 30), dueDate: addDays(today, 10) }));
    const { items } = expectStatus(await call(fx.users.admin.token, { method: 'GET', path: `${invoicesOf(fx)}?commitmentId=${chain.commitmentId}&status=draft` }), 200, 'list').body;
    expect(items.map((i: Json) => i.number)).toEqual(['2']);
    await setStatus(fx, items[0].invoiceId, 'approved_as_noted');

    const created = expectStatus(await create(fx.users['standard+contact'].token, chain), 201, 'the contact creates invoice 3 before the due date').body;
    expect(created.summary).toMatchObject({
      totalEarnedLessRetainageCents: 5_400_000,
      previousCertificatesCents: 5_400_000,
      currentPaymentDueCents: 0,
    });
    expect(lineOf(created, 'Switchboards')).toMatchObject({ previousWorkCents: 5_000_000, workThisPeriodCents: 0 });

    const switchboards = lineOf(created, 'Switchboards');
    const released = expectStatus(
      await patch(fx.users['standard+contact'].token, fx, created, '"1"', [{ lineId: switchboards.lineId, workRetainageReleasedCents: 200_000 }]),
      200,
      'release retainage',
    ).body;
    expect(lineOf(released, 'Switchboards')).toMatchObject({
      retainageCents: 300_000,
      workRetainage: { retainageCents: 500_000, releasedThisPeriodCents: 200_000, releasedToDateCents: 200_000, currentlyRetainedCents: 300_000 },
    });
    expect(released.summary).toMatchObject({
      totalRetainageCents: 400_000,
      totalEarnedLessRetainageCents: 5_600_000,
      previousCertificatesCents: 5_400_000,
      currentPaymentDueCents: 200_000,
      balanceToFinishIncludingRetainageCents: 6_400_000,
    });
    expect(released.totals.releasedThisPeriodCents).toBe(200_000);
  });

  it('half a cent: 10 % of 1,991.25 → retainage 199.13, due 1,792.12', async () => {
    const small = await commitmentWith(fx, retainage, [{ description: 'Lighting', scheduledValueCents: 500_000 }]);
    const created = expectStatus(await create(fx.users.admin.token, small), 201, 'create').body;
    const body = expectStatus(await patch(fx.users.admin.token, fx, created, '"1"', [{ lineId: created.lines[0].lineId, workThisPeriodCents: 199_125 }]), 200, 'enter').body;
    expect(body.summary).toMatchObject({ totalRetainageCents: 19_913, totalEarnedLessRetainageCents: 179_212, currentPaymentDueCents: 179_212 });
  });

  it('all lines at once: set the work retainage % on every line, then release all retainage', async () => {
    const c = await commitmentWith(fx, retainage, [
      { description: 'Switchboards', scheduledValueCents: 10_000_000 },
      { description: 'Cabling', scheduledValueCents: 5_000_000 },
    ]);
    const created = expectStatus(await create(fx.users.admin.token, c), 201, 'create').body;
    const [a, b] = created.lines.map((l: Json) => l.lineId);
    const entered = expectStatus(
      await patch(fx.users.admin.token, fx, created, '"1"', [
        { lineId: a, workThisPeriodCents: 2_000_000 },
        { lineId: b, workThisPeriodCents: 1_000_000 },
      ]),
      200,
      'enter work',
    );
    const update = (etag: string, body: Json) =>
      call(fx.users.admin.token, { method: 'PATCH', path: `${invoicesOf(fx)}/${created.invoiceId}`, body, headers: { 'if-match': etag } });

    // 5 % of 20,000.00 = 1,000.00 and of 10,000.00 = 500.00; line 6 = 30,000.00 − 1,500.00.
    const set = expectStatus(await update(entered.headers.get('etag')!, { allLines: { workRetainagePercent: '5' } }), 200, 'set on all lines');
    expect(set.body.lines.map((l: Json) => l.workRetainage.currentlyRetainedCents)).toEqual([100_000, 50_000]);
    expect(set.body.summary).toMatchObject({ totalRetainageCents: 150_000, totalEarnedLessRetainageCents: 2_850_000, currentPaymentDueCents: 2_850_000 });

    // Releasing everything held: nothing retained, the full 30,000.00 due.
    const released = expectStatus(await update(set.headers.get('etag')!, { allLines: { releaseAllRetainage: true } }), 200, 'release on all lines');
    expect(released.body.lines.map((l: Json) => l.workRetainage.releasedThisPeriodCents)).toEqual([100_000, 50_000]);
    expect(released.body.lines.map((l: Json) => l.workRetainage.currentlyRetainedCents)).toEqual([0, 0]);
    expect(released.body.summary).toMatchObject({ totalRetainageCents: 0, totalEarnedLessRetainageCents: 3_000_000, currentPaymentDueCents: 3_000_000 });

    // "Release all" is kept as an intent: lowering b's work afterwards recomputes its release (no 400 on a field never sent).
    const lowered = expectStatus(await update(released.headers.get('etag')!, { lines: [{ lineId: b, workThisPeriodCents: 500_000 }] }), 200, 'lower work');
    expect(lowered.body.lines[1].entry).toEqual({ workThisPeriodCents: 500_000, workRetainagePercent: '5', releaseAllRetainage: true });
    expect(lowered.body.lines[1].workRetainage).toMatchObject({ retainedToDateCents: 25_000, releasedThisInvoiceCents: 25_000, heldCents: 0 });
    expect(lowered.body.summary).toMatchObject({ totalRetainageHeldCents: 0, totalEarnedLessRetainageCents: 2_500_000 });

    // A line's own release wins over allLines; naming an amount released ends the intent on that line.
    const mixed = expectStatus(
      await update(lowered.headers.get('etag')!, {
        allLines: { workRetainagePercent: '10' },
        lines: [{ lineId: b, workRetainagePercent: '0', workReleasedThisInvoiceCents: 0 }],
      }),
      200,
      'mixed',
    );
    expect(mixed.body.lines.map((l: Json) => l.workRetainage.percent)).toEqual(['10', '0']);
    expect(mixed.body.lines.map((l: Json) => l.entry.releaseAllRetainage ?? null)).toEqual([true, null]);
    expect(mixed.body.lines[0].workRetainage).toMatchObject({ retainedToDateCents: 200_000, releasedThisInvoiceCents: 200_000, heldCents: 0 });
    expect(fieldsOf(expectProblem(await update(mixed.headers.get('etag')!, { allLines: {} }), 400, 'validation'))).toEqual(['allLines']);
  });

  it('entering money: work completed to date, whole cents, percent complete and retainage by unambiguous names', async () => {
    const c = await commitmentWith(fx, retainage, [
      { description: 'Switchboards', scheduledValueCents: 10_000_000 },
      { description: 'Cabling', scheduledValueCents: 5_000_000 },
    ]);
    const created = expectStatus(await create(fx.users.admin.token, c), 201, 'create').body;
    const [a, b] = created.lines.map((l: Json) => l.lineId);
    const update = (etag: string, body: Json) =>
      call(fx.users.admin.token, { method: 'PATCH', path: `${invoicesOf(fx)}/${created.invoiceId}`, body, headers: { 'if-match': etag } });

    // $500.25 sent as dollars: the error says cents, with an example.
    const dollars = expectProblem(await update('"1"', { lines: [{ lineId: a, workCompletedToDateCents: 500.25 }] }), 400, 'validation');
    expect(dollars.errors).toEqual([expect.objectContaining({ field: 'lines.0.workCompletedToDateCents', message: 'must be a whole number of cents (e.g. 50025 for $500.25)' })]);

    // Work to date, % to date under its new name and under its old one: the same figures.
    const entered = expectStatus(
      await update('"1"', { lines: [{ lineId: a, workCompletedToDateCents: 2_500_050 }, { lineId: b, percentCompleteToDate: '40' }] }),
      200,
      'enter to date',
    );
    expect(entered.body.lines.map((l: Json) => l.workThisPeriodCents)).toEqual([2_500_050, 2_000_000]);
    expect(entered.body.lines[1]).toMatchObject({ entry: { percentCompleteToDate: '40' }, completedAndStoredPercent: '40', percentComplete: '40' });
    const old = expectStatus(await update(entered.headers.get('etag')!, { lines: [{ lineId: b, percentComplete: '40' }] }), 200, 'old name');
    expect(old.body.lines[1].workThisPeriodCents).toBe(2_000_000);
    expect(old.body.lines[1].entry).toEqual({ percentCompleteToDate: '40' });
    // Both names at once is refused; a refusal names the field as the client sent it.
    const both = expectProblem(await update(old.headers.get('etag')!, { lines: [{ lineId: b, percentComplete: '40', percentCompleteToDate: '40' }] }), 400, 'validation');
    expect(fieldsOf(both)).toEqual(['lines.0.percentComplete']);
    const over = expectProblem(await update(old.headers.get('etag')!, { lines: [{ lineId: b, percentComplete: '100.5' }] }), 400, 'validation');
    expect(fieldsOf(over)).toEqual(['lines.0.percentComplete']);
    const overNew = expectProblem(await update(old.headers.get('etag')!, { lines: [{ lineId: b, workCompletedToDateCents: 5_000_001 }] }), 400, 'validation');
    expect(fieldsOf(overNew)).toEqual(['lines.0.workCompletedToDateCents']);

    // Retained by amount under the new name (old accepted), released this invoice, held: 10 % of a = 2,500.01 → 250,005.
    const retained = expectStatus(
      await update(old.headers.get('etag')!, { lines: [{ lineId: a, workRetainedToDateCents: 200_000 }, { lineId: b, workRetainageCents: 100_000 }] }),
      200,
      'retained by amount',
    );
    expect(retained.body.lines[0].entry).toEqual({ workCompletedToDateCents: 2_500_050, workRetainedToDateCents: 200_000 });
    expect(retained.body.lines.map((l: Json) => l.workRetainage.retainedThisInvoiceCents)).toEqual([200_000, 100_000]);
    expect(retained.body.lines.map((l: Json) => l.retainageHeldCents)).toEqual([200_000, 100_000]);
    expect(retained.body.summary).toMatchObject({ workRetainageHeldCents: 300_000, materialsRetainageHeldCents: 0, totalRetainageHeldCents: 300_000, totalRetainageCents: 300_000 });
    expect(retained.body.totals).toMatchObject({ retainageHeldCents: 300_000, retainedThisInvoiceCents: 300_000, releasedThisInvoiceCents: 0 });
  });

  it('unit lines: quantity × unit price, rounded once; retainage by amount', async () => {
    const units = await commitmentWith(
      fx,
      { ...retainage, materialsEnabled: false },
      [
        { costCode: '16-300', description: 'Conduit, 25 mm', quantity: '12.5', unitOfMeasure: 'm', unitPrice: '123.45' },
        { costCode: '16-310', description: 'Cable tray fixings', quantity: '3', unitOfMeasure: 'ea', unitPrice: '33.33' },
      ],
      'unit',
    );
    const created = expectStatus(await create(fx.users.admin.token, units), 201, 'create').body;
    // 12.5 × 123.45 = 1,543.125 → 1,543.13; 3 × 33.33 = 99.99.
    expect(created.lines.map((l: Json) => [l.kind, l.scheduledValueCents, l.unitOfMeasure])).toEqual([
      ['unit', 154_313, 'm'],
      ['unit', 9_999, 'ea'],
    ]);
    const [conduit, fixings] = created.lines;
    const refused = expectProblem(
      await patch(fx.users.admin.token, fx, created, '"1"', [{ lineId: fixings.lineId, materialsStoredCents: 100 }]),
      400,
      'validation',
    );
    expect(fieldsOf(refused)).toEqual(['lines.0.materialsStoredCents']);

    const body = expectStatus(
      await patch(fx.users.admin.token, fx, created, '"1"', [
        { lineId: conduit.lineId, quantityThisPeriod: '5', workRetainageCents: 6_000 },
        { lineId: fixings.lineId, quantityThisPeriod: '3' },
      ]),
      200,
      'enter quantities',
    ).body;
    // 5 × 123.45 = 617.25 (retainage 60.00 entered); 3 × 33.33 = 99.99, 10 % = 9.999 → 10.00.
    expect(lineOf(body, 'Conduit, 25 mm')).toMatchObject({
      quantityThisPeriod: '5',
      quantityToDate: '5',
      workThisPeriodCents: 61_725,
      retainageCents: 6_000,
      workRetainage: { source: 'amount', percent: '9.7205' },
    });
    expect(lineOf(body, 'Cable tray fixings')).toMatchObject({ workThisPeriodCents: 9_999, retainageCents: 1_000, percentCompleteDisplay: '100.00' });
    expect(body.summary).toMatchObject({
      contractSumToDateCents: 164_312,
      totalCompletedAndStoredCents: 71_724,
      totalRetainageCents: 7_000,
      totalEarnedLessRetainageCents: 64_724,
      currentPaymentDueCents: 64_724,
      balanceToFinishIncludingRetainageCents: 99_588,
    });
  });

  it('a second progress invoice in the period is refused; a retainage release may exist beside it', async () => {
    const single = await commitmentWith(fx, retainage, [{ description: 'Earthing', scheduledValueCents: 10_000_000 }]);
    const first = expectStatus(await create(fx.users.admin.token, single, { number: 'PC-7' }), 201, 'first').body;
    expect(first.number).toBe('PC-7');
    expectProblem(await create(fx.users.admin.token, single), 409, 'conflict');
    await setStatus(fx, first.invoiceId, 'approved');
    expectProblem(await create(fx.users.admin.token, single), 409, 'conflict');
    const duplicate = expectProblem(await create(fx.users.admin.token, single, { number: ' pc-7 ', kind: 'retainage_release' }), 409, 'conflict');
    expect(duplicate.detail).toMatch(/already used/);
    // read_only contacts may not create a release invoice (standard contacts and admins may).
    expectRefusal(await create(fx.users['read_only+contact'].token, single, { kind: 'retainage_release' }), 403);
    const release = expectStatus(await create(fx.users['standard+contact'].token, single, { kind: 'retainage_release' }), 201, 'release').body;
    expect(release).toMatchObject({ number: '2', position: 2, kind: 'retainage_release' });
    const refused = expectProblem(
      await patch(fx.users.admin.token, fx, release, '"1"', [{ lineId: release.lines[0].lineId, workThisPeriodCents: 100 }]),
      400,
      'validation',
    );
    expect(fieldsOf(refused)).toEqual(['lines.0.workThisPeriodCents']);
  });
});

describe('access, concurrency and deletion', () => {
  let fx: PermissionFixture;
  let open: TestBillingPeriod;
  let shared: TestCommitment;
  let invoice: Json;

  beforeAll(async () => {
    fx = await seedPermissionFixture(api.idp);
    open = await createBillingPeriod(call, fx, { startDate: addDays(today, -5), endDate: addDays(today, 25), dueDate: addDays(today, 10) });
    shared = await createCommitment(call, fx);
  });

  it('creation per PERMISSIONS.md: contacts and admins; others refused', async () => {
    expectRefusal(await create(fx.users.none.token, shared), 404);
    expectRefusal(await create(fx.users.not_a_member.token, shared), 404);
    expectRefusal(await create(fx.users.other_company_admin.token, shared), 404);
    expectRefusal(await create(fx.users.read_only.token, shared), 403, /on behalf/);
    expectRefusal(await create(fx.users.standard.token, shared), 403, /on behalf/);
    const privateOne = await createCommitment(call, fx, { private: true });
    expectRefusal(await create(fx.users.standard.token, privateOne), 404);
    invoice = expectStatus(await create(fx.users['read_only+contact'].token, shared), 201, 'contact creates').body;
    expect(invoice.createdBy).toBe(fx.users['read_only+contact'].userId);
    expect((await period(fx, open)).invoiceCount).toBe(1);
  });

  it('viewing: read_only non-contacts see no invoices; other companies none at all', async () => {
    expectStatus(await get(fx.users['read_only+contact'].token, fx, invoice.invoiceId), 200, 'contact');
    expectStatus(await get(fx.users.standard.token, fx, invoice.invoiceId), 200, 'standard');
    expectRefusal(await get(fx.users.read_only.token, fx, invoice.invoiceId), 403);
    expectRefusal(await get(fx.users.none.token, fx, invoice.invoiceId), 404);
    expectRefusal(await call(fx.users.other_company_admin.token, { method: 'GET', path: `${invoicesOf(fx)}/${invoice.invoiceId}` }), 404);
    expectRefusal(await call(fx.users.other_company_admin.token, { method: 'GET', path: `/v1/projects/${fx.other.projectId}/invoices/${invoice.invoiceId}` }), 404);

    const listed = (token: string, query = '') => call(token, { method: 'GET', path: `${invoicesOf(fx)}${query}` });
    expect(expectStatus(await listed(fx.users.read_only.token), 200, 'read_only list').body.items).toEqual([]);
    const byPeriod = expectStatus(await listed(fx.users.admin.token, `?billingPeriodId=${open.billingPeriodId}`), 200, 'period list').body;
    expect(byPeriod.items).toEqual([expect.objectContaining({ invoiceId: invoice.invoiceId, commitmentNumber: shared.number, vendorName: fx.vendorName })]);
    expect(byPeriod.items[0].lines).toBeUndefined();
    expect(expectStatus(await listed(fx.users['read_only+contact'].token), 200, 'contact list').body.items.map((i: Json) => i.invoiceId)).toEqual([invoice.invoiceId]);
    expect(expectStatus(await listed(fx.users.admin.token, '?status=approved'), 200, 'status filter').body.items).toEqual([]);
    expectRefusal(await listed(fx.users.none.token), 403);
    expectRefusal(await call(fx.users.other_company_admin.token, { method: 'GET', path: invoicesOf(fx) }), 404);
  });

  it('editing: If-Match required, one of two concurrent edits wins, field errors name the body line', async () => {
    const [first, second] = invoice.lines;
    expectProblem(await patch(fx.users['read_only+contact'].token, fx, invoice, undefined, [{ lineId: first.lineId, workThisPeriodCents: 100 }]), 428, 'precondition-required');
    expectRefusal(await patch(fx.users.standard.token, fx, invoice, '"1"', [{ lineId: first.lineId, workThisPeriodCents: 100 }]), 403);
    expectRefusal(await patch(fx.users.read_only.token, fx, invoice, '"1"', [{ lineId: first.lineId, workThisPeriodCents: 100 }]), 403);

    const bad = expectProblem(
      await patch(fx.users['read_only+contact'].token, fx, invoice, '"1"', [
        { lineId: 'no-such-line', workThisPeriodCents: 1 },
        { lineId: second.lineId, workThisPeriodCents: second.scheduledValueCents + 1 },
      ]),
      400,
      'validation',
    );
    expect(fieldsOf(bad)).toEqual(['lines.0.lineId']);
    const overbilled = expectProblem(
      await patch(fx.users['read_only+contact'].token, fx, invoice, '"1"', [{ lineId: second.lineId, workThisPeriodCents: second.scheduledValueCents + 1 }]),
      400,
      'validation',
    );
    expect(fieldsOf(overbilled)).toEqual(['lines.0.workThisPeriodCents']);

    const results = await Promise.all(
      [100, 200].map((cents) => patch(fx.users['read_only+contact'].token, fx, invoice, '"1"', [{ lineId: first.lineId, workThisPeriodCents: cents }])),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const read = expectStatus(await get(fx.users.admin.token, fx, invoice.invoiceId), 200, 'read').body;
    expect(read.version).toBe(2);
    expect(await eventsOf(fx, invoice.invoiceId)).toHaveLength(2);

    // Switching entry method clears the other; null clears a field.
    const switched = expectStatus(
      await patch(fx.users.admin.token, fx, invoice, '"2"', [{ lineId: first.lineId, percentComplete: '10' }]),
      200,
      'by % complete',
    ).body;
    expect(lineOf(switched, first.description).entry).toEqual({ percentCompleteToDate: '10' });
    const cleared = expectStatus(await patch(fx.users.admin.token, fx, invoice, '"3"', [{ lineId: first.lineId, percentComplete: null }]), 200, 'clear').body;
    expect(lineOf(cleared, first.description)).toMatchObject({ entry: {}, workThisPeriodCents: 0 });
    invoice = cleared;
  });

  it('editing: only in draft or revise_and_resubmit, contacts only before the due date', async () => {
    const line = invoice.lines[0].lineId;
    await setStatus(fx, invoice.invoiceId, 'under_review');
    expectProblem(await patch(fx.users.admin.token, fx, invoice, '"5"', [{ lineId: line, workThisPeriodCents: 1 }]), 409, 'conflict');
    await setStatus(fx, invoice.invoiceId, 'revise_and_resubmit');
    expectStatus(await patch(fx.users['read_only+contact'].token, fx, invoice, '"6"', [{ lineId: line, workThisPeriodCents: 1 }]), 200, 'resubmittable');

    await db().BillingPeriod.patch({ projectId: fx.projectId, billingPeriodId: open.billingPeriodId }).set({ dueDate: addDays(today, -1) }).go();
    try {
      const late = expectProblem(await patch(fx.users['read_only+contact'].token, fx, invoice, '"7"', [{ lineId: line, workThisPeriodCents: 2 }]), 409, 'conflict');
      expect(late.detail).toMatch(/due on/);
      expectStatus(await patch(fx.users.admin.token, fx, invoice, '"7"', [{ lineId: line, workThisPeriodCents: 2 }]), 200, 'admin any time');
    } finally {
      await db().BillingPeriod.patch({ projectId: fx.projectId, billingPeriodId: open.billingPeriodId }).set({ dueDate: addDays(today, 10) }).go();
    }
  });

  it('only the latest invoice is editable and deletable; approved ones never are; the period count follows', async () => {
    const c = await createCommitment(call, fx);
    const first = expectStatus(await create(fx.users.admin.token, c), 201, 'first').body;
    await setStatus(fx, first.invoiceId, 'approved');
    expectProblem(await call(fx.users.admin.token, { method: 'DELETE', path: `${invoicesOf(fx)}/${first.invoiceId}` }), 409, 'conflict');
    const release = expectStatus(await create(fx.users.admin.token, c, { kind: 'retainage_release' }), 201, 'release').body;
    expect((await period(fx, open)).invoiceCount).toBe(3);

    // The first invoice back in draft (as a workflow might): still not the latest.
    await setStatus(fx, first.invoiceId, 'draft');
    expectProblem(await patch(fx.users.admin.token, fx, first, '"3"', [{ lineId: first.lines[0].lineId, workThisPeriodCents: 1 }]), 409, 'conflict');
    expectProblem(await call(fx.users.admin.token, { method: 'DELETE', path: `${invoicesOf(fx)}/${first.invoiceId}` }), 409, 'conflict');

    expectRefusal(await call(fx.users.standard.token, { method: 'DELETE', path: `${invoicesOf(fx)}/${release.invoiceId}` }), 403);
    expectStatus(await call(fx.users.admin.token, { method: 'DELETE', path: `${invoicesOf(fx)}/${release.invoiceId}` }), 204, 'delete the latest');
    expectRefusal(await get(fx.users.admin.token, fx, release.invoiceId), 404);
    expect((await period(fx, open)).invoiceCount).toBe(2);
    // Its history stays; its number and position are free again.
    expect((await eventsOf(fx, release.invoiceId)).map((e) => e.type)).toEqual(['created']);
    await setStatus(fx, first.invoiceId, 'approved');
    expect(expectStatus(await create(fx.users.admin.token, c, { kind: 'retainage_release' }), 201, 'again').body).toMatchObject({ number: '2', position: 2 });

    // Granular: read_only with update permissions may delete (the invoice of a draft first invoice).
    const d = await createCommitment(call, fx, { type: 'purchase_order' });
    const draft = expectStatus(await create(fx.users.admin.token, d), 201, 'draft').body;
    await db().Invoice.patch({ projectId: fx.projectId, invoiceId: draft.invoiceId }).set({ paymentStatus: 'partially_paid', paidCents: 100 }).go();
    expectProblem(await call(fx.users['read_only+G(update_po,update_wo)'].token, { method: 'DELETE', path: `${invoicesOf(fx)}/${draft.invoiceId}` }), 409, 'conflict');
    await db().Invoice.patch({ projectId: fx.projectId, invoiceId: draft.invoiceId }).set({ paymentStatus: 'unpaid', paidCents: 0 }).go();
    expectStatus(await call(fx.users['read_only+G(update_po,update_wo)'].token, { method: 'DELETE', path: `${invoicesOf(fx)}/${draft.invoiceId}` }), 204, 'granular delete');
  });

  it('a project that invoices by invitation needs an invite (not declined) before a contact may create', async () => {
    const c = await createCommitment(call, fx);
    await db().Project.patch({ projectId: fx.projectId }).set({ defaultInvoiceType: 'none' }).go();
    try {
      expectProblem(await create(fx.users['standard+contact'].token, c), 409, 'conflict');
      await sendInvites(call, fx, open, [c]);
      expectStatus(await create(fx.users['standard+contact'].token, c), 201, 'invited');
    } finally {
      await db().Project.patch({ projectId: fx.projectId }).set({ defaultInvoiceType: 'work_materials_retainage' }).go();
    }
  });

  it('an enabled SSOV must be approved first', async () => {
    const c = await createCommitment(call, fx, { ssov: true });
    expectProblem(await create(fx.users.admin.token, c), 409, 'conflict');
  });
});
