import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../shared/db/service';
import { termsFor } from '../../shared/domain/terminology';
import { expectProblem, expectRefusal, expectStatus, fieldsOf, type ApiRequest, type Call, type TestApi } from '../support/api-client';
import { createCommitment, createHeadContract, startFixtureApi, type PermissionFixture, type Profile } from '../support/permission-fixtures';

/**
 * Head contracts through the local API Gateway against DynamoDB Local: the contract with the owner,
 * its number unique in the project however the requests race, its private list, and its SOV and
 * change orders, served by the same code and rules as a commitment's.
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;

const as = (profile: Profile, request: ApiRequest) => call(fx.users[profile].token, request);
const collection = () => `/v1/projects/${fx.projectId}/head-contracts`;
const ownerBody = (number: string, more: object = {}) => ({ number, title: 'Main works', ownerCompanyName: 'Harbour Tower Developments Pty Ltd', ...more });

beforeAll(async () => {
  ({ api, fx, call } = await startFixtureApi());
});

afterAll(async () => {
  await api?.stop();
});

describe('creating and reading', () => {
  it('an admin creates a draft head contract with the project’s retainage; it reads back with an ETag and a Location', async () => {
    const created = await as('admin', { method: 'POST', path: collection(), body: ownerBody('PC-001', { ownerContactEmails: ['accounts@owner.example'] }) });
    expectStatus(created, 201, 'create');
    const { headContractId } = created.body;
    expect(created.headers.get('location')).toBe(`${collection()}/${headContractId}`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toMatchObject({
      number: 'PC-001',
      ownerCompanyName: 'Harbour Tower Developments Pty Ltd',
      ownerContactEmails: ['accounts@owner.example'],
      status: 'draft',
      accountingMethod: 'amount',
      private: false,
      lineCount: 0,
      contractSumToDateCents: 0,
      retainage: { workEnabled: true },
    });
    const read = await as('read_only', { method: 'GET', path: `${collection()}/${headContractId}` });
    expect(expectStatus(read, 200, 'read').body).toEqual(created.body);
  });

  it('the same number (ignoring case and spaces) sent twice at once: one wins, the other is a 409 naming `number`', async () => {
    const [first, second] = await Promise.all([
      as('admin', { method: 'POST', path: collection(), body: ownerBody('PC-RACE') }),
      as('admin', { method: 'POST', path: collection(), body: ownerBody(' pc-race ') }),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 409]);
    expect(fieldsOf((first.status === 409 ? first : second).body)).toEqual(['number']);
  });

  it('a commitment number does not block the same head contract number (separate number spaces)', async () => {
    const commitment = await createCommitment(call, fx, { sov: false });
    expectStatus(await as('admin', { method: 'POST', path: collection(), body: ownerBody(commitment.number) }), 201, 'same number as a commitment');
  });

  it('bad input is a 400 naming each field; a private list of non-members too', async () => {
    const response = await as('admin', {
      method: 'POST',
      path: collection(),
      body: { number: '', title: 'x', ownerCompanyName: 'O', status: 'signed', ownerContactEmails: ['nope'], privateUserIds: ['user-nobody'] },
    });
    expect(fieldsOf(expectProblem(response, 400, 'validation'))).toEqual(expect.arrayContaining(['number', 'status', 'ownerContactEmails.0']));
    const listed = await as('admin', { method: 'POST', path: collection(), body: ownerBody('PC-LIST', { private: true, privateUserIds: ['user-nobody'] }) });
    expect(fieldsOf(expectProblem(listed, 400, 'validation'))).toEqual(['privateUserIds.0']);
  });

  it('only a head-contracts admin creates one: a standard member is refused, named', async () => {
    const response = await as('standard', { method: 'POST', path: collection(), body: ownerBody('PC-STD') });
    expectRefusal(response, 403, /create or edit a head contract/);
    expect(response.body.detail).toMatch(/your level is standard/);
  });
});

describe('private head contracts', () => {
  let privatePath: string;
  let privateId: string;

  beforeAll(async () => {
    const made = await createHeadContract(call, fx, { private: true, sov: false });
    privatePath = made.path;
    privateId = made.headContractId;
  });

  it('are 404 for members off the list and without admin, readable by those on it', async () => {
    expectRefusal(await as('read_only', { method: 'GET', path: privatePath }), 404);
    expectStatus(await as('standard+private_list', { method: 'GET', path: privatePath }), 200, 'on the list');
    // The invoice contacts have no level on the head contracts tool: nothing of it exists for them.
    expectRefusal(await as('standard+contact', { method: 'GET', path: privatePath }), 404);
  });

  it('the list leaves out what the caller cannot see', async () => {
    const seenBy = async (profile: Profile) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = expectStatus(await as(profile, { method: 'GET', path: `${collection()}?limit=100${cursor ? `&cursor=${cursor}` : ''}` }), 200, 'list');
        ids.push(...page.body.items.map((item: { headContractId: string }) => item.headContractId));
        cursor = page.body.nextCursor;
      } while (cursor);
      return ids;
    };
    expect(await seenBy('admin')).toContain(privateId);
    expect(await seenBy('standard+private_list')).toContain(privateId);
    expect(await seenBy('read_only')).not.toContain(privateId);
    expectRefusal(await as('standard+contact', { method: 'GET', path: collection() }), 403, /view head contracts/);
  });

  it('a member on the list who may see it but not edit it gets a 403 naming the action', async () => {
    const response = await as('standard+private_list', { method: 'PATCH', path: privatePath, body: { title: 'x' }, headers: { 'if-match': '"1"' } });
    expectRefusal(response, 403, /create or edit a head contract/);
  });

  it('another company’s admin finds neither the contract nor the list (tenant isolation)', async () => {
    expectRefusal(await as('other_company_admin', { method: 'GET', path: privatePath }), 404);
    expectRefusal(await as('other_company_admin', { method: 'GET', path: collection() }), 404);
    // …nor A's head contract under B's own project.
    const underB = `/v1/projects/${fx.other.projectId}/head-contracts/${privateId}`;
    expectRefusal(await as('other_company_admin', { method: 'GET', path: underB }), 404);
    expectRefusal(await as('other_company_admin', { method: 'GET', path: `${underB}/sov` }), 404);
  });
});

describe('editing', () => {
  it('PATCH needs If-Match; a stale one is 412; a new number is claimed and the old one released', async () => {
    const made = await createHeadContract(call, fx, { sov: false });
    expect((await as('admin', { method: 'PATCH', path: made.path, body: { title: 'x' } })).status).toBe(428);
    expect((await as('admin', { method: 'PATCH', path: made.path, body: { title: 'x' }, headers: { 'if-match': '"7"' } })).status).toBe(412);
    const renumbered = await as('admin', { method: 'PATCH', path: made.path, body: { number: `${made.number}-B`, status: 'out_for_signature', description: 'Signed copy to follow' }, headers: { 'if-match': '"1"' } });
    expect(expectStatus(renumbered, 200, 'renumber').body).toMatchObject({ number: `${made.number}-B`, status: 'out_for_signature', description: 'Signed copy to follow', version: 2 });
    // The old number is free again.
    expectStatus(await as('admin', { method: 'POST', path: collection(), body: ownerBody(made.number) }), 201, 'old number reused');
  });

  it('the accounting method is fixed once the SOV has lines; unit contracts retain on completed work only', async () => {
    const made = await createHeadContract(call, fx);
    const refused = await as('admin', { method: 'PATCH', path: made.path, body: { accountingMethod: 'unit' }, headers: { 'if-match': '"1"' } });
    expect(expectProblem(refused, 409, 'conflict').detail).toMatch(/accounting method cannot change/);
    const unit = await as('admin', { method: 'POST', path: collection(), body: ownerBody(`${made.number}-U`, { accountingMethod: 'unit', retainage: { workPercent: '10', workEnabled: true, materialsPercent: '10', materialsEnabled: true } }) });
    expect(fieldsOf(expectProblem(unit, 400, 'validation'))).toEqual(['retainage.materialsEnabled']);
  });
});

describe('SOV lines and change orders: the commitment’s implementation', () => {
  it('SOV lines carry cost codes; a pending change order leaves the contract sum; approving applies it to the cent', async () => {
    const made = await createHeadContract(call, fx);
    const sov = expectStatus(await as('read_only', { method: 'GET', path: `${made.path}/sov` }), 200, 'read SOV').body;
    expect(sov).toMatchObject({ headContractId: made.headContractId, accountingMethod: 'amount', totals: { originalContractSumCents: 25_000_050, contractSumToDateCents: 25_000_050, lineCount: 2 } });
    expect(sov.lines.map((l: { costCode: string }) => l.costCode)).toEqual(['16-100', '16-200']);
    const cabling = sov.lines[1].lineId;

    const created = await as('admin', {
      method: 'POST',
      path: `${made.path}/change-orders`,
      body: {
        number: 'PCCO-001',
        title: 'Owner variation: extra risers, less cabling',
        lines: [
          { kind: 'add', costCode: '16-400', description: 'Extra risers', amountCents: 1_234_567 },
          { kind: 'adjust', lineId: cabling, amountCents: -33_333 },
        ],
      },
    });
    const co = expectStatus(created, 201, 'create change order').body;
    expect(created.headers.get('location')).toBe(`${made.path}/change-orders/${co.changeOrderId}`);
    expect(co).toMatchObject({ headContractId: made.headContractId, status: 'pending', totalCents: 1_201_234 });
    expect((await as('admin', { method: 'GET', path: made.path })).body).toMatchObject({ contractSumToDateCents: 25_000_050 });

    // Approving is the head-contracts admin's edit; a standard member is refused, named.
    const coPath = `${made.path}/change-orders/${co.changeOrderId}`;
    expectRefusal(await as('standard', { method: 'PATCH', path: coPath, body: { status: 'approved' }, headers: { 'if-match': '"1"' } }), 403, /create or edit a head contract/);
    const approved = await as('admin', { method: 'PATCH', path: coPath, body: { status: 'approved' }, headers: { 'if-match': '"1"' } });
    expect(expectStatus(approved, 200, 'approve').body).toMatchObject({ status: 'approved', totalCents: 1_201_234, approvedBy: fx.users.admin.userId });
    expect((await as('admin', { method: 'GET', path: made.path })).body).toMatchObject({
      originalContractSumCents: 25_000_050,
      approvedChangeOrdersCents: 1_201_234,
      contractSumToDateCents: 26_201_284,
      lineCount: 3,
    });
    const after = (await as('admin', { method: 'GET', path: `${made.path}/sov` })).body;
    expect(after.totals).toEqual({ originalContractSumCents: 25_000_050, approvedChangeOrdersCents: 1_201_234, contractSumToDateCents: 26_201_284, lineCount: 3 });
    expect(after.lines[1]).toMatchObject({ scheduledValueCents: 9_966_717, changeOrderAdjustmentCents: -33_333 });
    // Settled: it never changes again.
    expectProblem(await as('admin', { method: 'PATCH', path: coPath, body: { status: 'void' }, headers: { 'if-match': '"2"' } }), 409, 'conflict');
    const listed = expectStatus(await as('read_only', { method: 'GET', path: `${made.path}/change-orders` }), 200, 'list').body;
    expect(listed.items.map((c: { changeOrderId: string }) => c.changeOrderId)).toEqual([co.changeOrderId]);
  });

  it('the same rules refuse the same things: an adjustment below zero is a 409, an original line a change order adjusted cannot be removed', async () => {
    const made = await createHeadContract(call, fx);
    const { lines } = (await as('admin', { method: 'GET', path: `${made.path}/sov` })).body;
    const negative = await as('admin', { method: 'POST', path: `${made.path}/change-orders`, body: { number: 'N', title: 'Too much', lines: [{ kind: 'adjust', lineId: lines[0].lineId, amountCents: -15_000_001 }] } });
    expectProblem(negative, 409, 'conflict');
    const co = (await as('admin', { method: 'POST', path: `${made.path}/change-orders`, body: { number: 'A', title: 'Adjust', lines: [{ kind: 'adjust', lineId: lines[0].lineId, amountCents: 100 }] } })).body;
    expectStatus(await as('admin', { method: 'PATCH', path: `${made.path}/change-orders/${co.changeOrderId}`, body: { status: 'approved' }, headers: { 'if-match': '"1"' } }), 200, 'approve');
    const removing = await as('admin', { method: 'PUT', path: `${made.path}/sov`, body: { lines: [{ description: 'Only cabling', scheduledValueCents: 1 }] }, headers: { 'if-match': '"3"' } });
    expect(expectProblem(removing, 409, 'conflict').detail).toMatch(/adjusted by an approved change order/);
  });

  it('a commitment’s routes never reach a head contract’s SOV (nor the other way round)', async () => {
    const made = await createHeadContract(call, fx);
    expectRefusal(await as('admin', { method: 'GET', path: `/v1/projects/${fx.projectId}/commitments/${made.headContractId}/sov` }), 404);
    const commitment = await createCommitment(call, fx, { sov: false });
    expectRefusal(await as('admin', { method: 'GET', path: `${collection()}/${commitment.commitmentId}/sov` }), 404);
  });
});

describe('deleting', () => {
  it('a draft goes with its number, SOV and change orders; a contract out for signature stays (409)', async () => {
    const made = await createHeadContract(call, fx);
    const { lines } = (await as('admin', { method: 'GET', path: `${made.path}/sov` })).body;
    await as('admin', { method: 'POST', path: `${made.path}/change-orders`, body: { number: 'D', title: 'Pending', lines: [{ kind: 'adjust', lineId: lines[0].lineId, amountCents: 5 }] } });
    expect((await as('admin', { method: 'DELETE', path: made.path, headers: { 'if-match': '"9"' } })).status).toBe(412);
    expect((await as('admin', { method: 'DELETE', path: made.path })).status).toBe(204);
    expectRefusal(await as('admin', { method: 'GET', path: made.path }), 404);
    const { Sov, ChangeOrder } = db();
    expect((await Sov.get({ projectId: fx.projectId, commitmentId: made.headContractId }).go()).data).toBeNull();
    expect((await ChangeOrder.query.byCommitment({ projectId: fx.projectId, commitmentId: made.headContractId }).go()).data).toEqual([]);
    expectStatus(await as('admin', { method: 'POST', path: collection(), body: ownerBody(made.number) }), 201, 'number free again');

    const signed = await createHeadContract(call, fx, { sov: false });
    await as('admin', { method: 'PATCH', path: signed.path, body: { status: 'out_for_signature' }, headers: { 'if-match': '"1"' } });
    expect(expectProblem(await as('admin', { method: 'DELETE', path: signed.path }), 409, 'conflict').detail).toMatch(/only a draft can be deleted/);
  });
});

describe('terminology', () => {
  it('names the contract with the owner per region', () => {
    expect(['en-US', 'en-CA', 'en-AU', 'en-GB'].map((region) => termsFor(region as 'en-US').headContract)).toEqual([
      'Prime Contract',
      'Prime Contract',
      'Head Contract',
      'Main Contract',
    ]);
  });
});
