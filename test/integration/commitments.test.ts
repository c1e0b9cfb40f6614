import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../shared/db/service';
import { defaultProjectSettings } from '../../shared/domain/project-settings';
import { expectProblem, expectStatus, fieldsOf, ifMatch, notFoundBody, type Call, type Json, type TestApi } from '../support/api-client';
import { startFixtureApi, type FixtureUser, type PermissionFixture } from '../support/permission-fixtures';

/**
 * Commitments through the local API Gateway against DynamoDB Local: unique numbers (also
 * under a race), optimistic concurrency, the accounting-method lock, search and signed
 * cursors, private records, invoice contacts and granular creators.
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;
/** A vendor user who is not a member of the project. */
let outsider: FixtureUser;
/** A member who is a user of the project's second vendor. */
let otherVendorUser: FixtureUser;
const otherVendor = { vendorId: 'vendor-sparks', name: 'Sparks Plumbing' };
/** A second project of company A where the admin is a member too. */
const secondProjectId = 'project-a-second';

beforeAll(async () => {
  ({ api, fx, call } = await startFixtureApi());
  const { Company, User, Member, Project, ProjectVendor } = db();
  const createdAt = new Date().toISOString();
  const userOf = async (userId: string, companyId: string): Promise<FixtureUser> => {
    const user = { userId, email: `${userId}@example.test`, name: userId };
    await User.create({ ...user, companyId, createdAt }).go();
    return { ...user, token: await api.idp.signToken({ sub: userId, email: user.email, name: user.name }) };
  };
  await Company.create({ companyId: otherVendor.vendorId, name: otherVendor.name, kind: 'vendor', ownerCompanyId: fx.companyId, createdAt }).go();
  outsider = await userOf('vendor-outsider', fx.vendorId);
  otherVendorUser = await userOf('sparks-user', otherVendor.vendorId);
  await Promise.all([
    ProjectVendor.create({ projectId: fx.projectId, ...otherVendor, createdAt }).go(),
    Member.create({ projectId: fx.projectId, userId: otherVendorUser.userId, commitments: 'read_only', headContracts: 'none', createdAt }).go(),
    Project.create({
      ...defaultProjectSettings('en-AU'),
      projectId: secondProjectId,
      companyId: fx.companyId,
      name: 'Second',
      number: 'S-2',
      timeZone: 'Australia/Sydney',
      createdBy: fx.users.admin.userId,
      createdAt,
    }).go(),
    ProjectVendor.create({ projectId: secondProjectId, vendorId: fx.vendorId, name: fx.vendorName, createdAt }).go(),
    Member.create({ projectId: secondProjectId, userId: fx.users.admin.userId, commitments: 'admin', headContracts: 'admin', createdAt }).go(),
  ]);
});

afterAll(async () => {
  await api?.stop();
});

const base = (projectId = fx.projectId) => `/v1/projects/${projectId}/commitments`;
const create = (user: FixtureUser, body: Record<string, unknown>, projectId = fx.projectId) =>
  call(user.token, { method: 'POST', path: base(projectId), body: { type: 'subcontract', title: 'Works', vendorId: fx.vendorId, ...body } });
const get = (user: FixtureUser, commitmentId: string, projectId = fx.projectId) =>
  call(user.token, { method: 'GET', path: `${base(projectId)}/${commitmentId}` });
const patch = (user: FixtureUser, commitmentId: string, body: Record<string, unknown>, etag?: string | null) =>
  call(user.token, { method: 'PATCH', path: `${base()}/${commitmentId}`, body, headers: ifMatch(etag) });
const list = (user: FixtureUser, query: Record<string, string> = {}, projectId = fx.projectId) =>
  call(user.token, { method: 'GET', path: `${base(projectId)}?${new URLSearchParams(query)}` });

async function created(body: Record<string, unknown>, user = fx.users.admin): Promise<Json> {
  return expectStatus(await create(user, body), 201, `create ${String(body.number)}`).body;
}

/** Every page of a list, following nextCursor. */
async function allPages(user: FixtureUser, query: Record<string, string>) {
  const pages: Json[][] = [];
  let cursor: string | null = null;
  do {
    const page: Json = expectStatus(await list(user, { ...query, ...(cursor ? { cursor } : {}) }), 200, 'list page').body;
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 20);
  return pages;
}

describe('create', () => {
  it('answers 201 with location and ETag, zero totals, project retainage, and writes an empty SOV and the number', async () => {
    const response = await create(fx.users.admin, { number: 'SC-001', title: 'Electrical rough-in', description: 'Levels 1–4', startDate: '2027-03-01' });
    expectStatus(response, 201, 'create');
    const commitment = response.body;
    expect(response.headers.get('location')).toBe(`${base()}/${commitment.commitmentId}`);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(commitment).toMatchObject({
      projectId: fx.projectId,
      type: 'subcontract',
      number: 'SC-001',
      title: 'Electrical rough-in',
      vendorId: fx.vendorId,
      vendorName: fx.vendorName,
      status: 'draft',
      description: 'Levels 1–4',
      startDate: '2027-03-01',
      contractDate: null,
      accountingMethod: 'amount',
      retainage: defaultProjectSettings('en-AU').retainage,
      private: false,
      privateUserIds: [],
      invoiceContactIds: [],
      ssovEnabled: false,
      ssovStatus: null,
      paymentsIssuedEnabled: false,
      lineCount: 0,
      originalContractSumCents: 0,
      approvedChangeOrdersCents: 0,
      contractSumToDateCents: 0,
      version: 1,
      createdBy: fx.users.admin.userId,
    });
    const { Sov, CommitmentNumber, Commitment } = db();
    const { data: sov } = await Sov.get({ projectId: fx.projectId, commitmentId: commitment.commitmentId }).go();
    expect(sov).toMatchObject({ lines: [], version: 1 });
    const { data: number } = await CommitmentNumber.get({ projectId: fx.projectId, normalizedNumber: 'SC-001' }).go();
    expect(number?.commitmentId).toBe(commitment.commitmentId);
    const { data: stored } = await Commitment.get({ projectId: fx.projectId, commitmentId: commitment.commitmentId }).go();
    expect(stored?.searchText).toBe(`sc-001 electrical rough-in ${fx.vendorName.toLowerCase()}`);

    const read = await get(fx.users.read_only, commitment.commitmentId);
    expectStatus(read, 200, 'get');
    expect(read.headers.get('etag')).toBe('"1"');
    // The same commitment; what each may do with it differs (payments issued are not enabled yet).
    expect(read.body).toEqual({ ...commitment, allowedActions: [] });
    expect(commitment.allowedActions).toEqual(['edit', 'edit_sov', 'create_change_order']);
  });

  it('refuses a duplicate number with 409 naming number, ignoring case and surrounding spaces', async () => {
    await created({ number: 'DUP-1' });
    for (const number of ['DUP-1', 'dup-1', '  Dup-1  ']) {
      const problem = expectProblem(await create(fx.users.admin, { number }), 409, 'conflict');
      expect(fieldsOf(problem)).toEqual(['number']);
      expect(problem.detail).toContain('already used');
    }
  });

  it('lets exactly one of several concurrent creates with the same number win', async () => {
    const responses = await Promise.all(
      ['RACE-1', 'race-1', 'RACE-1 ', 'Race-1', 'RACE-1'].map((number, i) => create(fx.users.admin, { number, title: `Racer ${i}` })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const { data } = await db().Commitment.query.byNumber({ projectId: fx.projectId }).where((a, op) => op.begins(a.searchText, 'race-1 ')).go();
    expect(data).toHaveLength(1);
  });

  it('validates the vendor, the contacts and unit-based retainage, naming the fields', async () => {
    let problem = expectProblem(await create(fx.users.admin, { number: 'V-1', vendorId: 'no-such-vendor' }), 400, 'validation');
    expect(fieldsOf(problem)).toEqual(['vendorId']);
    // A vendor company of A that is not a vendor of this project.
    problem = expectProblem(await create(fx.users.admin, { number: 'V-1', vendorId: fx.other.vendorId }), 400, 'validation');
    expect(fieldsOf(problem)).toEqual(['vendorId']);

    const [contact] = fx.contactIds;
    problem = expectProblem(
      await create(fx.users.admin, {
        number: 'V-1',
        invoiceContactIds: [contact, outsider.userId, otherVendorUser.userId, fx.users.standard.userId],
      }),
      400,
      'validation',
    );
    // Not a member of the project; a user of another vendor; a user of the general contractor.
    expect(fieldsOf(problem)).toEqual(['invoiceContactIds.1', 'invoiceContactIds.2', 'invoiceContactIds.3']);

    problem = expectProblem(await create(fx.users.admin, { number: 'V-1', privateUserIds: [outsider.userId] }), 400, 'validation');
    expect(fieldsOf(problem)).toEqual(['privateUserIds.0']);

    problem = expectProblem(
      await create(fx.users.admin, {
        number: 'V-1',
        accountingMethod: 'unit',
        retainage: { workPercent: '5', workEnabled: true, materialsPercent: '5', materialsEnabled: true },
      }),
      400,
      'validation',
    );
    expect(fieldsOf(problem)).toEqual(['retainage.materialsEnabled']);
    problem = expectProblem(
      await create(fx.users.admin, { number: 'V-1', retainage: { workPercent: '100.5', workEnabled: true, materialsPercent: 'ten', materialsEnabled: false } }),
      400,
      'validation',
    );
    expect(fieldsOf(problem).sort()).toEqual(['retainage.materialsPercent', 'retainage.workPercent']);
  });

  it('designating a contact puts them on the private list', async () => {
    const [contact] = fx.contactIds;
    const commitment = await created({ number: 'CT-1', private: true, invoiceContactIds: [contact], privateUserIds: [fx.users.standard.userId] });
    expect(commitment.invoiceContactIds).toEqual([contact]);
    expect(commitment.privateUserIds).toEqual([fx.users.standard.userId, contact]);
  });

  it('granular creators: a purchase order with create_purchase_order_contract, never a subcontract or contacts', async () => {
    const buyer = fx.users['read_only+G(create_po)'];
    const po = await created({ number: 'PO-100', type: 'purchase_order' }, buyer);
    expect(po).toMatchObject({ type: 'purchase_order', createdBy: buyer.userId });

    let problem = expectProblem(await create(buyer, { number: 'SC-100', type: 'subcontract' }), 403, 'forbidden');
    expect(problem.detail).toMatch(/create a subcontract/);
    expect(problem.detail).toMatch(/create_work_order_contract/);

    problem = expectProblem(await create(buyer, { number: 'PO-101', type: 'purchase_order', invoiceContactIds: [fx.contactIds[0]] }), 403, 'forbidden');
    expect(problem.detail).toMatch(/add invoice contacts/);

    for (const user of [fx.users.read_only, fx.users.standard]) {
      problem = expectProblem(await create(user, { number: 'PO-102', type: 'purchase_order' }), 403, 'forbidden');
      expect(problem.detail).toMatch(/create a purchase order.*create_purchase_order_contract/);
    }
    problem = expectProblem(await create(fx.users.none, { number: 'PO-102', type: 'purchase_order' }), 403, 'forbidden');
    expect(problem.detail).toMatch(/your level is none/);
    // Nothing of the refused attempts was written: the number is still free.
    await created({ number: 'PO-102', type: 'purchase_order' });
  });

  it('a granular creator of a private commitment stays able to see it', async () => {
    const buyer = fx.users['read_only+G(create_po)'];
    const po = await created({ number: 'PO-200', type: 'purchase_order', private: true }, buyer);
    expect(po.privateUserIds).toEqual([buyer.userId]);
    expectStatus(await get(buyer, po.commitmentId), 200, 'creator reads');
  });
});

describe('update', () => {
  it('needs If-Match (428), refuses a stale ETag (412), and bumps the version', async () => {
    const { commitmentId } = await created({ number: 'UP-1', title: 'Original title' });
    expectProblem(await patch(fx.users.admin, commitmentId, { title: 'New' }), 428, 'precondition-required');
    expectProblem(await patch(fx.users.admin, commitmentId, { title: 'New' }, 'W/"1"'), 412, 'precondition-failed');

    const ok = await patch(fx.users.admin, commitmentId, { title: 'Switchboards', status: 'approved', description: null, contractDate: '2027-01-31' }, '"1"');
    expectStatus(ok, 200, 'patch');
    expect(ok.headers.get('etag')).toBe('"2"');
    expect(ok.body).toMatchObject({ title: 'Switchboards', status: 'approved', description: null, contractDate: '2027-01-31', version: 2 });
    expect(ok.body.updatedAt >= ok.body.createdAt).toBe(true);
    expectProblem(await patch(fx.users.admin, commitmentId, { title: 'Again' }, '"1"'), 412, 'precondition-failed');

    // searchText follows the title.
    const found = expectStatus(await list(fx.users.admin, { q: 'switchboards' }), 200, 'search').body;
    expect(found.items.map((c: Json) => c.commitmentId)).toEqual([commitmentId]);
  });

  it('two concurrent PATCHes with the same ETag: exactly one 200, the other 412', async () => {
    const { commitmentId } = await created({ number: 'UP-2' });
    const responses = await Promise.all(['First', 'Second'].map((title) => patch(fx.users.admin, commitmentId, { title }, '"1"')));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = responses.find((r) => r.status === 200)!.body;
    const now = expectStatus(await get(fx.users.admin, commitmentId), 200, 'get').body;
    expect(now).toMatchObject({ title: winner.title, version: 2 });
  });

  it('two concurrent number changes with the same ETag: one 200, one 412, and only the winner’s number is held', async () => {
    const { commitmentId } = await created({ number: 'UP-3' });
    const responses = await Promise.all(['UP-3A', 'UP-3B'].map((number) => patch(fx.users.admin, commitmentId, { number }, '"1"')));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = responses.find((r) => r.status === 200)!.body.number as string;
    const loser = winner === 'UP-3A' ? 'UP-3B' : 'UP-3A';
    await created({ number: loser });
    await created({ number: 'UP-3' });
    expectProblem(await create(fx.users.admin, { number: winner }), 409, 'conflict');
  });

  it('a new number is unique too (409 naming number) and frees the old one', async () => {
    await created({ number: 'NUM-A' });
    const b = await created({ number: 'NUM-B' });
    const problem = expectProblem(await patch(fx.users.admin, b.commitmentId, { number: ' num-a' }, '"1"'), 409, 'conflict');
    expect(fieldsOf(problem)).toEqual(['number']);
    // Same number in another case is no change of the key.
    const recased = expectStatus(await patch(fx.users.admin, b.commitmentId, { number: 'num-b' }, '"1"'), 200, 'recase').body;
    expect(recased.number).toBe('num-b');
    const renamed = expectStatus(await patch(fx.users.admin, b.commitmentId, { number: 'NUM-C' }, '"2"'), 200, 'rename').body;
    expect(renamed).toMatchObject({ number: 'NUM-C', version: 3 });
    await created({ number: 'NUM-B' });
    expectProblem(await create(fx.users.admin, { number: 'num-c' }), 409, 'conflict');
  });

  it('the accounting method is fixed once the SOV has lines (409 with a clear detail)', async () => {
    const { commitmentId } = await created({ number: 'AM-1' });
    const toUnit = expectStatus(await patch(fx.users.admin, commitmentId, { accountingMethod: 'unit' }, '"1"'), 200, 'to unit').body;
    expect(toUnit.accountingMethod).toBe('unit');

    const key = { projectId: fx.projectId, commitmentId };
    const updatedAt = new Date().toISOString();
    await db()
      .Sov.patch(key)
      .set({ lines: [{ lineId: 'l1', description: 'Conduit', scheduledValueCents: 154313, quantity: '12.5', unitOfMeasure: 'm', unitPrice: '123.45' }], updatedAt })
      .add({ version: 1 })
      .go();
    await db().Commitment.patch(key).set({ lineCount: 1, originalContractSumCents: 154313 }).go();

    const problem = expectProblem(await patch(fx.users.admin, commitmentId, { accountingMethod: 'amount' }, '"2"'), 409, 'conflict');
    expect(problem.detail).toMatch(/accounting method cannot change once the schedule of values has lines/);
    // Sending the method it already has changes nothing that is locked.
    expectStatus(await patch(fx.users.admin, commitmentId, { accountingMethod: 'unit', title: 'Conduit runs' }, '"2"'), 200, 'same method');
  });

  it('the SSOV is refused on unit-based commitments (409); enabling it needs ssov.enable', async () => {
    const unit = await created({ number: 'SS-1', accountingMethod: 'unit' });
    let problem = expectProblem(await patch(fx.users.admin, unit.commitmentId, { ssovEnabled: true }, '"1"'), 409, 'conflict');
    expect(problem.detail).toMatch(/unit-based/);

    const amount = await created({ number: 'SS-2' });
    problem = expectProblem(await patch(fx.users.standard, amount.commitmentId, { ssovEnabled: true }, '"1"'), 403, 'forbidden');
    expect(problem.detail).toMatch(/enable or disable the subcontractor SOV/);
    const enabled = expectStatus(await patch(fx.users.admin, amount.commitmentId, { ssovEnabled: true, paymentsIssuedEnabled: true }, '"1"'), 200, 'enable').body;
    expect(enabled).toMatchObject({ ssovEnabled: true, paymentsIssuedEnabled: true });
    problem = expectProblem(await patch(fx.users.admin, amount.commitmentId, { accountingMethod: 'unit' }, '"2"'), 409, 'conflict');
    expect(problem.detail).toMatch(/Disable the subcontractor SOV/);
  });

  it('header edits are the admin’s; the 403 names what is missing', async () => {
    const { commitmentId } = await created({ number: 'ED-1' });
    for (const user of [fx.users.read_only, fx.users.standard, fx.users['read_only+G(update_po,update_wo)']]) {
      const problem = expectProblem(await patch(user, commitmentId, { title: 'Mine now' }, '"1"'), 403, 'forbidden');
      expect(problem.detail).toMatch(/edit a commitment’s header fields you need admin/);
    }
  });

  it('contacts: must be users of the vendor; a vendor change keeps only contacts of the new vendor', async () => {
    const [contact] = fx.contactIds;
    const commitment = await created({ number: 'VC-1', invoiceContactIds: [contact] });
    let problem = expectProblem(await patch(fx.users.admin, commitment.commitmentId, { invoiceContactIds: [outsider.userId] }, '"1"'), 400, 'validation');
    expect(fieldsOf(problem)).toEqual(['invoiceContactIds.0']);

    problem = expectProblem(await patch(fx.users.admin, commitment.commitmentId, { vendorId: otherVendor.vendorId }, '"1"'), 400, 'validation');
    expect(fieldsOf(problem)).toEqual(['invoiceContactIds']);

    const moved = expectStatus(
      await patch(fx.users.admin, commitment.commitmentId, { vendorId: otherVendor.vendorId, invoiceContactIds: [otherVendorUser.userId] }, '"1"'),
      200,
      'vendor change',
    ).body;
    expect(moved).toMatchObject({ vendorId: otherVendor.vendorId, vendorName: otherVendor.name, invoiceContactIds: [otherVendorUser.userId] });
    // The old contact stays on the private list (a separate choice); the new one joins it.
    expect(moved.privateUserIds).toEqual([contact, otherVendorUser.userId]);
    const found = expectStatus(await list(fx.users.admin, { q: 'sparks' }), 200, 'search by new vendor').body;
    expect(found.items.map((c: Json) => c.number)).toContain('VC-1');
  });
});

describe('list', () => {
  it('searches number, title and vendor name, case-insensitively, and filters by type and status', async () => {
    await created({ number: 'SRCH-1', title: 'Hydraulic services' });
    await created({ number: 'SRCH-2', title: 'Fire sprinklers', type: 'purchase_order', vendorId: otherVendor.vendorId });
    const numbers = async (query: Record<string, string>) =>
      expectStatus(await list(fx.users.read_only, query), 200, 'search').body.items.map((c: Json) => c.number);
    expect(await numbers({ q: 'srch-' })).toEqual(['SRCH-1', 'SRCH-2']);
    expect(await numbers({ q: 'HYDRAULIC' })).toEqual(['SRCH-1']);
    expect(await numbers({ q: 'sparks plumbing', type: 'purchase_order' })).toContain('SRCH-2');
    expect(await numbers({ q: 'srch', type: 'subcontract' })).toEqual(['SRCH-1']);
    expect(await numbers({ q: 'srch', status: 'approved' })).toEqual([]);
    expect(await numbers({ q: 'no such thing at all' })).toEqual([]);
  });

  it('pages in number order with limit 2 across at least 3 pages, filtered or not', async () => {
    for (const n of [5, 2, 7, 1, 4, 3, 6]) await created({ number: `PG-0${n}`, title: `Page ${n}` });
    const filteredPages = await allPages(fx.users.read_only, { q: 'pg-0', limit: '2' });
    expect(filteredPages.length).toBeGreaterThanOrEqual(3);
    expect(filteredPages.every((page) => page.length <= 2)).toBe(true);
    expect(filteredPages.flat().map((c: Json) => c.number)).toEqual(['PG-01', 'PG-02', 'PG-03', 'PG-04', 'PG-05', 'PG-06', 'PG-07']);

    const everything = await allPages(fx.users.admin, { limit: '2' });
    const numbers = everything.flat().map((c: Json) => c.number as string);
    expect(everything.length).toBeGreaterThanOrEqual(3);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers).toEqual([...numbers].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    const { data: stored } = await db().Commitment.query.byProject({ projectId: fx.projectId }).go({ pages: 'all' });
    expect(numbers.length).toBe(stored.length);
  });

  it('refuses a tampered cursor and a cursor from another project’s list with 400 naming cursor', async () => {
    const page = expectStatus(await list(fx.users.admin, { limit: '1' }), 200, 'first page').body;
    expect(page.nextCursor).toEqual(expect.any(String));
    const [payload, signature] = (page.nextCursor as string).split('.');
    const decoded = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...decoded, s: `commitments:${fx.other.projectId}` })).toString('base64url');
    for (const cursor of [`${forged}.${signature}`, `${payload}.${signature}x`, 'garbage']) {
      const problem = expectProblem(await list(fx.users.admin, { cursor }), 400, 'validation');
      expect(fieldsOf(problem)).toEqual(['cursor']);
    }

    for (const n of [1, 2, 3]) expectStatus(await create(fx.users.admin, { number: `SEC-${n}` }, secondProjectId), 201, 'second project');
    const second = expectStatus(await list(fx.users.admin, { limit: '1' }, secondProjectId), 200, 'second list').body;
    const problem = expectProblem(await list(fx.users.admin, { limit: '1', cursor: second.nextCursor }), 400, 'validation');
    expect(fieldsOf(problem)).toEqual(['cursor']);
  });
});

describe('private commitments and other companies', () => {
  let secret: Json;
  beforeAll(async () => {
    const [contact] = fx.contactIds;
    secret = await created({ number: 'PRIV-1', title: 'Confidential fit-out', private: true, privateUserIds: fx.privateListIds, invoiceContactIds: [contact] });
  });

  it('is invisible (404 on GET, absent from lists) to read_only and standard members not on its list', async () => {
    for (const user of [fx.users.read_only, fx.users.standard, fx.users['read_only+G(create_po)'], fx.users.none]) {
      expectProblem(await get(user, secret.commitmentId), 404, 'not-found');
      expectProblem(await patch(user, secret.commitmentId, { title: 'x' }, '"1"'), 404, 'not-found');
    }
    for (const user of [fx.users.read_only, fx.users.standard]) {
      const numbers = (await allPages(user, { limit: '100' })).flat().map((c: Json) => c.number);
      expect(numbers).not.toContain('PRIV-1');
      expect(numbers).toContain('SC-001');
      const searched = expectStatus(await list(user, { q: 'confidential' }), 200, 'search').body;
      expect(searched.items).toEqual([]);
    }
  });

  it('is visible to an admin, to a member on its list and to a designated contact', async () => {
    const contact = Object.values(fx.users).find((u) => u.userId === fx.contactIds[0])!;
    const listed = Object.values(fx.users).find((u) => u.userId === fx.privateListIds[0])!;
    for (const user of [fx.users.admin, listed, contact]) {
      const read = expectStatus(await get(user, secret.commitmentId), 200, `get as ${user.name}`).body;
      expect(read).toMatchObject({ private: true, invoiceContactIds: [contact.userId] });
      expect(read.privateUserIds).toEqual(expect.arrayContaining([listed.userId, contact.userId]));
      const searched = expectStatus(await list(user, { q: 'confidential' }), 200, 'search').body;
      expect(searched.items.map((c: Json) => c.number)).toEqual(['PRIV-1']);
    }
  });

  it('answers a hidden id exactly like an unknown one', async () => {
    const hidden = await get(fx.users.read_only, secret.commitmentId);
    const unknown = await get(fx.users.read_only, 'no-such-commitment');
    expect(notFoundBody(hidden)).toEqual(notFoundBody(unknown));
  });

  it('a user of another company probing this project’s commitment ids gets 404, indistinguishable from an unknown id', async () => {
    const probe = fx.users.other_company_admin;
    const publicId = notFoundBody(await get(fx.users.admin, 'no-such-commitment'));
    const known = (await list(fx.users.admin, { q: 'sc-001' })).body.items[0].commitmentId as string;
    for (const commitmentId of [known, secret.commitmentId]) {
      // Through A's project: A's project does not exist for them.
      const direct = notFoundBody(await get(probe, commitmentId));
      expect(direct).toEqual(notFoundBody(await get(probe, 'no-such-commitment')));
      expectProblem(await patch(probe, commitmentId, { title: 'x' }, '"1"'), 404, 'not-found');
      // Through their own project: the id is unknown there, exactly like any other.
      const own = notFoundBody(await get(probe, commitmentId, fx.other.projectId));
      expect(own).toEqual(notFoundBody(await get(probe, 'no-such-commitment', fx.other.projectId)));
      expect(own).toEqual(publicId);
    }
    expectProblem(await list(probe), 404, 'not-found');
    expectProblem(await create(probe, { number: 'X-1' }), 404, 'not-found');
  });
});
