import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, expectRefusal, expectStatus, fieldsOf, ifMatch, type ApiRequest, type Call, type Json, type TestApi } from '../support/api-client';
import { startFixtureApi, type PermissionFixture, type Profile } from '../support/permission-fixtures';

/**
 * Change orders through the local API Gateway against DynamoDB Local: pending ones are priced
 * against the SOV, approving one adds and adjusts SOV lines and the contract sum to date in one
 * transaction, settled ones never change, and only admins approve.
 */
let api: TestApi;
let fixture: PermissionFixture;
let call: Call;

const as = (profile: Profile, request: ApiRequest) => call(fixture.users[profile].token, request);
const base = (commitmentId: string, projectId = fixture.projectId) => `/v1/projects/${projectId}/commitments/${commitmentId}`;
const cosPath = (commitmentId: string) => `${base(commitmentId)}/change-orders`;

let numbers = 0;
/** A commitment created through the API, with its original lines put through the API. */
async function commitmentWithLines(accountingMethod: 'amount' | 'unit', lines: unknown[]): Promise<{ commitmentId: string; sov: Json }> {
  const created = await as('admin', {
    method: 'POST',
    path: `/v1/projects/${fixture.projectId}/commitments`,
    body: { type: 'purchase_order', number: `CO-${++numbers}`, title: `Switchboards ${numbers}`, vendorId: fixture.vendorId, accountingMethod },
  });
  const { commitmentId } = expectStatus(created, 201, 'create commitment').body;
  const put = await as('admin', { method: 'PUT', path: `${base(commitmentId)}/sov`, body: { lines }, headers: { 'if-match': '"1"' } });
  return { commitmentId, sov: expectStatus(put, 200, 'put lines').body };
}

const createCo = (commitmentId: string, body: unknown, profile: Profile = 'admin') => as(profile, { method: 'POST', path: cosPath(commitmentId), body });
const patchCo = (commitmentId: string, changeOrderId: string, body: unknown, etag: string | undefined, profile: Profile = 'admin') =>
  as(profile, { method: 'PATCH', path: `${cosPath(commitmentId)}/${changeOrderId}`, body, headers: ifMatch(etag) });
const getSov = (commitmentId: string) => as('admin', { method: 'GET', path: `${base(commitmentId)}/sov` });
const getCommitment = (commitmentId: string) => as('admin', { method: 'GET', path: base(commitmentId) });

beforeAll(async () => {
  ({ api, fx: fixture, call } = await startFixtureApi());
});

afterAll(async () => {
  await api?.stop();
});

describe('amount-based change orders', () => {
  let commitmentId: string;
  let slab: string;
  let walls: string;
  let changeOrderId: string;

  beforeAll(async () => {
    const made = await commitmentWithLines('amount', [
      { costCode: '03-100', description: 'Slab', scheduledValueCents: 1000000 },
      { costCode: '04-200', description: 'Walls', scheduledValueCents: 250000 },
    ]);
    commitmentId = made.commitmentId;
    [slab, walls] = made.sov.lines.map((l: { lineId: string }) => l.lineId);
  });

  it('POST creates a pending change order, each line priced, the total their sum', async () => {
    const response = await createCo(commitmentId, {
      number: 'CO-001',
      title: 'Extra stair and thinner walls',
      lines: [
        { kind: 'add', costCode: '05-500', description: 'Extra stair', amountCents: 312550 },
        { kind: 'adjust', lineId: walls, amountCents: -50001, description: 'Thinner walls' },
      ],
    });
    expectStatus(response, 201, 'create change order');
    changeOrderId = response.body.changeOrderId;
    expect(response.headers.get('location')).toBe(`${cosPath(commitmentId)}/${changeOrderId}`);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.body).toMatchObject({
      commitmentId,
      number: 'CO-001',
      status: 'pending',
      description: null,
      approvedAt: null,
      totalCents: 262549,
      lines: [
        { kind: 'add', costCode: '05-500', description: 'Extra stair', amountCents: 312550, valueCents: 312550 },
        { kind: 'adjust', lineId: walls, amountCents: -50001, valueCents: -50001 },
      ],
      createdBy: fixture.users.admin.userId,
    });
    // Pending: the SOV is untouched.
    expect((await getSov(commitmentId)).body.totals.contractSumToDateCents).toBe(1250000);

    const read = await as('read_only', { method: 'GET', path: `${cosPath(commitmentId)}/${changeOrderId}` });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(response.body);
    const list = await as('read_only', { method: 'GET', path: cosPath(commitmentId) });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [response.body], nextCursor: null });
  });

  it('lines that do not fit the accounting method, or adjust unknown lines, are a 400 naming the fields', async () => {
    const response = await createCo(commitmentId, {
      number: 'CO-X',
      title: 'Wrong',
      lines: [
        { kind: 'add', description: 'By units', quantity: '2', unitOfMeasure: 'ea', unitPrice: '10' },
        { kind: 'adjust', lineId: slab, quantity: '1' },
        { kind: 'adjust', lineId: 'no-such-line', amountCents: 5 },
      ],
    });
    const body = expectProblem(response, 400, 'validation');
    expect(fieldsOf(body)).toEqual([
      'lines.0.quantity',
      'lines.0.unitOfMeasure',
      'lines.0.unitPrice',
      'lines.0.amountCents',
      'lines.1.quantity',
      'lines.1.amountCents',
    ]);
    const unknown = await createCo(commitmentId, { number: 'CO-X', title: 'Wrong', lines: [{ kind: 'adjust', lineId: 'no-such-line', amountCents: 5 }] });
    expect(fieldsOf(expectProblem(unknown, 400, 'validation'))).toEqual(['lines.0.lineId']);
    const kind = await createCo(commitmentId, { number: 'CO-X', title: 'Wrong', lines: [{ kind: 'remove', lineId: slab }] });
    expect(fieldsOf(expectProblem(kind, 400, 'validation'))).toEqual(['lines.0.kind']);
  });

  it('an adjustment that would make a line negative is a 409 naming the line', async () => {
    const response = await createCo(commitmentId, { number: 'CO-N', title: 'Too much', lines: [{ kind: 'adjust', lineId: walls, amountCents: -250001 }] });
    const body = expectProblem(response, 409, 'conflict');
    expect(body.detail).toContain(walls);
    expect(body.detail).toMatch(/negative value \(-0\.01\)/);
  });

  it('approving needs change_orders.approve: standard and granted members get 403; If-Match 428/412', async () => {
    for (const profile of ['standard', 'read_only+G(update_po,update_wo)', 'standard+G(update_po,update_wo)'] as const) {
      const response = await patchCo(commitmentId, changeOrderId, { status: 'approved' }, '"1"', profile);
      expectRefusal(response, 403, /approve or void change orders/);
    }
    expectProblem(await patchCo(commitmentId, changeOrderId, { status: 'approved' }, undefined), 428, 'precondition-required');
    expectProblem(await patchCo(commitmentId, changeOrderId, { status: 'approved' }, '"7"'), 412, 'precondition-failed');
    expect(fieldsOf(expectProblem(await patchCo(commitmentId, changeOrderId, { status: 'approved', title: 'x' }, '"1"'), 400, 'validation'))).toEqual([
      'status',
    ]);
  });

  it('editing a pending change order needs change_orders.edit and re-prices its lines', async () => {
    expectRefusal(await patchCo(commitmentId, changeOrderId, { title: 'x' }, '"1"', 'standard'), 403, /change orders/);
    const response = await patchCo(
      commitmentId,
      changeOrderId,
      {
        title: 'Extra stair, thinner walls',
        description: 'Per RFI 12',
        lines: [
          { kind: 'add', costCode: '05-500', description: 'Extra stair', amountCents: 312550 },
          { kind: 'adjust', lineId: walls, amountCents: -50001 },
          { kind: 'adjust', lineId: slab, amountCents: 99 },
        ],
      },
      '"1"',
      'read_only+G(update_po,update_wo)',
    );
    expectStatus(response, 200, 'edit pending change order');
    expect(response.headers.get('etag')).toBe('"2"');
    expect(response.body).toMatchObject({ title: 'Extra stair, thinner walls', description: 'Per RFI 12', totalCents: 262648, status: 'pending' });
  });

  it('an admin approves: lines are added and adjusted, the contract sum to date follows to the cent, and the commitment shows it', async () => {
    const before = await getCommitment(commitmentId);
    const response = await patchCo(commitmentId, changeOrderId, { status: 'approved' }, '"2"');
    expectStatus(response, 200, 'approve');
    expect(response.headers.get('etag')).toBe('"3"');
    expect(response.body).toMatchObject({ status: 'approved', approvedBy: fixture.users.admin.userId, totalCents: 262648 });
    expect(response.body.approvedAt).toEqual(expect.any(String));
    const added = response.body.lines[0].lineId;
    expect(added).toEqual(expect.any(String));

    const sov = await getSov(commitmentId);
    expect(sov.headers.get('etag')).toBe('"3"');
    expect(sov.body.lines).toEqual([
      { lineId: slab, costCode: '03-100', description: 'Slab', scheduledValueCents: 1000099, changeOrderAdjustmentCents: 99 },
      { lineId: walls, costCode: '04-200', description: 'Walls', scheduledValueCents: 199999, changeOrderAdjustmentCents: -50001 },
      { lineId: added, costCode: '05-500', description: 'Extra stair', scheduledValueCents: 312550, changeOrderId },
    ]);
    expect(sov.body.totals).toEqual({
      originalContractSumCents: 1250000,
      approvedChangeOrdersCents: 262648,
      contractSumToDateCents: 1512648,
      lineCount: 3,
    });

    const commitment = await getCommitment(commitmentId);
    expect(commitment.body).toMatchObject({
      lineCount: 3,
      originalContractSumCents: 1250000,
      approvedChangeOrdersCents: 262648,
      contractSumToDateCents: 1512648,
    });
    expect(commitment.headers.get('etag')).toBe(before.headers.get('etag'));
  });

  it('an approved change order cannot change (409), not even to void', async () => {
    expectProblem(await patchCo(commitmentId, changeOrderId, { title: 'Later' }, '"3"'), 409, 'conflict');
    expectProblem(await patchCo(commitmentId, changeOrderId, { status: 'void' }, '"3"'), 409, 'conflict');
    const again = expectProblem(await patchCo(commitmentId, changeOrderId, { status: 'approved' }, '"3"'), 409, 'conflict');
    expect(again.detail).toMatch(/approved/);
  });

  it('lines a change order touched change only through change orders', async () => {
    const sov = (await getSov(commitmentId)).body;
    const etag = `"${sov.version}"`;
    // Removing the adjusted wall line.
    const removed = await as('admin', {
      method: 'PUT',
      path: `${base(commitmentId)}/sov`,
      body: { lines: [{ lineId: slab, description: 'Slab', scheduledValueCents: 1000099 }] },
      headers: { 'if-match': etag },
    });
    expect(expectProblem(removed, 409, 'conflict').detail).toContain(walls);
    // Sending every original line back unchanged (renamed) is fine, and the change-order line stays.
    const renamed = await as('admin', {
      method: 'PUT',
      path: `${base(commitmentId)}/sov`,
      body: {
        lines: [
          { lineId: slab, costCode: '03-100', description: 'Slab on ground', scheduledValueCents: 1000099 },
          { lineId: walls, costCode: '04-200', description: 'Walls', scheduledValueCents: 199999 },
        ],
      },
      headers: { 'if-match': etag },
    });
    expectStatus(renamed, 200, 'rename lines');
    expect(renamed.body.totals).toEqual(sov.totals);
    expect(renamed.body.lines).toHaveLength(3);
    const revalue = await as('admin', {
      method: 'PATCH',
      path: `${base(commitmentId)}/sov/lines/${walls}`,
      body: { scheduledValueCents: 1 },
      headers: { 'if-match': renamed.headers.get('etag')! },
    });
    expectProblem(revalue, 409, 'conflict');
  });

  it('a pending change order can be voided by an admin, and then never approved', async () => {
    const created = await createCo(commitmentId, { number: 'CO-002', title: 'Skylight', lines: [{ kind: 'add', description: 'Skylight', amountCents: 5000 }] });
    const id = expectStatus(created, 201, 'create').body.changeOrderId;
    expectRefusal(await patchCo(commitmentId, id, { status: 'void' }, '"1"', 'standard'), 403);
    const voided = await patchCo(commitmentId, id, { status: 'void' }, '"1"');
    expectStatus(voided, 200, 'void');
    expect(voided.body.status).toBe('void');
    expectProblem(await patchCo(commitmentId, id, { status: 'approved' }, '"2"'), 409, 'conflict');
    expect((await getSov(commitmentId)).body.totals.contractSumToDateCents).toBe(1512648);
  });

  it('two change orders approved at the same moment both apply; the same one twice applies once', async () => {
    const make = async (number: string, amountCents: number) =>
      expectStatus(await createCo(commitmentId, { number, title: number, lines: [{ kind: 'adjust', lineId: slab, amountCents }] }), 201, number).body
        .changeOrderId as string;
    const [a, b] = await Promise.all([make('CO-003', 1000), make('CO-004', -2000)]);
    const both = await Promise.all([patchCo(commitmentId, a, { status: 'approved' }, '"1"'), patchCo(commitmentId, b, { status: 'approved' }, '"1"')]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    const sov = (await getSov(commitmentId)).body;
    expect(sov.lines[0]).toMatchObject({ lineId: slab, scheduledValueCents: 1000099 - 1000, changeOrderAdjustmentCents: 99 - 1000 });
    expect(sov.totals).toEqual({ originalContractSumCents: 1250000, approvedChangeOrdersCents: 261648, contractSumToDateCents: 1511648, lineCount: 3 });

    const c = await make('CO-005', 1);
    const twice = await Promise.all([patchCo(commitmentId, c, { status: 'approved' }, '"1"'), patchCo(commitmentId, c, { status: 'approved' }, '"1"')]);
    expect(twice.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await getSov(commitmentId)).body.totals.contractSumToDateCents).toBe(1511649);
    expect((await getCommitment(commitmentId)).body).toMatchObject({ approvedChangeOrdersCents: 261649, contractSumToDateCents: 1511649 });
  });

  it('lists change orders a page at a time with a signed cursor', async () => {
    const first = await as('admin', { method: 'GET', path: `${cosPath(commitmentId)}?limit=2` });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const seen = new Set(first.body.items.map((i: { changeOrderId: string }) => i.changeOrderId));
    let cursor: string | null = first.body.nextCursor;
    while (cursor) {
      const page = await as('admin', { method: 'GET', path: `${cosPath(commitmentId)}?limit=2&cursor=${encodeURIComponent(cursor)}` });
      expect(page.status).toBe(200);
      for (const item of page.body.items) seen.add(item.changeOrderId);
      cursor = page.body.nextCursor;
    }
    expect(seen.size).toBe(5);
    // A cursor replayed against another commitment's list is refused.
    const other = await commitmentWithLines('amount', []);
    const replay = await as('admin', { method: 'GET', path: `${cosPath(other.commitmentId)}?cursor=${encodeURIComponent(first.body.nextCursor)}` });
    expect(fieldsOf(expectProblem(replay, 400, 'validation'))).toEqual(['cursor']);
  });
});

describe('unit-based change orders', () => {
  it('adjust quantities and add unit lines; values exact to the cent', async () => {
    const { commitmentId, sov } = await commitmentWithLines('unit', [
      { description: 'Cable tray', quantity: '12.5', unitOfMeasure: 'm', unitPrice: '123.45' },
    ]);
    const tray = sov.lines[0].lineId;
    const wrong = await createCo(commitmentId, { number: 'U-0', title: 'By amount', lines: [{ kind: 'adjust', lineId: tray, amountCents: 5 }] });
    expect(fieldsOf(expectProblem(wrong, 400, 'validation'))).toEqual(['lines.0.amountCents', 'lines.0.quantity']);

    const created = await createCo(commitmentId, {
      number: 'U-1',
      title: 'Less tray, more outlets',
      lines: [
        { kind: 'adjust', lineId: tray, quantity: '-2.5' },
        { kind: 'add', description: 'Outlets', quantity: '3', unitOfMeasure: 'ea', unitPrice: '33.33' },
      ],
    });
    expectStatus(created, 201, 'create unit change order');
    // 10 × 123.45 = 1234.50, less 1543.13 = −308.63; 3 × 33.33 = 99.99
    expect(created.body.lines.map((l: { valueCents: number }) => l.valueCents)).toEqual([-30863, 9999]);
    expect(created.body.totalCents).toBe(-20864);

    const approved = await patchCo(commitmentId, created.body.changeOrderId, { status: 'approved' }, '"1"');
    expectStatus(approved, 200, 'approve');
    const after = (await getSov(commitmentId)).body;
    expect(after.lines[0]).toMatchObject({ quantity: '10', scheduledValueCents: 123450, changeOrderAdjustmentQuantity: '-2.5', changeOrderAdjustmentCents: -30863 });
    expect(after.lines[1]).toMatchObject({ description: 'Outlets', quantity: '3', unitPrice: '33.33', scheduledValueCents: 9999, changeOrderId: created.body.changeOrderId });
    expect(after.totals).toEqual({ originalContractSumCents: 154313, approvedChangeOrdersCents: -20864, contractSumToDateCents: 133449, lineCount: 2 });
    expect((await getCommitment(commitmentId)).body).toMatchObject({ originalContractSumCents: 154313, approvedChangeOrdersCents: -20864, contractSumToDateCents: 133449 });

    const negative = await createCo(commitmentId, { number: 'U-2', title: 'Too few', lines: [{ kind: 'adjust', lineId: tray, quantity: '-10.0001' }] });
    expect(expectProblem(negative, 409, 'conflict').detail).toContain(tray);
  });
});

describe('who may see and create change orders', () => {
  let commitmentId: string;
  let changeOrderId: string;
  beforeAll(async () => {
    ({ commitmentId } = await commitmentWithLines('amount', [{ description: 'Slab', scheduledValueCents: 100 }]));
    const created = await createCo(commitmentId, { number: 'P-1', title: 'Extra', lines: [{ kind: 'add', description: 'Extra', amountCents: 1 }] });
    changeOrderId = expectStatus(created, 201, 'create').body.changeOrderId;
  });

  const body = { number: 'P-2', title: 'More', lines: [{ kind: 'add', description: 'More', amountCents: 1 }] };

  it('change_orders.edit: read_only and standard need both update_* granular permissions', async () => {
    for (const profile of ['read_only', 'standard', 'read_only+G(update_po)', 'standard+contact'] as const) {
      expectRefusal(await createCo(commitmentId, body, profile), 403, /create or edit change orders/);
    }
    for (const profile of ['read_only+G(update_po,update_wo)', 'standard+G(update_po,update_wo)', 'admin'] as const) {
      expectStatus(await createCo(commitmentId, body, profile), 201, profile);
    }
  });

  it('another company, non-members and members without a level get 404 on every change-order route', async () => {
    for (const profile of ['none', 'not_a_member', 'other_company_admin'] as const) {
      expectRefusal(await as(profile, { method: 'GET', path: cosPath(commitmentId) }), 404);
      expectRefusal(await as(profile, { method: 'GET', path: `${cosPath(commitmentId)}/${changeOrderId}` }), 404);
      expectRefusal(await createCo(commitmentId, body, profile), 404);
      expectRefusal(await patchCo(commitmentId, changeOrderId, { status: 'approved' }, '"1"', profile), 404);
    }
    const probe = await as('other_company_admin', {
      method: 'GET',
      path: `/v1/projects/${fixture.other.projectId}/commitments/${commitmentId}/change-orders/${changeOrderId}`,
    });
    expectRefusal(probe, 404);
    expectRefusal(await as('admin', { method: 'GET', path: `${cosPath(commitmentId)}/no-such-change-order` }), 404);
  });
});
