import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import { expectProblem, expectStatus, type ApiRequest, type Json, type TestApi, type Call } from '../support/api-client';
import {
  createBillingPeriod,
  createChangeOrder,
  createCommitment,
  createHeadContract,
  createInvoice,
  invoiceInStatus,
  startFixtureApi,
  workedExampleHeadContract,
  type PermissionFixture,
  type TestCommitment,
  type TestInvoice,
} from '../support/permission-fixtures';

/**
 * Pre-filling an owner invoice from the period's subcontractor costs, through the local API Gateway
 * against DynamoDB Local: a hand-checked worked example to the cent, with the audit trail per line.
 *
 * Head contract: A 16-100 $150,000.00, B 16-200 $100,000.50; retainage 10 % on work, 5 % on stored materials.
 * Subcontracts SC-1, SC-2, SC-3, each with 16-100 $125,000.00 and 16-200 $83,400.50; SC-1 gains a
 * change order (16-900 $4,850.00) approved in the period, a cost code the head contract has not.
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let contractPath: string;
let ownerLines: string[];
let sc: TestCommitment[];
let subInvoices: TestInvoice[];
let lateInvoice: TestInvoice;
let changeOrderId: string;
let owner: Json;

const admin = (request: ApiRequest) => call(fx.users.admin.token, request);
const today = localDate(new Date(), 'Australia/Sydney');

/** Enters E and F on a subcontractor invoice's lines (in SOV order) as the admin. */
async function enter(invoice: TestInvoice, lines: Array<{ work?: number; materials?: number }>) {
  const current = expectStatus(await admin({ method: 'GET', path: invoice.path }), 200, 'read sub invoice');
  const body = {
    lines: lines.map((line, index) => ({ lineId: invoice.lineIds[index]!, workThisPeriodCents: line.work ?? 0, materialsStoredCents: line.materials ?? 0 })),
  };
  expectStatus(await admin({ method: 'PATCH', path: invoice.path, body, headers: { 'if-match': current.headers.get('etag')! } }), 200, 'enter sub invoice');
}

/** SC-1, SC-2, SC-3 and SC-4's invoices' statuses. */
async function subStatuses(): Promise<string[]> {
  const all = [...subInvoices, lateInvoice];
  return Promise.all(all.map(async (invoice) => expectStatus(await admin({ method: 'GET', path: invoice.path }), 200, 'read sub invoice').body.status));
}

const prefill = (invoice: Json, etag: string | null = `"${invoice.version}"`) =>
  admin({ method: 'POST', path: `/v1/projects/${fx.projectId}/owner-invoices/${invoice.ownerInvoiceId}/prefill`, ...(etag && { headers: { 'if-match': etag } }) });

beforeAll(async () => {
  ({ api, fx, call } = await startFixtureApi());
  const contract = await createHeadContract(call, fx, { ...workedExampleHeadContract, sovLines: [...workedExampleHeadContract.sovLines] });
  contractPath = contract.path;
  ownerLines = contract.lineIds;

  await createBillingPeriod(call, fx, { startDate: addDays(today, -5), endDate: addDays(today, 25), dueDate: addDays(today, 20) });
  sc = [await createCommitment(call, fx), await createCommitment(call, fx), await createCommitment(call, fx), await createCommitment(call, fx)];
  // A change order approved in the period adds a 16-900 line to SC-1's SOV.
  const co = await createChangeOrder(call, fx, sc[0]!);
  changeOrderId = co.changeOrderId;
  expectStatus(await admin({ method: 'PATCH', path: co.path, body: { status: 'approved' }, headers: { 'if-match': '"1"' } }), 200, 'approve CO');

  subInvoices = [await createInvoice(call, fx, sc[0]!), await createInvoice(call, fx, sc[1]!), await createInvoice(call, fx, sc[2]!)];
  lateInvoice = await createInvoice(call, fx, sc[3]!);
  // SC-1: 16-100 E 12,345.67 F 500.01; 16-200 E 3,333.33; 16-900 E 4,850.00 (maps nowhere).
  await enter(subInvoices[0]!, [{ work: 1_234_567, materials: 50_001 }, { work: 333_333 }, { work: 485_000 }]);
  // SC-2: 16-100 E 7,654.33.
  await enter(subInvoices[1]!, [{ work: 765_433 }, {}]);
  // SC-3: 16-200 E 10,000.00 F 999.99.
  await enter(subInvoices[2]!, [{}, { work: 1_000_000, materials: 99_999 }]);
  // SC-4: 16-100 E 50,000.00, still under review: not billed on yet.
  await enter(lateInvoice, [{ work: 5_000_000 }, {}]);
  await invoiceInStatus(call, fx, subInvoices[0]!, 'approved');
  await invoiceInStatus(call, fx, subInvoices[1]!, 'approved_as_noted');
  await invoiceInStatus(call, fx, subInvoices[2]!, 'pending_owner_approval');
  await invoiceInStatus(call, fx, lateInvoice, 'under_review');
});

afterAll(async () => {
  await api?.stop();
});

describe('an owner invoice pre-filled from three subcontractor invoices on two cost codes', () => {
  it('sums each cost code onto its owner line, to the cent, and computes the G702 from them', async () => {
    owner = expectStatus(await admin({ method: 'POST', path: `${contractPath}/owner-invoices`, body: { prefill: true } }), 201, 'create pre-filled').body;
    // A 16-100: E = 1,234,567 + 765,433 = 2,000,000; F = 50,001. Work retainage 10 % = 200,000; materials round(5 % × 50,001 = 2,500.05) = 2,500.
    expect(owner.lines[0]).toMatchObject({ workThisPeriodCents: 2_000_000, materialsStoredCents: 50_001, completedAndStoredCents: 2_050_001, retainageCents: 202_500 });
    // B 16-200: E = 333,333 + 1,000,000 = 1,333,333; F = 99,999. Work round(133,333.3) = 133,333; materials round(4,999.95) = 5,000.
    expect(owner.lines[1]).toMatchObject({ workThisPeriodCents: 1_333_333, materialsStoredCents: 99_999, completedAndStoredCents: 1_433_332, retainageCents: 138_333 });
    expect(owner.summary).toMatchObject({
      originalContractSumCents: 25_000_050,
      contractSumToDateCents: 25_000_050,
      totalCompletedAndStoredCents: 3_483_333, // 2,050,001 + 1,433,332
      workRetainageCents: 333_333, // 200,000 + 133,333
      materialsRetainageCents: 7_500, // 2,500 + 5,000
      totalRetainageCents: 340_833,
      totalEarnedLessRetainageCents: 3_142_500, // 3,483,333 − 340,833
      previousCertificatesCents: 0,
      currentPaymentDueCents: 3_142_500,
      balanceToFinishIncludingRetainageCents: 21_857_550, // 25,000,050 − 3,142,500
    });
  });

  it('keeps the contributing subcontractor invoice lines on each owner line: they add up to the line, to the cent', () => {
    const [a, b] = owner.prefill.lines;
    const id = (n: number) => subInvoices[n]!.invoiceId;
    expect(a).toMatchObject({ lineId: ownerLines[0], costCode: '16-100', workThisPeriodCents: 2_000_000, materialsStoredCents: 50_001 });
    expect(a.sources.map((s: Json) => [s.invoiceId, s.commitmentNumber, s.lineId, s.workThisPeriodCents, s.materialsStoredCents]).sort()).toEqual(
      [
        [id(0), sc[0]!.number, subInvoices[0]!.lineIds[0], 1_234_567, 50_001],
        [id(1), sc[1]!.number, subInvoices[1]!.lineIds[0], 765_433, 0],
      ].sort(),
    );
    expect(b.sources.map((s: Json) => [s.invoiceId, s.workThisPeriodCents, s.materialsStoredCents]).sort()).toEqual(
      [
        [id(0), 333_333, 0],
        [id(2), 1_000_000, 99_999],
      ].sort(),
    );
    for (const line of owner.prefill.lines) {
      expect(line.sources.reduce((sum: number, s: Json) => sum + s.workThisPeriodCents, 0)).toBe(line.workThisPeriodCents);
      expect(line.sources.reduce((sum: number, s: Json) => sum + s.materialsStoredCents, 0)).toBe(line.materialsStoredCents);
      expect(line.sources.every((s: Json) => s.invoiceNumber === '1' && s.costCode === line.costCode)).toBe(true);
    }
  });

  it('reports the cost that maps nowhere, lists the included invoices with their status and the change order approved in the period', () => {
    expect(owner.prefill.unmapped).toEqual([
      expect.objectContaining({ invoiceId: subInvoices[0]!.invoiceId, costCode: '16-900', workThisPeriodCents: 485_000, reason: 'cost_code_not_on_owner_sov' }),
    ]);
    expect(owner.prefill.includedInvoices.map((i: Json) => [i.invoiceId, i.status]).sort()).toEqual(
      [
        [subInvoices[0]!.invoiceId, 'approved'],
        [subInvoices[1]!.invoiceId, 'approved_as_noted'],
        [subInvoices[2]!.invoiceId, 'pending_owner_approval'],
      ].sort(),
    );
    expect(owner.prefill.changeOrders).toEqual([expect.objectContaining({ changeOrderId, commitmentId: sc[0]!.commitmentId, totalCents: 485_000 })]);
    expect(owner.prefill.by).toBe(fx.users.admin.userId);
  });

  it('re-runs while draft: an invoice approved since is summed in, hand edits of E and F are replaced, the history shows from → to', async () => {
    await invoiceInStatus(call, fx, lateInvoice, 'approved');
    const edited = await admin({
      method: 'PATCH',
      path: `/v1/projects/${fx.projectId}/owner-invoices/${owner.ownerInvoiceId}`,
      body: { lines: [{ lineId: ownerLines[1], percentComplete: '50' }] },
      headers: { 'if-match': `"${owner.version}"` },
    });
    owner = expectStatus(edited, 200, 'hand edit').body;
    expectProblem(await prefill(owner, null), 428, 'precondition-required');
    expectProblem(await prefill(owner, `"${owner.version - 1}"`), 412, 'precondition-failed');

    owner = expectStatus(await prefill(owner), 200, 're-run').body;
    // A: 2,000,000 + SC-4's 5,000,000 = 7,000,000. B back to 1,333,333 from the 50 % entry.
    expect(owner.lines.map((l: Json) => [l.workThisPeriodCents, l.materialsStoredCents])).toEqual([
      [7_000_000, 50_001],
      [1_333_333, 99_999],
    ]);
    expect(owner.prefill.lines[0].sources).toHaveLength(3);
    expect(owner.summary.currentPaymentDueCents).toBe(3_142_500 + 5_000_000 - 500_000); // + E less its 10 % retainage

    const history = expectStatus(await admin({ method: 'GET', path: `/v1/projects/${fx.projectId}/owner-invoices/${owner.ownerInvoiceId}/history` }), 200, 'history').body.items;
    const last = history.at(-1);
    expect(last).toMatchObject({ type: 'edited', by: fx.users.admin.userId });
    expect(last.changes.prefilled).toEqual({ includedInvoices: 4, unmappedCosts: 1 });
    expect(last.changes.entries).toContainEqual({ lineId: ownerLines[0], field: 'workThisPeriodCents', from: 2_000_000, to: 7_000_000 });
    expect(last.changes.entries).toContainEqual({ lineId: ownerLines[1], field: 'workThisPeriodCents', from: null, to: 1_333_333 });
    expect(last.changes.summary.currentPaymentDueCents).toMatchObject({ to: 7_642_500 });
  });

  it('with the project’s hold setting on, sending it to the owner moves the invoices it included to pending owner approval, in the same step', async () => {
    const settingsPath = `/v1/projects/${fx.projectId}/settings`;
    const read = expectStatus(await admin({ method: 'GET', path: settingsPath }), 200, 'settings');
    const on = await admin({ method: 'PATCH', path: settingsPath, body: { ownerApprovalHoldsSubcontractorInvoices: true }, headers: { 'if-match': read.headers.get('etag')! } });
    expect(expectStatus(on, 200, 'hold setting on').body).toMatchObject({ ownerApprovalHoldsSubcontractorInvoices: true, overpaymentAllowed: false });
    const sent = await admin({
      method: 'POST',
      path: `/v1/projects/${fx.projectId}/owner-invoices/${owner.ownerInvoiceId}/status`,
      body: { status: 'under_review' },
      headers: { 'if-match': `"${owner.version}"` },
    });
    owner = expectStatus(sent, 200, 'send').body;
    // SC-1, SC-2 and SC-4 wait for the owner; SC-3 was pending owner approval already when included.
    expect(await subStatuses()).toEqual(['pending_owner_approval', 'pending_owner_approval', 'pending_owner_approval', 'pending_owner_approval']);
    const history = expectStatus(await admin({ method: 'GET', path: `${subInvoices[1]!.path}/history` }), 200, 'sub history').body.items;
    expect(history.at(-1)).toMatchObject({ type: 'status_changed', fromStatus: 'approved_as_noted', toStatus: 'pending_owner_approval', by: fx.users.admin.userId });
    expect(history.at(-1).comment).toMatch(/Owner invoice 1/);
  });

  it('is refused once sent to the owner; the owner’s approval returns the held invoices to the status they had', async () => {
    expect(expectProblem(await prefill(owner), 409, 'conflict').detail).toMatch(/under review/);
    const approved = await admin({
      method: 'POST',
      path: `/v1/projects/${fx.projectId}/owner-invoices/${owner.ownerInvoiceId}/status`,
      body: { status: 'approved' },
      headers: { 'if-match': `"${owner.version}"` },
    });
    owner = expectStatus(approved, 200, 'approve').body;
    expect(await subStatuses()).toEqual(['approved', 'approved_as_noted', 'pending_owner_approval', 'approved']);
  });

  it('a retainage release is not pre-filled; a non-boolean prefill is a 400 naming the field', async () => {

    const bad = expectProblem(await admin({ method: 'POST', path: `${contractPath}/owner-invoices`, body: { prefill: 'yes' } }), 400, 'validation');
    expect(JSON.stringify(bad)).toMatch(/prefill/);
    const release = expectProblem(await admin({ method: 'POST', path: `${contractPath}/owner-invoices`, body: { kind: 'retainage_release', prefill: true } }), 400, 'validation');
    expect(JSON.stringify(release)).toMatch(/prefill/);
  });
});
