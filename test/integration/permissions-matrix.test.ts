import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalEventBus } from '../../infra/local/event-bus';
import { startLocalStepFunctions, type LocalStepFunctions } from '../../infra/local/step-functions';
import { startRecordingBus } from '../support/event-recorder';
import { db } from '../../shared/db/service';
import { parseInviteId } from '../../shared/db/invites';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import type { InvoiceStatus } from '../../shared/domain/invoices';
import { expectRefusal, expectStatus, type ApiRequest, type ApiResponse, type Call, type TestApi } from '../support/api-client';
import {
  amountLines,
  createBillingPeriod,
  createAttachment,
  createChangeOrder,
  createCommitment,
  createHeadContract,
  createInvoice,
  createPayment,
  enablePayments,
  etagOf,
  exists,
  freshMember,
  freshNumber,
  fullAllocation,
  headContractLines,
  invoiceInStatus,
  paymentBody,
  profiles,
  sendInvites,
  ssovInState,
  startFixtureApi,
  unitLines,
  type PermissionFixture,
  type Profile,
  type TestAttachment,
  type TestBillingPeriod,
  type TestCommitment,
  type TestHeadContract,
  type TestInvoice,
} from '../support/permission-fixtures';

/**
 * Every route of a project (/v1/projects/{projectId}…) × every member profile, through the local API Gateway: allowed
 * callers succeed, visible-but-forbidden ones get 403 naming the action, callers who cannot see
 * the record (or the project) get 404. The expected outcome of each (route, profile) is written
 * here from docs/permissions.md, not taken from the policy module.
 */

let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let bus: LocalEventBus;
let stepFunctions: LocalStepFunctions;

beforeAll(async () => {
  // Periods and invites publish events: a local bus takes them (and delivers them nowhere).
  ({ bus } = await startRecordingBus());
  // Backup requests start the backup workflow: the local Step Functions server runs it.
  stepFunctions = await startLocalStepFunctions();
  process.env.AWS_ENDPOINT_URL_SFN = stepFunctions.endpoint;
  process.env.BACKUP_STATE_MACHINE_ARN = stepFunctions.stateMachineArn;
  ({ api, fx, call } = await startFixtureApi());
});

afterAll(async () => {
  await api?.stop();
  await stepFunctions?.stop();
  await bus?.stop();
});

// ---------------------------------------------------------------------------------------------
// Who may do what, as docs/permissions.md reads (see the rows named in each case).

/** No level on the commitments tool of A's project: `none`, and those who are not members of it. */
const noLevel: readonly Profile[] = ['none', 'not_a_member', 'other_company_admin'];
/** Every member with a level on the commitments tool (everyone but `none`). */
const readers: readonly Profile[] = profiles.filter((profile) => !noLevel.includes(profile));
const admins: readonly Profile[] = ['admin'];
/** “create a purchase order”: admin; read_only/standard +G(create_purchase_order_contract). */
const createPurchaseOrder: readonly Profile[] = ['admin', 'read_only+G(create_po)', 'read_only+G(create_po,create_wo)'];
/** “create a subcontract”: admin; read_only/standard +G(create_work_order_contract). */
const createSubcontract: readonly Profile[] = ['admin', 'read_only+G(create_wo)', 'read_only+G(create_po,create_wo)'];
/** “edit a commitment’s SOV” (and change orders, which follow it): admin; +G(update_po, update_wo), both. */
const editSov: readonly Profile[] = ['admin', 'read_only+G(update_po,update_wo)', 'standard+G(update_po,update_wo)'];
/** “update the SSOV as invoice contact” (contact; admin) or “create a subcontractor SOV” (+G(create_po, create_wo)). */
const editSsov: readonly Profile[] = ['admin', 'read_only+contact', 'standard+contact', 'read_only+G(create_po,create_wo)'];
/** The fixture's invoice contacts: “accept or decline an 'invite to bill'” is theirs, on their own commitments (read_only, standard). */
const contacts: readonly Profile[] = ['read_only+contact', 'standard+contact'];

/**
 * What a case works on: the project itself, or a commitment. `public`, `private` and `unit`
 * designate the fixture's contact profiles as invoice contacts; the `…-other-contact` ones
 * designate another vendor user instead (so the contact profiles are not contacts of those).
 */
type Target = 'project' | 'public' | 'private' | 'unit' | 'public-other-contact' | 'private-other-contact' | HeadTarget;
/** A head contract: not private, or private with the fixture's private-list profiles on its list. */
type HeadTarget = 'head-public' | 'head-private';
const isHeadTarget = (target: Target): target is HeadTarget => target === 'head-public' || target === 'head-private';

const isPrivate = (target: Target) => target === 'private' || target === 'private-other-contact' || target === 'head-private';
/** Whether the contact profiles are the target commitment's invoice contacts. */
const contactsOn = (target: Target) => target === 'public' || target === 'private' || target === 'unit';

/**
 * Whether the profile sees a commitment: a level, and for a private one admin or a place on its
 * list (the private-list profiles; the contacts only where they are contacts, which lists them).
 */
function sees(profile: Profile, target: Target): boolean {
  if (isHeadTarget(target)) return seesHeadContract(profile, target);
  if (noLevel.includes(profile)) return false;
  if (!isPrivate(target)) return true;
  if (['admin', 'standard+private_list', 'standard+G(update_po,update_wo)'].includes(profile)) return true;
  return contacts.includes(profile) && contactsOn(target);
}

/**
 * The head contracts tool: the invoice contacts (vendor users) have no level on it; everyone
 * else in A's project has the level their profile names. A private head contract is seen by its
 * admins and by those on its list (the private-list profiles).
 */
const noHeadLevel: readonly Profile[] = [...noLevel, 'read_only+contact', 'standard+contact'];
const headReaders: readonly Profile[] = profiles.filter((profile) => !noHeadLevel.includes(profile));
const headLevelOf = (profile: Profile) => (noHeadLevel.includes(profile) ? 'none' : profile.split('+')[0]!);
function seesHeadContract(profile: Profile, target: HeadTarget): boolean {
  if (noHeadLevel.includes(profile)) return false;
  return target === 'head-public' || ['admin', 'standard+private_list', 'standard+G(update_po,update_wo)'].includes(profile);
}

/** The targets a commitment stands for: every one but the project and the head contracts. */
type CommitmentTarget = Exclude<Target, 'project' | HeadTarget>;

interface Context extends Partial<Record<'unit' | 'public-other-contact' | 'private-other-contact', TestCommitment>> {
  public: TestCommitment;
  private: TestCommitment;
  /** A pending change order per target, for edits. */
  changeOrders: Partial<Record<Target, { changeOrderId: string; path: string }>>;
  /** The open billing period around today (see `openPeriod`), for the groups on periods, invites and invoices. */
  period?: TestBillingPeriod;
  /** An invoice per target, for the groups on invoices (replaced when a case deletes it). */
  invoices?: Partial<Record<Target, TestInvoice>>;
  /** An uploaded attachment per target's invoice, to read; and one per target for a case to consume (confirm or delete). */
  attachments?: Partial<Record<Target, TestAttachment>>;
  spareAttachments?: Partial<Record<Target, TestAttachment>>;
  /** A payment per target's commitment, to read; and one per target for a case to delete. */
  payments?: Partial<Record<Target, { paymentId: string; path: string }>>;
  sparePayments?: Partial<Record<Target, { paymentId: string; path: string }>>;
  /** A backup job the admin requested of the targets' invoices: /v1/projects/{projectId}/invoice-backups/{jobId}. */
  backupJob?: string;
  /** An accounting export the admin requested: /v1/projects/{projectId}/accounting-exports/{exportId}. */
  accountingExport?: string;
  /** The head contracts the head-contract groups work on. */
  headContracts?: Partial<Record<HeadTarget, TestHeadContract>>;
  /** An owner invoice per head contract target: /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}. */
  ownerInvoices?: Partial<Record<HeadTarget, string>>;
}

interface RouteCase {
  route: string;
  variant?: string;
  /** The docs/permissions.md row (or reading) the case exercises. */
  row: string;
  target: Target;
  success: 200 | 201 | 202 | 204;
  allowed: readonly Profile[];
  /** What a 403's detail must name: the action. */
  names: RegExp;
  /** The tool whose level decides (the 403 names it): commitments unless said. */
  tool?: 'head_contracts';
  /** Builds the request at run time (reading ETags, creating fresh sub-resources first). */
  request: (profile: Profile, ctx: Context) => Promise<ApiRequest>;
  /** More checks on a success. */
  check?: (response: ApiResponse, profile: Profile, ctx: Context) => void;
}

interface Group {
  name: string;
  /** The commitments this group's cases work on, created fresh so one group's writes never disturb another's. */
  setup?: () => Promise<Context>;
  /** Undoes what the setup changed beyond its own records (the project's region). */
  teardown?: () => Promise<void>;
  cases: RouteCase[];
}

function expected(c: RouteCase, profile: Profile): RouteCase['success'] | 403 | 404 {
  if (profile === 'not_a_member' || profile === 'other_company_admin') return 404;
  if (c.target !== 'project' && !sees(profile, c.target)) return 404;
  return c.allowed.includes(profile) ? c.success : 403;
}

const project = () => `/v1/projects/${fx.projectId}`;
function commitmentOf(ctx: Context, target: Target): TestCommitment {
  const commitment = target === 'project' || isHeadTarget(target) ? undefined : ctx[target];
  if (!commitment) throw new Error(`the group made no ${target} commitment`);
  return commitment;
}
/** A write to `path` carrying its current ETag (read by the admin). */
const current = async (method: 'PUT' | 'PATCH', path: string, body: unknown): Promise<ApiRequest> => ({
  method,
  path,
  body,
  headers: { 'if-match': await etagOf(call, fx, path) },
});
const tag = (profile: Profile) => profile.replace(/[^a-z0-9]+/gi, '-');

/** One case per target, the route and row the same. */
const onTargets = (targets: Target[], make: (target: Target) => Omit<RouteCase, 'target'>): RouteCase[] =>
  targets.map((target) => ({ ...make(target), target }));

/** The row a read is checked against: a private commitment's own, or the one of commitments not private. */
const viewRow = (target: Target) => (target === 'private' ? 'view a private commitment' : 'view / search commitments not private');

/** A GET of a commitment (or of what hangs off it): every reader may, of what they see. */
const readsOn = (
  targets: Target[],
  route: string,
  path: (ctx: Context, target: Target) => string,
  check?: (response: ApiResponse, ctx: Context, target: Target) => void,
): RouteCase[] =>
  onTargets(targets, (target) => ({
    route,
    row: viewRow(target),
    success: 200,
    allowed: readers,
    names: /view and search commitments/,
    request: async (_profile, ctx) => ({ method: 'GET', path: path(ctx, target) }),
    ...(check ? { check: (response: ApiResponse, _profile: Profile, ctx: Context) => check(response, ctx, target) } : {}),
  }));

/** The PATCHes of a commitment's own fields: each the admin's alone, each with its row. */
const commitmentEdits: Array<Pick<RouteCase, 'variant' | 'row' | 'names' | 'check'> & { body: (profile: Profile) => object }> = [
  {
    variant: 'header fields',
    row: 'edit a purchase order / subcontract (header fields)',
    names: /header fields/,
    body: (profile) => ({ title: `Electrical services (edited by ${profile})`, status: 'approved' }),
  },
  {
    variant: 'invoiceContactIds',
    row: 'add invoice contacts to a commitment',
    names: /add invoice contacts/,
    body: () => ({ invoiceContactIds: [...fx.contactIds, fx.spareVendorUser.userId] }),
    check: (response) => expect(response.body.privateUserIds).toContain(fx.spareVendorUser.userId),
  },
  {
    variant: 'ssovEnabled',
    row: 'enable/disable the SSOV tab',
    names: /subcontractor SOV/,
    body: () => ({ ssovEnabled: true }),
    check: (response) => expect(response.body.ssovEnabled).toBe(true),
  },
  {
    variant: 'paymentsIssuedEnabled',
    row: 'enable the payments-issued tab',
    names: /payments issued tab/,
    body: () => ({ paymentsIssuedEnabled: true }),
    check: (response) => expect(response.body.paymentsIssuedEnabled).toBe(true),
  },
];

/** The contract sum to date of the fixture's SOV lines. */
const sovTotal = (target: Target) => (target === 'unit' ? 154_313 + 9_999 : 20_840_050);

/** POST …/ssov/status with `body`, once the admin has brought the SSOV to `from`. */
const ssovStatus = (
  from: 'editable' | 'under_review',
  body: { status: string; comment?: string },
  who: Pick<RouteCase, 'variant' | 'row' | 'allowed' | 'names'>,
): RouteCase[] =>
  onTargets(['public', 'private'], (target) => ({
    route: 'POST /v1/projects/{projectId}/commitments/{commitmentId}/ssov/status',
    ...who,
    success: 200,
    request: async (_profile, ctx) => {
      const ssov = await ssovInState(call, fx, commitmentOf(ctx, target), from);
      return { method: 'POST', path: `${commitmentOf(ctx, target).path}/ssov/status`, body, headers: { 'if-match': ssov.headers.get('etag')! } };
    },
    check: (response) => expect(response.body.status).toBe(body.status),
  }));

async function commitmentsContext(options: { ssov?: boolean } = {}): Promise<Context> {
  const [publicOne, privateOne, unit] = await Promise.all([
    createCommitment(call, fx, { ssov: options.ssov }),
    createCommitment(call, fx, { private: true, ssov: options.ssov }),
    createCommitment(call, fx, { method: 'unit' }),
  ]);
  return { public: publicOne, private: privateOne, unit, changeOrders: {} };
}

// Billing periods and invites

/** Today in the project's time zone (the fixture's project is in Sydney). */
const today = localDate(new Date(), 'Australia/Sydney');
let aroundToday: Promise<TestBillingPeriod> | undefined;
/**
 * The project's open period, around today and not past its due date (invites need one): created
 * once, by the first group that asks. Creating any later period closes it, so the groups that
 * create periods come after the ones that invite.
 */
const openPeriod = () =>
  (aroundToday ??= createBillingPeriod(call, fx, { startDate: addDays(today, -5), endDate: addDays(today, 25), dueDate: addDays(today, 20) }));

/** The open period, for groups that need no commitments of their own. */
const periodContext = async () => ({ changeOrders: {}, period: await openPeriod() }) as unknown as Context;

/** A week starting the day after the latest period ends: a new period must come after every one. */
async function nextPeriodDates() {
  const list = expectStatus(await call(fx.users.admin.token, { method: 'GET', path: `${project()}/billing-periods?limit=100` }), 200, 'list periods');
  const latest: { endDate: string } | undefined = list.body.items.at(-1);
  if (list.body.nextCursor || !latest) throw new Error('expected between 1 and 100 billing periods');
  const startDate = addDays(latest.endDate, 1);
  return { startDate, endDate: addDays(startDate, 6), dueDate: addDays(startDate, 4) };
}

const listPeriods = { row: 'manage billing periods (list, close, delete) — list: read_only+ (reading)', names: /list billing periods/ } as const;
const managePeriods = { row: 'manage billing periods (list, close, delete)', names: /close or delete billing periods/ } as const;

/** A commitment shaped like `target`: private or not, the contact profiles its invoice contacts or another vendor user. */
const commitmentLike = (target: Target, options: { sov?: boolean } = {}) =>
  createCommitment(call, fx, {
    private: isPrivate(target),
    contactIds: contactsOn(target) ? fx.contactIds : [fx.spareVendorUser.userId],
    ...options,
  });

/**
 * POST …/invites/{inviteId}/response on a fresh invite: the admin creates a commitment shaped
 * like `target` and invites its contacts, then the profile answers.
 */
const respondOn = (targets: Target[], accept: boolean): RouteCase[] =>
  onTargets(targets, (target) => ({
    route: 'POST /v1/projects/{projectId}/invites/{inviteId}/response',
    variant: `${accept ? 'accept' : 'decline'} a fresh invite`,
    row: `accept or decline an 'invite to bill' (as ${contactsOn(target) ? 'its' : 'another commitment’s'} invoice contact)`,
    success: 200,
    allowed: contactsOn(target) ? contacts : [],
    names: /accept or decline an invite to bill/,
    request: async (_profile, ctx) => {
      const commitment = await commitmentLike(target, { sov: false });
      const [inviteId] = await sendInvites(call, fx, ctx.period!, [commitment]);
      return { method: 'POST', path: `${project()}/invites/${inviteId}/response`, body: { accept } };
    },
    check: (response, profile) =>
      expect(response.body).toMatchObject({ status: accept ? 'accepted' : 'declined', respondedBy: fx.users[profile].userId, version: 2 }),
  }));

// ---------------------------------------------------------------------------------------------
// Invoices, their files, and payments issued

/** The commitments an invoice or payment case works on: the contact profiles are contacts of the first two only. */
const invoiceTargets: CommitmentTarget[] = ['public', 'private', 'public-other-contact', 'private-other-contact'];

/** The profiles with standard on the commitments tool. */
const standards: readonly Profile[] = ['standard', 'standard+contact', 'standard+G(update_po,update_wo)', 'standard+private_list'];
/** “view subcontractor invoices of a visible commitment”: admin, standard; read_only only as the commitment’s contact. */
const invoiceViewers = (target: Target): readonly Profile[] => ['admin', ...standards, ...(contactsOn(target) ? (['read_only+contact'] as const) : [])];
/**
 * “create a new invoice as invoice contact” (read_only, standard, contact) or “… on behalf of an
 * invoice contact” (admin): who creates the commitment’s invoice, enters its figures and changes its attachments.
 */
const invoiceEditors = (target: Target): readonly Profile[] => ['admin', ...(contactsOn(target) ? contacts : [])];
/** “delete a subcontractor invoice”: admin; read_only/standard +G(update_purchase_order_contract, update_work_order_contract). */
const invoiceDeleters: readonly Profile[] = ['admin', 'read_only+G(update_po,update_wo)', 'standard+G(update_po,update_wo)'];
/** “forward an invoice by email”: standard, admin. */
const forwarders: readonly Profile[] = ['admin', ...standards];

/** Whether the profile may view the target's invoices: it sees the commitment, and its level (and designation) let it. */
const viewsInvoices = (profile: Profile, target: Target) => sees(profile, target) && invoiceViewers(target).includes(profile);
/** “(as its invoice contact)” or “(as another commitment’s …)”: what the contact profiles are to the target. */
const asContactOf = (target: Target) => `(as ${contactsOn(target) ? 'its' : 'another commitment’s'} invoice contact)`;

function invoiceOf(ctx: Context, target: Target): TestInvoice {
  const invoice = ctx.invoices?.[target];
  if (!invoice) throw new Error(`the group made no invoice on the ${target} commitment`);
  return invoice;
}

/**
 * A commitment per invoice target, each with (`invoice`) the admin's draft invoice for the open
 * period, then whatever `more` adds.
 */
async function targetsContext(
  options: { invoice: boolean },
  more: (ctx: Context, target: CommitmentTarget) => Promise<void> = async () => undefined,
): Promise<Context> {
  const period = options.invoice ? await openPeriod() : undefined;
  const ctx = { changeOrders: {}, period, invoices: {}, attachments: {}, spareAttachments: {}, payments: {}, sparePayments: {} } as unknown as Context;
  await Promise.all(
    invoiceTargets.map(async (target) => {
      const commitment = await commitmentLike(target, { sov: options.invoice });
      ctx[target] = commitment;
      if (options.invoice) ctx.invoices![target] = await createInvoice(call, fx, commitment);
      await more(ctx, target);
    }),
  );
  return ctx;
}

/** A GET of (something of) the target's invoice: the invoice's viewers may, of the commitments they see. */
const invoiceReads = (
  route: string,
  path: (invoice: TestInvoice, ctx: Context, target: Target) => string,
  check?: (response: ApiResponse, ctx: Context, target: Target) => void,
): RouteCase[] =>
  onTargets(invoiceTargets, (target) => ({
    route,
    row: `view subcontractor invoices of a visible commitment — read_only ${asContactOf(target)}`,
    success: 200,
    allowed: invoiceViewers(target),
    names: /view subcontractor invoices/,
    request: async (_profile, ctx) => ({ method: 'GET', path: path(invoiceOf(ctx, target), ctx, target) }),
    ...(check ? { check: (response: ApiResponse, _profile: Profile, ctx: Context) => check(response, ctx, target) } : {}),
  }));

/** The target's invoice, made again by the admin when a case deleted it. */
async function liveInvoice(ctx: Context, target: Target): Promise<TestInvoice> {
  const invoice = invoiceOf(ctx, target);
  if (await exists(call, fx, invoice.path)) return invoice;
  return (ctx.invoices![target] = await createInvoice(call, fx, commitmentOf(ctx, target)));
}

/** POST …/status moving the target's invoice `from` → `to`, once the admin has brought it to `from`. */
const statusChange = (
  from: InvoiceStatus,
  to: InvoiceStatus,
  who: (target: Target) => Pick<RouteCase, 'row' | 'allowed' | 'names'>,
): RouteCase[] =>
  onTargets(invoiceTargets, (target) => ({
    route: 'POST /v1/projects/{projectId}/invoices/{invoiceId}/status',
    variant: `${from} → ${to}`,
    ...who(target),
    success: 200,
    request: async (profile, ctx) => {
      const etag = await invoiceInStatus(call, fx, invoiceOf(ctx, target), from);
      return { method: 'POST', path: `${invoiceOf(ctx, target).path}/status`, body: { status: to, comment: `Set by ${profile}` }, headers: { 'if-match': etag } };
    },
    check: (response) => expect(response.body.status).toBe(to),
  }));

/**
 * The target's spare attachment, for a case to consume (confirm or delete): started by the admin,
 * its bytes uploaded, again once a case deleted it (or, when a `pending` one is wanted, confirmed it).
 */
async function spareAttachment(ctx: Context, target: Target, wanted: 'pending' | 'any'): Promise<TestAttachment> {
  const spare = ctx.spareAttachments![target];
  if (spare) {
    const read = await call(fx.users.admin.token, { method: 'GET', path: spare.path });
    if (read.status === 200 && (wanted === 'any' || read.body.status === 'pending')) return spare;
  }
  return (ctx.spareAttachments![target] = await createAttachment(call, fx, invoiceOf(ctx, target), { upload: true }));
}

/** The target's spare payment, for a case to delete: recorded again by the admin once deleted. */
async function sparePayment(ctx: Context, target: Target): Promise<{ paymentId: string; path: string }> {
  const spare = ctx.sparePayments![target];
  if (spare && (await exists(call, fx, spare.path))) return spare;
  return (ctx.sparePayments![target] = await createPayment(call, fx, commitmentOf(ctx, target)));
}

/** A payment schedule answering a claim served Thu 17 Dec 2026 in NSW (due Fri 8 Jan 2027). */
const scheduleBody = { claimServedOn: '2026-12-17', servedOn: '2027-01-07', lines: [] };

/** The row of a payment's read: (reading) the payments-issued tab is part of the commitment, seen by those who see it. */
const paymentReadRow = (target: Target) => `(reading) ${isPrivate(target) ? 'view a private commitment' : 'view / search commitments not private'} — its payments issued`;

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Head contracts (level on head_contracts)

const headTargets: HeadTarget[] = ['head-public', 'head-private'];

function headContractOf(ctx: Context, target: Target): TestHeadContract {
  const contract = isHeadTarget(target) ? ctx.headContracts?.[target] : undefined;
  if (!contract) throw new Error(`the group made no ${target} head contract`);
  return contract;
}

/** A pending change order on a head contract, created by the admin: its path. */
async function headChangeOrder(contract: TestHeadContract, number = freshNumber('PCCO')): Promise<string> {
  const created = await call(fx.users.admin.token, {
    method: 'POST',
    path: `${contract.path}/change-orders`,
    body: { number, title: 'Owner variation', lines: [{ kind: 'add', costCode: '16-900', description: 'Extra circuits', amountCents: 120_000 }] },
  });
  return expectStatus(created, 201, 'create a head contract change order').headers.get('location')!;
}

/** The rows of the head contracts table a case reads: its own for a private contract, else the one for those not private. */
const headViewRow = (target: Target) => (target === 'head-private' ? 'view a private head contract' : 'view a head contract that is not private');
const headEditRow = '(reading) create / edit a head contract, its SOV and change orders — admin';

/** A GET of a head contract or of what hangs off it: every level sees what it may. */
const headReads = (route: string, path: (ctx: Context, target: Target) => string, check?: (response: ApiResponse, ctx: Context, target: Target) => void): RouteCase[] =>
  onTargets(headTargets, (target) => ({
    route,
    row: headViewRow(target),
    tool: 'head_contracts',
    success: 200,
    allowed: headReaders,
    names: /view head contracts/,
    request: async (_profile, ctx) => ({ method: 'GET', path: path(ctx, target) }),
    ...(check ? { check: (response: ApiResponse, _profile: Profile, ctx: Context) => check(response, ctx, target) } : {}),
  }));

/** A write to a head contract or what hangs off it: the head-contracts admin's alone. */
const headEdits = (route: string, variant: string | undefined, success: 200 | 201 | 204, request: (profile: Profile, ctx: Context, target: Target) => Promise<ApiRequest>): RouteCase[] =>
  onTargets(headTargets, (target) => ({
    route,
    ...(variant ? { variant } : {}),
    row: headEditRow,
    tool: 'head_contracts',
    success,
    allowed: admins,
    names: /create or edit a head contract/,
    request: (profile, ctx) => request(profile, ctx, target),
  }));

async function headContractsContext(): Promise<Context> {
  const [headPublic, headPrivate] = await Promise.all([createHeadContract(call, fx), createHeadContract(call, fx, { private: true })]);
  const ctx = { changeOrders: {}, headContracts: { 'head-public': headPublic, 'head-private': headPrivate } } as unknown as Context;
  for (const target of headTargets) {
    const path = await headChangeOrder(headContractOf(ctx, target));
    ctx.changeOrders[target] = { changeOrderId: path.split('/').at(-1)!, path };
  }
  return ctx;
}

/** A fresh head contract shaped like `target` with a draft progress owner invoice in the open period, made by the admin. */
async function freshOwnerInvoice(target: Target): Promise<{ contract: TestHeadContract; path: string; body: { version: number } }> {
  await openPeriod();
  const contract = await createHeadContract(call, fx, { private: target === 'head-private' });
  const created = await call(fx.users.admin.token, { method: 'POST', path: `${contract.path}/owner-invoices`, body: {} });
  const { body } = expectStatus(created, 201, 'create an owner invoice');
  return { contract, path: created.headers.get('location')!, body };
}

/** The owner invoices the reads work on, one per head contract target. */
async function ownerInvoicesContext(): Promise<Context> {
  const [headPublic, headPrivate] = await Promise.all([freshOwnerInvoice('head-public'), freshOwnerInvoice('head-private')]);
  return {
    changeOrders: {},
    headContracts: { 'head-public': headPublic.contract, 'head-private': headPrivate.contract },
    ownerInvoices: { 'head-public': headPublic.path, 'head-private': headPrivate.path },
  } as unknown as Context;
}

const ownerInvoiceOf = (ctx: Context, target: Target) => {
  const path = isHeadTarget(target) ? ctx.ownerInvoices?.[target] : undefined;
  if (!path) throw new Error(`the group made no owner invoice on the ${target} head contract`);
  return path;
};

/** A write of owner invoices: the head-contracts admin's alone, its row named. */
const ownerInvoiceWrites = (route: string, row: string, names: RegExp, success: 200 | 201 | 202 | 204, request: (profile: Profile, ctx: Context, target: Target) => Promise<ApiRequest>): RouteCase[] =>
  onTargets(headTargets, (target) => ({ route, row, tool: 'head_contracts', success, allowed: admins, names, request: (profile, ctx) => request(profile, ctx, target) }));

/** A read of an owner invoice: whoever sees its head contract (reading: “view owner invoices of a visible head contract”). */
const ownerInvoiceReads = (route: string, path: (ctx: Context, target: Target) => string): RouteCase[] =>
  onTargets(headTargets, (target) => ({
    route,
    row: `(reading) view owner invoices of a visible head contract — ${headViewRow(target)}`,
    tool: 'head_contracts',
    success: 200,
    allowed: headReaders,
    names: /view owner invoices/,
    request: async (_profile, ctx) => ({ method: 'GET', path: path(ctx, target) }),
  }));

/** A payment received of 1 cent (the draft owner invoice asks for nothing, so it overpays, allowed): a fresh number each time. */
const receivedPayment = (profile: Profile) => ({
  paymentNumber: `R-${profile.slice(0, 20)}-${randomUUID().slice(0, 8)}`,
  method: 'electronic',
  amountCents: 1,
  receivedOn: '2026-01-15',
  allowOverpayment: true,
});

/** A payment received recorded by the admin on the owner invoice at `invoicePath`: its path. */
async function adminPaymentReceived(invoicePath: string, profile: Profile): Promise<string> {
  const created = await call(fx.users.admin.token, { method: 'POST', path: `${invoicePath}/payments`, body: receivedPayment(profile) });
  return expectStatus(created, 201, 'record a payment received').headers.get('location')!;
}

const ownerInvoiceGroup: Group = {
  name: 'owner invoices',
  setup: ownerInvoicesContext,
  cases: [
    ...ownerInvoiceWrites('POST /v1/projects/{projectId}/head-contracts/{headContractId}/owner-invoices', 'create owner invoice', /create an owner invoice/, 201, async (_profile, _ctx, target) => ({
      method: 'POST',
      path: `${(await createHeadContract(call, fx, { private: target === 'head-private' })).path}/owner-invoices`,
      body: {},
    })),
    ...onTargets(headTargets, (target) => ({
      route: 'GET /v1/projects/{projectId}/head-contracts/{headContractId}/owner-invoices',
      row: `(reading) view owner invoices of a visible head contract — ${headViewRow(target)}`,
      tool: 'head_contracts',
      success: 200,
      allowed: headReaders,
      names: /view owner invoices/,
      request: async (_profile, ctx) => ({ method: 'GET', path: `${headContractOf(ctx, target).path}/owner-invoices` }),
      check: (response) => expect(response.body.items).toHaveLength(1),
    })),
    ...ownerInvoiceReads('GET /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}', (ctx, target) => ownerInvoiceOf(ctx, target)),
    ...ownerInvoiceReads('GET /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}/history', (ctx, target) => `${ownerInvoiceOf(ctx, target)}/history`),
    ...ownerInvoiceWrites('PATCH /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}', 'delete / edit owner invoice', /edit or delete an owner invoice/, 200, async (profile, ctx, target) => {
      const read = expectStatus(await call(fx.users.admin.token, { method: 'GET', path: ownerInvoiceOf(ctx, target) }), 200, 'read the owner invoice');
      return {
        method: 'PATCH',
        path: ownerInvoiceOf(ctx, target),
        body: { lines: [{ lineId: read.body.lines[0].lineId, workThisPeriodCents: 1_000 + profile.length }] },
        headers: { 'if-match': read.headers.get('etag')! },
      };
    }),
    ...ownerInvoiceWrites('POST /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}/prefill', 'delete / edit owner invoice', /edit or delete an owner invoice/, 200, async (_profile, ctx, target) => {
      const read = expectStatus(await call(fx.users.admin.token, { method: 'GET', path: ownerInvoiceOf(ctx, target) }), 200, 'read the owner invoice');
      return { method: 'POST', path: `${ownerInvoiceOf(ctx, target)}/prefill`, headers: { 'if-match': read.headers.get('etag')! } };
    }),
    ...ownerInvoiceWrites('POST /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}/summary-preview', 'view owner invoice summary preview', /view an owner invoice summary preview/, 200, async (_profile, ctx, target) => ({
      method: 'POST',
      path: `${ownerInvoiceOf(ctx, target)}/summary-preview`,
      body: { lines: [], allLines: { workRetainagePercent: '5' } },
    })),
    ...ownerInvoiceWrites('GET /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}/g703.csv', 'export owner invoice (PDF) — its G703 lines as CSV', /export an owner invoice/, 200, async (_profile, ctx, target) => ({
      method: 'GET',
      path: `${ownerInvoiceOf(ctx, target)}/g703.csv`,
    })),
    ...ownerInvoiceWrites('GET /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}/pdf', 'export owner invoice (PDF)', /export an owner invoice/, 200, async (_profile, ctx, target) => ({
      method: 'GET',
      path: `${ownerInvoiceOf(ctx, target)}/pdf`,
    })),
    ...ownerInvoiceWrites('POST /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}/email', 'email owner invoice', /email an owner invoice/, 202, async (_profile, ctx, target) => ({
      method: 'POST',
      path: `${ownerInvoiceOf(ctx, target)}/email`,
      body: { to: ['owner@client.example'] },
    })),
    ...ownerInvoiceWrites('DELETE /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}', 'delete / edit owner invoice', /edit or delete an owner invoice/, 204, async (_profile, _ctx, target) => ({
      method: 'DELETE',
      path: (await freshOwnerInvoice(target)).path,
    })),
    ...ownerInvoiceWrites('POST /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}/payments', 'record a payment received', /record a payment received/, 201, async (profile, ctx, target) => ({
      method: 'POST',
      path: `${ownerInvoiceOf(ctx, target)}/payments`,
      body: receivedPayment(profile),
    })),
    ...ownerInvoiceReads('GET /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}/payments', (ctx, target) => `${ownerInvoiceOf(ctx, target)}/payments`),
    ...onTargets(headTargets, (target) => ({
      route: 'GET /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}/payments/{paymentId}',
      row: `(reading) view owner invoices of a visible head contract — ${headViewRow(target)}`,
      tool: 'head_contracts',
      success: 200,
      allowed: headReaders,
      names: /view owner invoices/,
      request: async (profile, ctx) => ({ method: 'GET', path: await adminPaymentReceived(ownerInvoiceOf(ctx, target), profile) }),
    })),
    ...ownerInvoiceWrites('DELETE /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}/payments/{paymentId}', 'record a payment received', /record a payment received/, 204, async (profile, ctx, target) => ({
      method: 'DELETE',
      path: await adminPaymentReceived(ownerInvoiceOf(ctx, target), profile),
    })),
    ...ownerInvoiceWrites('POST /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}/status', '(reading) delete / edit owner invoice — sending it to the owner and recording the answer', /edit or delete an owner invoice/, 200, async (_profile, _ctx, target) => {
      const fresh = await freshOwnerInvoice(target);
      return { method: 'POST', path: `${fresh.path}/status`, body: { status: 'under_review' }, headers: { 'if-match': `"${fresh.body.version}"` } };
    }),
  ],
};

/** An approved owner invoice on a fresh head contract shaped like `target` with one owner contact, sent for signature by the admin. */
async function ownerInvoiceOutForSignature(target: Target): Promise<{ contract: TestHeadContract; path: string }> {
  await openPeriod();
  const admin = fx.users.admin.token;
  const contract = await createHeadContract(call, fx, { private: target === 'head-private', ownerContactEmails: ['owner.rep@example.test'] });
  const created = expectStatus(await call(admin, { method: 'POST', path: `${contract.path}/owner-invoices`, body: {} }), 201, 'create an owner invoice');
  const path = created.headers.get('location')!;
  let etag = created.headers.get('etag')!;
  for (const status of ['under_review', 'approved']) {
    etag = expectStatus(await call(admin, { method: 'POST', path: `${path}/status`, body: { status }, headers: { 'if-match': etag } }), 200, status).headers.get('etag')!;
  }
  const sent = await call(admin, { method: 'POST', path: `${project()}/owner-invoices/bulk-signature`, body: { invoiceIds: [path.split('/').at(-1)!] } });
  expect(expectStatus(sent, 200, 'send the owner invoice for signature').body.results[0]).toMatchObject({ ok: true });
  return { contract, path };
}

const ownerSignatureRow = 'bulk send owner invoices for e-signature';
const ownerSignatureGroup: Group = {
  name: 'owner invoices: e-signature',
  // Approved owner invoices, each already sent for signature (by the admin), so every route has a request to act on.
  setup: async () => {
    const [headPublic, headPrivate] = await Promise.all([ownerInvoiceOutForSignature('head-public'), ownerInvoiceOutForSignature('head-private')]);
    return {
      changeOrders: {},
      headContracts: { 'head-public': headPublic.contract, 'head-private': headPrivate.contract },
      ownerInvoices: { 'head-public': headPublic.path, 'head-private': headPrivate.path },
    } as unknown as Context;
  },
  cases: [
    {
      route: 'POST /v1/projects/{projectId}/owner-invoices/bulk-signature',
      variant: 'the two owner invoices, already out for signature (answered 409 each)',
      row: ownerSignatureRow,
      tool: 'head_contracts',
      target: 'project',
      success: 200,
      allowed: admins,
      names: /bulk send owner invoices for e-signature/,
      request: async (_profile, ctx) => ({
        method: 'POST',
        path: `${project()}/owner-invoices/bulk-signature`,
        body: { invoiceIds: headTargets.map((target) => ownerInvoiceOf(ctx, target).split('/').at(-1)!) },
      }),
      check: (response) => expect(response.body.results.map((r: { status: number }) => r.status)).toEqual([409, 409]),
    },
    ...ownerInvoiceReads('GET /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}/signature', (ctx, target) => `${ownerInvoiceOf(ctx, target)}/signature`),
    ...ownerInvoiceWrites('POST /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}/signature/resend', `${ownerSignatureRow}: resend a link`, /bulk send owner invoices for e-signature/, 200, async (_profile, ctx, target) => ({
      method: 'POST',
      path: `${ownerInvoiceOf(ctx, target)}/signature/resend`,
    })),
    ...ownerInvoiceWrites('POST /v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}/signature/void', `${ownerSignatureRow}: void`, /bulk send owner invoices for e-signature/, 200, async (_profile, ctx, target) => ({
      method: 'POST',
      path: `${ownerInvoiceOf(ctx, target)}/signature/void`,
      body: {},
    })),
  ],
};

const headContractGroups: Group[] = [
  {
    name: 'head contracts: create, list, read, edit, delete',
    setup: headContractsContext,
    cases: [
      {
        route: 'POST /v1/projects/{projectId}/head-contracts',
        row: headEditRow,
        tool: 'head_contracts',
        target: 'project',
        success: 201,
        allowed: admins,
        names: /create or edit a head contract/,
        request: async () => ({
          method: 'POST',
          path: `${project()}/head-contracts`,
          body: { number: freshNumber('PC'), title: 'Main works', ownerCompanyName: 'Harbour Tower Developments Pty Ltd' },
        }),
        check: (response) => expect(response.body).toMatchObject({ status: 'draft', lineCount: 0 }),
      },
      {
        route: 'GET /v1/projects/{projectId}/head-contracts',
        row: 'view a head contract that is not private; view a private head contract',
        tool: 'head_contracts',
        target: 'project',
        success: 200,
        allowed: headReaders,
        names: /view head contracts/,
        request: async () => ({ method: 'GET', path: `${project()}/head-contracts?limit=100` }),
        // The private one is listed exactly for those who may see it.
        check: (response, profile, ctx) => {
          const ids = response.body.items.map((c: { headContractId: string }) => c.headContractId);
          expect(ids).toContain(headContractOf(ctx, 'head-public').headContractId);
          expect(ids.includes(headContractOf(ctx, 'head-private').headContractId)).toBe(seesHeadContract(profile, 'head-private'));
        },
      },
      ...headReads('GET /v1/projects/{projectId}/head-contracts/{headContractId}', (ctx, target) => headContractOf(ctx, target).path, (response, ctx, target) =>
        expect(response.body.headContractId).toBe(headContractOf(ctx, target).headContractId),
      ),
      ...headEdits('PATCH /v1/projects/{projectId}/head-contracts/{headContractId}', undefined, 200, (profile, ctx, target) =>
        current('PATCH', headContractOf(ctx, target).path, { title: `Main works (edited by ${profile})`, status: 'out_for_signature' }),
      ),
      ...headEdits('DELETE /v1/projects/{projectId}/head-contracts/{headContractId}', 'a fresh draft shaped like the target', 204, async (_profile, _ctx, target) => ({
        method: 'DELETE',
        path: (await createHeadContract(call, fx, { private: target === 'head-private', sov: false })).path,
      })),
    ],
  },
  {
    name: 'head contracts: schedule of values and change orders',
    setup: headContractsContext,
    cases: [
      ...headReads('GET /v1/projects/{projectId}/head-contracts/{headContractId}/sov', (ctx, target) => `${headContractOf(ctx, target).path}/sov`, (response) =>
        expect(response.body.totals.originalContractSumCents).toBe(25_000_050),
      ),
      ...headEdits('PUT /v1/projects/{projectId}/head-contracts/{headContractId}/sov', undefined, 200, (_profile, ctx, target) =>
        current('PUT', `${headContractOf(ctx, target).path}/sov`, { lines: headContractLines }),
      ),
      ...headEdits('PATCH /v1/projects/{projectId}/head-contracts/{headContractId}/sov/lines/{lineId}', undefined, 200, async (profile, ctx, target) => {
        const path = `${headContractOf(ctx, target).path}/sov`;
        const sov = await call(fx.users.admin.token, { method: 'GET', path });
        return { method: 'PATCH', path: `${path}/lines/${sov.body.lines[0].lineId}`, body: { description: `Edited by ${profile}` }, headers: { 'if-match': sov.headers.get('etag')! } };
      }),
      ...headReads('GET /v1/projects/{projectId}/head-contracts/{headContractId}/change-orders', (ctx, target) => `${headContractOf(ctx, target).path}/change-orders`),
      ...headEdits('POST /v1/projects/{projectId}/head-contracts/{headContractId}/change-orders', undefined, 201, async (profile, ctx, target) => ({
        method: 'POST',
        path: `${headContractOf(ctx, target).path}/change-orders`,
        body: { number: freshNumber('PCCO'), title: `Variation raised by ${profile}`, lines: [{ kind: 'add', description: 'Extra lift', amountCents: 99_999 }] },
      })),
      ...headReads('GET /v1/projects/{projectId}/head-contracts/{headContractId}/change-orders/{changeOrderId}', (ctx, target) => ctx.changeOrders[target]!.path),
      ...headEdits('PATCH /v1/projects/{projectId}/head-contracts/{headContractId}/change-orders/{changeOrderId}', 'fields of a pending change order', 200, (profile, ctx, target) =>
        current('PATCH', ctx.changeOrders[target]!.path, { title: `Variation edited by ${profile}` }),
      ),
      ...headEdits('PATCH /v1/projects/{projectId}/head-contracts/{headContractId}/change-orders/{changeOrderId}', 'status: approved (a fresh pending change order)', 200, async (_profile, ctx, target) =>
        current('PATCH', await headChangeOrder(headContractOf(ctx, target)), { status: 'approved' }),
      ),
    ],
  },
];

const groups: Group[] = [
  {
    name: 'project, settings, members',
    cases: [
      {
        route: 'GET /v1/projects/{projectId}',
        row: '(reading) view the project',
        target: 'project',
        success: 200,
        allowed: readers,
        names: /view the project/,
        request: async () => ({ method: 'GET', path: project() }),
      },
      {
        route: 'GET /v1/projects/{projectId}/settings',
        row: '(reading) view the project',
        target: 'project',
        success: 200,
        allowed: readers,
        names: /view the project/,
        request: async () => ({ method: 'GET', path: `${project()}/settings` }),
      },
      {
        route: 'PATCH /v1/projects/{projectId}/settings',
        row: 'configure invoicing settings',
        target: 'project',
        success: 200,
        allowed: admins,
        names: /configure invoicing settings/,
        request: () => current('PATCH', `${project()}/settings`, { retainage: { workPercent: '5' }, overbillingAllowed: false }),
        check: (response) => expect(response.body.retainage.workPercent).toBe('5'),
      },
      {
        route: 'GET /v1/projects/{projectId}/members',
        row: '(reading) view the project’s members',
        target: 'project',
        success: 200,
        allowed: readers,
        names: /members/,
        request: async () => ({ method: 'GET', path: `${project()}/members?limit=100` }),
        check: (response) => expect(response.body.items.map((m: { userId: string }) => m.userId)).toContain(fx.users.admin.userId),
      },
      {
        route: 'PUT /v1/projects/{projectId}/members/{userId}',
        row: '(reading) add, change or remove members',
        target: 'project',
        success: 200,
        allowed: admins,
        names: /members/,
        request: async () => ({
          method: 'PUT',
          path: `${project()}/members/${fx.memberTarget.userId}`,
          body: { commitments: 'standard', headContracts: 'read_only', granular: ['update_purchase_order_contract'] },
        }),
        check: (response) => expect(response.body.levels).toEqual({ commitments: 'standard', headContracts: 'read_only' }),
      },
      {
        route: 'DELETE /v1/projects/{projectId}/members/{userId}',
        row: '(reading) add, change or remove members',
        target: 'project',
        success: 204,
        allowed: admins,
        names: /members/,
        request: async () => ({ method: 'DELETE', path: `${project()}/members/${await freshMember(fx)}` }),
      },
    ],
  },
  {
    name: 'vendors',
    cases: [
      {
        route: 'GET /v1/projects/{projectId}/vendors',
        row: '(reading) view the project’s vendors',
        target: 'project',
        success: 200,
        allowed: readers,
        names: /vendors/,
        request: async () => ({ method: 'GET', path: `${project()}/vendors` }),
        check: (response) => expect(response.body.items.map((v: { vendorId: string }) => v.vendorId)).toContain(fx.vendorId),
      },
      {
        route: 'GET /v1/projects/{projectId}/vendors/{vendorId}',
        row: '(reading) view the project’s vendors',
        target: 'project',
        success: 200,
        allowed: readers,
        names: /vendors/,
        request: async () => ({ method: 'GET', path: `${project()}/vendors/${fx.vendorId}` }),
      },
      {
        route: 'POST /v1/projects/{projectId}/vendors',
        row: '(reading) add vendors and their users',
        target: 'project',
        success: 201,
        allowed: admins,
        names: /add vendors/,
        request: async (profile) => ({ method: 'POST', path: `${project()}/vendors`, body: { name: `Vendor added by ${profile} ${freshNumber()}` } }),
      },
      {
        route: 'POST /v1/projects/{projectId}/vendors/{vendorId}/users',
        row: '(reading) add vendors and their users',
        target: 'project',
        success: 201,
        allowed: admins,
        names: /add vendors/,
        request: async (profile) => ({
          method: 'POST',
          path: `${project()}/vendors/${fx.vendorId}/users`,
          body: { email: `${tag(profile)}-${freshNumber().toLowerCase()}@vendor.example.test`, name: 'New Vendor Person' },
        }),
      },
    ],
  },
  {
    name: 'commitments: create, list, read',
    setup: () => commitmentsContext(),
    cases: [
      {
        route: 'POST /v1/projects/{projectId}/commitments',
        variant: 'purchase order',
        row: 'create a purchase order',
        target: 'project',
        success: 201,
        allowed: createPurchaseOrder,
        names: /create a purchase order/,
        request: async () => ({
          method: 'POST',
          path: `${project()}/commitments`,
          body: { type: 'purchase_order', number: freshNumber('PO'), title: 'Light fittings supply', vendorId: fx.vendorId },
        }),
        check: (response) => expect(response.body).toMatchObject({ type: 'purchase_order', status: 'draft' }),
      },
      {
        route: 'POST /v1/projects/{projectId}/commitments',
        variant: 'subcontract',
        row: 'create a subcontract',
        target: 'project',
        success: 201,
        allowed: createSubcontract,
        names: /create a subcontract/,
        request: async () => ({
          method: 'POST',
          path: `${project()}/commitments`,
          body: { type: 'subcontract', number: freshNumber('SC'), title: 'Electrical services', vendorId: fx.vendorId, accountingMethod: 'unit' },
        }),
        check: (response) => expect(response.body).toMatchObject({ type: 'subcontract', accountingMethod: 'unit' }),
      },
      {
        route: 'GET /v1/projects/{projectId}/commitments',
        variant: '?q= the private commitment’s number',
        row: 'view / search commitments not private; view a private commitment',
        target: 'project',
        success: 200,
        allowed: readers,
        names: /view and search commitments/,
        request: async (_profile, ctx) => ({ method: 'GET', path: `${project()}/commitments?q=${encodeURIComponent(ctx.private.number.toLowerCase())}` }),
        // The private one is listed exactly for those who may see it.
        check: (response, profile, ctx) =>
          expect(response.body.items.map((c: { commitmentId: string }) => c.commitmentId)).toEqual(
            sees(profile, 'private') ? [ctx.private.commitmentId] : [],
          ),
      },
      {
        route: 'GET /v1/projects/{projectId}/commitments',
        variant: 'all, a page at a time',
        row: 'view / search commitments not private',
        target: 'project',
        success: 200,
        allowed: readers,
        names: /view and search commitments/,
        request: async () => ({ method: 'GET', path: `${project()}/commitments?limit=100` }),
        check: (response, profile, ctx) => {
          const ids = response.body.items.map((c: { commitmentId: string }) => c.commitmentId);
          expect(ids).toContain(ctx.public.commitmentId);
          expect(ids.includes(ctx.private.commitmentId)).toBe(sees(profile, 'private'));
        },
      },
      ...readsOn(
        ['public', 'private'],
        'GET /v1/projects/{projectId}/commitments/{commitmentId}',
        (ctx, target) => commitmentOf(ctx, target).path,
        (response, ctx, target) => expect(response.body.commitmentId).toBe(commitmentOf(ctx, target).commitmentId),
      ),
    ],
  },
  {
    name: 'commitments: edit',
    setup: () => commitmentsContext(),
    cases: commitmentEdits.flatMap(({ body, ...edit }) =>
      onTargets(['public', 'private'], (target) => ({
        route: 'PATCH /v1/projects/{projectId}/commitments/{commitmentId}',
        ...edit,
        success: 200,
        allowed: admins,
        request: (profile, ctx) => current('PATCH', commitmentOf(ctx, target).path, body(profile)),
      })),
    ),
  },
  {
    name: 'schedule of values',
    setup: () => commitmentsContext(),
    cases: [
      ...readsOn(
        ['public', 'private', 'unit'],
        'GET /v1/projects/{projectId}/commitments/{commitmentId}/sov',
        (ctx, target) => `${commitmentOf(ctx, target).path}/sov`,
        (response, _ctx, target) => expect(response.body.totals.contractSumToDateCents).toBe(sovTotal(target)),
      ),
      ...onTargets(['public', 'private', 'unit'], (target) => ({
        route: 'PUT /v1/projects/{projectId}/commitments/{commitmentId}/sov',
        row: 'edit a commitment’s SOV',
        success: 200,
        allowed: editSov,
        names: /schedule of values/,
        request: (_profile, ctx) => current('PUT', `${commitmentOf(ctx, target).path}/sov`, { lines: target === 'unit' ? unitLines : amountLines }),
        check: (response) => expect(response.body.totals.contractSumToDateCents).toBe(sovTotal(target)),
      })),
      ...onTargets(['public', 'private', 'unit'], (target) => ({
        route: 'PATCH /v1/projects/{projectId}/commitments/{commitmentId}/sov/lines/{lineId}',
        row: 'edit a commitment’s SOV',
        success: 200,
        allowed: editSov,
        names: /schedule of values/,
        request: async (profile, ctx) => {
          const path = `${commitmentOf(ctx, target).path}/sov`;
          const sov = await call(fx.users.admin.token, { method: 'GET', path });
          return {
            method: 'PATCH',
            path: `${path}/lines/${sov.body.lines[0].lineId}`,
            body: { description: `Edited by ${profile}` },
            headers: { 'if-match': sov.headers.get('etag')! },
          };
        },
        check: (response, profile) => expect(response.body.lines[0].description).toBe(`Edited by ${profile}`),
      })),
    ],
  },
  {
    name: 'change orders',
    setup: async () => {
      const ctx = await commitmentsContext();
      for (const target of ['public', 'private'] as const) ctx.changeOrders[target] = await createChangeOrder(call, fx, ctx[target]);
      return ctx;
    },
    cases: [
      ...onTargets(['public', 'private', 'unit'], (target) => ({
        route: 'POST /v1/projects/{projectId}/commitments/{commitmentId}/change-orders',
        row: '(reading) create or edit a change order — follows “edit a commitment’s SOV”',
        success: 201,
        allowed: editSov,
        names: /change orders/,
        request: async (profile, ctx) => ({
          method: 'POST',
          path: `${commitmentOf(ctx, target).path}/change-orders`,
          body: {
            number: freshNumber('CO'),
            title: `Variation raised by ${profile}`,
            lines: [
              target === 'unit'
                ? { kind: 'add', description: 'Extra conduit', quantity: '2', unitOfMeasure: 'm', unitPrice: '123.45' }
                : { kind: 'add', costCode: '16-900', description: 'Extra circuits', amountCents: 120_000 },
            ],
          },
        }),
        check: (response) => expect(response.body.status).toBe('pending'),
      })),
      ...readsOn(
        ['public', 'private'],
        'GET /v1/projects/{projectId}/commitments/{commitmentId}/change-orders',
        (ctx, target) => `${commitmentOf(ctx, target).path}/change-orders`,
      ),
      ...readsOn(
        ['public', 'private'],
        'GET /v1/projects/{projectId}/commitments/{commitmentId}/change-orders/{changeOrderId}',
        (ctx, target) => ctx.changeOrders[target]!.path,
      ),
      ...onTargets(['public', 'private'], (target) => ({
        route: 'PATCH /v1/projects/{projectId}/commitments/{commitmentId}/change-orders/{changeOrderId}',
        variant: 'fields of a pending change order',
        row: '(reading) create or edit a change order — follows “edit a commitment’s SOV”',
        success: 200,
        allowed: editSov,
        names: /change orders/,
        request: (profile, ctx) => current('PATCH', ctx.changeOrders[target]!.path, { title: `Variation edited by ${profile}` }),
      })),
      ...(['approved', 'void'] as const).flatMap((status) =>
        onTargets(['public', 'private'], (target) => ({
          route: 'PATCH /v1/projects/{projectId}/commitments/{commitmentId}/change-orders/{changeOrderId}',
          variant: `status: ${status} (a fresh pending change order)`,
          row: '(reading) approve or void a change order',
          success: 200,
          allowed: admins,
          names: /approve or void/,
          request: async (_profile, ctx) => current('PATCH', (await createChangeOrder(call, fx, commitmentOf(ctx, target))).path, { status }),
          check: (response) => expect(response.body.status).toBe(status),
        })),
      ),
    ],
  },
  ...headContractGroups,
  ownerInvoiceGroup,
  ownerSignatureGroup,
  {
    name: 'subcontractor SOV: read and edit',
    setup: () => commitmentsContext({ ssov: true }),
    cases: [
      ...readsOn(['public', 'private'], 'GET /v1/projects/{projectId}/commitments/{commitmentId}/ssov', (ctx, target) => `${commitmentOf(ctx, target).path}/ssov`),
      ...onTargets(['public', 'private'], (target) => ({
        route: 'PUT /v1/projects/{projectId}/commitments/{commitmentId}/ssov',
        row: 'update the SSOV as invoice contact; create a subcontractor SOV (SSOV)',
        success: 200,
        allowed: editSsov,
        names: /subcontractor SOV/,
        request: async (_profile, ctx) => {
          const commitment = commitmentOf(ctx, target);
          return current('PUT', `${commitment.path}/ssov`, { lines: await fullAllocation(call, fx, commitment) });
        },
        check: (response) => expect(response.body).toMatchObject({ status: 'draft', fullyAllocated: true }),
      })),
    ],
  },
  {
    name: 'subcontractor SOV: submit',
    setup: () => commitmentsContext({ ssov: true }),
    cases: ssovStatus(
      'editable',
      { status: 'under_review' },
      { variant: 'under_review (submit)', row: 'update the SSOV as invoice contact; create a subcontractor SOV (SSOV)', allowed: editSsov, names: /subcontractor SOV/ },
    ),
  },
  {
    name: 'subcontractor SOV: review',
    setup: () => commitmentsContext({ ssov: true }),
    cases: [
      ...ssovStatus(
        'under_review',
        { status: 'revise_and_resubmit', comment: 'Break the switchboard down by board.' },
        { variant: 'revise_and_resubmit', row: '(reading) review a subcontractor SOV', allowed: admins, names: /review a subcontractor SOV/ },
      ),
      ...ssovStatus('under_review', { status: 'approved' }, { variant: 'approved', row: '(reading) review a subcontractor SOV', allowed: admins, names: /review a subcontractor SOV/ }),
    ],
  },
  {
    name: 'billing periods: read and edit',
    setup: periodContext,
    cases: [
      {
        route: 'GET /v1/projects/{projectId}/billing-periods',
        ...listPeriods,
        target: 'project',
        success: 200,
        allowed: readers,
        request: async () => ({ method: 'GET', path: `${project()}/billing-periods?limit=100` }),
        check: (response, _profile, ctx) =>
          expect(response.body.items.map((p: { billingPeriodId: string }) => p.billingPeriodId)).toContain(ctx.period!.billingPeriodId),
      },
      {
        route: 'GET /v1/projects/{projectId}/billing-periods/current',
        ...listPeriods,
        target: 'project',
        success: 200,
        allowed: readers,
        request: async () => ({ method: 'GET', path: `${project()}/billing-periods/current` }),
        check: (response, _profile, ctx) => expect(response.body).toMatchObject({ billingPeriodId: ctx.period!.billingPeriodId, status: 'open' }),
      },
      {
        route: 'GET /v1/projects/{projectId}/billing-periods/{billingPeriodId}',
        ...listPeriods,
        target: 'project',
        success: 200,
        allowed: readers,
        request: async (_profile, ctx) => ({ method: 'GET', path: ctx.period!.path }),
        check: (response, _profile, ctx) => expect(response.body.billingPeriodId).toBe(ctx.period!.billingPeriodId),
      },
      {
        route: 'PATCH /v1/projects/{projectId}/billing-periods/{billingPeriodId}',
        variant: 'the open period’s due date',
        row: 'edit billing periods',
        target: 'project',
        success: 200,
        allowed: admins,
        names: /edit billing periods/,
        // Still open and not past due: the invites' groups use it next.
        request: (_profile, ctx) => current('PATCH', ctx.period!.path, { dueDate: addDays(today, 21) }),
        check: (response) => expect(response.body).toMatchObject({ dueDate: addDays(today, 21), status: 'open' }),
      },
    ],
  },
  {
    name: 'invites: send and list',
    setup: async () => ({ ...(await commitmentsContext()), period: await openPeriod() }),
    cases: [
      {
        route: 'POST /v1/projects/{projectId}/billing-periods/{billingPeriodId}/invites',
        variant: 'a public and a private commitment',
        row: "send an 'invite to bill'",
        target: 'project',
        success: 200,
        allowed: admins,
        names: /send an invite to bill/,
        request: async (_profile, ctx) => ({
          method: 'POST',
          path: `${ctx.period!.path}/invites`,
          body: { commitmentIds: [ctx.public.commitmentId, ctx.private.commitmentId], invoiceType: 'work_materials_retainage' },
        }),
        check: (response, _profile, ctx) =>
          expect(response.body).toEqual({
            invited: [ctx.public, ctx.private].map((c) => ({ commitmentId: c.commitmentId, inviteId: `${ctx.period!.billingPeriodId}.${c.commitmentId}` })),
            refused: [],
          }),
      },
      {
        route: 'GET /v1/projects/{projectId}/billing-periods/{billingPeriodId}/invites',
        row: '(reading) view / search commitments not private; view a private commitment — the period’s invites, of the commitments one sees',
        target: 'project',
        success: 200,
        allowed: readers,
        names: /view and search commitments/,
        request: async (_profile, ctx) => ({ method: 'GET', path: `${ctx.period!.path}/invites` }),
        // The private commitment's row is there exactly for those who may see it.
        check: (response, profile, ctx) => {
          const status = new Map(response.body.items.map((r: { commitmentId: string; status: string }) => [r.commitmentId, r.status]));
          expect(status.get(ctx.public.commitmentId)).toBe('invited');
          expect(status.get(commitmentOf(ctx, 'unit').commitmentId)).toBe('not_invited');
          expect(status.get(ctx.private.commitmentId)).toBe(sees(profile, 'private') ? 'invited' : undefined);
        },
      },
    ],
  },
  {
    name: 'invites: resend',
    setup: periodContext,
    cases: onTargets(['public', 'private'], (target) => ({
      route: 'POST /v1/projects/{projectId}/invites/{inviteId}/resend',
      variant: 'a fresh invite whose emails failed',
      row: "send an 'invite to bill' — again, when its emails failed or are stuck",
      success: 200,
      allowed: admins,
      names: /send an invite to bill/,
      request: async (_profile, ctx) => {
        const commitment = await commitmentLike(target, { sov: false });
        const [inviteId] = await sendInvites(call, fx, ctx.period!, [commitment]);
        await db().Invite.patch({ projectId: fx.projectId, ...parseInviteId(inviteId!)! }).set({ emailStatus: 'failed', emailError: 'SES said no' }).go();
        return { method: 'POST', path: `${project()}/invites/${inviteId}/resend` };
      },
      check: (response) => expect(response.body).toMatchObject({ status: 'invited', emailStatus: 'pending', emailError: null }),
    })),
  },
  {
    name: 'invites: respond',
    setup: periodContext,
    cases: [...respondOn(['public', 'private', 'public-other-contact', 'private-other-contact'], true), ...respondOn(['public', 'private'], false)],
  },
  {
    name: 'invoices: create',
    setup: periodContext,
    cases: onTargets(invoiceTargets, (target) => ({
      route: 'POST /v1/projects/{projectId}/commitments/{commitmentId}/invoices',
      variant: 'a fresh commitment with its SOV',
      row: `create a new invoice as invoice contact ${asContactOf(target)}; create an invoice on behalf of an invoice contact`,
      success: 201,
      allowed: invoiceEditors(target),
      names: /create an invoice on behalf of an invoice contact/,
      // One progress invoice per commitment and period: each case bills a commitment of its own.
      request: async () => ({ method: 'POST', path: `${(await commitmentLike(target)).path}/invoices`, body: {} }),
      check: (response, profile, ctx) =>
        expect(response.body).toMatchObject({
          status: 'draft',
          position: 1,
          billingPeriodId: ctx.period!.billingPeriodId,
          createdBy: fx.users[profile].userId,
        }),
    })),
  },
  {
    name: 'invoices: list, read, edit, history',
    setup: () => targetsContext({ invoice: true }),
    cases: [
      ...invoiceTargets.map(
        (of): RouteCase => ({
          route: 'GET /v1/projects/{projectId}/invoices',
          variant: `?commitmentId= of the ${of} commitment`,
          row: `view subcontractor invoices of a visible commitment — (reading) every member lists, and sees the invoices they may view; read_only ${asContactOf(of)}`,
          target: 'project',
          success: 200,
          allowed: readers,
          names: /view subcontractor invoices/,
          request: async (_profile, ctx) => ({ method: 'GET', path: `${project()}/invoices?commitmentId=${commitmentOf(ctx, of).commitmentId}` }),
          check: (response, profile, ctx) =>
            expect(response.body.items.map((i: { invoiceId: string }) => i.invoiceId)).toEqual(viewsInvoices(profile, of) ? [invoiceOf(ctx, of).invoiceId] : []),
        }),
      ),
      ...invoiceReads(
        'GET /v1/projects/{projectId}/invoices/{invoiceId}',
        (invoice) => invoice.path,
        (response, ctx, target) => expect(response.body).toMatchObject({ invoiceId: invoiceOf(ctx, target).invoiceId, commitmentId: commitmentOf(ctx, target).commitmentId }),
      ),
      ...invoiceReads(
        'GET /v1/projects/{projectId}/invoices/{invoiceId}/history',
        (invoice) => `${invoice.path}/history`,
        (response) => expect(response.body.items[0]).toMatchObject({ type: 'created', toStatus: 'draft' }),
      ),
      ...onTargets(invoiceTargets, (target) => ({
        route: 'PATCH /v1/projects/{projectId}/invoices/{invoiceId}',
        variant: 'work this period on a line of the draft',
        row: `(reading) enter an invoice’s figures — create a new invoice as invoice contact ${asContactOf(target)}; create an invoice on behalf of an invoice contact`,
        success: 200,
        allowed: invoiceEditors(target),
        names: /create an invoice on behalf of an invoice contact/,
        request: async (profile, ctx) => {
          const invoice = invoiceOf(ctx, target);
          return current('PATCH', invoice.path, { lines: [{ lineId: invoice.lineIds[0]!, workThisPeriodCents: 100_000 + profiles.indexOf(profile) }] });
        },
        check: (response, profile) => expect(response.body.lines[0].workThisPeriodCents).toBe(100_000 + profiles.indexOf(profile)),
      })),
    ],
  },
  {
    name: 'invoices: delete',
    setup: () => targetsContext({ invoice: true }),
    cases: onTargets(invoiceTargets, (target) => ({
      route: 'DELETE /v1/projects/{projectId}/invoices/{invoiceId}',
      variant: 'the commitment’s only invoice, a draft (made again once deleted)',
      row: `delete a subcontractor invoice — contacts ${asContactOf(target)} have no say`,
      success: 204,
      allowed: invoiceDeleters,
      names: /delete a subcontractor invoice/,
      request: async (_profile, ctx) => ({ method: 'DELETE', path: (await liveInvoice(ctx, target)).path }),
    })),
  },
  {
    name: 'invoices: status, review, bulk status',
    setup: () => targetsContext({ invoice: true }),
    cases: [
      ...statusChange('draft', 'under_review', (target) => ({
        row: `submit a new invoice as invoice contact ${asContactOf(target)}; review an invoice as invoice administrator (change status)`,
        allowed: invoiceEditors(target),
        names: /submit an invoice as invoice contact/,
      })),
      ...statusChange('revise_and_resubmit', 'under_review', (target) => ({
        row: `revise & resubmit an invoice as invoice contact ${asContactOf(target)}; review an invoice as invoice administrator (change status)`,
        allowed: invoiceEditors(target),
        names: /revise and resubmit an invoice as invoice contact/,
      })),
      ...(['revise_and_resubmit', 'approved'] as const).flatMap((to) =>
        statusChange('under_review', to, () => ({
          row: 'review an invoice as invoice administrator (change status)',
          allowed: admins,
          names: /review an invoice as invoice administrator/,
        })),
      ),
      ...onTargets(invoiceTargets, (target) => ({
        route: 'POST /v1/projects/{projectId}/invoices/{invoiceId}/review',
        variant: 'approve a line of an invoice under review',
        row: `review an invoice as invoice administrator — (reading) its lines, one by one; not the contacts ${asContactOf(target)}`,
        success: 200,
        allowed: admins,
        names: /review an invoice as invoice administrator/,
        request: async (profile, ctx) => {
          const invoice = invoiceOf(ctx, target);
          const etag = await invoiceInStatus(call, fx, invoice, 'under_review');
          return {
            method: 'POST',
            path: `${invoice.path}/review`,
            body: { decisions: [{ lineId: invoice.lineIds[0]!, approved: true }], comment: `Reviewed by ${profile}` },
            headers: { 'if-match': etag },
          };
        },
        check: (response) => {
          expect(response.body.status).toBe('under_review');
          expect(response.body.lines[0].review).toMatchObject({ approved: true, by: fx.users.admin.userId });
        },
      })),
      {
        route: 'POST /v1/projects/{projectId}/invoices/bulk-status',
        variant: 'the four invoices, draft → under_review',
        row: 'bulk edit subcontractor invoice status',
        target: 'project',
        success: 200,
        allowed: admins,
        names: /bulk edit subcontractor invoice status/,
        request: async (_profile, ctx) => {
          const invoices = invoiceTargets.map((target) => invoiceOf(ctx, target));
          for (const invoice of invoices) await invoiceInStatus(call, fx, invoice, 'draft');
          return { method: 'POST', path: `${project()}/invoices/bulk-status`, body: { invoices: invoices.map((i) => ({ invoiceId: i.invoiceId, from: 'draft' })), status: 'under_review' } };
        },
        check: (response, _profile, ctx) =>
          expect(response.body.results).toEqual(
            invoiceTargets.map((target) => ({ invoiceId: invoiceOf(ctx, target).invoiceId, ok: true, status: 'under_review', version: expect.any(Number) })),
          ),
      },
    ],
  },
  {
    name: 'invoice files: attachments, PDF, forward',
    setup: () =>
      targetsContext({ invoice: true }, async (ctx, target) => {
        ctx.attachments![target] = await createAttachment(call, fx, invoiceOf(ctx, target), { confirm: true });
      }),
    cases: [
      ...onTargets(invoiceTargets, (target) => ({
        route: 'POST /v1/projects/{projectId}/invoices/{invoiceId}/attachments',
        variant: 'a draft invoice',
        row: `(reading) attach files while the invoice is editable — create a new invoice as invoice contact ${asContactOf(target)}; on behalf of one (admin)`,
        success: 201,
        allowed: invoiceEditors(target),
        names: /create an invoice as invoice contact/,
        request: async (profile, ctx) => ({
          method: 'POST',
          path: `${invoiceOf(ctx, target).path}/attachments`,
          body: { filename: `docket-${tag(profile)}.pdf`, contentType: 'application/pdf', sizeBytes: 1_234 },
        }),
        check: (response, profile) => expect(response.body.attachment).toMatchObject({ status: 'pending', createdBy: fx.users[profile].userId }),
      })),
      ...onTargets(invoiceTargets, (target) => ({
        route: 'POST /v1/projects/{projectId}/invoices/{invoiceId}/attachments/{attachmentId}/confirm',
        variant: 'a pending upload, its bytes in S3',
        row: `(reading) attach files while the invoice is editable — create a new invoice as invoice contact ${asContactOf(target)}; on behalf of one (admin)`,
        success: 200,
        allowed: invoiceEditors(target),
        names: /create an invoice as invoice contact/,
        request: async (_profile, ctx) => ({ method: 'POST', path: `${(await spareAttachment(ctx, target, 'pending')).path}/confirm` }),
        check: (response) => expect(response.body).toMatchObject({ status: 'uploaded', download: { url: expect.any(String) } }),
      })),
      ...invoiceReads(
        'GET /v1/projects/{projectId}/invoices/{invoiceId}/attachments',
        (invoice) => `${invoice.path}/attachments`,
        (response, ctx, target) =>
          expect(response.body.items.map((a: { attachmentId: string }) => a.attachmentId)).toContain(ctx.attachments![target]!.attachmentId),
      ),
      ...invoiceReads(
        'GET /v1/projects/{projectId}/invoices/{invoiceId}/attachments/{attachmentId}',
        (_invoice, ctx, target) => ctx.attachments![target]!.path,
        (response, ctx, target) =>
          expect(response.body).toMatchObject({ attachmentId: ctx.attachments![target]!.attachmentId, status: 'uploaded', download: { url: expect.any(String) } }),
      ),
      ...onTargets(invoiceTargets, (target) => ({
        route: 'DELETE /v1/projects/{projectId}/invoices/{invoiceId}/attachments/{attachmentId}',
        variant: 'a spare attachment (started again once deleted)',
        row: `(reading) remove files while the invoice is editable — create a new invoice as invoice contact ${asContactOf(target)}; on behalf of one (admin)`,
        success: 204,
        allowed: invoiceEditors(target),
        names: /create an invoice as invoice contact/,
        request: async (_profile, ctx) => ({ method: 'DELETE', path: (await spareAttachment(ctx, target, 'any')).path }),
      })),
      ...invoiceReads(
        'GET /v1/projects/{projectId}/invoices/{invoiceId}/pdf',
        (invoice) => `${invoice.path}/pdf`,
        (response) => expect(response.body).toMatchObject({ contentType: 'application/pdf', url: expect.any(String), sizeBytes: expect.any(Number) }),
      ),
      ...onTargets(invoiceTargets, (target) => ({
        route: 'POST /v1/projects/{projectId}/invoices/{invoiceId}/forward',
        row: `forward an invoice by email: standard, admin — not read_only, even ${asContactOf(target)}`,
        success: 202,
        allowed: forwarders,
        names: /forward an invoice by email/,
        request: async (profile, ctx) => ({
          method: 'POST',
          path: `${invoiceOf(ctx, target).path}/forward`,
          body: { to: ['site.office@example.test'], message: `Forwarded by ${profile}` },
        }),
        check: (response) => expect(response.body).toMatchObject({ to: ['site.office@example.test'], attachment: { contentType: 'application/pdf' } }),
      })),
    ],
  },
  {
    name: 'e-signature',
    // Approved invoices, each already sent for signature (by the admin), so every route has a request to act on.
    setup: () =>
      targetsContext({ invoice: true }, async (ctx, target) => {
        const invoice = invoiceOf(ctx, target);
        await invoiceInStatus(call, fx, invoice, 'approved');
        const sent = await call(fx.users.admin.token, { method: 'POST', path: `/v1/projects/${fx.projectId}/invoices/bulk-signature`, body: { invoiceIds: [invoice.invoiceId] } });
        expect(expectStatus(sent, 200, 'send for signature').body.results[0]).toMatchObject({ ok: true });
      }),
    cases: [
      {
        route: 'POST /v1/projects/{projectId}/invoices/bulk-signature',
        variant: 'the four invoices, already out for signature (answered 409 each)',
        row: 'bulk send subcontractor invoices for e-signature (DocuSign)',
        target: 'project',
        success: 200,
        allowed: admins,
        names: /bulk send subcontractor invoices for e-signature/,
        request: async (_profile, ctx) => ({
          method: 'POST',
          path: `${project()}/invoices/bulk-signature`,
          body: { invoiceIds: invoiceTargets.map((target) => invoiceOf(ctx, target).invoiceId) },
        }),
        check: (response) => expect(response.body.results.map((r: { status: number }) => r.status)).toEqual([409, 409, 409, 409]),
      },
      ...invoiceReads(
        'GET /v1/projects/{projectId}/invoices/{invoiceId}/signature',
        (invoice) => `${invoice.path}/signature`,
        (response) => expect(response.body).toMatchObject({ provider: 'builtin', signers: expect.any(Array) }),
      ),
      ...onTargets(invoiceTargets, (target) => ({
        route: 'POST /v1/projects/{projectId}/invoices/{invoiceId}/signature/resend',
        row: 'bulk send subcontractor invoices for e-signature (DocuSign): resend a link',
        success: 200,
        allowed: admins,
        names: /bulk send subcontractor invoices for e-signature/,
        request: async (_profile, ctx) => ({ method: 'POST', path: `${invoiceOf(ctx, target).path}/signature/resend` }),
        check: (response) => expect(response.body.status).toMatch(/sent|delivered/),
      })),
      ...onTargets(invoiceTargets, (target) => ({
        route: 'POST /v1/projects/{projectId}/invoices/{invoiceId}/signature/void',
        row: 'bulk send subcontractor invoices for e-signature (DocuSign): void',
        success: 200,
        allowed: admins,
        names: /bulk send subcontractor invoices for e-signature/,
        request: async (_profile, ctx) => ({ method: 'POST', path: `${invoiceOf(ctx, target).path}/signature/void`, body: {} }),
        check: (response) => expect(response.body.status).toBe('voided'),
      })),
    ],
  },
  {
    name: 'payments issued',
    setup: () =>
      targetsContext({ invoice: false }, async (ctx, target) => {
        await enablePayments(call, fx, commitmentOf(ctx, target));
        ctx.payments![target] = await createPayment(call, fx, commitmentOf(ctx, target));
      }),
    cases: [
      ...onTargets(invoiceTargets, (target) => ({
        route: 'GET /v1/projects/{projectId}/commitments/{commitmentId}/payments',
        row: paymentReadRow(target),
        success: 200,
        allowed: readers,
        names: /view and search commitments/,
        request: async (_profile, ctx) => ({ method: 'GET', path: `${commitmentOf(ctx, target).path}/payments?limit=100` }),
        check: (response, _profile, ctx) =>
          expect(response.body.items.map((p: { paymentId: string }) => p.paymentId)).toContain(ctx.payments![target]!.paymentId),
      })),
      ...onTargets(invoiceTargets, (target) => ({
        route: 'GET /v1/projects/{projectId}/commitments/{commitmentId}/payments/{paymentId}',
        row: paymentReadRow(target),
        success: 200,
        allowed: readers,
        names: /view and search commitments/,
        request: async (_profile, ctx) => ({ method: 'GET', path: ctx.payments![target]!.path }),
        check: (response, _profile, ctx) => expect(response.body).toMatchObject({ paymentId: ctx.payments![target]!.paymentId, amountCents: 10_000 }),
      })),
      ...onTargets(invoiceTargets, (target) => ({
        route: 'POST /v1/projects/{projectId}/commitments/{commitmentId}/payments',
        variant: 'the payments-issued tab enabled',
        row: `add a payment issued — not the contacts ${asContactOf(target)}`,
        success: 201,
        allowed: admins,
        names: /add a payment issued/,
        request: async (profile, ctx) => ({ method: 'POST', path: `${commitmentOf(ctx, target).path}/payments`, body: paymentBody(`Recorded by ${profile}`) }),
        check: (response, profile) => expect(response.body).toMatchObject({ createdBy: fx.users[profile].userId, notes: `Recorded by ${profile}`, invoiceId: null }),
      })),
      ...onTargets(invoiceTargets, (target) => ({
        route: 'DELETE /v1/projects/{projectId}/commitments/{commitmentId}/payments/{paymentId}',
        variant: 'a spare payment (recorded again once deleted)',
        row: `(reading) delete a payment issued — add a payment issued; not the contacts ${asContactOf(target)}`,
        success: 204,
        allowed: admins,
        names: /add a payment issued/,
        request: async (_profile, ctx) => ({ method: 'DELETE', path: (await sparePayment(ctx, target)).path }),
      })),
    ],
  },
  {
    name: 'regional payment rules',
    setup: () =>
      targetsContext({ invoice: true }, async (ctx, target) => {
        // A payment schedule served by the admin, so its deadline can be read.
        const served = await call(fx.users.admin.token, { method: 'POST', path: `${invoiceOf(ctx, target).path}/payment-schedule`, body: scheduleBody });
        expectStatus(served, 200, 'serve a payment schedule');
      }),
    cases: [
      ...readsOn(invoiceTargets, 'GET /v1/projects/{projectId}/commitments/{commitmentId}/retainage-rules', (ctx, target) => `${commitmentOf(ctx, target).path}/retainage-rules`),
      ...onTargets(invoiceTargets, (target) => ({
        route: 'PUT /v1/projects/{projectId}/commitments/{commitmentId}/retainage-rules',
        row: `configure sliding-scale retention on a commitment — not the contacts ${asContactOf(target)}`,
        success: 200,
        allowed: admins,
        names: /configure sliding-scale retention/,
        request: async (_profile, ctx) => ({
          method: 'PUT',
          path: `${commitmentOf(ctx, target).path}/retainage-rules`,
          body: { rules: [{ retainagePercent: '10', until: { kind: 'original_contract_percent', percent: '5' } }] },
        }),
        check: (response) => expect(response.body.rules[0].limitCents).toBeGreaterThan(0),
      })),
      ...invoiceReads('GET /v1/projects/{projectId}/invoices/{invoiceId}/payment-schedule', (invoice) => `${invoice.path}/payment-schedule`, (response) =>
        expect(response.body).toMatchObject({ status: 'served', deadline: { dueOn: '2027-01-08' } }),
      ),
      ...onTargets(invoiceTargets, (target) => ({
        route: 'POST /v1/projects/{projectId}/invoices/{invoiceId}/payment-schedule',
        row: `serve or edit a payment schedule — not the contacts ${asContactOf(target)}`,
        success: 200,
        allowed: admins,
        names: /serve or edit a payment schedule/,
        request: async (_profile, ctx) => ({ method: 'POST', path: `${invoiceOf(ctx, target).path}/payment-schedule`, body: scheduleBody }),
        check: (response, profile) => expect(response.body).toMatchObject({ status: 'served', servedBy: fx.users[profile].userId }),
      })),
    ],
  },
  {
    name: 'Ontario prompt payment (the project in en-CA for the group)',
    setup: async () => {
      await db().Project.patch({ projectId: fx.projectId }).set({ region: 'en-CA', timeZone: 'America/Toronto' }).go();
      return targetsContext({ invoice: true }, async (ctx, target) => {
        // A submitted invoice asking for something, so a notice can be given on it.
        const invoice = invoiceOf(ctx, target);
        const etag = await etagOf(call, fx, invoice.path);
        const body = { lines: [{ lineId: invoice.lineIds[0], workThisPeriodCents: 100_000 }] };
        expectStatus(await call(fx.users.admin.token, { method: 'PATCH', path: invoice.path, body, headers: { 'if-match': etag } }), 200, 'enter the invoice');
        await invoiceInStatus(call, fx, invoice, 'under_review');
      });
    },
    teardown: async () => {
      await db().Project.patch({ projectId: fx.projectId }).set({ region: 'en-AU', timeZone: 'Australia/Sydney' }).go();
    },
    cases: [
      ...invoiceReads('GET /v1/projects/{projectId}/invoices/{invoiceId}/notices-of-non-payment', (invoice) => `${invoice.path}/notices-of-non-payment`, (response) =>
        expect(response.body.promptPayment).toMatchObject({ tier: 1, status: 'not_proper' }),
      ),
      ...onTargets(invoiceTargets, (target) => ({
        route: 'POST /v1/projects/{projectId}/invoices/{invoiceId}/notices-of-non-payment',
        row: `(reading) give a notice of non-payment, as ‘serve / edit an AU payment schedule’ — not the contacts ${asContactOf(target)}`,
        success: 201,
        allowed: admins,
        names: /give a notice of non-payment/,
        request: async (_profile, ctx) => ({
          method: 'POST',
          path: `${invoiceOf(ctx, target).path}/notices-of-non-payment`,
          body: { basis: 'not_paid_from_above', amountCents: 100, reason: 'Not paid by the owner', noticeFromAboveReceivedOn: localDate(new Date(), 'America/Toronto') },
        }),
        check: (response, profile) => expect(response.body).toMatchObject({ givenBy: fx.users[profile].userId, amountCents: 100 }),
      })),
    ],
  },
  {
    name: 'invoice backups',
    setup: async () => {
      const ctx = await targetsContext({ invoice: true });
      const invoiceIds = invoiceTargets.map((target) => invoiceOf(ctx, target).invoiceId);
      const requested = await call(fx.users.admin.token, { method: 'POST', path: `${project()}/invoice-backups`, body: { invoiceIds } });
      ctx.backupJob = expectStatus(requested, 202, 'request a backup').body.location;
      return ctx;
    },
    cases: [
      {
        route: 'POST /v1/projects/{projectId}/invoice-backups',
        variant: 'every target’s invoice, private ones included',
        row: 'compile invoice backups',
        target: 'project',
        success: 202,
        allowed: admins,
        names: /compile invoice backups/,
        request: async (_profile, ctx) => ({
          method: 'POST',
          path: `${project()}/invoice-backups`,
          body: { invoiceIds: invoiceTargets.map((target) => invoiceOf(ctx, target).invoiceId) },
        }),
        check: (response) => expect(response.body).toMatchObject({ jobId: expect.any(String), status: 'queued' }),
      },
      {
        route: 'GET /v1/projects/{projectId}/invoice-backups/{jobId}',
        row: '(reading) compile invoice backups — the job and its download',
        target: 'project',
        success: 200,
        allowed: admins,
        names: /compile invoice backups/,
        request: async (_profile, ctx) => ({ method: 'GET', path: ctx.backupJob! }),
        check: (response) => expect(response.body.progress.total).toBe(invoiceTargets.length),
      },
    ],
  },
  {
    name: 'accounting exports',
    setup: async () => {
      // A project-level route: no commitments needed (an export of a range with nothing in it is queued all the same).
      const ctx = { changeOrders: {} } as unknown as Context;
      const requested = await call(fx.users.admin.token, { method: 'POST', path: `${project()}/accounting-exports`, body: { from: '2027-01-01', to: '2027-01-31' } });
      ctx.accountingExport = expectStatus(requested, 202, 'request an accounting export').body.location;
      return ctx;
    },
    cases: [
      {
        route: 'POST /v1/projects/{projectId}/accounting-exports',
        row: '(reading) export approved invoices and payments for accounting — commitments admin',
        target: 'project',
        success: 202,
        allowed: admins,
        names: /export approved invoices/,
        request: async () => ({ method: 'POST', path: `${project()}/accounting-exports`, body: { from: '2027-01-01', to: '2027-01-31', formats: ['csv'] } }),
        check: (response) => expect(response.body).toMatchObject({ exportId: expect.any(String), status: 'queued' }),
      },
      {
        route: 'GET /v1/projects/{projectId}/accounting-exports',
        row: '(reading) export approved invoices and payments for accounting — the list of exports',
        target: 'project',
        success: 200,
        allowed: admins,
        names: /export approved invoices/,
        request: async () => ({ method: 'GET', path: `${project()}/accounting-exports` }),
        check: (response) => expect(response.body.items.length).toBeGreaterThan(0),
      },
      {
        route: 'GET /v1/projects/{projectId}/accounting-exports/{exportId}',
        row: '(reading) export approved invoices and payments for accounting — the job and its downloads',
        target: 'project',
        success: 200,
        allowed: admins,
        names: /export approved invoices/,
        request: async (_profile, ctx) => ({ method: 'GET', path: ctx.accountingExport! }),
        check: (response) => expect(response.body).toMatchObject({ from: '2027-01-01', to: '2027-01-31' }),
      },
    ],
  },
  {
    // After the invites' and invoices' groups: each period created here closes the open one.
    name: 'billing periods: create, close, delete',
    cases: [
      {
        route: 'POST /v1/projects/{projectId}/billing-periods',
        variant: 'after the latest period',
        row: 'create manual billing periods',
        target: 'project',
        success: 201,
        allowed: admins,
        names: /create manual billing periods/,
        request: async () => ({ method: 'POST', path: `${project()}/billing-periods`, body: await nextPeriodDates() }),
        check: (response, profile) =>
          expect(response.body).toMatchObject({ status: 'open', source: 'manual', createdBy: fx.users[profile].userId }),
      },
      {
        route: 'POST /v1/projects/{projectId}/billing-periods/{billingPeriodId}/close',
        variant: 'a fresh open period',
        ...managePeriods,
        target: 'project',
        success: 200,
        allowed: admins,
        request: async () => ({ method: 'POST', path: `${(await createBillingPeriod(call, fx, await nextPeriodDates())).path}/close` }),
        check: (response) => expect(response.body).toMatchObject({ status: 'closed', closedAt: expect.any(String) }),
      },
      {
        route: 'DELETE /v1/projects/{projectId}/billing-periods/{billingPeriodId}',
        variant: 'a fresh open period',
        ...managePeriods,
        target: 'project',
        success: 204,
        allowed: admins,
        request: async () => ({ method: 'DELETE', path: (await createBillingPeriod(call, fx, await nextPeriodDates())).path }),
      },
    ],
  },
];

// The admin goes last: its successes (approving, enabling) would change what the others are refused on.
const order: readonly Profile[] = [...profiles.filter((p) => p !== 'admin'), 'admin'];

const caseTitle = (c: RouteCase) => `${c.route}${c.variant ? ` [${c.variant}]` : ''} on ${c.target} — “${c.row}”`;

describe.each(groups.map((group) => [group.name, group] as const))('%s', (_name, group) => {
  let ctx: Context;
  beforeAll(async () => {
    ctx = group.setup ? await group.setup() : ({ changeOrders: {} } as unknown as Context);
  });
  afterAll(async () => {
    await group.teardown?.();
  });

  describe.each(group.cases.map((c) => [caseTitle(c), c] as const))('%s', (_title, c) => {
    const cases = order.map((profile) => [`${profile} → ${expected(c, profile)}`, profile, expected(c, profile)] as const);
    it.each(cases)('%s', async (_title, profile, status) => {
      const request = await c.request(profile, ctx);
      const response = await call(fx.users[profile].token, request);
      if (status === 403 || status === 404) {
        expectRefusal(response, status, c.names);
        // …and the level the caller has, which is what falls short.
        const level = c.tool === 'head_contracts' ? headLevelOf(profile) : profile.split('+')[0];
        if (status === 403) expect(response.body.detail).toMatch(new RegExp(`\\b${level}\\b`));
        return;
      }
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      c.check?.(response, profile, ctx);
    });
  });
});

describe('the matrix', () => {
  it('covers every route of a project (/v1/projects/{projectId}…)', async () => {
    const { routes } = await import('../../shared/wiring/routes');
    const covered = new Set(groups.flatMap((g) => g.cases.map((c) => c.route)));
    const projectRoutes = routes.filter((r) => r.path.startsWith('/v1/projects/{projectId}')).map((r) => `${r.method} ${r.path}`);
    expect(projectRoutes.filter((route) => !covered.has(route))).toEqual([]);
    // …and names no route that does not exist.
    expect([...covered].filter((route) => !projectRoutes.includes(route))).toEqual([]);
  });
});
