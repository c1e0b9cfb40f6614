import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stableUuid } from '../../infra/local/auth';
import { db } from '../../shared/db/service';
import { client, expectProblem, fieldsOf, ifMatch, notFoundBody, startTestApi, type Call, type Json, type TestApi } from '../support/api-client';
import { person, seedPeople } from '../support/people';

/**
 * Projects, settings and members through the local API Gateway against DynamoDB Local:
 * who may do what (404 for outsiders, 403 naming the missing level), optimistic concurrency
 * on settings, the last commitments admin, and cursors that cannot be replayed elsewhere.
 */
let api: TestApi;
let call: Call;

const gcA = { companyId: stableUuid('test:projects:gc-a'), name: 'Alpha Builders', kind: 'general_contractor' } as const;
const gcB = { companyId: stableUuid('test:projects:gc-b'), name: 'Bravo Construct', kind: 'general_contractor' } as const;
const vendorA = { companyId: stableUuid('test:projects:vendor-a'), name: 'Alpha Plumbing', kind: 'vendor', ownerCompanyId: gcA.companyId } as const;
const vendorB = { companyId: stableUuid('test:projects:vendor-b'), name: 'Bravo Glazing', kind: 'vendor', ownerCompanyId: gcB.companyId } as const;

const people = {
  adminA: person('ada@alpha.test', 'Ada Admin', gcA.companyId, 'admin'),
  admin2A: person('abe@alpha.test', 'Abe Second', gcA.companyId, 'admin'),
  standardA: person('sol@alpha.test', 'Sol Standard', gcA.companyId),
  readOnlyA: person('rae@alpha.test', 'Rae Reader', gcA.companyId),
  noneA: person('ned@alpha.test', 'Ned None', gcA.companyId),
  outsiderA: person('ola@alpha.test', 'Ola Outsider', gcA.companyId),
  vendorUserA: person('pip@alpha-plumbing.test', 'Pip Plumber', vendorA.companyId),
  adminB: person('bea@bravo.test', 'Bea Bravo', gcB.companyId, 'admin'),
  vendorUserB: person('gus@bravo-glazing.test', 'Gus Glazier', vendorB.companyId),
};
type Who = keyof typeof people;
let tokens: Record<Who, string>;

let projectA: string;
let projectB: string;

beforeAll(async () => {
  api = await startTestApi();
  call = client(api);
  tokens = await seedPeople(api.idp, { companies: [gcA, gcB, vendorA, vendorB], people });
  const createdAt = new Date().toISOString();

  projectA = (await post('/v1/projects', 'adminA', { name: 'Alpha Tower', number: 'AT-1', timeZone: 'Australia/Sydney', region: 'en-AU' })).body.projectId;
  projectB = (await post('/v1/projects', 'adminB', { name: 'Bravo Mall', number: 'BM-1', timeZone: 'Europe/London', region: 'en-GB' })).body.projectId;
  // Members by level, and a vendor of project A with its user.
  const { Member, ProjectVendor } = db();
  await ProjectVendor.create({ projectId: projectA, vendorId: vendorA.companyId, name: vendorA.name, createdAt }).go();
  const levels: Array<[Who, 'standard' | 'read_only' | 'none']> = [
    ['standardA', 'standard'],
    ['readOnlyA', 'read_only'],
    ['noneA', 'none'],
    ['vendorUserA', 'read_only'],
  ];
  await Promise.all(
    levels.map(([who, level]) =>
      Member.create({ projectId: projectA, userId: people[who].userId, commitments: level, headContracts: level === 'standard' ? 'standard' : 'none', createdAt }).go(),
    ),
  );
});

afterAll(async () => {
  await api?.stop();
});

const get = (path: string, who: Who) => call(tokens[who], { method: 'GET', path });
const post = (path: string, who: Who, body: unknown) => call(tokens[who], { method: 'POST', path, body });
const put = (path: string, who: Who, body: unknown) => call(tokens[who], { method: 'PUT', path, body });
const del = (path: string, who: Who) => call(tokens[who], { method: 'DELETE', path });
const patch = (path: string, who: Who, body: unknown, etag?: string) =>
  call(tokens[who], { method: 'PATCH', path, body, headers: ifMatch(etag) });

const sortedFields = (problem: Json) => fieldsOf(problem).sort();

const regionalCurrency: Record<string, { code: string; sign: string }> = {
  'en-US': { code: 'USD', sign: '$' },
  'en-AU': { code: 'AUD', sign: '$' },
  'en-GB': { code: 'GBP', sign: '£' },
  'en-CA': { code: 'CAD', sign: '$' },
};

const defaultSettings = (timeZone: string, region: string) => ({
  timeZone,
  region,
  contract: { ownerName: null, architectName: null, date: null },
  currency: regionalCurrency[region],
  retainage: { workPercent: '10', workEnabled: true, materialsPercent: '0', materialsEnabled: false },
  overbillingAllowed: false,
  defaultInvoiceType: 'work_materials_retainage',
  notifyContactsOnApproval: true,
  ownerApprovalHoldsSubcontractorInvoices: false,
  overpaymentAllowed: false,
  billingPeriods: { frequency: 'never', startDay: 1, endDay: 31, dueDay: 25, autoInvites: false, reminderDaysBeforeDue: null },
});

const member = (who: Who, company: { companyId: string; name: string; kind: string }, commitments: string, headContracts: string, granular: string[] = []) => ({
  userId: people[who].userId,
  name: people[who].name,
  email: people[who].email,
  company: { companyId: company.companyId, name: company.name, kind: company.kind },
  levels: { commitments, headContracts },
  granular,
});

describe('POST /v1/projects', () => {
  it('a company admin creates a project with settings overrides and becomes its admin', async () => {
    const response = await post('/v1/projects', 'adminA', {
      name: 'Alpha Hospital',
      number: 'AH-7',
      timeZone: 'america/new_york',
      region: 'en-US',
      retainage: { workPercent: '5', materialsEnabled: true, materialsPercent: '2.5' },
      billingPeriods: { frequency: 'monthly', dueDay: 20, reminderDaysBeforeDue: 3 },
    });
    expect(response.status).toBe(201);
    const project = response.body;
    expect(response.headers.get('location')).toBe(`/v1/projects/${project.projectId}`);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(project).toEqual({
      projectId: expect.any(String),
      companyId: gcA.companyId,
      name: 'Alpha Hospital',
      number: 'AH-7',
      settings: {
        ...defaultSettings('America/New_York', 'en-US'),
        retainage: { workPercent: '5', workEnabled: true, materialsPercent: '2.5', materialsEnabled: true },
        billingPeriods: { frequency: 'monthly', startDay: 1, endDay: 31, dueDay: 20, autoInvites: false, reminderDaysBeforeDue: 3 },
      },
      createdBy: people.adminA.userId,
      createdAt: expect.any(String),
    });
    expect((await get(`/v1/projects/${project.projectId}`, 'adminA')).body).toEqual(project);
    const members = (await get(`/v1/projects/${project.projectId}/members`, 'adminA')).body;
    expect(members).toEqual({ items: [member('adminA', gcA, 'admin', 'admin')], nextCursor: null });
  });

  it('refuses a company member (403) and a vendor’s user (403)', async () => {
    const body = { name: 'Nope', number: 'N-1', timeZone: 'UTC', region: 'en-US' };
    const byMember = expectProblem(await post('/v1/projects', 'standardA', body), 403, 'forbidden');
    expect(byMember.detail).toMatch(/administrator of Alpha Builders.*company role is member/);
    const byVendor = expectProblem(await post('/v1/projects', 'vendorUserA', body), 403, 'forbidden');
    expect(byVendor.detail).toMatch(/general contractor/);
  });

  it('names each invalid field: time zone, region, percentages, days', async () => {
    const problem = expectProblem(
      await post('/v1/projects', 'adminA', {
        name: '',
        number: 'X',
        timeZone: 'Mars/Olympus_Mons',
        region: 'fr-FR',
        retainage: { workPercent: '100.5' },
        billingPeriods: { dueDay: 32 },
      }),
      400,
      'validation',
    );
    expect(sortedFields(problem)).toEqual(['billingPeriods.dueDay', 'name', 'region', 'retainage.workPercent', 'timeZone']);
    const weekly = expectProblem(
      await post('/v1/projects', 'adminA', { name: 'W', number: 'W-1', timeZone: 'UTC', region: 'en-US', billingPeriods: { frequency: 'weekly', startDay: 1, endDay: 7, dueDay: 9 } }),
      400,
      'validation',
    );
    expect(sortedFields(weekly)).toEqual(['billingPeriods.dueDay']);
    expect(weekly.errors[0].message).toMatch(/ISO weekday/);
  });
});

describe('GET /v1/projects/{projectId}', () => {
  it('answers every level with the project and its settings version as ETag', async () => {
    for (const who of ['adminA', 'standardA', 'readOnlyA', 'vendorUserA'] as const) {
      const response = await get(`/v1/projects/${projectA}`, who);
      expect(response.status, who).toBe(200);
      expect(response.headers.get('etag')).toMatch(/^"\d+"$/);
      expect(response.body).toMatchObject({ projectId: projectA, companyId: gcA.companyId, name: 'Alpha Tower', number: 'AT-1' });
    }
  });

  it('refuses a member with no level on commitments: 403 naming the level', async () => {
    const problem = expectProblem(await get(`/v1/projects/${projectA}`, 'noneA'), 403, 'forbidden');
    expect(problem.detail).toMatch(/view the project.*your level is none/);
  });

  it('a non-member, and another company’s user, learn nothing: the same 404 as a random id', async () => {
    const random = notFoundBody(await get(`/v1/projects/${stableUuid('no-such-project')}`, 'adminB'));
    expect(notFoundBody(await get(`/v1/projects/${projectA}`, 'adminB'))).toEqual(random);
    expect(notFoundBody(await get(`/v1/projects/${projectA}`, 'outsiderA'))).toEqual(random);
    expect(notFoundBody(await get(`/v1/projects/${projectA}/settings`, 'adminB'))).toEqual(random);
    expect(notFoundBody(await get(`/v1/projects/${projectA}/members`, 'vendorUserB'))).toEqual(random);
    expect(notFoundBody(await get(`/v1/projects/${projectB}`, 'adminA'))).toEqual(random);
  });
});

describe('project settings', () => {
  let project: string;
  const settingsUrl = () => `/v1/projects/${project}/settings`;
  const etagOf = async () => (await get(settingsUrl(), 'adminA')).headers.get('etag')!;

  beforeAll(async () => {
    project = (await post('/v1/projects', 'adminA', { name: 'Settings', number: 'S-1', timeZone: 'Australia/Perth', region: 'en-AU' })).body.projectId;
    await db().Member.create({ projectId: project, userId: people.standardA.userId, commitments: 'standard', headContracts: 'admin', createdAt: new Date().toISOString() }).go();
    await db().Member.create({ projectId: project, userId: people.readOnlyA.userId, commitments: 'read_only', headContracts: 'read_only', createdAt: new Date().toISOString() }).go();
  });

  it('GET answers the defaults with an ETag', async () => {
    const response = await get(settingsUrl(), 'readOnlyA');
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.body).toEqual(defaultSettings('Australia/Perth', 'en-AU'));
  });

  it('an en-CA project holds back 10 % on services and materials by default (Ontario Construction Act s 22)', async () => {
    const ontario = (await post('/v1/projects', 'adminA', { name: 'Holdback', number: 'ON-1', timeZone: 'America/Toronto', region: 'en-CA' })).body.projectId;
    const response = await get(`/v1/projects/${ontario}/settings`, 'adminA');
    expect(response.body).toEqual({
      ...defaultSettings('America/Toronto', 'en-CA'),
      retainage: { workPercent: '10', workEnabled: true, materialsPercent: '10', materialsEnabled: true },
    });
  });

  it('PATCH changes only the fields given, merging nested objects, and moves the ETag', async () => {
    const etag = await etagOf();
    const response = await patch(settingsUrl(), 'adminA', { retainage: { workPercent: '7.5' }, billingPeriods: { reminderDaysBeforeDue: 2 } }, etag);
    expect(response.status).toBe(200);
    const next = response.headers.get('etag')!;
    expect(next).toBe(`"${Number(JSON.parse(etag)) + 1}"`);
    expect(response.body).toEqual({
      ...defaultSettings('Australia/Perth', 'en-AU'),
      retainage: { workPercent: '7.5', workEnabled: true, materialsPercent: '0', materialsEnabled: false },
      billingPeriods: { frequency: 'never', startDay: 1, endDay: 31, dueDay: 25, autoInvites: false, reminderDaysBeforeDue: 2 },
    });

    const second = await patch(
      settingsUrl(),
      'adminA',
      {
        timeZone: 'Australia/Sydney',
        region: 'en-GB',
        overbillingAllowed: true,
        defaultInvoiceType: 'none',
        notifyContactsOnApproval: false,
        overpaymentAllowed: true,
        billingPeriods: { frequency: 'weekly', startDay: 1, endDay: 7, dueDay: 5, autoInvites: true, reminderDaysBeforeDue: null },
      },
      next,
    );
    expect(second.status).toBe(200);
    expect(second.body).toEqual({
      timeZone: 'Australia/Sydney',
      region: 'en-GB',
      retainage: { workPercent: '7.5', workEnabled: true, materialsPercent: '0', materialsEnabled: false },
      overbillingAllowed: true,
      defaultInvoiceType: 'none',
      notifyContactsOnApproval: false,
      ownerApprovalHoldsSubcontractorInvoices: false,
      overpaymentAllowed: true,
      billingPeriods: { frequency: 'weekly', startDay: 1, endDay: 7, dueDay: 5, autoInvites: true, reminderDaysBeforeDue: null },
      contract: { ownerName: null, architectName: null, date: null },
      currency: { code: 'GBP', sign: '£' },
    });
    expect((await get(`/v1/projects/${project}`, 'adminA')).body).toMatchObject({ settings: { region: 'en-GB', timeZone: 'Australia/Sydney' } });
  });

  it('refuses read_only and standard (403 naming the admin level), whatever the If-Match', async () => {
    const etag = await etagOf();
    for (const who of ['readOnlyA', 'standardA'] as const) {
      const problem = expectProblem(await patch(settingsUrl(), who, { overbillingAllowed: true }, etag), 403, 'forbidden');
      expect(problem.detail).toMatch(/configure invoicing settings you need admin on the Commitments tool/);
      expectProblem(await patch(settingsUrl(), who, { overbillingAllowed: true }), 403, 'forbidden');
    }
  });

  it('another company’s admin gets the 404 of a random id', async () => {
    const etag = await etagOf();
    const random = notFoundBody(await patch(`/v1/projects/${stableUuid('nothing')}/settings`, 'adminB', { overbillingAllowed: true }, etag));
    expect(notFoundBody(await patch(settingsUrl(), 'adminB', { overbillingAllowed: true }, etag))).toEqual(random);
  });

  it('a missing If-Match is 428; a stale or malformed one is 412', async () => {
    expectProblem(await patch(settingsUrl(), 'adminA', { overbillingAllowed: false }), 428, 'precondition-required');
    expectProblem(await patch(settingsUrl(), 'adminA', { overbillingAllowed: false }, '"0"'), 412, 'precondition-failed');
    expectProblem(await patch(settingsUrl(), 'adminA', { overbillingAllowed: false }, 'W/"1"'), 412, 'precondition-failed');
  });

  it('two concurrent PATCHes with the same ETag: exactly one 200, one 412', async () => {
    const etag = await etagOf();
    const responses = await Promise.all(
      ['11', '12'].map((workPercent) => patch(settingsUrl(), 'adminA', { retainage: { workPercent } }, etag)),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = responses.find((r) => r.status === 200)!.body;
    expect((await get(settingsUrl(), 'adminA')).body.retainage.workPercent).toBe(winner.retainage.workPercent);
  });

  it('stores the G702’s owner, architect, contract date and currency; null removes a detail; the sign follows the code', async () => {
    const set = await patch(
      settingsUrl(),
      'adminA',
      { contract: { ownerName: 'Harbour Health Trust', architectName: 'Łódź & Partners', date: '2026-02-14' }, currency: 'EUR' },
      await etagOf(),
    );
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ contract: { ownerName: 'Harbour Health Trust', architectName: 'Łódź & Partners', date: '2026-02-14' }, currency: { code: 'EUR', sign: '€' } });

    const cleared = await patch(settingsUrl(), 'adminA', { contract: { architectName: null } }, set.headers.get('etag')!);
    expect(cleared.body).toMatchObject({ contract: { ownerName: 'Harbour Health Trust', architectName: null, date: '2026-02-14' }, currency: { code: 'EUR' } });
    expect((await get(settingsUrl(), 'readOnlyA')).body).toEqual(cleared.body);

    const refused = expectProblem(
      await patch(settingsUrl(), 'adminA', { contract: { date: '2026-02-30', ownerName: '' }, currency: 'XYZ' }, cleared.headers.get('etag')!),
      400,
      'validation',
    );
    expect(sortedFields(refused)).toEqual(['contract.date', 'contract.ownerName']);
    const unknownCurrency = expectProblem(await patch(settingsUrl(), 'adminA', { currency: 'XYZ' }, cleared.headers.get('etag')!), 400, 'validation');
    expect(sortedFields(unknownCurrency)).toEqual(['currency']);
  });

  it('names each invalid field: time zone, percentages, days, reminder, unknown keys, empty body', async () => {
    const etag = await etagOf();
    const problem = expectProblem(
      await patch(
        settingsUrl(),
        'adminA',
        {
          timeZone: 'Not/AZone',
          retainage: { workPercent: '12.34567', materialsPercent: '101' },
          billingPeriods: { frequency: 'monthly', startDay: 0, endDay: 1.5, dueDay: 32, reminderDaysBeforeDue: 61 },
          defaultInvoiceType: 'everything',
          colour: 'blue',
        },
        etag,
      ),
      400,
      'validation',
    );
    expect(sortedFields(problem)).toEqual([
      '',
      'billingPeriods.dueDay',
      'billingPeriods.endDay',
      'billingPeriods.reminderDaysBeforeDue',
      'billingPeriods.startDay',
      'defaultInvoiceType',
      'retainage.materialsPercent',
      'retainage.workPercent',
      'timeZone',
    ]);
    expect(problem.errors.find((e: Json) => e.field === '').message).toMatch(/colour/);
    const empty = expectProblem(await patch(settingsUrl(), 'adminA', {}, etag), 400, 'validation');
    expect(empty.errors[0].message).toMatch(/at least one setting/);
    // Nothing changed.
    expect((await get(settingsUrl(), 'adminA')).headers.get('etag')).toBe(etag);
  });

  it('a frequency change that leaves the stored days invalid names those days', async () => {
    const etag = await etagOf();
    await patch(settingsUrl(), 'adminA', { billingPeriods: { frequency: 'monthly', startDay: 1, endDay: 31, dueDay: 25 } }, etag);
    const problem = expectProblem(
      await patch(settingsUrl(), 'adminA', { billingPeriods: { frequency: 'weekly' } }, await etagOf()),
      400,
      'validation',
    );
    expect(sortedFields(problem)).toEqual(['billingPeriods.dueDay', 'billingPeriods.endDay']);
  });
});

describe('members', () => {
  const membersUrl = () => `/v1/projects/${projectA}/members`;
  const memberUrl = (who: Who | string) => `${membersUrl()}/${who in people ? people[who as Who].userId : who}`;

  it('lists every member with user, company and levels, a page at a time', async () => {
    const expected = [
      member('adminA', gcA, 'admin', 'admin'),
      member('standardA', gcA, 'standard', 'standard'),
      member('readOnlyA', gcA, 'read_only', 'none'),
      member('noneA', gcA, 'none', 'none'),
      member('vendorUserA', vendorA, 'read_only', 'none'),
    ].sort((a, b) => a.userId.localeCompare(b.userId));
    const seen: Json[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await get(`${membersUrl()}?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, 'readOnlyA');
      expect(response.status).toBe(200);
      const page = response.body;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(expected);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('a cursor cannot be tampered with nor replayed on another project’s list', async () => {
    const { nextCursor } = (await get(`${membersUrl()}?limit=1`, 'adminA')).body;
    expect(nextCursor).toEqual(expect.any(String));
    const tampered = `${nextCursor.slice(0, -2)}${nextCursor.endsWith('A') ? 'B' : 'A'}x`;
    const bad = expectProblem(await get(`${membersUrl()}?cursor=${encodeURIComponent(tampered)}`, 'adminA'), 400, 'validation');
    expect(sortedFields(bad)).toEqual(['cursor']);
    expectProblem(await get(`/v1/projects/${projectB}/members?cursor=${encodeURIComponent(nextCursor)}`, 'adminB'), 400, 'validation');
  });

  it('a member with no level cannot list members (403)', async () => {
    expectProblem(await get(membersUrl(), 'noneA'), 403, 'forbidden');
  });

  it('PUT adds a user of the company (201), then changes their levels (200); DELETE removes them (204)', async () => {
    const added = await put(memberUrl('outsiderA'), 'adminA', { commitments: 'standard', headContracts: 'none', granular: ['create_purchase_order_contract'] });
    expect(added.status).toBe(201);
    expect(added.headers.get('location')).toBe(memberUrl('outsiderA'));
    expect(added.body).toEqual(member('outsiderA', gcA, 'standard', 'none', ['create_purchase_order_contract']));
    // The new member can now see the project.
    expect((await get(`/v1/projects/${projectA}`, 'outsiderA')).status).toBe(200);

    const changed = await put(memberUrl('outsiderA'), 'adminA', { commitments: 'read_only', headContracts: 'read_only', granular: [] });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual(member('outsiderA', gcA, 'read_only', 'read_only'));
    const listed = (await get(`${membersUrl()}?limit=100`, 'adminA')).body.items.find((m: Json) => m.userId === people.outsiderA.userId);
    expect(listed).toEqual(member('outsiderA', gcA, 'read_only', 'read_only'));

    expect((await del(memberUrl('outsiderA'), 'adminA')).status).toBe(204);
    const again = expectProblem(await del(memberUrl('outsiderA'), 'adminA'), 404, 'not-found');
    expect(again.detail).toContain(people.outsiderA.userId);
    expect((await get(`/v1/projects/${projectA}`, 'outsiderA')).status).toBe(404);
  });

  it('PUT takes a user of a vendor of the project', async () => {
    const response = await put(memberUrl('vendorUserA'), 'adminA', { commitments: 'read_only', headContracts: 'none', granular: [] });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(member('vendorUserA', vendorA, 'read_only', 'none'));
  });

  it('PUT of a user of another company, of a vendor not on the project, or of no one: the same 404 naming the user', async () => {
    const body = { commitments: 'read_only', headContracts: 'none', granular: [] };
    const random = stableUuid('nobody');
    const problem = expectProblem(await put(memberUrl(random), 'adminA', body), 404, 'not-found');
    expect(problem.detail).toContain(random);
    for (const who of ['adminB', 'vendorUserB'] as const) {
      const other = expectProblem(await put(memberUrl(who), 'adminA', body), 404, 'not-found');
      expect(other.detail).toBe(problem.detail.replace(random, people[who].userId));
    }
  });

  it('PUT and DELETE are refused to read_only and standard members (403), and unknown to outsiders (404)', async () => {
    const body = { commitments: 'admin', headContracts: 'admin', granular: [] };
    for (const who of ['readOnlyA', 'standardA', 'noneA', 'vendorUserA'] as const) {
      const put403 = expectProblem(await put(memberUrl(who), who, body), 403, 'forbidden');
      expect(put403.detail).toMatch(/manage the project’s members you need admin/);
      expectProblem(await del(memberUrl('noneA'), who), 403, 'forbidden');
    }
    const random = notFoundBody(await put(`/v1/projects/${stableUuid('x')}/members/${people.adminB.userId}`, 'adminB', body));
    expect(notFoundBody(await put(memberUrl('adminB'), 'adminB', body))).toEqual(random);
    expect(notFoundBody(await del(`/v1/projects/${projectA}/members/${people.noneA.userId}`, 'adminB'))).toEqual(
      notFoundBody(await del(`/v1/projects/${stableUuid('x')}/members/${people.noneA.userId}`, 'adminB')),
    );
  });

  it('PUT validates levels and granular permissions', async () => {
    const problem = expectProblem(
      await put(memberUrl('noneA'), 'adminA', { commitments: 'owner', headContracts: 'none', granular: ['delete_everything'] }),
      400,
      'validation',
    );
    expect(sortedFields(problem)).toEqual(['commitments', 'granular.0']);
  });

  it('never removes or demotes the last commitments admin (409); with a second admin it may', async () => {
    const last = expectProblem(await put(memberUrl('adminA'), 'adminA', { commitments: 'standard', headContracts: 'admin', granular: [] }), 409, 'conflict');
    expect(last.detail).toMatch(/Ada Admin is the project’s last commitments admin/);
    expectProblem(await del(memberUrl('adminA'), 'adminA'), 409, 'conflict');
    // head_contracts admin is not what keeps a project administered: changing it is fine.
    expect((await put(memberUrl('adminA'), 'adminA', { commitments: 'admin', headContracts: 'read_only', granular: [] })).status).toBe(200);

    expect((await put(memberUrl('admin2A'), 'adminA', { commitments: 'admin', headContracts: 'none', granular: [] })).status).toBe(201);
    const demoted = await put(memberUrl('admin2A'), 'adminA', { commitments: 'standard', headContracts: 'none', granular: [] });
    expect(demoted.status).toBe(200);
    expect(demoted.body.levels).toEqual({ commitments: 'standard', headContracts: 'none' });
    expect((await del(memberUrl('admin2A'), 'adminA')).status).toBe(204);
  });

  it('two admins demoting each other at once: exactly one succeeds, the project keeps an admin', async () => {
    expect((await put(memberUrl('admin2A'), 'adminA', { commitments: 'admin', headContracts: 'none', granular: [] })).status).toBe(201);
    const responses = await Promise.all([
      put(memberUrl('admin2A'), 'adminA', { commitments: 'read_only', headContracts: 'none', granular: [] }),
      put(memberUrl('adminA'), 'admin2A', { commitments: 'read_only', headContracts: 'none', granular: [] }),
    ]);
    const statuses = responses.map((r) => r.status);
    // The loser either lost its admin level first (403) or found no other admin left (409).
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409 || s === 403)).toHaveLength(1);
    const { items } = (await get(`${membersUrl()}?limit=100`, 'standardA')).body;
    expect(items.filter((m: Json) => m.levels.commitments === 'admin')).toHaveLength(1);

    // Put things back: adminA the only admin again.
    const admin = items.find((m: Json) => m.levels.commitments === 'admin').userId === people.adminA.userId ? 'adminA' : 'admin2A';
    if (admin === 'admin2A') expect((await put(memberUrl('adminA'), 'admin2A', { commitments: 'admin', headContracts: 'admin', granular: [] })).status).toBe(200);
    expect((await del(memberUrl('admin2A'), 'adminA')).status).toBe(204);
  });
});
