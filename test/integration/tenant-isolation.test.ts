import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, expectRefusal, expectStatus, type ApiRequest, type ApiResponse, type Call, type TestApi } from '../support/api-client';
import {
  createChangeOrder,
  createCommitment,
  createHeadContract,
  etagOf,
  freshNumber,
  fullAllocation,
  startFixtureApi,
  type PermissionFixture,
  type TestCommitment,
  type TestHeadContract,
} from '../support/permission-fixtures';

/**
 * Company B's admin probes company A's ids — on A's project paths and on B's own — and always
 * gets the answer a random id of the same shape gets: 404 (or, where B's own list or form is
 * asked about A's id, the same 400 a made-up value gets). Nothing in the answer tells A's ids
 * from ids that do not exist.
 */

let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let probeToken: string;

/** A's records, as its admin created them. */
const a = {} as {
  commitment: TestCommitment;
  privateCommitment: TestCommitment;
  lineId: string;
  changeOrderId: string;
  cursors: { commitments: string; members: string; vendors: string; changeOrders: string };
  headContract: TestHeadContract;
  privateHeadContract: TestHeadContract;
  headChangeOrderId: string;
};
/** B's own records, for probes through B's paths. */
const b = {} as { commitment: TestCommitment; sovEtag: string };

beforeAll(async () => {
  ({ api, fx, call } = await startFixtureApi());
  probeToken = fx.users.other_company_admin.token;
  const admin = fx.users.admin.token;

  a.commitment = await createCommitment(call, fx, { ssov: true });
  a.privateCommitment = await createCommitment(call, fx, { private: true, ssov: true });
  const sov = expectStatus(await call(admin, { method: 'GET', path: `${a.commitment.path}/sov` }), 200, 'A SOV').body;
  a.lineId = sov.lines[0].lineId;
  // An SSOV with content, so there is something to leak.
  expectStatus(
    await call(admin, {
      method: 'PUT',
      path: `${a.commitment.path}/ssov`,
      body: { lines: await fullAllocation(call, fx, a.commitment) },
      headers: { 'if-match': await etagOf(call, fx, `${a.commitment.path}/ssov`) },
    }),
    200,
    'A SSOV',
  );
  a.changeOrderId = (await createChangeOrder(call, fx, a.commitment)).changeOrderId;
  await createChangeOrder(call, fx, a.commitment);
  expectStatus(await call(admin, { method: 'POST', path: `/v1/projects/${fx.projectId}/vendors`, body: { name: 'Second Vendor Pty Ltd' } }), 201, 'A vendor');
  [a.headContract, a.privateHeadContract] = await Promise.all([createHeadContract(call, fx), createHeadContract(call, fx, { private: true })]);
  const headCo = await call(admin, {
    method: 'POST',
    path: `${a.headContract.path}/change-orders`,
    body: { number: 'PCCO-1', title: 'Owner variation', lines: [{ kind: 'add', description: 'Extra lift', amountCents: 100 }] },
  });
  a.headChangeOrderId = expectStatus(headCo, 201, 'A head contract change order').body.changeOrderId;

  const firstPage = async (path: string) => {
    const response = expectStatus(await call(admin, { method: 'GET', path: `${path}${path.includes('?') ? '&' : '?'}limit=1` }), 200, path);
    expect(response.body.nextCursor, `${path} has a second page`).toEqual(expect.any(String));
    return response.body.nextCursor as string;
  };
  a.cursors = {
    commitments: await firstPage(`/v1/projects/${fx.projectId}/commitments`),
    members: await firstPage(`/v1/projects/${fx.projectId}/members`),
    vendors: await firstPage(`/v1/projects/${fx.projectId}/vendors`),
    changeOrders: await firstPage(`${a.commitment.path}/change-orders`),
  };

  // B's own commitment, made by B's admin through the API.
  const bProject = `/v1/projects/${fx.other.projectId}`;
  const created = expectStatus(
    await call(probeToken, {
      method: 'POST',
      path: `${bProject}/commitments`,
      body: { type: 'subcontract', number: 'SD-SC-01', title: 'Drainage', vendorId: fx.other.vendorId },
    }),
    201,
    'B commitment',
  );
  b.commitment = { commitmentId: created.body.commitmentId, number: 'SD-SC-01', path: `${bProject}/commitments/${created.body.commitmentId}` };
  const bSov = await call(probeToken, { method: 'GET', path: `${b.commitment.path}/sov` });
  const replaced = await call(probeToken, {
    method: 'PUT',
    path: `${b.commitment.path}/sov`,
    body: { lines: [{ costCode: '02-700', description: 'Stormwater pits', scheduledValueCents: 4_200_000 }] },
    headers: { 'if-match': bSov.headers.get('etag')! },
  });
  b.sovEtag = expectStatus(replaced, 200, 'B SOV').headers.get('etag')!;
});

afterAll(async () => {
  await api?.stop();
});

/** Another value of the same shape: each hex digit, other letter and digit replaced by a random one of its kind. */
function sameShape(value: string): string {
  const pick = (alphabet: string) => alphabet[randomInt(alphabet.length)]!;
  return value.replace(/[0-9a-zA-Z]/g, (c) => {
    if (/[0-9a-f]/.test(c)) return pick('0123456789abcdef');
    if (/[A-F]/.test(c)) return pick('0123456789ABCDEF');
    if (/[a-z]/.test(c)) return pick('abcdefghijklmnopqrstuvwxyz');
    return pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  });
}

/** The answer with every probed value replaced by a placeholder: what B could compare. */
function normalized(response: ApiResponse, values: readonly string[]) {
  let text = JSON.stringify(response.body);
  values.forEach((value, i) => {
    text = text.split(value).join(`<value ${i}>`);
    text = text.split(encodeURIComponent(value)).join(`<value ${i}>`);
  });
  return { status: response.status, contentType: response.headers.get('content-type'), body: JSON.parse(text) };
}

interface Probe {
  name: string;
  /** A's values the request carries (ids, cursors): each is also tried as a random value of its shape. */
  values: () => string[];
  build: (values: string[]) => ApiRequest;
  status: 400 | 404;
}

const bProject = () => `/v1/projects/${fx.other.projectId}`;
const ifMatch = { 'if-match': '"1"' };

/** Every route of issue 3 on A's project (B is no member of it): 404 “no such project”. */
const onAProject: Probe[] = [
  { name: 'GET project', values: () => [fx.projectId], build: ([p]) => ({ method: 'GET', path: `/v1/projects/${p}` }), status: 404 },
  { name: 'GET settings', values: () => [fx.projectId], build: ([p]) => ({ method: 'GET', path: `/v1/projects/${p}/settings` }), status: 404 },
  {
    name: 'PATCH settings',
    values: () => [fx.projectId],
    build: ([p]) => ({ method: 'PATCH', path: `/v1/projects/${p}/settings`, body: { overbillingAllowed: true }, headers: ifMatch }),
    status: 404,
  },
  { name: 'GET members', values: () => [fx.projectId], build: ([p]) => ({ method: 'GET', path: `/v1/projects/${p}/members` }), status: 404 },
  {
    name: 'PUT member',
    values: () => [fx.projectId, fx.users.read_only.userId],
    build: ([p, u]) => ({ method: 'PUT', path: `/v1/projects/${p}/members/${u}`, body: { commitments: 'admin', headContracts: 'admin' } }),
    status: 404,
  },
  {
    name: 'DELETE member',
    values: () => [fx.projectId, fx.users.read_only.userId],
    build: ([p, u]) => ({ method: 'DELETE', path: `/v1/projects/${p}/members/${u}` }),
    status: 404,
  },
  { name: 'GET vendors', values: () => [fx.projectId], build: ([p]) => ({ method: 'GET', path: `/v1/projects/${p}/vendors` }), status: 404 },
  {
    name: 'GET vendor',
    values: () => [fx.projectId, fx.vendorId],
    build: ([p, v]) => ({ method: 'GET', path: `/v1/projects/${p}/vendors/${v}` }),
    status: 404,
  },
  {
    name: 'POST vendor',
    values: () => [fx.projectId],
    build: ([p]) => ({ method: 'POST', path: `/v1/projects/${p}/vendors`, body: { name: 'Intruder Pty Ltd' } }),
    status: 404,
  },
  {
    name: 'POST vendor user',
    values: () => [fx.projectId, fx.vendorId],
    build: ([p, v]) => ({ method: 'POST', path: `/v1/projects/${p}/vendors/${v}/users`, body: { email: 'intruder@example.test', name: 'Intruder' } }),
    status: 404,
  },
  {
    name: 'POST commitment',
    values: () => [fx.projectId, fx.vendorId],
    build: ([p, v]) => ({ method: 'POST', path: `/v1/projects/${p}/commitments`, body: { type: 'subcontract', number: 'X-1', title: 'X', vendorId: v } }),
    status: 404,
  },
  { name: 'GET commitments', values: () => [fx.projectId], build: ([p]) => ({ method: 'GET', path: `/v1/projects/${p}/commitments` }), status: 404 },
  ...(['commitment', 'privateCommitment'] as const).flatMap((which): Probe[] => {
    const ids = () => [fx.projectId, a[which].commitmentId];
    const base = ([p, c]: string[]) => `/v1/projects/${p}/commitments/${c}`;
    return [
      { name: `GET ${which}`, values: ids, build: (v) => ({ method: 'GET', path: base(v) }), status: 404 },
      { name: `PATCH ${which}`, values: ids, build: (v) => ({ method: 'PATCH', path: base(v), body: { title: 'Mine now' }, headers: ifMatch }), status: 404 },
      { name: `GET ${which} SOV`, values: ids, build: (v) => ({ method: 'GET', path: `${base(v)}/sov` }), status: 404 },
      { name: `PUT ${which} SOV`, values: ids, build: (v) => ({ method: 'PUT', path: `${base(v)}/sov`, body: { lines: [] }, headers: ifMatch }), status: 404 },
      { name: `GET ${which} change orders`, values: ids, build: (v) => ({ method: 'GET', path: `${base(v)}/change-orders` }), status: 404 },
      {
        name: `POST ${which} change order`,
        values: ids,
        build: (v) => ({ method: 'POST', path: `${base(v)}/change-orders`, body: { number: 'CO-X', title: 'X', lines: [{ kind: 'add', description: 'X', amountCents: 1 }] } }),
        status: 404,
      },
      { name: `GET ${which} SSOV`, values: ids, build: (v) => ({ method: 'GET', path: `${base(v)}/ssov` }), status: 404 },
      { name: `PUT ${which} SSOV`, values: ids, build: (v) => ({ method: 'PUT', path: `${base(v)}/ssov`, body: { lines: [] }, headers: ifMatch }), status: 404 },
      { name: `POST ${which} SSOV status`, values: ids, build: (v) => ({ method: 'POST', path: `${base(v)}/ssov/status`, body: { status: 'approved' } }), status: 404 },
    ];
  }),
  {
    name: 'PATCH SOV line',
    values: () => [fx.projectId, a.commitment.commitmentId, a.lineId],
    build: ([p, c, l]) => ({ method: 'PATCH', path: `/v1/projects/${p}/commitments/${c}/sov/lines/${l}`, body: { description: 'X' }, headers: ifMatch }),
    status: 404,
  },
  {
    name: 'GET change order',
    values: () => [fx.projectId, a.commitment.commitmentId, a.changeOrderId],
    build: ([p, c, co]) => ({ method: 'GET', path: `/v1/projects/${p}/commitments/${c}/change-orders/${co}` }),
    status: 404,
  },
  {
    name: 'PATCH change order (approve)',
    values: () => [fx.projectId, a.commitment.commitmentId, a.changeOrderId],
    build: ([p, c, co]) => ({ method: 'PATCH', path: `/v1/projects/${p}/commitments/${c}/change-orders/${co}`, body: { status: 'approved' }, headers: ifMatch }),
    status: 404,
  },
  { name: 'GET head contracts', values: () => [fx.projectId], build: ([p]) => ({ method: 'GET', path: `/v1/projects/${p}/head-contracts` }), status: 404 },
  {
    name: 'POST head contract',
    values: () => [fx.projectId],
    build: ([p]) => ({ method: 'POST', path: `/v1/projects/${p}/head-contracts`, body: { number: 'X-1', title: 'X', ownerCompanyName: 'X' } }),
    status: 404,
  },
  ...(['headContract', 'privateHeadContract'] as const).flatMap((which): Probe[] => {
    const ids = () => [fx.projectId, a[which].headContractId];
    const base = ([p, h]: string[]) => `/v1/projects/${p}/head-contracts/${h}`;
    return [
      { name: `GET ${which}`, values: ids, build: (v) => ({ method: 'GET', path: base(v) }), status: 404 },
      { name: `PATCH ${which}`, values: ids, build: (v) => ({ method: 'PATCH', path: base(v), body: { title: 'Mine now' }, headers: ifMatch }), status: 404 },
      { name: `DELETE ${which}`, values: ids, build: (v) => ({ method: 'DELETE', path: base(v) }), status: 404 },
      { name: `GET ${which} SOV`, values: ids, build: (v) => ({ method: 'GET', path: `${base(v)}/sov` }), status: 404 },
      { name: `PUT ${which} SOV`, values: ids, build: (v) => ({ method: 'PUT', path: `${base(v)}/sov`, body: { lines: [] }, headers: ifMatch }), status: 404 },
      { name: `GET ${which} change orders`, values: ids, build: (v) => ({ method: 'GET', path: `${base(v)}/change-orders` }), status: 404 },
    ];
  }),
  {
    name: 'approve a head contract change order',
    values: () => [fx.projectId, a.headContract.headContractId, a.headChangeOrderId],
    build: ([p, h, co]) => ({ method: 'PATCH', path: `/v1/projects/${p}/head-contracts/${h}/change-orders/${co}`, body: { status: 'approved' }, headers: ifMatch }),
    status: 404,
  },
  {
    name: 'GET commitments with A’s cursor',
    values: () => [fx.projectId, a.cursors.commitments],
    build: ([p, cursor]) => ({ method: 'GET', path: `/v1/projects/${p}/commitments?cursor=${encodeURIComponent(cursor!)}` }),
    status: 404,
  },
];

/** A's ids and cursors sent to B's own project, where B is admin: the answer a made-up value gets. */
const onBProject: Probe[] = [
  { name: 'GET A’s commitment', values: () => [a.commitment.commitmentId], build: ([c]) => ({ method: 'GET', path: `${bProject()}/commitments/${c}` }), status: 404 },
  {
    name: 'GET A’s private commitment',
    values: () => [a.privateCommitment.commitmentId],
    build: ([c]) => ({ method: 'GET', path: `${bProject()}/commitments/${c}` }),
    status: 404,
  },
  {
    name: 'PATCH A’s commitment',
    values: () => [a.commitment.commitmentId],
    build: ([c]) => ({ method: 'PATCH', path: `${bProject()}/commitments/${c}`, body: { title: 'Mine now' }, headers: ifMatch }),
    status: 404,
  },
  { name: 'GET A’s SOV', values: () => [a.commitment.commitmentId], build: ([c]) => ({ method: 'GET', path: `${bProject()}/commitments/${c}/sov` }), status: 404 },
  {
    name: 'PUT A’s SOV',
    values: () => [a.commitment.commitmentId],
    build: ([c]) => ({ method: 'PUT', path: `${bProject()}/commitments/${c}/sov`, body: { lines: [] }, headers: ifMatch }),
    status: 404,
  },
  {
    name: 'PATCH A’s SOV line on B’s commitment',
    values: () => [a.lineId],
    build: ([l]) => ({ method: 'PATCH', path: `${b.commitment.path}/sov/lines/${l}`, body: { description: 'X' }, headers: { 'if-match': b.sovEtag } }),
    status: 404,
  },
  {
    name: 'GET A’s change orders',
    values: () => [a.commitment.commitmentId],
    build: ([c]) => ({ method: 'GET', path: `${bProject()}/commitments/${c}/change-orders` }),
    status: 404,
  },
  {
    name: 'GET A’s change order on B’s commitment',
    values: () => [a.changeOrderId],
    build: ([co]) => ({ method: 'GET', path: `${b.commitment.path}/change-orders/${co}` }),
    status: 404,
  },
  {
    name: 'approve A’s change order on B’s commitment',
    values: () => [a.changeOrderId],
    build: ([co]) => ({ method: 'PATCH', path: `${b.commitment.path}/change-orders/${co}`, body: { status: 'approved' }, headers: ifMatch }),
    status: 404,
  },
  ...(['headContract', 'privateHeadContract'] as const).flatMap((which): Probe[] => [
    { name: `GET A’s ${which}`, values: () => [a[which].headContractId], build: ([h]) => ({ method: 'GET', path: `${bProject()}/head-contracts/${h}` }), status: 404 },
    { name: `GET A’s ${which} SOV`, values: () => [a[which].headContractId], build: ([h]) => ({ method: 'GET', path: `${bProject()}/head-contracts/${h}/sov` }), status: 404 },
    {
      name: `DELETE A’s ${which}`,
      values: () => [a[which].headContractId],
      build: ([h]) => ({ method: 'DELETE', path: `${bProject()}/head-contracts/${h}` }),
      status: 404,
    },
  ]),
  {
    name: 'GET A’s head contract change order as B’s commitment’s',
    values: () => [a.headChangeOrderId],
    build: ([co]) => ({ method: 'GET', path: `${b.commitment.path}/change-orders/${co}` }),
    status: 404,
  },
  { name: 'GET A’s SSOV', values: () => [a.commitment.commitmentId], build: ([c]) => ({ method: 'GET', path: `${bProject()}/commitments/${c}/ssov` }), status: 404 },
  {
    name: 'PUT A’s SSOV',
    values: () => [a.commitment.commitmentId],
    build: ([c]) => ({ method: 'PUT', path: `${bProject()}/commitments/${c}/ssov`, body: { lines: [] }, headers: { 'if-match': '"0"' } }),
    status: 404,
  },
  {
    name: 'approve A’s SSOV',
    values: () => [a.commitment.commitmentId],
    build: ([c]) => ({ method: 'POST', path: `${bProject()}/commitments/${c}/ssov/status`, body: { status: 'approved' } }),
    status: 404,
  },
  {
    name: 'PUT A’s user as a member',
    values: () => [fx.users.read_only.userId],
    build: ([u]) => ({ method: 'PUT', path: `${bProject()}/members/${u}`, body: { commitments: 'read_only', headContracts: 'none' } }),
    status: 404,
  },
  {
    name: 'PUT A’s vendor user as a member',
    values: () => [fx.users['read_only+contact'].userId],
    build: ([u]) => ({ method: 'PUT', path: `${bProject()}/members/${u}`, body: { commitments: 'read_only', headContracts: 'none' } }),
    status: 404,
  },
  { name: 'DELETE A’s user', values: () => [fx.users.read_only.userId], build: ([u]) => ({ method: 'DELETE', path: `${bProject()}/members/${u}` }), status: 404 },
  { name: 'GET A’s vendor', values: () => [fx.vendorId], build: ([v]) => ({ method: 'GET', path: `${bProject()}/vendors/${v}` }), status: 404 },
  {
    name: 'add A’s vendor to B’s project',
    values: () => [fx.vendorId],
    build: ([v]) => ({ method: 'POST', path: `${bProject()}/vendors`, body: { vendorId: v } }),
    status: 404,
  },
  {
    name: 'add a user to A’s vendor',
    values: () => [fx.vendorId],
    build: ([v]) => ({ method: 'POST', path: `${bProject()}/vendors/${v}/users`, body: { email: 'intruder@example.test', name: 'Intruder' } }),
    status: 404,
  },
  {
    name: 'a commitment to A’s vendor',
    values: () => [fx.vendorId],
    build: ([v]) => ({ method: 'POST', path: `${bProject()}/commitments`, body: { type: 'subcontract', number: freshNumber('X'), title: 'X', vendorId: v } }),
    status: 400,
  },
  {
    name: 'A’s vendor user as invoice contact',
    values: () => [fx.users['read_only+contact'].userId],
    build: ([u]) => ({
      method: 'POST',
      path: `${bProject()}/commitments`,
      body: { type: 'subcontract', number: freshNumber('X'), title: 'X', vendorId: fx.other.vendorId, invoiceContactIds: [u] },
    }),
    status: 400,
  },
  {
    name: 'A’s user on a private list',
    values: () => [fx.users.standard.userId],
    build: ([u]) => ({
      method: 'POST',
      path: `${bProject()}/commitments`,
      body: { type: 'subcontract', number: freshNumber('X'), title: 'X', vendorId: fx.other.vendorId, private: true, privateUserIds: [u] },
    }),
    status: 400,
  },
  ...(['commitments', 'members', 'vendors'] as const).map(
    (list): Probe => ({
      name: `A’s ${list} cursor on B’s ${list}`,
      values: () => [a.cursors[list]],
      build: ([cursor]) => ({ method: 'GET', path: `${bProject()}/${list}?cursor=${encodeURIComponent(cursor!)}` }),
      status: 400,
    }),
  ),
  {
    name: 'A’s change-order cursor on B’s change orders',
    values: () => [a.cursors.changeOrders],
    build: ([cursor]) => ({ method: 'GET', path: `${b.commitment.path}/change-orders?cursor=${encodeURIComponent(cursor!)}` }),
    status: 400,
  },
];

describe.each([
  ['on A’s project paths', onAProject],
  ['through B’s own project', onBProject],
] as const)('company B’s admin probing company A %s', (_where, probes) => {
  it.each(probes.map((probe) => [probe.name, probe] as const))('%s: same answer as a made-up id', async (_name, probe) => {
    const real = probe.values();
    const made = real.map(sameShape);
    expect(made).not.toEqual(real);
    const [withReal, withMade] = [await call(probeToken, probe.build(real)), await call(probeToken, probe.build(made))];

    expectProblem(withReal, probe.status, probe.status === 404 ? 'not-found' : 'validation');
    // A route that does not exist also answers 404: make sure the route was reached.
    expect(withReal.body.detail).not.toMatch(/No route matches/);
    expect(normalized(withReal, real)).toEqual(normalized(withMade, made));
  });
});

describe('B’s own lists', () => {
  it('never hold A’s rows, whatever B searches', async () => {
    const ids = [a.commitment.commitmentId, a.privateCommitment.commitmentId, a.headContract.headContractId, a.privateHeadContract.headContractId, fx.vendorId, ...Object.values(fx.users).map((u) => u.userId)];
    const lists = [
      `${bProject()}/commitments?limit=100`,
      `${bProject()}/commitments?q=${encodeURIComponent(a.commitment.number.toLowerCase())}`,
      `${bProject()}/commitments?q=electrical`,
      `${bProject()}/members?limit=100`,
      `${bProject()}/vendors?limit=100`,
      `${b.commitment.path}/change-orders?limit=100`,
      `${bProject()}/head-contracts?limit=100`,
    ];
    for (const path of lists) {
      const response = expectStatus(await call(probeToken, { method: 'GET', path }), 200, path);
      const text = JSON.stringify(response.body);
      for (const id of ids.filter((id) => id !== fx.users.other_company_admin.userId)) expect(text, `${path} holds ${id}`).not.toContain(id);
    }
  });

  it('A’s admin gets the same 404s probing B (the isolation is symmetric)', async () => {
    const admin = fx.users.admin.token;
    const probes: ApiRequest[] = [
      { method: 'GET', path: bProject() },
      { method: 'GET', path: b.commitment.path },
      { method: 'GET', path: `${b.commitment.path}/sov` },
      { method: 'GET', path: `/v1/projects/${fx.projectId}/commitments/${b.commitment.commitmentId}` },
      { method: 'GET', path: `/v1/projects/${fx.projectId}/vendors/${fx.other.vendorId}` },
    ];
    for (const probe of probes) {
      const response = await call(admin, probe);
      expect(response.status, probe.path).toBe(404);
      expectRefusal(response, 404);
    }
  });
});
