import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, expectRefusal, expectStatus, fieldsOf, ifMatch, type ApiRequest, type Call, type TestApi } from '../support/api-client';
import { startFixtureApi, type PermissionFixture, type Profile } from '../support/permission-fixtures';

/**
 * Schedules of values through the local API Gateway against DynamoDB Local: replacing and
 * editing lines of amount- and unit-based commitments, exact totals, optimistic concurrency
 * on the SOV's version, and who may do it.
 */
let api: TestApi;
let fixture: PermissionFixture;
let call: Call;

const as = (profile: Profile, request: ApiRequest) => call(fixture.users[profile].token, request);
const sovPath = (commitmentId: string, projectId = fixture.projectId) => `/v1/projects/${projectId}/commitments/${commitmentId}/sov`;
const commitmentPath = (commitmentId: string) => `/v1/projects/${fixture.projectId}/commitments/${commitmentId}`;

let numbers = 0;
async function createCommitment(accountingMethod: 'amount' | 'unit', extra: Record<string, unknown> = {}): Promise<string> {
  const response = await as('admin', {
    method: 'POST',
    path: `/v1/projects/${fixture.projectId}/commitments`,
    body: { type: 'subcontract', number: `SOV-${++numbers}`, title: `Electrical ${numbers}`, vendorId: fixture.vendorId, accountingMethod, ...extra },
  });
  return expectStatus(response, 201, 'create commitment').body.commitmentId;
}

const getSov = (commitmentId: string, profile: Profile = 'admin') => as(profile, { method: 'GET', path: sovPath(commitmentId) });
const etagOf = async (commitmentId: string) => (await getSov(commitmentId)).headers.get('etag')!;
const putSov = (commitmentId: string, lines: unknown[], etag?: string, profile: Profile = 'admin') =>
  as(profile, { method: 'PUT', path: sovPath(commitmentId), body: { lines }, headers: ifMatch(etag) });

beforeAll(async () => {
  ({ api, fx: fixture, call } = await startFixtureApi());
});

afterAll(async () => {
  await api?.stop();
});

describe('amount-based SOV', () => {
  let commitmentId: string;
  beforeAll(async () => {
    commitmentId = await createCommitment('amount');
  });

  it('starts empty at version 1', async () => {
    const response = await getSov(commitmentId);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.body).toEqual({
      projectId: fixture.projectId,
      commitmentId,
      accountingMethod: 'amount',
      lines: [],
      totals: { originalContractSumCents: 0, approvedChangeOrdersCents: 0, contractSumToDateCents: 0, lineCount: 0 },
      version: 1,
    });
  });

  it('PUT replaces the lines; the totals and the commitment’s sums are exact and its ETag does not move', async () => {
    const before = await as('admin', { method: 'GET', path: commitmentPath(commitmentId) });
    const response = await putSov(
      commitmentId,
      [
        { costCode: '16-100', description: 'Mobilisation', scheduledValueCents: 1250000 },
        { description: 'Rough-in', scheduledValueCents: 4999999 },
        { description: 'Fit-off', scheduledValueCents: 1 },
      ],
      '"1"',
    );
    expectStatus(response, 200, 'replace');
    expect(response.headers.get('etag')).toBe('"2"');
    expect(response.body.lines).toHaveLength(3);
    expect(response.body.lines[0]).toEqual({ lineId: expect.any(String), costCode: '16-100', description: 'Mobilisation', scheduledValueCents: 1250000 });
    expect(response.body.totals).toEqual({ originalContractSumCents: 6250000, approvedChangeOrdersCents: 0, contractSumToDateCents: 6250000, lineCount: 3 });

    const read = await getSov(commitmentId);
    expect(read.body).toEqual(response.body);
    expect(read.headers.get('etag')).toBe('"2"');

    const after = await as('admin', { method: 'GET', path: commitmentPath(commitmentId) });
    expect(after.body).toMatchObject({ lineCount: 3, originalContractSumCents: 6250000, approvedChangeOrdersCents: 0, contractSumToDateCents: 6250000 });
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
    // A header edit with the ETag read before the SOV edit still succeeds.
    const header = await as('admin', {
      method: 'PATCH',
      path: commitmentPath(commitmentId),
      body: { title: 'Electrical (renamed)' },
      headers: { 'if-match': before.headers.get('etag')! },
    });
    expectStatus(header, 200, 'header edit after an SOV edit');
  });

  it('keeps the ids of lines sent back, gives new lines new ids, and refuses unknown ids', async () => {
    const current = (await getSov(commitmentId)).body;
    const [first, second] = current.lines;
    const response = await putSov(
      commitmentId,
      [
        { lineId: second.lineId, description: 'Rough-in', scheduledValueCents: 5000000 },
        { lineId: first.lineId, costCode: '16-100', description: 'Mobilisation', scheduledValueCents: 1250000 },
        { description: 'Testing', scheduledValueCents: 33333 },
      ],
      etagFor(current.version),
    );
    expectStatus(response, 200, 'replace keeping ids');
    expect(response.body.lines.slice(0, 2).map((l: { lineId: string }) => l.lineId)).toEqual([second.lineId, first.lineId]);
    expect(response.body.lines[2].lineId).not.toBe(current.lines[2].lineId);
    expect(response.body.totals.contractSumToDateCents).toBe(6283333);

    const unknown = await putSov(commitmentId, [{ lineId: 'no-such-line', description: 'x', scheduledValueCents: 1 }], response.headers.get('etag')!);
    expect(fieldsOf(expectProblem(unknown, 400, 'validation'))).toEqual(['lines.0.lineId']);
  });

  it('unit fields on an amount-based commitment are a 400 naming each field', async () => {
    const response = await putSov(
      commitmentId,
      [
        { description: 'ok', scheduledValueCents: 100 },
        { description: 'by units', quantity: '2', unitOfMeasure: 'ea', unitPrice: '5' },
      ],
      await etagOf(commitmentId),
    );
    const body = expectProblem(response, 400, 'validation');
    expect(fieldsOf(body)).toEqual(['lines.1.quantity', 'lines.1.unitOfMeasure', 'lines.1.unitPrice', 'lines.1.scheduledValueCents']);
    expect(body.errors[0].message).toMatch(/amount-based/);
  });

  it('schema errors name the field too (negative or fractional cents, unknown keys)', async () => {
    const response = await putSov(
      commitmentId,
      [{ description: 'x', scheduledValueCents: -1 }, { description: 'y', scheduledValueCents: 1.5 }, { description: 'z', scheduledValueCents: 1, extra: 1 }],
      await etagOf(commitmentId),
    );
    expect(fieldsOf(expectProblem(response, 400, 'validation'))).toEqual(
      expect.arrayContaining(['lines.0.scheduledValueCents', 'lines.1.scheduledValueCents', 'lines.2']),
    );
  });

  it('a missing If-Match is 428, a stale one 412', async () => {
    expectProblem(await putSov(commitmentId, []), 428, 'precondition-required');
    expectProblem(await putSov(commitmentId, [], '"1"'), 412, 'precondition-failed');
    expectProblem(await putSov(commitmentId, [], 'W/"x"'), 412, 'precondition-failed');
  });

  it('two concurrent PUTs with the same ETag: one 200, the other 412, and the winner’s lines stay', async () => {
    const etag = await etagOf(commitmentId);
    const responses = await Promise.all(
      ['First', 'Second'].map((description) => putSov(commitmentId, [{ description, scheduledValueCents: 700 }], etag)),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = responses.find((r) => r.status === 200)!;
    const read = await getSov(commitmentId);
    expect(read.body.lines).toEqual(winner.body.lines);
    expect(read.headers.get('etag')).toBe(etagFor(Number(etag.replaceAll('"', '')) + 1));
  });

  it('PATCH edits one line (If-Match on the SOV), 404 for an unknown line', async () => {
    const current = (await getSov(commitmentId)).body;
    const lineId = current.lines[0].lineId;
    const path = `${sovPath(commitmentId)}/lines/${lineId}`;
    expectProblem(await as('admin', { method: 'PATCH', path, body: { scheduledValueCents: 1 } }), 428, 'precondition-required');
    const response = await as('admin', {
      method: 'PATCH',
      path,
      body: { scheduledValueCents: 123456, costCode: '16-200' },
      headers: { 'if-match': etagFor(current.version) },
    });
    expectStatus(response, 200, 'edit line');
    expect(response.body.lines[0]).toEqual({ lineId, costCode: '16-200', description: current.lines[0].description, scheduledValueCents: 123456 });
    expect(response.body.totals.contractSumToDateCents).toBe(123456);
    expect(response.headers.get('etag')).toBe(etagFor(current.version + 1));

    const stale = await as('admin', { method: 'PATCH', path, body: { description: 'x' }, headers: { 'if-match': etagFor(current.version) } });
    expectProblem(stale, 412, 'precondition-failed');
    const unit = await as('admin', { method: 'PATCH', path, body: { quantity: '1' }, headers: { 'if-match': response.headers.get('etag')! } });
    expect(fieldsOf(expectProblem(unit, 400, 'validation'))).toEqual(['quantity']);
    const unknown = await as('admin', {
      method: 'PATCH',
      path: `${sovPath(commitmentId)}/lines/no-such-line`,
      body: { description: 'x' },
      headers: { 'if-match': response.headers.get('etag')! },
    });
    expectProblem(unknown, 404, 'not-found');
    const commitment = await as('admin', { method: 'GET', path: commitmentPath(commitmentId) });
    expect(commitment.body).toMatchObject({ lineCount: 1, originalContractSumCents: 123456 });
  });
});

describe('unit-based SOV', () => {
  let commitmentId: string;
  beforeAll(async () => {
    commitmentId = await createCommitment('unit');
  });

  it('value = quantity × unit price, exact to the cent: 12.5 × 123.45 = 1543.13; 3 × 33.33 = 99.99', async () => {
    const response = await putSov(
      commitmentId,
      [
        { costCode: '16-300', description: 'Cable tray', quantity: '12.5', unitOfMeasure: 'm', unitPrice: '123.45' },
        { description: 'Outlets', quantity: '3', unitOfMeasure: 'ea', unitPrice: '33.33' },
      ],
      '"1"',
    );
    expectStatus(response, 200, 'replace unit lines');
    const read = await getSov(commitmentId);
    expect(read.body.accountingMethod).toBe('unit');
    expect(read.body.lines.map((l: { scheduledValueCents: number }) => l.scheduledValueCents)).toEqual([154313, 9999]);
    expect(read.body.lines[0]).toMatchObject({ quantity: '12.5', unitOfMeasure: 'm', unitPrice: '123.45' });
    expect(read.body.totals).toEqual({ originalContractSumCents: 164312, approvedChangeOrdersCents: 0, contractSumToDateCents: 164312, lineCount: 2 });
    const commitment = await as('admin', { method: 'GET', path: commitmentPath(commitmentId) });
    expect(commitment.body).toMatchObject({ lineCount: 2, originalContractSumCents: 164312, contractSumToDateCents: 164312 });
  });

  it('amount lines or bad decimals on a unit-based commitment are a 400 naming each field', async () => {
    const response = await putSov(
      commitmentId,
      [
        { description: 'by amount', scheduledValueCents: 100 },
        { description: 'too precise', quantity: '1.00001', unitOfMeasure: 'm', unitPrice: '1e3' },
        { description: 'wrong value', quantity: '3', unitOfMeasure: 'ea', unitPrice: '33.33', scheduledValueCents: 10000 },
      ],
      await etagOf(commitmentId),
    );
    expect(fieldsOf(expectProblem(response, 400, 'validation'))).toEqual([
      'lines.0.quantity',
      'lines.0.unitOfMeasure',
      'lines.0.unitPrice',
      'lines.1.quantity',
      'lines.1.unitPrice',
      'lines.2.scheduledValueCents',
    ]);
  });

  it('PATCH of a unit line recomputes its value', async () => {
    const current = (await getSov(commitmentId)).body;
    const response = await as('admin', {
      method: 'PATCH',
      path: `${sovPath(commitmentId)}/lines/${current.lines[1].lineId}`,
      body: { quantity: '4' },
      headers: { 'if-match': etagFor(current.version) },
    });
    expectStatus(response, 200, 'edit unit line');
    expect(response.body.lines[1]).toMatchObject({ quantity: '4', scheduledValueCents: 13332 });
    expect(response.body.totals.contractSumToDateCents).toBe(154313 + 13332);
  });
});

describe('who may read and edit an SOV', () => {
  let commitmentId: string;
  let privateId: string;
  beforeAll(async () => {
    commitmentId = await createCommitment('amount');
    privateId = await createCommitment('amount', { private: true });
  });

  const line = (description: string) => [{ description, scheduledValueCents: 1000 }];

  it('every level reads a visible SOV; none and other companies get 404', async () => {
    for (const profile of ['read_only', 'standard', 'admin', 'read_only+contact'] as const) {
      expect((await getSov(commitmentId, profile)).status, profile).toBe(200);
    }
    for (const profile of ['none', 'not_a_member', 'other_company_admin'] as const) {
      expectRefusal(await getSov(commitmentId, profile), 404);
    }
  });

  it('sov.edit: read_only and standard need both update_* granular permissions; admin may', async () => {
    const etag = await etagOf(commitmentId);
    for (const profile of ['read_only', 'standard', 'read_only+G(update_po)', 'read_only+contact'] as const) {
      const response = await putSov(commitmentId, line(profile), etag, profile);
      expect(response.status, profile).toBe(403);
      expectRefusal(response, 403, /schedule of values/);
    }
    const refused = await putSov(commitmentId, line('x'), etag, 'read_only');
    expect(refused.body.detail).toMatch(/update_purchase_order_contract and update_work_order_contract/);

    const granted = await putSov(commitmentId, line('granted'), etag, 'read_only+G(update_po,update_wo)');
    expectStatus(granted, 200, 'read_only with both update permissions');
    const standard = await putSov(commitmentId, line('standard'), granted.headers.get('etag')!, 'standard+G(update_po,update_wo)');
    expectStatus(standard, 200, 'standard with both update permissions');
    expectStatus(await putSov(commitmentId, line('admin'), standard.headers.get('etag')!, 'admin'), 200, 'admin');

    const lineId = (await getSov(commitmentId)).body.lines[0].lineId;
    const patch = (profile: Profile) =>
      as(profile, { method: 'PATCH', path: `${sovPath(commitmentId)}/lines/${lineId}`, body: { description: profile }, headers: { 'if-match': '"99"' } });
    expectRefusal(await patch('standard'), 403, /schedule of values/);
    // Allowed: gets as far as the version check.
    expect((await patch('read_only+G(update_po,update_wo)')).status).toBe(412);
  });

  it('members of another company, non-members and members without a level get 404 for every SOV route', async () => {
    for (const profile of ['none', 'not_a_member', 'other_company_admin'] as const) {
      expectRefusal(await putSov(commitmentId, line('x'), '"1"', profile), 404);
      expectRefusal(
        await as(profile, { method: 'PATCH', path: `${sovPath(commitmentId)}/lines/x`, body: { description: 'x' }, headers: { 'if-match': '"1"' } }),
        404,
      );
    }
    // Company B's admin probing A's commitment under B's own project learns nothing either.
    expectRefusal(await as('other_company_admin', { method: 'GET', path: sovPath(commitmentId, fixture.other.projectId) }), 404);
  });

  it('a private commitment’s SOV is invisible (404) off its private list, visible on it', async () => {
    expectRefusal(await getSov(privateId, 'standard'), 404);
    expectRefusal(await putSov(privateId, line('x'), '"1"', 'standard+G(update_po,update_wo)'), 404);
    expect((await getSov(privateId, 'admin')).status).toBe(200);
  });
});

function etagFor(version: number) {
  return `"${version}"`;
}
