import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUserId, stableUuid } from '../../infra/local/auth';
import { db } from '../../shared/db/service';
import { client, expectProblem, notFoundBody, startTestApi, type ApiRequest, type Call, type Json, type TestApi } from '../support/api-client';
import { person, seedPeople } from '../support/people';

/**
 * Vendors of a project and their people through the local API Gateway, DynamoDB Local and the
 * local user pool: contractors never see each other's vendors, and inviting a person twice
 * changes nothing.
 */
let api: TestApi;
let call: Call;

const gcA = { companyId: stableUuid('test:vendors:gc-a'), name: 'Atlas Building', kind: 'general_contractor' } as const;
const gcB = { companyId: stableUuid('test:vendors:gc-b'), name: 'Boreal Projects', kind: 'general_contractor' } as const;
/** A vendor Atlas already works with (on none of this file's projects yet). */
const knownVendorA = { companyId: stableUuid('test:vendors:known-a'), name: 'Atlas Steel Fixers', kind: 'vendor', ownerCompanyId: gcA.companyId } as const;
const vendorB = { companyId: stableUuid('test:vendors:vendor-b'), name: 'Boreal Roofing', kind: 'vendor', ownerCompanyId: gcB.companyId } as const;

const people = {
  adminA: person('amy@atlas.test', 'Amy Atlas', gcA.companyId, 'admin'),
  standardA: person('sid@atlas.test', 'Sid Standard', gcA.companyId),
  readOnlyA: person('ros@atlas.test', 'Ros Reader', gcA.companyId),
  noneA: person('nia@atlas.test', 'Nia None', gcA.companyId),
  adminB: person('ben@boreal.test', 'Ben Boreal', gcB.companyId, 'admin'),
  roofer: person('rex@boreal-roofing.test', 'Rex Roofer', vendorB.companyId),
};
type Who = keyof typeof people;
let tokens: Record<Who, string>;
let projectA: string;
let projectB: string;

beforeAll(async () => {
  api = await startTestApi();
  call = client(api);
  tokens = await seedPeople(api.idp, { companies: [gcA, gcB, knownVendorA, vendorB], people });
  const { Member, ProjectVendor } = db();
  const createdAt = new Date().toISOString();

  projectA = (await post('/v1/projects', 'adminA', { name: 'Atlas Depot', number: 'AD-1', timeZone: 'Australia/Brisbane', region: 'en-AU' })).body.projectId;
  projectB = (await post('/v1/projects', 'adminB', { name: 'Boreal Plaza', number: 'BP-1', timeZone: 'America/Toronto', region: 'en-CA' })).body.projectId;
  for (const [who, level] of [['standardA', 'standard'], ['readOnlyA', 'read_only'], ['noneA', 'none']] as const) {
    await Member.create({ projectId: projectA, userId: people[who].userId, commitments: level, headContracts: 'none', createdAt }).go();
  }
  await ProjectVendor.create({ projectId: projectB, vendorId: vendorB.companyId, name: vendorB.name, createdAt }).go();
});

afterAll(async () => {
  await api?.stop();
});

/** As one of `people`, or as the bearer of a token. */
const as = (who: Who | string, request: ApiRequest) => call(who in tokens ? tokens[who as Who] : who, request);
const get = (path: string, who: Who | string) => as(who, { method: 'GET', path });
const post = (path: string, who: Who, body: unknown) => as(who, { method: 'POST', path, body });

const vendorsUrl = (projectId = projectA) => `/v1/projects/${projectId}/vendors`;

describe('vendors of a project', () => {
  let spark: Json;

  it('POST { name } creates a vendor company of the contractor and adds it (201)', async () => {
    const response = await post(vendorsUrl(), 'adminA', { name: '  Spark Electrical ' });
    expect(response.status).toBe(201);
    spark = response.body;
    expect(spark).toEqual({ vendorId: expect.any(String), name: 'Spark Electrical', addedAt: expect.any(String) });
    expect(response.headers.get('location')).toBe(`${vendorsUrl()}/${spark.vendorId}`);
    const { data: company } = await db().Company.get({ companyId: spark.vendorId }).go();
    expect(company).toMatchObject({ name: 'Spark Electrical', kind: 'vendor', ownerCompanyId: gcA.companyId });
  });

  it('POST { vendorId } adds a vendor the contractor already works with; twice is 409', async () => {
    const response = await post(vendorsUrl(), 'adminA', { vendorId: knownVendorA.companyId });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ vendorId: knownVendorA.companyId, name: knownVendorA.name, addedAt: expect.any(String) });
    const again = expectProblem(await post(vendorsUrl(), 'adminA', { vendorId: knownVendorA.companyId }), 409, 'conflict');
    expect(again.detail).toMatch(/Atlas Steel Fixers is already a vendor of this project/);
  });

  it('another contractor’s vendor, a general contractor and a random id are the same 404', async () => {
    const random = notFoundBody(await post(vendorsUrl(), 'adminA', { vendorId: stableUuid('nobody') }));
    const other = notFoundBody(await post(vendorsUrl(), 'adminA', { vendorId: vendorB.companyId }));
    expect(other.detail).toBe(random.detail.replace(stableUuid('nobody'), vendorB.companyId));
    notFoundBody(await post(vendorsUrl(), 'adminA', { vendorId: gcB.companyId }));
  });

  it('POST { name } retried with the same Idempotency-Key creates one vendor', async () => {
    const send = () =>
      as('adminA', { method: 'POST', path: vendorsUrl(), body: { name: 'Retry Electrical' }, headers: { 'idempotency-key': 'vendor-retry-1' } });
    const first = await send();
    expect(first.status).toBe(201);
    const again = await send();
    expect(again.status).toBe(201);
    const vendor = first.body;
    expect(again.body).toEqual(vendor);
    const { items } = (await get(`${vendorsUrl()}?limit=100`, 'adminA')).body;
    expect(items.filter((v: Json) => v.name === 'Retry Electrical')).toHaveLength(1);
  });

  it('POST needs exactly one of name and vendorId (400)', async () => {
    for (const body of [{}, { name: 'X', vendorId: knownVendorA.companyId }, { name: '' }, { name: 'X', colour: 'red' }]) {
      const problem = expectProblem(await post(vendorsUrl(), 'adminA', body), 400, 'validation');
      expect(problem.errors.length, JSON.stringify(body)).toBeGreaterThan(0);
    }
  });

  it('lists the project’s vendors a page at a time (every level); not another project’s', async () => {
    const seen: Json[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = (await get(`${vendorsUrl()}?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, 'readOnlyA')).body;
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen.map((v) => v.name).sort()).toEqual(['Atlas Steel Fixers', 'Retry Electrical', 'Spark Electrical']);
    expect(seen.find((v) => v.vendorId === spark.vendorId)).toEqual(spark);

    const first = (await get(`${vendorsUrl()}?limit=1`, 'adminA')).body;
    expectProblem(await get(`${vendorsUrl(projectB)}?cursor=${encodeURIComponent(first.nextCursor)}`, 'adminB'), 400, 'validation');
    expect((await get(vendorsUrl(projectB), 'adminB')).body.items).toEqual([
      { vendorId: vendorB.companyId, name: vendorB.name, addedAt: expect.any(String) },
    ]);
  });

  it('refuses POST to read_only, standard and none (403), and listing to none (403)', async () => {
    for (const who of ['readOnlyA', 'standardA', 'noneA'] as const) {
      const problem = expectProblem(await post(vendorsUrl(), who, { name: 'Sneaky Co' }), 403, 'forbidden');
      expect(problem.detail).toMatch(/add vendors and their users you need admin on the Commitments tool/);
    }
    expectProblem(await get(vendorsUrl(), 'noneA'), 403, 'forbidden');
  });

  it('another company’s user probing the project’s vendors gets the 404 of a random project', async () => {
    const randomProject = `/v1/projects/${stableUuid('no-project')}/vendors`;
    const random = notFoundBody(await get(randomProject, 'adminB'));
    expect(notFoundBody(await get(vendorsUrl(), 'adminB'))).toEqual(random);
    expect(notFoundBody(await get(`${vendorsUrl()}/${spark.vendorId}`, 'adminB'))).toEqual(random);
    expect(notFoundBody(await post(vendorsUrl(), 'adminB', { name: 'X' }))).toEqual(random);
    expect(notFoundBody(await post(`${vendorsUrl()}/${spark.vendorId}/users`, 'adminB', { email: 'x@y.test', name: 'X' }))).toEqual(random);
  });

  it('GET one vendor: its users; a vendor of another project is 404', async () => {
    const response = await get(`${vendorsUrl()}/${spark.vendorId}`, 'standardA');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ...spark, users: [] });
    const random = notFoundBody(await get(`${vendorsUrl()}/${stableUuid('nope')}`, 'adminA'));
    const other = notFoundBody(await get(`${vendorsUrl()}/${vendorB.companyId}`, 'adminA'));
    expect(other.detail).toBe(random.detail.replace(stableUuid('nope'), vendorB.companyId));
  });

  describe('POST …/vendors/{vendorId}/users', () => {
    const usersUrl = () => `${vendorsUrl()}/${spark.vendorId}/users`;
    const lena = { email: 'Lena@Spark-Electrical.test', name: 'Lena Sparks' };
    const lenaId = localUserId('lena@spark-electrical.test');

    it('invites the person (identity account), creates the user and makes them a collaborator member (201)', async () => {
      const response = await post(usersUrl(), 'adminA', lena);
      expect(response.status).toBe(201);
      const expected = {
        userId: lenaId,
        name: 'Lena Sparks',
        email: 'lena@spark-electrical.test',
        company: { companyId: spark.vendorId, name: 'Spark Electrical', kind: 'vendor' },
        levels: { commitments: 'read_only', headContracts: 'none' },
        granular: [],
      };
      expect(response.body).toEqual(expected);
      expect(response.headers.get('location')).toBe(`/v1/projects/${projectA}/members/${lenaId}`);

      // The account exists in the user pool, with the sub the records use.
      const cognito = new CognitoIdentityProviderClient({});
      const account = await cognito.send(new AdminGetUserCommand({ UserPoolId: process.env.USER_POOL_ID, Username: 'lena@spark-electrical.test' }));
      expect(account.UserAttributes).toContainEqual({ Name: 'sub', Value: lenaId });
      cognito.destroy();

      // Her token (as `npm run token` signs it) works at once.
      const token = await api.idp.signToken({ sub: lenaId, email: 'lena@spark-electrical.test', name: 'Lena Sparks' });
      expect((await get(`/v1/projects/${projectA}`, token)).status).toBe(200);
      expect((await get('/v1/me', token)).body).toMatchObject({ company: { companyId: spark.vendorId, kind: 'vendor' } });
      const members = (await get(`/v1/projects/${projectA}/members?limit=100`, 'adminA')).body;
      expect(members.items).toContainEqual(expected);
      expect((await get(`${vendorsUrl()}/${spark.vendorId}`, 'adminA')).body).toEqual({
        ...spark,
        users: [{ userId: lenaId, name: 'Lena Sparks', email: 'lena@spark-electrical.test' }],
      });
    });

    it('is idempotent: the same person again is 200 with the same member, levels unchanged', async () => {
      const response = await post(usersUrl(), 'adminA', { email: 'lena@spark-electrical.test', name: 'Lena S.', commitments: 'admin' });
      expect(response.status).toBe(200);
      expect(response.headers.get('location')).toBeNull();
      expect(response.body).toMatchObject({ userId: lenaId, name: 'Lena Sparks', levels: { commitments: 'read_only', headContracts: 'none' } });
    });

    it('takes levels for a new person, and adds an existing person of the vendor to another project', async () => {
      const response = await post(usersUrl(), 'adminA', { email: 'max@spark-electrical.test', name: 'Max Volt', commitments: 'standard', headContracts: 'read_only' });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ levels: { commitments: 'standard', headContracts: 'read_only' } });

      // A second project of the same contractor, with the same vendor: Lena is known, only the membership is new.
      const second = (await post('/v1/projects', 'adminA', { name: 'Atlas Yard', number: 'AY-1', timeZone: 'UTC', region: 'en-US' })).body.projectId;
      expect((await post(vendorsUrl(second), 'adminA', { vendorId: spark.vendorId })).status).toBe(201);
      const added = await post(`${vendorsUrl(second)}/${spark.vendorId}/users`, 'adminA', lena);
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ userId: lenaId, levels: { commitments: 'read_only', headContracts: 'none' } });
    });

    it('a person of another company gets a neutral 202 that does not say an account exists, and is not added', async () => {
      for (const who of ['standardA', 'roofer', 'adminB'] as const) {
        const response = await post(usersUrl(), 'adminA', { email: people[who].email, name: 'Someone' });
        expect(response.status).toBe(202);
        expect(response.body).toEqual({ email: people[who].email, status: 'received' });
        expect(JSON.stringify(response.body)).not.toMatch(/company|account|exist/i);
      }
      // Lena is Spark's: inviting her through Atlas Steel Fixers is the same neutral answer.
      const lenaThroughOther = await post(`${vendorsUrl()}/${knownVendorA.companyId}/users`, 'adminA', lena);
      expect(lenaThroughOther.status).toBe(202);
      const { data: roofer } = await db().User.get({ userId: people.roofer.userId }).go();
      expect(roofer?.companyId).toBe(vendorB.companyId);
      const { data: membership } = await db().Member.get({ projectId: projectA, userId: people.roofer.userId }).go();
      expect(membership).toBeNull();
    });

    it('a vendor not on the project is 404; bad input is 400 naming the field; non-admins 403', async () => {
      const random = notFoundBody(await post(`${vendorsUrl()}/${stableUuid('nope')}/users`, 'adminA', lena));
      const other = notFoundBody(await post(`${vendorsUrl()}/${vendorB.companyId}/users`, 'adminA', lena));
      expect(other.detail).toBe(random.detail.replace(stableUuid('nope'), vendorB.companyId));

      const problem = expectProblem(await post(usersUrl(), 'adminA', { email: 'not-an-email', name: '', commitments: 'boss' }), 400, 'validation');
      expect(problem.errors.map((e: Json) => e.field).sort()).toEqual(['commitments', 'email', 'name']);

      for (const who of ['readOnlyA', 'standardA', 'noneA'] as const) {
        expectProblem(await post(usersUrl(), who, { email: 'zed@spark-electrical.test', name: 'Zed' }), 403, 'forbidden');
      }
      const { data: zed } = await db().User.get({ userId: localUserId('zed@spark-electrical.test') }).go();
      expect(zed).toBeNull();
    });
  });
});
