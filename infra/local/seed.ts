import { randomUUID } from 'node:crypto';
import type * as z from '../../shared/zod';
import type { createCommitmentBody } from '../../shared/api/commitments';
import type { changeOrderLineInput, sovLineInput } from '../../shared/api/sov';
import { normalizeCommitmentNumber } from '../../shared/db/commitments';
import { db } from '../../shared/db/service';
import type { ToolLevel } from '../../shared/domain/permissions';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import { defaultProjectSettings } from '../../shared/domain/project-settings';
import { routes } from '../../shared/wiring/routes';
import { buildApiGatewayEvent, routeMatcher, toHttpResponse } from './api-gateway-event';
import { localUserId, stableUuid } from './auth';
import { invokeLocal } from './lambda';

/**
 * Demo data for `npm start`: a general contractor with the Harbour Tower project, one member
 * per level, three vendors with a contact each, and subcontracts and purchase orders with their
 * schedules of values and an approved change order. Every item is created only if missing, so
 * what a developer changes survives restarts.
 *
 * Companies, users and members are written as records; commitments, SOV lines and change orders
 * go through the API's own handlers (as the project admin), so their numbers, totals and
 * invariants are exactly what the API computes.
 */
const northbeam = { companyId: stableUuid('company:northbeam-constructions'), name: 'Northbeam Constructions', kind: 'general_contractor' } as const;
const vendor = (slug: string, name: string) =>
  ({ companyId: stableUuid(`company:${slug}`), name, kind: 'vendor', ownerCompanyId: northbeam.companyId }) as const;
const harbourElectrical = vendor('harbour-electrical', 'Harbour Electrical Pty Ltd');
const coastlinePlumbing = vendor('coastline-plumbing', 'Coastline Plumbing & Drainage Pty Ltd');
const summitSteel = vendor('summit-steel', 'Summit Steel Fabrications Pty Ltd');
const vendors = [harbourElectrical, coastlinePlumbing, summitSteel];

export const demoProject = {
  projectId: stableUuid('project:HT-2027'),
  companyId: northbeam.companyId,
  name: 'Harbour Tower',
  number: 'HT-2027',
  timeZone: 'Australia/Sydney',
  region: 'en-AU',
} as const;

export interface DemoUser {
  email: string;
  name: string;
  /** For the banner: what this user can do on the demo project. */
  role: string;
  companyId: string;
  commitments: ToolLevel;
  headContracts: ToolLevel;
  companyRole?: 'admin';
}

export const demoUsers: readonly DemoUser[] = [
  { email: 'priya@northbeam.example', name: 'Priya Patel', role: 'admin (commitments, head contracts)', companyId: northbeam.companyId, commitments: 'admin', headContracts: 'admin', companyRole: 'admin' },
  { email: 'sam@northbeam.example', name: 'Sam Nguyen', role: 'standard (commitments, head contracts), on the private list of SC-002', companyId: northbeam.companyId, commitments: 'standard', headContracts: 'standard' },
  { email: 'riley@northbeam.example', name: 'Riley Chen', role: 'read only (commitments, head contracts)', companyId: northbeam.companyId, commitments: 'read_only', headContracts: 'read_only' },
  { email: 'noah@northbeam.example', name: 'Noah Brown', role: 'member without access (none, none)', companyId: northbeam.companyId, commitments: 'none', headContracts: 'none' },
  { email: 'ella@harbour-electrical.example', name: 'Ella Ward', role: 'Harbour Electrical, read only on commitments, invoice contact of SC-001 and PO-001', companyId: harbourElectrical.companyId, commitments: 'read_only', headContracts: 'none' },
  { email: 'marco@coastline-plumbing.example', name: 'Marco Rossi', role: 'Coastline Plumbing, read only on commitments, invoice contact of SC-002 (private) and PO-002', companyId: coastlinePlumbing.companyId, commitments: 'read_only', headContracts: 'none' },
  { email: 'hana@summit-steel.example', name: 'Hana Kim', role: 'Summit Steel, read only on commitments, invoice contact of SC-003', companyId: summitSteel.companyId, commitments: 'read_only', headContracts: 'none' },
];

const userId = (email: string) => localUserId(email);
const admin = demoUsers[0]!;

type SovLineInput = z.input<typeof sovLineInput>;
type ChangeOrderLineInput = z.input<typeof changeOrderLineInput>;

interface DemoCommitment {
  header: Omit<z.input<typeof createCommitmentBody>, 'vendorId' | 'invoiceContactIds' | 'privateUserIds'>;
  vendorId: string;
  contacts: string[];
  /** Emails of members on the private list (contacts join it anyway). */
  privateList?: string[];
  lines: SovLineInput[];
  /** Approved once created; `lines` may adjust SOV lines found by cost code. */
  changeOrder?: { number: string; title: string; description: string; lines: (lineIdOf: (costCode: string) => string) => ChangeOrderLineInput[] };
}

/** Harbour Tower's commitments, in the figures a 24-storey residential tower's trades would carry. */
export const demoCommitments: readonly DemoCommitment[] = [
  {
    header: {
      type: 'subcontract',
      number: 'SC-001',
      title: 'Electrical services',
      status: 'approved',
      description: 'Design and construct electrical services for levels B2–24: supply, installation, testing and commissioning.',
      contractDate: '2026-02-16',
      startDate: '2026-03-02',
      estimatedCompletionDate: '2027-05-28',
      accountingMethod: 'amount',
    },
    vendorId: harbourElectrical.companyId,
    contacts: ['ella@harbour-electrical.example'],
    lines: [
      { costCode: '16-100', description: 'Main switchboard and distribution boards', scheduledValueCents: 4_850_000 },
      { costCode: '16-200', description: 'Sub-mains and final sub-circuits', scheduledValueCents: 12_640_000 },
      { costCode: '16-300', description: 'Lighting and emergency lighting', scheduledValueCents: 8_725_000 },
      { costCode: '16-400', description: 'Fire detection and EWIS', scheduledValueCents: 4_180_000 },
      { costCode: '16-900', description: 'Testing and commissioning', scheduledValueCents: 1_260_000 },
    ],
    changeOrder: {
      number: 'CO-001',
      title: 'EV charging to basement B2',
      description: 'Owner variation V-07: twelve 7 kW EV chargers on B2, with the extra lighting the bays need.',
      lines: (lineIdOf) => [
        { kind: 'add', costCode: '16-500', description: 'EV charging infrastructure, basement B2', amountCents: 1_895_000 },
        { kind: 'adjust', lineId: lineIdOf('16-300'), description: 'Additional bay lighting, B2', amountCents: 240_000 },
      ],
    },
  },
  {
    header: {
      type: 'subcontract',
      number: 'SC-002',
      title: 'Hydraulic services',
      status: 'approved',
      description: 'Sanitary drainage, water reticulation and fixtures. Private: negotiated rates.',
      contractDate: '2026-03-09',
      startDate: '2026-04-06',
      accountingMethod: 'amount',
      private: true,
    },
    vendorId: coastlinePlumbing.companyId,
    contacts: ['marco@coastline-plumbing.example'],
    privateList: ['sam@northbeam.example'],
    lines: [
      { costCode: '15-100', description: 'Sanitary drainage', scheduledValueCents: 6_420_000 },
      { costCode: '15-200', description: 'Cold and hot water reticulation', scheduledValueCents: 5_875_000 },
      { costCode: '15-300', description: 'Sanitary fixtures and tapware installation', scheduledValueCents: 3_748_000 },
    ],
  },
  {
    header: {
      type: 'subcontract',
      number: 'SC-003',
      title: 'Structural steel supply and erection',
      status: 'approved',
      description: 'Transfer-level and roof steelwork, measured and paid by the tonne.',
      contractDate: '2026-01-27',
      startDate: '2026-02-09',
      accountingMethod: 'unit',
    },
    vendorId: summitSteel.companyId,
    contacts: ['hana@summit-steel.example'],
    lines: [
      { costCode: '05-120', description: 'Beams 310UB40, supply and erect', quantity: '42.5', unitOfMeasure: 't', unitPrice: '4850' },
      { costCode: '05-130', description: 'Columns 250UC89.5, supply and erect', quantity: '18.75', unitOfMeasure: 't', unitPrice: '5120' },
      { costCode: '05-500', description: 'Hold-down bolts M24 with plates', quantity: '96', unitOfMeasure: 'ea', unitPrice: '38.65' },
    ],
  },
  {
    header: {
      type: 'purchase_order',
      number: 'PO-001',
      title: 'Light fittings supply',
      status: 'approved',
      description: 'Supply only, delivered to site in three drops.',
      contractDate: '2026-04-20',
      accountingMethod: 'unit',
    },
    vendorId: harbourElectrical.companyId,
    contacts: ['ella@harbour-electrical.example'],
    lines: [
      { costCode: '16-310', description: 'LED downlight 12 W', quantity: '480', unitOfMeasure: 'ea', unitPrice: '42.35' },
      { costCode: '16-320', description: 'LED batten 1200 mm', quantity: '126', unitOfMeasure: 'ea', unitPrice: '68.9' },
      { costCode: '16-330', description: 'Exit and emergency signs', quantity: '38', unitOfMeasure: 'ea', unitPrice: '112.5' },
    ],
  },
  {
    header: {
      type: 'purchase_order',
      number: 'PO-002',
      title: 'Hot water plant supply',
      status: 'approved',
      description: 'Heat pump hot water plant for the level 24 plant room.',
      contractDate: '2026-05-04',
      accountingMethod: 'amount',
    },
    vendorId: coastlinePlumbing.companyId,
    contacts: ['marco@coastline-plumbing.example'],
    lines: [
      { costCode: '15-410', description: 'Heat pump hot water units (2 no.)', scheduledValueCents: 2_840_000 },
      { costCode: '15-420', description: 'Storage tanks, valves and controls', scheduledValueCents: 986_000 },
    ],
  },
];

/** Seeds what is missing; returns how many items it created. */
export async function seedDemoData(now = new Date()): Promise<number> {
  const { Company, Project, User, Member, ProjectVendor } = db();
  const createdAt = now.toISOString();
  const created = await Promise.all([
    ...[northbeam, ...vendors].map((company) => createIfMissing(Company.create({ ...company, createdAt }))),
    createIfMissing(
      Project.create({
        ...defaultProjectSettings(demoProject.region),
        ...demoProject,
        createdBy: userId(admin.email),
        createdAt,
      }),
    ),
    ...vendors.map((v) =>
      createIfMissing(ProjectVendor.create({ projectId: demoProject.projectId, vendorId: v.companyId, name: v.name, createdAt })),
    ),
    ...demoUsers.flatMap((user) => [
      createIfMissing(
        User.create({ userId: userId(user.email), email: user.email, name: user.name, companyId: user.companyId, companyRole: user.companyRole ?? 'member', createdAt }),
      ),
      createIfMissing(
        Member.create({ projectId: demoProject.projectId, userId: userId(user.email), commitments: user.commitments, headContracts: user.headContracts, createdAt }),
      ),
    ]),
  ]);
  let count = created.filter(Boolean).length;
  // One after the other: each step reads what the previous one left, so an interrupted seed resumes.
  const commitmentIds: Record<string, string> = {};
  for (const commitment of demoCommitments) {
    const seeded = await seedCommitment(commitment);
    count += seeded.created;
    commitmentIds[commitment.header.number] = seeded.commitmentId;
  }
  count += await seedBillingWork(commitmentIds, now);
  count += await seedHeadContract();
  count += await seedCycleProject(createdAt);
  return count;
}

/** A second project, billed monthly with automatic invites and no period yet: its first period is due. */
export const cycleProject = {
  projectId: stableUuid('project:RA-2028'),
  companyId: northbeam.companyId,
  name: 'Riverside Apartments',
  number: 'RA-2028',
  timeZone: 'Australia/Sydney',
  region: 'en-AU',
} as const;

const cycleCommitment: DemoCommitment = {
  header: { type: 'subcontract', number: 'SC-101', title: 'Electrical services', status: 'approved', contractDate: '2026-09-07', accountingMethod: 'amount' },
  vendorId: harbourElectrical.companyId,
  contacts: ['ella@harbour-electrical.example'],
  lines: [
    { costCode: '16-100', description: 'Switchboards and sub-mains', scheduledValueCents: 3_420_000 },
    { costCode: '16-300', description: 'Lighting and power', scheduledValueCents: 5_960_000 },
  ],
};

/**
 * Riverside Apartments: Priya and Ella are members, SC-101 is Harbour Electrical's. Its settings
 * turn monthly periods with automatic invites on while it has no period, so the next billing
 * cycle (`npm run invoke -- billing-cycle`) opens the current month's period and invites Ella.
 */
async function seedCycleProject(createdAt: string): Promise<number> {
  const { Project, Member, ProjectVendor } = db();
  const members = [demoUser('priya@northbeam.example'), demoUser('ella@harbour-electrical.example')];
  const created = await Promise.all([
    createIfMissing(Project.create({ ...defaultProjectSettings(cycleProject.region), ...cycleProject, createdBy: userId(admin.email), createdAt })),
    createIfMissing(ProjectVendor.create({ projectId: cycleProject.projectId, vendorId: harbourElectrical.companyId, name: harbourElectrical.name, createdAt })),
    ...members.map((user) =>
      createIfMissing(Member.create({ projectId: cycleProject.projectId, userId: userId(user.email), commitments: user.commitments, headContracts: user.headContracts, createdAt })),
    ),
  ]);
  let count = created.filter(Boolean).length + (await seedCommitment(cycleCommitment, cycleProject.projectId)).created;

  const settingsPath = `/v1/projects/${cycleProject.projectId}/settings`;
  const settings = await asAdmin('GET', settingsPath);
  if (expectStatus(settings, 200, 'reading Riverside Apartments’ settings').billingPeriods.frequency === 'never') {
    const patched = await asAdmin('PATCH', settingsPath, { billingPeriods: { frequency: 'monthly', startDay: 1, endDay: 31, dueDay: 25, autoInvites: true } }, { 'if-match': settings.headers.etag! });
    expectStatus(patched, 200, 'turning on monthly periods in Riverside Apartments');
    count++;
  }
  return count;
}

const demoUser = (email: string) => demoUsers.find((user) => user.email === email)!;

/**
 * The product at work in Harbour Tower's open period: SC-003 invited (awaiting Hana's answer),
 * SC-001 accepted by Ella (no invoice yet), SC-002 invoiced and submitted by Marco, PO-002
 * invoiced by Marco and approved by Priya. Seeded once, while the project has no billing period,
 * so a restart (or what a developer did since) is left alone.
 */
async function seedBillingWork(commitmentIds: Record<string, string>, now: Date): Promise<number> {
  let created = 0;
  const projectPath = `/v1/projects/${demoProject.projectId}`;
  const periods = expectStatus(await asAdmin('GET', `${projectPath}/billing-periods?limit=1`), 200, 'listing billing periods');
  if (periods.items.length > 0) return 0; // seeded before, or the developer's own periods
  const today = localDate(now, demoProject.timeZone);
  const period = expectStatus(
    await asAdmin('POST', `${projectPath}/billing-periods`, { startDate: addDays(today, -10), endDate: addDays(today, 20), dueDate: addDays(today, 15) }),
    201,
    'opening a billing period',
  );
  created++;
  const plans = [
    { number: 'SC-003', contact: 'hana@summit-steel.example', until: 'invited' },
    { number: 'SC-001', contact: 'ella@harbour-electrical.example', until: 'accepted' },
    { number: 'SC-002', contact: 'marco@coastline-plumbing.example', until: 'under_review', workThisPeriodCents: 1_284_000 },
    { number: 'PO-002', contact: 'marco@coastline-plumbing.example', until: 'approved', workThisPeriodCents: 2_840_000 },
  ] as const;
  const invites = expectStatus(
    await asAdmin('POST', `${projectPath}/billing-periods/${period.billingPeriodId}/invites`, {
      commitmentIds: plans.map((plan) => commitmentIds[plan.number]!),
      invoiceType: 'work_materials_retainage',
    }),
    200,
    'sending invites',
  ) as { invited: Array<{ commitmentId: string; inviteId: string }>; refused: Array<{ detail: string }> };
  if (invites.refused.length > 0) throw new Error(`seed: invites refused: ${invites.refused.map((r) => r.detail).join('; ')}`);
  created += invites.invited.length;

  for (const plan of plans) {
    if (plan.until === 'invited') continue;
    const contact = demoUser(plan.contact);
    const commitmentId = commitmentIds[plan.number]!;
    const inviteId = invites.invited.find((invite) => invite.commitmentId === commitmentId)!.inviteId;
    expectStatus(await asUser(contact, 'POST', `${projectPath}/invites/${inviteId}/response`, { accept: true }), 200, `accepting the invite of ${plan.number}`);
    if (plan.until === 'accepted') continue;

    const invoice = expectStatus(await asUser(contact, 'POST', `${projectPath}/commitments/${commitmentId}/invoices`, {}), 201, `invoicing ${plan.number}`);
    created++;
    const invoicePath = `${projectPath}/invoices/${invoice.invoiceId}`;
    const read = await asUser(contact, 'GET', invoicePath);
    const lineId = expectStatus(read, 200, `reading the invoice of ${plan.number}`).lines[0].lineId as string;
    const entered = await asUser(contact, 'PATCH', invoicePath, { lines: [{ lineId, workThisPeriodCents: plan.workThisPeriodCents }] }, { 'if-match': read.headers.etag! });
    expectStatus(entered, 200, `entering work on the invoice of ${plan.number}`);
    const submitted = await asUser(contact, 'POST', `${invoicePath}/status`, { status: 'under_review' }, { 'if-match': entered.headers.etag! });
    expectStatus(submitted, 200, `submitting the invoice of ${plan.number}`);
    if (plan.until === 'under_review') continue;
    const approved = await asAdmin('POST', `${invoicePath}/status`, { status: 'approved' }, { 'if-match': submitted.headers.etag! });
    expectStatus(approved, 200, `approving the invoice of ${plan.number}`);
  }
  return created;
}

/**
 * Harbour Tower's head contract with the owner: an SOV whose cost codes are the commitments' own, and
 * an owner invoice for the first period pre-filled from the approved subcontractor invoices (PO-002's
 * 15-410 today; SC-002's, still under review, joins when approved and the pre-fill is run again).
 */
const demoHeadContract = {
  number: 'PC-001',
  title: 'Harbour Tower: main works',
  ownerCompanyName: 'Harbour Tower Developments Pty Ltd',
  ownerContactEmails: ['accounts@harbour-tower-dev.example'],
  status: 'approved',
  contractDate: '2026-08-03',
  lines: [
    { costCode: '16-100', description: 'Electrical: main switchboard and distribution boards', scheduledValueCents: 5_350_000 },
    { costCode: '16-200', description: 'Electrical: sub-mains and final sub-circuits', scheduledValueCents: 13_900_000 },
    { costCode: '16-300', description: 'Electrical: lighting and emergency lighting', scheduledValueCents: 9_600_000 },
    { costCode: '15-100', description: 'Hydraulics: sanitary drainage', scheduledValueCents: 7_060_000 },
    { costCode: '15-200', description: 'Hydraulics: cold and hot water reticulation', scheduledValueCents: 6_460_000 },
    { costCode: '15-410', description: 'Hydraulics: heat pump hot water plant', scheduledValueCents: 3_125_000 },
    { costCode: '15-420', description: 'Hydraulics: storage tanks, valves and controls', scheduledValueCents: 1_085_000 },
    { costCode: '05-120', description: 'Structural steel: beams', scheduledValueCents: 22_670_000 },
  ],
};

async function seedHeadContract(): Promise<number> {
  let created = 0;
  const projectPath = `/v1/projects/${demoProject.projectId}`;
  const list = expectStatus(await asAdmin('GET', `${projectPath}/head-contracts?limit=100`), 200, 'listing head contracts');
  let contract = (list.items as Array<{ headContractId: string; number: string }>).find((c) => c.number === demoHeadContract.number);
  if (!contract) {
    const { lines: _lines, ...header } = demoHeadContract;
    contract = expectStatus(await asAdmin('POST', `${projectPath}/head-contracts`, header), 201, `creating ${demoHeadContract.number}`);
    created++;
  }
  const contractPath = `${projectPath}/head-contracts/${contract!.headContractId}`;
  const sov = await asAdmin('GET', `${contractPath}/sov`);
  if (expectStatus(sov, 200, `reading the SOV of ${demoHeadContract.number}`).lines.length === 0) {
    expectStatus(await asAdmin('PUT', `${contractPath}/sov`, { lines: demoHeadContract.lines }, { 'if-match': sov.headers.etag! }), 200, `the SOV of ${demoHeadContract.number}`);
  }
  const invoices = expectStatus(await asAdmin('GET', `${contractPath}/owner-invoices`), 200, 'listing owner invoices');
  if (invoices.items.length === 0) {
    expectStatus(await asAdmin('POST', `${contractPath}/owner-invoices`, { prefill: true }), 201, 'the pre-filled owner invoice');
    created++;
  }
  return created;
}

/** A commitment, its SOV lines and its approved change order, each created if missing. */
async function seedCommitment(plan: DemoCommitment, projectId = demoProject.projectId): Promise<{ created: number; commitmentId: string }> {
  let created = 0;
  const projectPath = `/v1/projects/${projectId}`;
  const { data: claimed } = await db()
    .CommitmentNumber.get({ projectId, normalizedNumber: normalizeCommitmentNumber(plan.header.number) })
    .go();
  let commitmentId = claimed?.commitmentId;
  if (!commitmentId) {
    const response = await asAdmin('POST', `${projectPath}/commitments`, {
      ...plan.header,
      vendorId: plan.vendorId,
      invoiceContactIds: plan.contacts.map(userId),
      privateUserIds: (plan.privateList ?? []).map(userId),
    });
    commitmentId = expectStatus(response, 201, `creating ${plan.header.number}`).commitmentId as string;
    created++;
  }
  const commitmentPath = `${projectPath}/commitments/${commitmentId}`;

  let sov = await asAdmin('GET', `${commitmentPath}/sov`);
  if (expectStatus(sov, 200, `reading the SOV of ${plan.header.number}`).lines.length === 0) {
    sov = await asAdmin('PUT', `${commitmentPath}/sov`, { lines: plan.lines }, { 'if-match': sov.headers.etag! });
    expectStatus(sov, 200, `the SOV of ${plan.header.number}`);
    created += plan.lines.length;
  }

  if (plan.changeOrder) {
    const co = plan.changeOrder;
    const list = await asAdmin('GET', `${commitmentPath}/change-orders?limit=100`);
    let existing = (expectStatus(list, 200, `the change orders of ${plan.header.number}`).items as ChangeOrderSummary[]).find(
      (c) => c.number === co.number,
    );
    if (!existing) {
      const lines = sov.body.lines as Array<{ lineId: string; costCode?: string }>;
      const lineIdOf = (costCode: string) => {
        const line = lines.find((l) => l.costCode === costCode);
        if (!line) throw new Error(`${plan.header.number} has no SOV line ${costCode}`);
        return line.lineId;
      };
      const response = await asAdmin('POST', `${commitmentPath}/change-orders`, { number: co.number, title: co.title, description: co.description, lines: co.lines(lineIdOf) });
      existing = expectStatus(response, 201, `creating ${co.number} on ${plan.header.number}`) as ChangeOrderSummary;
      created++;
    }
    if (existing.status === 'pending') {
      const path = `${commitmentPath}/change-orders/${existing.changeOrderId}`;
      const response = await asAdmin('PATCH', path, { status: 'approved' }, { 'if-match': `"${existing.version}"` });
      expectStatus(response, 200, `approving ${co.number} on ${plan.header.number}`);
    }
  }
  return { created, commitmentId };
}

interface ChangeOrderSummary {
  changeOrderId: string;
  number: string;
  status: string;
  version: number;
}

// ---------------------------------------------------------------------------------------------

const matchRoute = routeMatcher(routes);

interface SeedResponse {
  status: number;
  headers: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/**
 * Calls the route's handler as the local API Gateway would after accepting the admin's token:
 * the same event, the same function module.
 */
async function asAdmin(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<SeedResponse> {
  return asUser(admin, method, url, body, headers);
}

async function asUser(user: DemoUser, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<SeedResponse> {
  const match = matchRoute(method, url.split('?')[0]!);
  if (match.kind !== 'route') throw new Error(`seed: no route for ${method} ${url}`);
  const rawHeaders = Object.entries({ host: 'localhost', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }).flat();
  const claims = { sub: userId(user.email), email: user.email, name: user.name, token_use: 'id' };
  const event = buildApiGatewayEvent(
    {
      method,
      url,
      rawHeaders,
      ...(body !== undefined ? { body: Buffer.from(JSON.stringify(body)) } : {}),
      sourceIp: '127.0.0.1',
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      now: new Date(),
    },
    match.route,
    match.pathParameters,
    claims,
  );
  const response = toHttpResponse(await invokeLocal(match.route.function, event));
  const text = response.body.toString('utf8');
  return { status: response.statusCode, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

function expectStatus(response: SeedResponse, status: number, what: string) {
  if (response.status !== status) {
    throw new Error(`seed: ${what} answered ${response.status}: ${response.body?.detail ?? JSON.stringify(response.body)}`);
  }
  return response.body;
}

/** `create` is a conditional put: it refuses an item that exists, which was seeded before. */
async function createIfMissing(operation: { go(): Promise<unknown> }): Promise<boolean> {
  try {
    await operation.go();
    return true;
  } catch (error) {
    if ((error as { cause?: { name?: string } }).cause?.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
