import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import { expectProblem, expectRefusal, expectStatus, fieldsOf, type ApiRequest, type Call, type Json, type TestApi } from '../support/api-client';
import { createBillingPeriod, createHeadContract, startFixtureApi, workedExampleHeadContract, type PermissionFixture, type Profile, type TestBillingPeriod } from '../support/permission-fixtures';

/**
 * Owner invoices through the local API Gateway against DynamoDB Local, with a hand-checked worked
 * example: the figures come from the subcontractor invoices' pure function, line 7 chains to the
 * previous owner invoice's line 6, retainage is held per line per bucket and released by its own invoice.
 *
 * Head contract: A 16-100 $150,000.00, B 16-200 $100,000.50; retainage 10 % on work, 5 % on stored materials.
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let contractPath: string;
let lineA: string;
let lineB: string;
const periods: TestBillingPeriod[] = [];

const as = (profile: Profile, request: ApiRequest) => call(fx.users[profile].token, request);
const admin = (request: ApiRequest) => as('admin', request);
const today = localDate(new Date(), 'Australia/Sydney');

async function patchLines(invoice: Json, body: object, etag = `"${invoice.version}"`) {
  return admin({ method: 'PATCH', path: `/v1/projects/${fx.projectId}/owner-invoices/${invoice.ownerInvoiceId}`, body, headers: { 'if-match': etag } });
}
async function setStatus(invoice: Json, status: string, version: number) {
  const response = await admin({ method: 'POST', path: `/v1/projects/${fx.projectId}/owner-invoices/${invoice.ownerInvoiceId}/status`, body: { status }, headers: { 'if-match': `"${version}"` } });
  return expectStatus(response, 200, `→ ${status}`).body;
}
const createOwnerInvoice = (body: object = {}) => admin({ method: 'POST', path: `${contractPath}/owner-invoices`, body });

beforeAll(async () => {
  ({ api, fx, call } = await startFixtureApi());
  const contract = await createHeadContract(call, fx, { ...workedExampleHeadContract, sovLines: [...workedExampleHeadContract.sovLines] });
  contractPath = contract.path;
  [lineA, lineB] = contract.lineIds as [string, string];
});

afterAll(async () => {
  await api?.stop();
});

describe('before any billing period', () => {
  it('creating is refused: there is no period to bill', async () => {
    expect(expectProblem(await createOwnerInvoice(), 409, 'conflict').detail).toMatch(/no billing period/);
  });
});

describe('the worked example, to the cent', () => {
  let first: Json;
  let second: Json;

  it('period 1: a progress invoice, figures from the entries; one progress invoice per period, however the requests race', async () => {
    periods.push(await createBillingPeriod(call, fx, { startDate: addDays(today, -5), endDate: addDays(today, 25), dueDate: addDays(today, 20) }));
    const [one, two] = await Promise.all([createOwnerInvoice(), createOwnerInvoice()]);
    expect([one.status, two.status].sort()).toEqual([201, 409]);
    first = (one.status === 201 ? one : two).body;
    expect(first).toMatchObject({ number: '1', position: 1, kind: 'progress', status: 'draft', billingPeriodId: periods[0]!.billingPeriodId });
    // …and a third, later, is refused by the rule itself.
    expect(expectProblem(await createOwnerInvoice(), 409, 'conflict').detail).toMatch(/already has a progress invoice/);

    const edited = await patchLines(first, {
      lines: [
        { lineId: lineA, workThisPeriodCents: 3_333_333, materialsStoredCents: 100_001 },
        { lineId: lineB, percentComplete: '12.5' },
      ],
    });
    first = expectStatus(edited, 200, 'enter period 1').body;
    // A: E 33,333.33, F 1,000.01, work retainage round(10 % × 3,333,333) = 333,333, materials round(5 % × 100,001) = 5,000.
    expect(first.lines[0]).toMatchObject({ workThisPeriodCents: 3_333_333, materialsStoredCents: 100_001, completedAndStoredCents: 3_433_334, retainageCents: 338_333 });
    // B: E = round(10,000,050 × 12.5 %) − 0 = 1,250,006; work retainage round(125,000.6) = 125,001.
    expect(first.lines[1]).toMatchObject({ workThisPeriodCents: 1_250_006, completedAndStoredCents: 1_250_006, retainageCents: 125_001 });
    expect(first.summary).toMatchObject({
      originalContractSumCents: 25_000_050,
      netChangeByChangeOrdersCents: 0,
      contractSumToDateCents: 25_000_050,
      totalCompletedAndStoredCents: 4_683_340,
      workRetainageCents: 458_334,
      materialsRetainageCents: 5_000,
      totalRetainageCents: 463_334,
      totalEarnedLessRetainageCents: 4_220_006,
      previousCertificatesCents: 0,
      currentPaymentDueCents: 4_220_006,
      balanceToFinishIncludingRetainageCents: 20_780_044,
    });
  });

  it('sent to the owner it is no longer editable; approved, the history shows who, when, from → to and the figures changed', async () => {
    const sent = await setStatus(first, 'under_review', first.version);
    expect(sent.submittedAt).toEqual(expect.any(String));
    expect(expectProblem(await patchLines(sent, { lines: [{ lineId: lineA, workThisPeriodCents: 1 }] }), 409, 'conflict').detail).toMatch(/under review/);
    expectProblem(await admin({ method: 'POST', path: `/v1/projects/${fx.projectId}/owner-invoices/${first.ownerInvoiceId}/status`, body: { status: 'draft' }, headers: { 'if-match': `"${sent.version}"` } }), 409, 'conflict');
    first = await setStatus(sent, 'approved', sent.version);

    const history = expectStatus(await as('read_only', { method: 'GET', path: `/v1/projects/${fx.projectId}/owner-invoices/${first.ownerInvoiceId}/history` }), 200, 'history').body.items;
    expect(history.map((e: Json) => [e.type, e.fromStatus, e.toStatus, e.by])).toEqual([
      ['created', null, 'draft', fx.users.admin.userId],
      ['edited', null, null, fx.users.admin.userId],
      ['status_changed', 'draft', 'under_review', fx.users.admin.userId],
      ['status_changed', 'under_review', 'approved', fx.users.admin.userId],
    ]);
    expect(history[1].changes.summary.currentPaymentDueCents).toEqual({ from: 0, to: 4_220_006 });
    expect(history[1].changes.entries).toContainEqual({ lineId: lineB, field: 'percentComplete', from: null, to: '12.5' });
  });

  it('period 2: line 7 is period 1’s line 6; D carries previous D + E, never F', async () => {
    const end = addDays(today, 25);
    periods.push(await createBillingPeriod(call, fx, { startDate: addDays(end, 1), endDate: addDays(end, 31), dueDate: addDays(end, 26) }));
    second = expectStatus(await createOwnerInvoice(), 201, 'period 2').body;
    expect(second).toMatchObject({ number: '2', position: 2, billingPeriodId: periods[1]!.billingPeriodId });
    second = expectStatus(await patchLines(second, { lines: [{ lineId: lineA, workThisPeriodCents: 1_000_000 }] }), 200, 'enter period 2').body;
    expect(second.lines[0]).toMatchObject({ previousWorkCents: 3_333_333, workThisPeriodCents: 1_000_000, materialsStoredCents: 0, completedAndStoredCents: 4_333_333, retainageCents: 433_333 });
    expect(second.summary).toMatchObject({
      originalContractSumCents: 25_000_050,
      netChangeByChangeOrdersCents: 0,
      contractSumToDateCents: 25_000_050,
      totalCompletedAndStoredCents: 5_583_339,
      workRetainageCents: 558_334,
      materialsRetainageCents: 0,
      totalRetainageCents: 558_334,
      totalEarnedLessRetainageCents: 5_025_005,
      previousCertificatesCents: 4_220_006,
      currentPaymentDueCents: 804_999,
      balanceToFinishIncludingRetainageCents: 19_975_045,
    });
    second = await setStatus(second, 'under_review', second.version);
    second = await setStatus(second, 'approved_as_noted', second.version);
  });

  it('a retainage release, in the most recent period once none is open, raises the amount due by what was held', async () => {
    expectStatus(await admin({ method: 'POST', path: `${periods[1]!.path}/close` }), 200, 'close period 2');
    expect(fieldsOf(expectProblem(await createOwnerInvoice({ kind: 'progress', releasePercent: '50' }), 400, 'validation'))).toEqual(['releasePercent']);
    expect(fieldsOf(expectProblem(await createOwnerInvoice({ kind: 'retainage_release', releaseAmountCents: 558_335 }), 400, 'validation'))).toEqual(['releaseAmountCents']);
    // A staged release, as on subcontractor invoices: half of the 558,334 held = 279,167, apportioned to the cent
    // over A's 433,333 and B's 125,001 (largest remainder: 216,666.5 → 216,667 and 62,500.5 → 62,500).
    let release = expectStatus(await createOwnerInvoice({ kind: 'retainage_release', releasePercent: '50' }), 201, 'release').body;
    expect(release).toMatchObject({ kind: 'retainage_release', position: 3, billingPeriodId: periods[1]!.billingPeriodId });
    expect(release.lines.map((l: Json) => l.workRetainage.releasedThisPeriodCents)).toEqual([216_667, 62_500]);
    expect(release.summary).toMatchObject({ totalRetainageCents: 279_167, currentPaymentDueCents: 279_167 });
    // A release invoice only releases.
    expect(fieldsOf(expectProblem(await patchLines(release, { lines: [{ lineId: lineA, workThisPeriodCents: 1 }] }), 400, 'validation'))).toEqual(['lines.0.workThisPeriodCents']);
    release = expectStatus(await patchLines(release, { allLines: { releaseAllRetainage: true } }), 200, 'release all').body;
    expect(release.lines.map((l: Json) => l.workRetainage.releasedThisPeriodCents)).toEqual([433_333, 125_001]);
    expect(release.summary).toMatchObject({
      totalCompletedAndStoredCents: 5_583_339,
      totalRetainageCents: 0,
      totalEarnedLessRetainageCents: 5_583_339,
      previousCertificatesCents: 5_025_005,
      currentPaymentDueCents: 558_334,
      balanceToFinishIncludingRetainageCents: 19_416_711,
    });
  });
});

describe('summary preview and G703 export', () => {
  it('a preview computes the G702 figures of given entries exactly as a PATCH would, and saves nothing', async () => {
    const [, , release] = (await admin({ method: 'GET', path: `${contractPath}/owner-invoices` })).body.items;
    const path = `/v1/projects/${fx.projectId}/owner-invoices/${release.ownerInvoiceId}`;
    const preview = await admin({ method: 'POST', path: `${path}/summary-preview`, body: { lines: [{ lineId: lineA, workRetainageReleasedCents: 100_000 }] } });
    // A keeps 433,333 − 100,000 = 333,333 held; B's release of 125,001 stays as entered.
    expect(expectStatus(preview, 200, 'preview').body.summary).toMatchObject({
      totalRetainageCents: 333_333,
      totalEarnedLessRetainageCents: 5_250_006,
      previousCertificatesCents: 5_025_005,
      currentPaymentDueCents: 225_001,
    });
    expect((await admin({ method: 'GET', path })).body).toMatchObject({ version: release.version, summary: { currentPaymentDueCents: 558_334 } });
    expectRefusal(await as('standard', { method: 'POST', path: `${path}/summary-preview`, body: { lines: [] , allLines: { releaseAllRetainage: true } } }), 403, /summary preview/);
  });

  it('the G703 CSV has a row per line and a totals row, in currency units exact to the cent', async () => {
    const [first] = (await admin({ method: 'GET', path: `${contractPath}/owner-invoices` })).body.items;
    const response = await as('admin', { method: 'GET', path: `/v1/projects/${fx.projectId}/owner-invoices/${first.ownerInvoiceId}/g703.csv` });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = String(response.body).trim().split('\r\n');
    expect(rows).toHaveLength(4);
    expect(rows[1]).toBe('1,16-100,Electrical: switchboards,150000.00,0.00,33333.33,1000.01,34333.34,22.89,115666.66,3333.33,50.00,3383.33');
    expect(rows[3]).toBe(',,Totals,250000.50,0.00,45833.39,1000.01,46833.40,18.73,203167.10,4583.34,50.00,4633.34');
  });
});

describe('rules and refusals', () => {
  it('If-Match is required and must be current; only the latest invoice is edited or deleted; approved ones are never deleted', async () => {
    const list = expectStatus(await as('read_only', { method: 'GET', path: `${contractPath}/owner-invoices` }), 200, 'list').body.items;
    expect(list.map((i: Json) => i.position)).toEqual([1, 2, 3]);
    const [approved, , latest] = list;
    expect((await patchLines(latest, { lines: [{ lineId: lineA, workRetainageReleasedCents: null }] }, '')).status).toBe(428);
    expect((await patchLines(latest, { lines: [{ lineId: lineA, workRetainageReleasedCents: null }] }, '"99"')).status).toBe(412);
    const path = (i: Json) => `/v1/projects/${fx.projectId}/owner-invoices/${i.ownerInvoiceId}`;
    expect(expectProblem(await admin({ method: 'DELETE', path: path(approved) }), 409, 'conflict').detail).toMatch(/approved invoice is never deleted/);
    expect((await admin({ method: 'DELETE', path: path(latest) })).status).toBe(204);
    expectRefusal(await admin({ method: 'GET', path: path(latest) }), 404);
  });

  it('only head-contract admins create and edit; members without a level find nothing; other companies neither', async () => {
    expectRefusal(await as('standard', { method: 'POST', path: `${contractPath}/owner-invoices`, body: {} }), 403, /create an owner invoice/);
    const list = (await admin({ method: 'GET', path: `${contractPath}/owner-invoices` })).body.items;
    const path = `/v1/projects/${fx.projectId}/owner-invoices/${list[0].ownerInvoiceId}`;
    expectStatus(await as('read_only', { method: 'GET', path }), 200, 'read_only reads');
    // The invoice contacts have no level on the head contracts tool: nothing of it exists for them.
    expectRefusal(await as('standard+contact', { method: 'GET', path }), 404);
    expectRefusal(await as('other_company_admin', { method: 'GET', path }), 404);
    expectRefusal(await as('other_company_admin', { method: 'GET', path: `/v1/projects/${fx.other.projectId}/owner-invoices/${list[0].ownerInvoiceId}` }), 404);
  });
});
