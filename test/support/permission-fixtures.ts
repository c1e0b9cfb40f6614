import { randomUUID } from 'node:crypto';
import type { LocalIdp } from '../../infra/local/auth';
import { db } from '../../shared/db/service';
import type { GranularPermission, ToolLevel } from '../../shared/domain/permissions';
import { defaultProjectSettings } from '../../shared/domain/project-settings';
import type { InvoiceStatus } from '../../shared/domain/invoices';
import type { SovLineInput } from '../../shared/domain/sov';
import { client, expectStatus, startTestApi, type Call, type TestApi } from './api-client';

/**
 * One project seen by every kind of member, for the permission-matrix and tenant-isolation
 * tests: a general contractor's project, a vendor with contact users, a member per profile,
 * and another company with its own project. Seeded with the entities; commitments are created
 * through the API (see `createCommitment`) so they hold exactly what the routes write.
 */

export const profiles = [
  'none',
  'read_only',
  'standard',
  'admin',
  'read_only+contact',
  'standard+contact',
  'read_only+G(create_po)',
  'read_only+G(create_wo)',
  'read_only+G(update_po)',
  'read_only+G(update_po,update_wo)',
  'read_only+G(create_po,create_wo)',
  'standard+G(update_po,update_wo)',
  'standard+private_list',
  'not_a_member',
  'other_company_admin',
] as const;
export type Profile = (typeof profiles)[number];

interface ProfileSpec {
  commitments: ToolLevel;
  headContracts: ToolLevel;
  granular?: GranularPermission[];
  /** A user of the vendor, designated invoice contact on the fixture's commitments (and so on their private lists). */
  contact?: true;
  /** On the private list of the fixture's private commitments. */
  privateList?: true;
  /** A user of the general contractor who is not a member of the project. */
  notMember?: true;
  /** Admin of company B and of B's own project; nothing in A's. */
  otherCompany?: true;
}

const specs: Record<Profile, ProfileSpec> = {
  none: { commitments: 'none', headContracts: 'none' },
  read_only: { commitments: 'read_only', headContracts: 'read_only' },
  standard: { commitments: 'standard', headContracts: 'standard' },
  admin: { commitments: 'admin', headContracts: 'admin' },
  'read_only+contact': { commitments: 'read_only', headContracts: 'none', contact: true },
  'standard+contact': { commitments: 'standard', headContracts: 'none', contact: true },
  'read_only+G(create_po)': { commitments: 'read_only', headContracts: 'read_only', granular: ['create_purchase_order_contract'] },
  'read_only+G(create_wo)': { commitments: 'read_only', headContracts: 'read_only', granular: ['create_work_order_contract'] },
  'read_only+G(update_po)': { commitments: 'read_only', headContracts: 'read_only', granular: ['update_purchase_order_contract'] },
  'read_only+G(update_po,update_wo)': {
    commitments: 'read_only',
    headContracts: 'read_only',
    granular: ['update_purchase_order_contract', 'update_work_order_contract'],
  },
  'read_only+G(create_po,create_wo)': {
    commitments: 'read_only',
    headContracts: 'read_only',
    granular: ['create_purchase_order_contract', 'create_work_order_contract'],
  },
  'standard+G(update_po,update_wo)': {
    commitments: 'standard',
    headContracts: 'standard',
    granular: ['update_purchase_order_contract', 'update_work_order_contract'],
    privateList: true,
  },
  'standard+private_list': { commitments: 'standard', headContracts: 'standard', privateList: true },
  not_a_member: { commitments: 'none', headContracts: 'none', notMember: true },
  other_company_admin: { commitments: 'admin', headContracts: 'admin', otherCompany: true },
};

export interface FixtureUser {
  userId: string;
  email: string;
  name: string;
  token: string;
}

export interface PermissionFixture {
  companyId: string;
  projectId: string;
  /** The vendor company (and the project's vendor id). */
  vendorId: string;
  vendorName: string;
  users: Record<Profile, FixtureUser>;
  /** A second vendor user (a read_only member), never a contact: for adding contacts. */
  spareVendorUser: FixtureUser;
  /** A user of the general contractor, a read_only member: whose levels PUT …/members/{userId} changes. */
  memberTarget: FixtureUser;
  /** Company B: its own project, vendor and admin (the `other_company_admin` profile). */
  other: { companyId: string; projectId: string; vendorId: string };
  /** Users of the vendor designated invoice contacts. */
  contactIds: string[];
  /** Members put on private lists (not contacts). */
  privateListIds: string[];
}

const slug = (profile: string) => profile.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();

/** Seeds companies A and B, their projects, A's vendor and a user per profile; signs each a token. */
export async function seedPermissionFixture(idp: LocalIdp, now = new Date()): Promise<PermissionFixture> {
  const { Company, Project, User, Member, ProjectVendor } = db();
  const createdAt = now.toISOString();
  const run = randomUUID().slice(0, 8);
  const companyId = `company-a-${run}`;
  const vendorId = `vendor-a-${run}`;
  const vendorName = 'Harbour Electrical Pty Ltd';
  const projectId = `project-a-${run}`;
  const other = { companyId: `company-b-${run}`, projectId: `project-b-${run}`, vendorId: `vendor-b-${run}` };

  await Promise.all([
    Company.create({ companyId, name: 'Northbeam Constructions', kind: 'general_contractor', createdAt }).go(),
    Company.create({ companyId: vendorId, name: vendorName, kind: 'vendor', ownerCompanyId: companyId, createdAt }).go(),
    Company.create({ companyId: other.companyId, name: 'Southgate Builders', kind: 'general_contractor', createdAt }).go(),
    Company.create({ companyId: other.vendorId, name: 'Southgate Plumbing', kind: 'vendor', ownerCompanyId: other.companyId, createdAt }).go(),
  ]);

  const userOf = async (label: string, userCompanyId: string, companyRole: 'admin' | 'member'): Promise<FixtureUser> => {
    const email = `${slug(label)}.${run}@example.test`;
    const user = { userId: `user-${slug(label)}-${run}`, email, name: `Test ${label}` };
    await User.create({ ...user, companyId: userCompanyId, companyRole, createdAt }).go();
    return { ...user, token: await idp.signToken({ sub: user.userId, email, name: user.name }) };
  };

  const users = {} as Record<Profile, FixtureUser>;
  for (const profile of profiles) {
    const spec = specs[profile];
    const userCompany = spec.otherCompany ? other.companyId : spec.contact ? vendorId : companyId;
    users[profile] = await userOf(profile, userCompany, profile === 'admin' || spec.otherCompany ? 'admin' : 'member');
  }
  const spareVendorUser = await userOf('spare vendor user', vendorId, 'member');
  const memberTarget = await userOf('member target', companyId, 'member');

  await Promise.all([
    Project.create({
      ...defaultProjectSettings('en-AU'),
      projectId,
      companyId,
      name: 'Harbour Tower',
      number: 'HT-TEST',
      timeZone: 'Australia/Sydney',
      createdBy: users.admin.userId,
      createdAt,
    }).go(),
    Project.create({
      ...defaultProjectSettings('en-GB'),
      projectId: other.projectId,
      companyId: other.companyId,
      name: 'Southgate Depot',
      number: 'SD-1',
      timeZone: 'Europe/London',
      createdBy: users.other_company_admin.userId,
      createdAt,
    }).go(),
    ProjectVendor.create({ projectId, vendorId, name: vendorName, createdAt }).go(),
    ProjectVendor.create({ projectId: other.projectId, vendorId: other.vendorId, name: 'Southgate Plumbing', createdAt }).go(),
    Member.create({ projectId: other.projectId, userId: users.other_company_admin.userId, commitments: 'admin', headContracts: 'admin', createdAt }).go(),
    Member.create({ projectId, userId: spareVendorUser.userId, commitments: 'read_only', headContracts: 'none', createdAt }).go(),
    Member.create({ projectId, userId: memberTarget.userId, commitments: 'read_only', headContracts: 'read_only', createdAt }).go(),
    ...profiles
      .filter((profile) => !specs[profile].notMember && !specs[profile].otherCompany)
      .map((profile) => {
        const { commitments, headContracts, granular } = specs[profile];
        return Member.create({
          projectId,
          userId: users[profile].userId,
          commitments,
          headContracts,
          ...(granular ? { granular } : {}),
          createdAt,
        }).go();
      }),
  ]);

  return {
    companyId,
    projectId,
    vendorId,
    vendorName,
    users,
    spareVendorUser,
    memberTarget,
    other,
    contactIds: profiles.filter((p) => specs[p].contact).map((p) => users[p].userId),
    privateListIds: profiles.filter((p) => specs[p].privateList).map((p) => users[p].userId),
  };
}

/** The local API with the fixture seeded in it, and a client: what every test of the fixture starts with. */
export async function startFixtureApi(): Promise<{ api: TestApi; fx: PermissionFixture; call: Call }> {
  const api = await startTestApi();
  return { api, fx: await seedPermissionFixture(api.idp), call: client(api) };
}

/** A fresh member of A's project (a user of the general contractor, read_only): something to remove. */
export async function freshMember(fx: PermissionFixture): Promise<string> {
  const { User, Member } = db();
  const userId = `user-leaving-${randomUUID().slice(0, 8)}`;
  const createdAt = new Date().toISOString();
  await User.create({ userId, email: `${userId}@example.test`, name: 'Leaving Member', companyId: fx.companyId, createdAt }).go();
  await Member.create({ projectId: fx.projectId, userId, commitments: 'read_only', headContracts: 'none', createdAt }).go();
  return userId;
}

// ---------------------------------------------------------------------------------------------
// Commitments, through the API as the project's admin

export const amountLines: SovLineInput[] = [
  { costCode: '16-100', description: 'Main switchboard and distribution boards', scheduledValueCents: 12_500_000 },
  { costCode: '16-200', description: 'Cabling and containment', scheduledValueCents: 8_340_050 },
];
export const unitLines: SovLineInput[] = [
  { costCode: '16-300', description: 'Conduit, 25 mm', quantity: '12.5', unitOfMeasure: 'm', unitPrice: '123.45' },
  { costCode: '16-310', description: 'Cable tray fixings', quantity: '3', unitOfMeasure: 'ea', unitPrice: '33.33' },
];

export interface TestCommitment {
  commitmentId: string;
  number: string;
  /** /v1/projects/{projectId}/commitments/{commitmentId} */
  path: string;
}

let commitmentCounter = 0;
export const freshNumber = (prefix = 'T') => `${prefix}-${String(++commitmentCounter).padStart(3, '0')}-${randomUUID().slice(0, 4)}`;

/**
 * A commitment of A's project as its admin creates it: the fixture's contacts designated, the
 * private list set when private, SOV lines, and the SSOV enabled when asked.
 */
export async function createCommitment(
  call: Call,
  fx: PermissionFixture,
  options: {
    private?: boolean;
    method?: 'amount' | 'unit';
    type?: 'subcontract' | 'purchase_order';
    ssov?: boolean;
    title?: string;
    /** The invoice contacts to designate instead of the fixture's (`contactIds`). */
    contactIds?: string[];
    /** false: no SOV lines (a commitment only to invite, quicker to make). */
    sov?: boolean;
  } = {},
): Promise<TestCommitment> {
  const admin = fx.users.admin.token;
  const method = options.method ?? 'amount';
  const number = freshNumber(options.private ? 'PRIV' : 'SC');
  const created = await call(admin, {
    method: 'POST',
    path: `/v1/projects/${fx.projectId}/commitments`,
    body: {
      type: options.type ?? 'subcontract',
      number,
      title: options.title ?? `Electrical services ${number}`,
      vendorId: fx.vendorId,
      accountingMethod: method,
      private: options.private ?? false,
      privateUserIds: options.private ? fx.privateListIds : [],
      invoiceContactIds: options.contactIds ?? fx.contactIds,
    },
  });
  expectStatus(created, 201, `create commitment ${number}`);
  const commitment: TestCommitment = {
    commitmentId: created.body.commitmentId,
    number,
    path: `/v1/projects/${fx.projectId}/commitments/${created.body.commitmentId}`,
  };
  if (options.sov !== false) await replaceSov(call, admin, commitment, method === 'unit' ? unitLines : amountLines);
  if (options.ssov) {
    const etag = await etagOf(call, fx, commitment.path);
    expectStatus(
      await call(admin, { method: 'PATCH', path: commitment.path, body: { ssovEnabled: true }, headers: { 'if-match': etag } }),
      200,
      `enable the SSOV of ${number}`,
    );
  }
  return commitment;
}

// ---------------------------------------------------------------------------------------------
// Head contracts, through the API as the project's admin

/** A head contract's SOV lines: cost codes the commitments' lines map onto. */
/**
 * The owner-invoice worked examples' head contract: A 16-100 $150,000.00, B 16-200 $100,000.50;
 * retainage 10 % on work, 5 % on stored materials.
 */
export const workedExampleHeadContract = {
  retainage: { workPercent: '10', workEnabled: true, materialsPercent: '5', materialsEnabled: true },
  sovLines: [
    { costCode: '16-100', description: 'Electrical: switchboards', scheduledValueCents: 15_000_000 },
    { costCode: '16-200', description: 'Electrical: cabling', scheduledValueCents: 10_000_050 },
  ],
} as const satisfies { retainage: object; sovLines: SovLineInput[] };

export const headContractLines: SovLineInput[] = [
  { costCode: '16-100', description: 'Electrical: switchboards', scheduledValueCents: 15_000_000 },
  { costCode: '16-200', description: 'Electrical: cabling', scheduledValueCents: 10_000_050 },
];

export interface TestHeadContract {
  headContractId: string;
  number: string;
  /** /v1/projects/{projectId}/head-contracts/{headContractId} */
  path: string;
}

/** A head contract of A's project as its admin creates it: the private list set when private, SOV lines unless `sov: false`. */
export async function createHeadContract(
  call: Call,
  fx: PermissionFixture,
  options: {
    private?: boolean;
    sov?: boolean;
    method?: 'amount' | 'unit';
    ownerContactEmails?: string[];
    /** The head contract's retainage terms (the API's default when absent). */
    retainage?: { workPercent: string; workEnabled: boolean; materialsPercent: string; materialsEnabled: boolean };
    /** Its SOV lines, instead of the fixture's. */
    sovLines?: SovLineInput[];
  } = {},
): Promise<TestHeadContract & { lineIds: string[] }> {
  const admin = fx.users.admin.token;
  const number = freshNumber(options.private ? 'HPRIV' : 'HC');
  const created = await call(admin, {
    method: 'POST',
    path: `/v1/projects/${fx.projectId}/head-contracts`,
    body: {
      number,
      title: `Harbour Tower main works ${number}`,
      ownerCompanyName: 'Harbour Tower Developments Pty Ltd',
      accountingMethod: options.method ?? 'amount',
      private: options.private ?? false,
      privateUserIds: options.private ? fx.privateListIds : [],
      ...(options.ownerContactEmails ? { ownerContactEmails: options.ownerContactEmails } : {}),
      ...(options.retainage ? { retainage: options.retainage } : {}),
    },
  });
  expectStatus(created, 201, `create head contract ${number}`);
  const path = `/v1/projects/${fx.projectId}/head-contracts/${created.body.headContractId}`;
  let lineIds: string[] = [];
  if (options.sov !== false && (options.method ?? 'amount') === 'amount') {
    const sov = await call(admin, { method: 'PUT', path: `${path}/sov`, body: { lines: options.sovLines ?? headContractLines }, headers: { 'if-match': '"1"' } });
    lineIds = expectStatus(sov, 200, `SOV of ${number}`).body.lines.map((line: { lineId: string }) => line.lineId);
  }
  return { headContractId: created.body.headContractId, number, path, lineIds };
}

// ---------------------------------------------------------------------------------------------
// Billing periods and invites, through the API as the project's admin

export interface TestBillingPeriod {
  billingPeriodId: string;
  /** /v1/projects/{projectId}/billing-periods/{billingPeriodId} */
  path: string;
}

/** A manual billing period of A's project, created (and so opened, closing the open one) by its admin. */
export async function createBillingPeriod(
  call: Call,
  fx: PermissionFixture,
  dates: { startDate: string; endDate: string; dueDate: string },
): Promise<TestBillingPeriod> {
  const created = await call(fx.users.admin.token, { method: 'POST', path: `/v1/projects/${fx.projectId}/billing-periods`, body: dates });
  expectStatus(created, 201, `create the billing period ${dates.startDate} – ${dates.endDate}`);
  return { billingPeriodId: created.body.billingPeriodId, path: created.headers.get('location')! };
}

/** Invites the contacts of these commitments to bill the period, as the admin; every one must be invited. */
export async function sendInvites(call: Call, fx: PermissionFixture, period: TestBillingPeriod, commitments: TestCommitment[]): Promise<string[]> {
  const response = await call(fx.users.admin.token, {
    method: 'POST',
    path: `${period.path}/invites`,
    body: { commitmentIds: commitments.map((c) => c.commitmentId), invoiceType: 'work_materials_retainage' },
  });
  const { invited, refused } = expectStatus(response, 200, `invite ${commitments.map((c) => c.number).join(', ')}`).body;
  if (refused.length) throw new Error(`invites refused: ${JSON.stringify(refused)}`);
  return invited.map((i: { inviteId: string }) => i.inviteId);
}

/** The current ETag of a resource, read by the admin. */
export async function etagOf(call: Call, fx: PermissionFixture, path: string): Promise<string> {
  const response = expectStatus(await call(fx.users.admin.token, { method: 'GET', path }), 200, `GET ${path}`);
  return response.headers.get('etag')!;
}

export async function replaceSov(call: Call, token: string, commitment: TestCommitment, lines: SovLineInput[]) {
  const current = await call(token, { method: 'GET', path: `${commitment.path}/sov` });
  expectStatus(current, 200, `GET SOV of ${commitment.number}`);
  const response = await call(token, {
    method: 'PUT',
    path: `${commitment.path}/sov`,
    body: { lines },
    headers: { 'if-match': current.headers.get('etag')! },
  });
  return expectStatus(response, 200, `PUT SOV of ${commitment.number}`).body;
}

/** A pending change order on the commitment, created by the admin. */
export async function createChangeOrder(call: Call, fx: PermissionFixture, commitment: TestCommitment, method: 'amount' | 'unit' = 'amount') {
  const number = freshNumber('CO');
  const line =
    method === 'amount'
      ? { kind: 'add', costCode: '16-900', description: 'Additional sub-main to level 12', amountCents: 485_000 }
      : { kind: 'add', costCode: '16-900', description: 'Additional conduit', quantity: '4', unitOfMeasure: 'm', unitPrice: '123.45' };
  const response = await call(fx.users.admin.token, {
    method: 'POST',
    path: `${commitment.path}/change-orders`,
    body: { number, title: `Variation ${number}`, lines: [line] },
  });
  expectStatus(response, 201, `create change order ${number}`);
  return { changeOrderId: response.body.changeOrderId as string, path: `${commitment.path}/change-orders/${response.body.changeOrderId}` };
}

/** A full allocation of the SSOV: each SOV line as two sub-lines adding up to it. */
export async function fullAllocation(call: Call, fx: PermissionFixture, commitment: TestCommitment) {
  const sov = expectStatus(await call(fx.users.admin.token, { method: 'GET', path: `${commitment.path}/sov` }), 200, 'GET SOV').body;
  return sov.lines.flatMap((line: { lineId: string; description: string; scheduledValueCents: number }) => {
    const first = Math.floor(line.scheduledValueCents / 3);
    return [
      { parentLineId: line.lineId, description: `${line.description}: rough-in`, amountCents: first },
      { parentLineId: line.lineId, description: `${line.description}: fit-off`, amountCents: line.scheduledValueCents - first },
    ];
  });
}

/**
 * Brings a commitment's SSOV to `draft`-like (editable, fully allocated) or `under_review`, as
 * the admin, whatever state earlier cases left it in.
 */
export async function ssovInState(call: Call, fx: PermissionFixture, commitment: TestCommitment, wanted: 'editable' | 'under_review') {
  const admin = fx.users.admin.token;
  const path = `${commitment.path}/ssov`;
  const read = async () => expectStatus(await call(admin, { method: 'GET', path }), 200, `GET SSOV of ${commitment.number}`);
  let ssov = await read();
  if (ssov.body.status === 'approved') throw new Error(`the SSOV of ${commitment.number} is approved already`);
  if (ssov.body.status === 'under_review' && wanted === 'editable') {
    expectStatus(
      await call(admin, { method: 'POST', path: `${path}/status`, body: { status: 'revise_and_resubmit', comment: 'Split the cabling by level.' } }),
      200,
      'send the SSOV back',
    );
    ssov = await read();
  }
  if (ssov.body.status !== 'under_review' && !ssov.body.fullyAllocated) {
    const lines = await fullAllocation(call, fx, commitment);
    expectStatus(await call(admin, { method: 'PUT', path, body: { lines }, headers: { 'if-match': ssov.headers.get('etag')! } }), 200, 'allocate the SSOV');
    ssov = await read();
  }
  if (wanted === 'under_review' && ssov.body.status !== 'under_review') {
    expectStatus(await call(admin, { method: 'POST', path: `${path}/status`, body: { status: 'under_review' } }), 200, 'submit the SSOV');
    ssov = await read();
  }
  return ssov;
}

// ---------------------------------------------------------------------------------------------
// Invoices, their attachments and payments, through the API as the project's admin

export interface TestInvoice {
  invoiceId: string;
  /** /v1/projects/{projectId}/invoices/{invoiceId} */
  path: string;
  /** The invoice's line ids, in order. */
  lineIds: string[];
}

/**
 * The commitment's invoice for the open billing period, created by the admin on the contacts'
 * behalf (a draft, nothing entered yet). The commitment needs SOV lines and no invoice in the period.
 */
export async function createInvoice(call: Call, fx: PermissionFixture, commitment: TestCommitment): Promise<TestInvoice> {
  const response = await call(fx.users.admin.token, { method: 'POST', path: `${commitment.path}/invoices`, body: {} });
  const { invoiceId, lines } = expectStatus(response, 201, `create the invoice of ${commitment.number}`).body;
  return { invoiceId, path: `/v1/projects/${fx.projectId}/invoices/${invoiceId}`, lineIds: lines.map((l: { lineId: string }) => l.lineId) };
}

/** Whether the invoice (or any resource the admin may read) still exists. */
export async function exists(call: Call, fx: PermissionFixture, path: string): Promise<boolean> {
  const response = await call(fx.users.admin.token, { method: 'GET', path });
  if (response.status === 404) return false;
  expectStatus(response, 200, `GET ${path}`);
  return true;
}

/**
 * Brings the invoice to `status` as the admin (an invoice administrator may set any status), whatever
 * earlier cases left it in, and answers its ETag then (for the If-Match of the change under test).
 */
export async function invoiceInStatus(call: Call, fx: PermissionFixture, invoice: TestInvoice, status: InvoiceStatus): Promise<string> {
  const admin = fx.users.admin.token;
  const current = expectStatus(await call(admin, { method: 'GET', path: invoice.path }), 200, `GET ${invoice.path}`);
  if (current.body.status === status) return current.headers.get('etag')!;
  const changed = await call(admin, { method: 'POST', path: `${invoice.path}/status`, body: { status }, headers: { 'if-match': current.headers.get('etag')! } });
  return expectStatus(changed, 200, `set ${invoice.path} ${status}`).headers.get('etag')!;
}

export interface TestAttachment {
  attachmentId: string;
  /** /v1/projects/{projectId}/invoices/{invoiceId}/attachments/{attachmentId} */
  path: string;
}

/**
 * An attachment of an editable invoice, started by the admin: left pending, or with its bytes
 * PUT to the presigned URL (`upload`), and then confirmed (`confirm`).
 */
export async function createAttachment(
  call: Call,
  fx: PermissionFixture,
  invoice: TestInvoice,
  options: { upload?: boolean; confirm?: boolean } = {},
): Promise<TestAttachment> {
  const admin = fx.users.admin.token;
  const bytes = Buffer.from(`%PDF-1.4\n% delivery docket\n${'x'.repeat(100)}\n%%EOF\n`);
  const started = await call(admin, {
    method: 'POST',
    path: `${invoice.path}/attachments`,
    body: { filename: `delivery-docket-${freshNumber('D')}.pdf`, contentType: 'application/pdf', sizeBytes: bytes.length },
  });
  const { attachment, upload } = expectStatus(started, 201, `start an attachment of ${invoice.path}`).body;
  const created = { attachmentId: attachment.attachmentId as string, path: `${invoice.path}/attachments/${attachment.attachmentId}` };
  if (options.upload || options.confirm) {
    const put = await fetch(upload.url, { method: 'PUT', body: bytes, headers: upload.headers });
    if (put.status !== 200) throw new Error(`upload of ${created.path}: ${put.status} ${await put.text()}`);
  }
  if (options.confirm) expectStatus(await call(admin, { method: 'POST', path: `${created.path}/confirm` }), 200, `confirm ${created.path}`);
  return created;
}

/** Enables the commitment's payments-issued tab, as the admin. */
export async function enablePayments(call: Call, fx: PermissionFixture, commitment: TestCommitment): Promise<void> {
  const etag = await etagOf(call, fx, commitment.path);
  expectStatus(
    await call(fx.users.admin.token, { method: 'PATCH', path: commitment.path, body: { paymentsIssuedEnabled: true }, headers: { 'if-match': etag } }),
    200,
    `enable the payments issued of ${commitment.number}`,
  );
}

/** The body of a payment issued: an electronic one of 100.00, numbered afresh. */
export const paymentBody = (notes?: string) => ({
  paymentNumber: freshNumber('PMT'),
  method: 'electronic',
  amountCents: 10_000,
  paidOn: '2025-03-31',
  ...(notes ? { notes } : {}),
});

/** A payment issued on the commitment (its tab enabled), recorded by the admin; answers its path. */
export async function createPayment(call: Call, fx: PermissionFixture, commitment: TestCommitment): Promise<{ paymentId: string; path: string }> {
  const response = await call(fx.users.admin.token, { method: 'POST', path: `${commitment.path}/payments`, body: paymentBody() });
  const { paymentId } = expectStatus(response, 201, `record a payment on ${commitment.number}`).body;
  return { paymentId, path: `${commitment.path}/payments/${paymentId}` };
}
