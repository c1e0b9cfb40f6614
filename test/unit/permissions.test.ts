import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  authorize,
  canSee,
  companyAdminRefusal,
  signingLinkRefusal,
  granularPermissions,
  type GranularPermission,
  type GuardedRecord,
  type Membership,
  type ToolLevel,
} from '../../shared/domain/permissions';
import { policy, type Action } from '../../shared/domain/permission-policy';

/**
 * PERMISSIONS.md transcribed by hand, row by row, and `authorize` checked against it for every
 * level × contact designation × granular permissions × private list. The expectations come from
 * this transcription only — never from `policy` — so the table in code is tested, not restated.
 */

type Level = ToolLevel;
type Subject = 'project' | 'commitment' | 'head_contract';

/** One way of being allowed: any of these levels, plus the designation and/or all these granular permissions. */
interface Grant {
  levels: readonly Level[];
  contact?: true;
  granular?: readonly GranularPermission[];
}

interface Row {
  /** The markdown section and the row's first cell, verbatim. */
  section: 'Invoicing' | 'Head contracts' | 'Commitments' | 'Beyond the seed';
  row: string;
  /** The row's "allowed" cell, verbatim (for the test title). */
  allowed: string;
  /** When a row covers two actions in code, which part this entry is. */
  part?: string;
  action: Action;
  /** What the action is performed on: the project (no record), a commitment, or a head contract. */
  subject: Subject;
  grants: readonly Grant[];
  /** Rows about private or non-private records only. */
  records?: 'public' | 'private';
  /** A word of the action a 403's detail must contain. */
  named: RegExp;
  /** The tool whose level the row reads, where its section does not say (Beyond the seed). */
  tool?: 'commitments' | 'head_contracts';
}

const admin: Grant = { levels: ['admin'] };
const standardUp: Grant = { levels: ['standard', 'admin'] };
const readOnlyUp: Grant = { levels: ['read_only', 'standard', 'admin'] };
const asContact: Grant = { levels: ['read_only', 'standard'], contact: true };
const withGranular = (...granular: GranularPermission[]): Grant => ({ levels: ['read_only', 'standard'], granular });
const updateBoth = withGranular('update_purchase_order_contract', 'update_work_order_contract');
const createBoth = withGranular('create_purchase_order_contract', 'create_work_order_contract');

const matrix: readonly Row[] = [
  // ## Invoicing (level on commitments)
  { section: 'Invoicing', row: 'bulk edit subcontractor invoice status', allowed: 'admin', action: 'invoices.bulk_status', subject: 'project', grants: [admin], named: /bulk edit/ },
  { section: 'Invoicing', row: 'bulk send subcontractor invoices for e-signature (DocuSign)', allowed: 'admin', action: 'invoices.bulk_esign', subject: 'project', grants: [admin], named: /e-signature/ },
  { section: 'Invoicing', row: 'compile invoice backups', allowed: 'admin', action: 'invoices.compile_backups', subject: 'project', grants: [admin], named: /backups/ },
  { section: 'Invoicing', row: 'configure invoicing settings', allowed: 'admin', action: 'settings.configure', subject: 'project', grants: [admin], named: /invoicing settings/ },
  { section: 'Invoicing', row: 'create automatic billing periods (settings)', allowed: 'admin', action: 'billing_periods.configure_automatic', subject: 'project', grants: [admin], named: /automatic billing periods/ },
  { section: 'Invoicing', row: 'create manual billing periods', allowed: 'admin', action: 'billing_periods.create', subject: 'project', grants: [admin], named: /manual billing periods/ },
  { section: 'Invoicing', row: 'edit billing periods', allowed: 'admin', action: 'billing_periods.edit', subject: 'project', grants: [admin], named: /edit billing periods/ },
  {
    section: 'Invoicing',
    row: 'manage billing periods (list, close, delete)',
    allowed: 'admin; list also read_only+ *(reading: members must see periods to bill)*',
    part: 'close, delete',
    action: 'billing_periods.manage',
    subject: 'project',
    grants: [admin],
    named: /close or delete/,
  },
  {
    section: 'Invoicing',
    row: 'manage billing periods (list, close, delete)',
    allowed: 'admin; list also read_only+ *(reading: members must see periods to bill)*',
    part: 'list',
    action: 'billing_periods.list',
    subject: 'project',
    grants: [readOnlyUp],
    named: /list billing periods/,
  },

  // ## Head contracts (level on head_contracts)
  { section: 'Head contracts', row: 'create owner invoice', allowed: 'admin', action: 'owner_invoices.create', subject: 'head_contract', grants: [admin], named: /create an owner invoice/ },
  { section: 'Head contracts', row: 'record a payment received', allowed: 'admin', action: 'owner_invoices.record_payment', subject: 'head_contract', grants: [admin], named: /payment received/ },
  { section: 'Head contracts', row: 'delete / edit owner invoice', allowed: 'admin', action: 'owner_invoices.edit', subject: 'head_contract', grants: [admin], named: /edit or delete an owner invoice/ },
  { section: 'Head contracts', row: 'email owner invoice', allowed: 'admin', action: 'owner_invoices.email', subject: 'head_contract', grants: [admin], named: /email an owner invoice/ },
  { section: 'Head contracts', row: 'export owner invoice (PDF)', allowed: 'admin', action: 'owner_invoices.export', subject: 'head_contract', grants: [admin], named: /export an owner invoice/ },
  { section: 'Head contracts', row: 'view owner invoice summary preview', allowed: 'admin', action: 'owner_invoices.preview', subject: 'head_contract', grants: [admin], named: /summary preview/ },
  {
    section: 'Head contracts',
    row: 'view a head contract that is not private',
    allowed: 'read_only, standard, admin',
    action: 'head_contracts.view',
    subject: 'head_contract',
    records: 'public',
    grants: [readOnlyUp],
    named: /view head contracts/,
  },
  {
    section: 'Head contracts',
    row: 'view a private head contract',
    allowed: 'admin; read_only/standard on its private list',
    action: 'head_contracts.view',
    subject: 'head_contract',
    records: 'private',
    // The private list is visibility: once seen, read_only and standard may view.
    grants: [readOnlyUp],
    named: /view head contracts/,
  },
  {
    section: 'Head contracts',
    row: 'create / edit a head contract, its SOV and change orders',
    allowed: 'admin *(reading: the seed lists no lower level)*',
    action: 'head_contracts.edit',
    subject: 'head_contract',
    grants: [admin],
    named: /create or edit a head contract/,
  },
  {
    section: 'Head contracts',
    row: 'view owner invoices of a visible head contract',
    allowed: 'read_only, standard, admin *(reading)*',
    action: 'owner_invoices.view',
    subject: 'head_contract',
    grants: [readOnlyUp],
    named: /view owner invoices/,
  },
  {
    section: 'Head contracts',
    row: 'bulk send owner invoices for e-signature',
    allowed: 'admin *(reading, as for subcontractor invoices)*',
    action: 'owner_invoices.bulk_esign',
    subject: 'project',
    grants: [admin],
    named: /bulk send owner invoices/,
  },

  // ## Commitments (level on commitments)
  {
    section: 'Commitments',
    row: 'view / search commitments not private',
    allowed: 'read_only, standard, admin',
    part: 'view one',
    action: 'commitments.view',
    subject: 'commitment',
    records: 'public',
    grants: [readOnlyUp],
    named: /view and search commitments/,
  },
  {
    section: 'Commitments',
    row: 'view / search commitments not private',
    allowed: 'read_only, standard, admin',
    part: 'search (the list, no record)',
    action: 'commitments.view',
    subject: 'project',
    grants: [readOnlyUp],
    named: /view and search commitments/,
  },
  {
    section: 'Commitments',
    row: 'view a private commitment',
    allowed: 'admin; read_only/standard on its private list',
    action: 'commitments.view',
    subject: 'commitment',
    records: 'private',
    grants: [readOnlyUp],
    named: /view and search commitments/,
  },
  {
    section: 'Commitments',
    row: 'create a purchase order',
    allowed: 'admin; read_only/standard +G(create_purchase_order_contract)',
    action: 'commitments.create_purchase_order',
    subject: 'project',
    grants: [admin, withGranular('create_purchase_order_contract')],
    named: /create a purchase order/,
  },
  {
    section: 'Commitments',
    row: 'create a subcontract',
    allowed: 'admin; read_only/standard +G(create_work_order_contract) *(reading)*',
    action: 'commitments.create_subcontract',
    subject: 'project',
    grants: [admin, withGranular('create_work_order_contract')],
    named: /create a subcontract/,
  },
  {
    section: 'Commitments',
    row: 'edit a purchase order / subcontract (header fields)',
    allowed: 'admin',
    action: 'commitments.edit',
    subject: 'commitment',
    grants: [admin],
    named: /header fields/,
  },
  {
    section: 'Commitments',
    row: 'edit a commitment’s SOV',
    allowed: 'admin; read_only/standard +G(update_purchase_order_contract, update_work_order_contract)',
    action: 'sov.edit',
    subject: 'commitment',
    grants: [admin, updateBoth],
    named: /schedule of values/,
  },
  {
    section: 'Commitments',
    row: 'create a subcontractor SOV (SSOV)',
    allowed: 'admin; read_only/standard +G(create_purchase_order_contract, create_work_order_contract)',
    action: 'ssov.create',
    subject: 'commitment',
    grants: [admin, createBoth],
    named: /create a subcontractor SOV/,
  },
  {
    section: 'Commitments',
    row: 'enable/disable the SSOV tab; enable the payments-issued tab',
    allowed: 'admin',
    part: 'SSOV tab',
    action: 'ssov.enable',
    subject: 'commitment',
    grants: [admin],
    named: /enable or disable the subcontractor SOV/,
  },
  {
    section: 'Commitments',
    row: 'enable/disable the SSOV tab; enable the payments-issued tab',
    allowed: 'admin',
    part: 'payments-issued tab',
    action: 'payments.enable',
    subject: 'commitment',
    grants: [admin],
    named: /payments issued tab/,
  },
  { section: 'Commitments', row: 'add invoice contacts to a commitment', allowed: 'admin', action: 'commitments.add_contacts', subject: 'commitment', grants: [admin], named: /add invoice contacts/ },
  { section: 'Commitments', row: 'add a payment issued', allowed: 'admin', action: 'payments.add', subject: 'commitment', grants: [admin], named: /add a payment issued/ },
  { section: 'Commitments', row: 'send an ‘invite to bill’', allowed: 'admin', action: 'invites.send', subject: 'commitment', grants: [admin], named: /send an invite to bill/ },
  {
    section: 'Commitments',
    row: 'accept or decline an ‘invite to bill’',
    allowed: 'read_only, standard (contact)',
    action: 'invites.respond',
    subject: 'commitment',
    grants: [asContact],
    named: /accept or decline/,
  },
  { section: 'Commitments', row: 'create a new invoice as invoice contact', allowed: 'read_only, standard (contact)', action: 'invoices.create_as_contact', subject: 'commitment', grants: [asContact], named: /create an invoice as invoice contact/ },
  { section: 'Commitments', row: 'submit a new invoice as invoice contact', allowed: 'read_only, standard (contact)', action: 'invoices.submit_as_contact', subject: 'commitment', grants: [asContact], named: /submit an invoice/ },
  { section: 'Commitments', row: 'review invoice line items as invoice contact', allowed: 'read_only, standard (contact)', action: 'invoices.review_lines_as_contact', subject: 'commitment', grants: [asContact], named: /review invoice line items/ },
  { section: 'Commitments', row: 'revise & resubmit an invoice as invoice contact', allowed: 'read_only, standard (contact)', action: 'invoices.resubmit_as_contact', subject: 'commitment', grants: [asContact], named: /revise and resubmit/ },
  {
    section: 'Commitments',
    row: 'update the SSOV as invoice contact',
    allowed: 'read_only, standard (contact); admin',
    action: 'ssov.update_as_contact',
    subject: 'commitment',
    grants: [asContact, admin],
    named: /update the subcontractor SOV/,
  },
  { section: 'Commitments', row: 'create an invoice on behalf of an invoice contact', allowed: 'admin', action: 'invoices.create_on_behalf', subject: 'commitment', grants: [admin], named: /on behalf/ },
  { section: 'Commitments', row: 'review an invoice as invoice administrator (change status)', allowed: 'admin', action: 'invoices.review', subject: 'commitment', grants: [admin], named: /invoice administrator/ },
  { section: 'Commitments', row: 'forward an invoice by email', allowed: 'standard, admin', action: 'invoices.forward', subject: 'commitment', grants: [standardUp], named: /forward an invoice/ },
  {
    section: 'Commitments',
    row: 'view subcontractor invoices of a visible commitment',
    allowed: 'admin, standard; read_only (contact) *(reading)*',
    action: 'invoices.view',
    subject: 'commitment',
    grants: [standardUp, { levels: ['read_only'], contact: true }],
    named: /view subcontractor invoices/,
  },
  {
    section: 'Commitments',
    row: 'delete a subcontractor invoice',
    allowed: 'admin; read_only/standard +G(update_purchase_order_contract, update_work_order_contract)',
    action: 'invoices.delete',
    subject: 'commitment',
    grants: [admin, updateBoth],
    named: /delete a subcontractor invoice/,
  },
  {
    section: 'Commitments',
    row: 'set or release retainage during the current billing period',
    allowed: 'read_only, standard (contact) *(reading)*; admin',
    action: 'retainage.set_current_period',
    subject: 'commitment',
    grants: [asContact, admin],
    named: /retainage during the current billing period/,
  },
  {
    section: 'Commitments',
    row: 'create an invoice releasing retainage during the current billing period',
    allowed: 'standard (contact); admin',
    action: 'retainage.create_release_current_period',
    subject: 'commitment',
    grants: [{ levels: ['standard'], contact: true }, admin],
    named: /releasing retainage during the current billing period/,
  },
  {
    section: 'Commitments',
    row: 'set or release retainage before, during or after the current billing period',
    allowed: 'admin',
    action: 'retainage.set_any_period',
    subject: 'commitment',
    grants: [admin],
    named: /set or release retainage before, during or after/,
  },
  {
    section: 'Commitments',
    row: 'create an invoice releasing retainage before, during or after the current period',
    allowed: 'admin',
    action: 'retainage.create_release_any_period',
    subject: 'commitment',
    grants: [admin],
    named: /releasing retainage before, during or after/,
  },

  // ## Beyond the seed (readings, not in its tables): the rows decided by a tool level
  {
    section: 'Beyond the seed',
    row: 'configure sliding-scale retention on a commitment',
    allowed: 'admin (commitments)',
    action: 'retainage.configure_sliding_scale',
    subject: 'commitment',
    tool: 'commitments',
    grants: [admin],
    named: /sliding-scale retention/,
  },
  {
    section: 'Beyond the seed',
    row: 'serve / edit an AU payment schedule for a subcontractor invoice',
    allowed: 'admin (commitments)',
    action: 'payment_schedules.serve',
    subject: 'commitment',
    tool: 'commitments',
    grants: [admin],
    named: /payment schedule/,
  },
];

/**
 * The rows of "Beyond the seed" that no tool level decides, each checked against its own pure
 * rule in shared/domain/permissions.ts (or, for tasks, the visibility every list applies).
 */
const outsideTools: ReadonlyArray<{ row: string; allowed: string; check: () => void }> = [
  {
    row: 'see one’s own tasks (`/v1/me/tasks`)',
    allowed: 'any member, scoped to what they may see',
    // Every level may ask; what comes back is only what `canSee` shows, on either tool.
    check: () => {
      for (const level of levels) {
        for (const tool of ['commitments', 'head_contracts'] as const) {
          const who: Membership = { userId: me, commitments: tool === 'commitments' ? level : 'none', headContracts: tool === 'head_contracts' ? level : 'none' };
          expect(canSee(who, tool, { private: false, privateUserIds: [] })).toBe(level !== 'none');
          expect(canSee(who, tool, { private: true, privateUserIds: ['user-other'] })).toBe(level === 'admin');
          expect(canSee(who, tool, { private: true, privateUserIds: [me] })).toBe(level !== 'none');
        }
      }
    },
  },
  {
    row: 'sign an invoice sent for signature',
    allowed: 'the named signer only (a one-time link), no level needed',
    check: () => {
      const link = { tokenSha256: 'abc', expiresAt: '2027-01-01T00:00:00.000Z' };
      expect(signingLinkRefusal(link, 'abc', '2026-12-31T23:59:59.000Z')).toBeUndefined();
      expect(signingLinkRefusal(link, 'abd', '2026-12-31T23:59:59.000Z')).toMatch(/No such signing link/);
      expect(signingLinkRefusal(undefined, 'abc', '2026-12-31T23:59:59.000Z')).toMatch(/No such signing link/);
      expect(signingLinkRefusal({ ...link, usedAt: '2026-12-01T00:00:00.000Z' }, 'abc', '2026-12-31T23:59:59.000Z')).toMatch(/already used/);
      expect(signingLinkRefusal(link, 'abc', '2027-01-01T00:00:00.000Z')).toMatch(/expired/);
    },
  },
  {
    row: 'manage webhook endpoints, see deliveries, replay',
    allowed: 'company admin of the general contractor',
    check: () => {
      const gc = { companyKind: 'general_contractor', companyName: 'Northbeam', companyRole: 'admin' } as const;
      expect(companyAdminRefusal('webhooks.manage', gc)).toBeUndefined();
      expect(companyAdminRefusal('webhooks.manage', { ...gc, companyRole: 'member' })).toMatch(/Only an administrator of Northbeam can manage webhook endpoints, see their deliveries and replay them; your company role is member/);
      expect(companyAdminRefusal('webhooks.manage', { ...gc, companyKind: 'vendor' })).toMatch(/general contractor/);
      expect(companyAdminRefusal('webhooks.manage', undefined)).toMatch(/general contractor/);
    },
  },
];

/**
 * Actions the code has beyond the markdown's rows, with the readings written beside them in
 * shared/domain/permission-rules.ts and issue 3 (change orders follow the SOV row; approving one,
 * reviewing an SSOV and managing members/vendors are the administrator's; every member sees the project).
 */
const readings: readonly Row[] = [
  { section: 'Commitments', row: '(reading) create or edit a change order — follows “edit a commitment’s SOV”', allowed: 'admin; read_only/standard +G(update_purchase_order_contract, update_work_order_contract)', action: 'change_orders.edit', subject: 'commitment', grants: [admin, updateBoth], named: /change orders/ },
  { section: 'Commitments', row: '(reading) approve or void a change order', allowed: 'admin', action: 'change_orders.approve', subject: 'commitment', grants: [admin], named: /approve or void/ },
  { section: 'Commitments', row: '(reading) review a subcontractor SOV (approve / revise and resubmit)', allowed: 'admin', action: 'ssov.review', subject: 'commitment', grants: [admin], named: /review a subcontractor SOV/ },
  { section: 'Commitments', row: '(reading) view the project', allowed: 'read_only, standard, admin', action: 'project.view', subject: 'project', grants: [readOnlyUp], named: /view the project/ },
  { section: 'Commitments', row: '(reading) view the project’s members', allowed: 'read_only, standard, admin', action: 'members.view', subject: 'project', grants: [readOnlyUp], named: /members/ },
  { section: 'Commitments', row: '(reading) add, change or remove members', allowed: 'admin', action: 'members.manage', subject: 'project', grants: [admin], named: /manage the project’s members/ },
  { section: 'Commitments', row: '(reading) view the project’s vendors', allowed: 'read_only, standard, admin', action: 'vendors.view', subject: 'project', grants: [readOnlyUp], named: /vendors/ },
  { section: 'Commitments', row: '(reading) add vendors and their users', allowed: 'admin', action: 'vendors.manage', subject: 'project', grants: [admin], named: /add vendors/ },
  {
    section: 'Beyond the seed',
    row: '(reading) give an Ontario notice of non-payment on a subcontractor invoice — as “serve / edit an AU payment schedule”',
    allowed: 'admin (commitments)',
    action: 'non_payment_notices.give',
    subject: 'commitment',
    grants: [admin],
    named: /notice of non-payment/,
  },
  {
    section: 'Beyond the seed',
    row: '(reading) export approved invoices and payments for accounting — the level that sees every invoice and adds payments issued',
    allowed: 'admin (commitments)',
    action: 'accounting.export',
    subject: 'project',
    grants: [admin],
    named: /export approved invoices/,
  },
];

// ---------------------------------------------------------------------------------------------
// Scenarios and the outcome the transcription predicts for each.

const me = 'user-me';
const levels: readonly Level[] = ['none', 'read_only', 'standard', 'admin'];

interface Scenario {
  level: Level;
  granular: readonly GranularPermission[];
  /** Undefined for project-level actions. */
  record?: { private: boolean; onList: boolean; contact: boolean };
}

type Outcome = { status: 200 } | { status: 403; mentions: readonly (string | RegExp)[] } | { status: 404 };

/** The granular sets worth trying for a row: none, the named ones, each part of them, everything else, all. */
function granularSets(row: Row): GranularPermission[][] {
  const named = [...new Set(row.grants.flatMap((g) => g.granular ?? []))];
  const sets: GranularPermission[][] = [[], [...granularPermissions]];
  if (named.length > 0) {
    sets.push(named, granularPermissions.filter((g) => !named.includes(g)));
    if (named.length > 1) sets.push(...named.map((g) => [g]));
  }
  const seen = new Set<string>();
  return sets.filter((set) => {
    const key = [...set].sort().join(',');
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** Record variants: a contact is always on the private list (designating one adds them, docs/domain.md). */
function recordVariants(row: Row): Scenario['record'][] {
  if (row.subject === 'project') return [undefined];
  const contactable = row.subject === 'commitment';
  const variants = [
    { private: false, onList: false, contact: false },
    ...(contactable ? [{ private: false, onList: true, contact: true }] : []),
    { private: true, onList: true, contact: false },
    ...(contactable ? [{ private: true, onList: true, contact: true }] : []),
    { private: true, onList: false, contact: false },
  ];
  if (row.records === 'public') return variants.filter((v) => !v.private);
  if (row.records === 'private') return variants.filter((v) => v.private);
  return variants;
}

function scenarios(row: Row): Scenario[] {
  return levels.flatMap((level) =>
    granularSets(row).flatMap((granular) => recordVariants(row).map((record) => ({ level, granular, record }))),
  );
}

/** What PERMISSIONS.md says, as read: visibility first (404), then the level's grant (403 naming what is missing). */
function expected(row: Row, s: Scenario): Outcome {
  if (s.record) {
    const visible = s.level !== 'none' && (!s.record.private || s.level === 'admin' || s.record.onList);
    if (!visible) return { status: 404 };
  }
  const grants = row.grants.filter((g) => g.levels.includes(s.level));
  if (grants.length === 0) return { status: 403, mentions: [new RegExp(`\\b${s.level}\\b`)] };
  const missingFor = (g: Grant) => [
    ...(g.contact && !s.record?.contact ? [/invoice contact/] : []),
    ...(g.granular ?? []).filter((p) => !s.granular.includes(p)),
  ];
  const options = grants.map(missingFor);
  if (options.some((missing) => missing.length === 0)) return { status: 200 };
  return { status: 403, mentions: options[0]! };
}

function member(row: Row, s: Scenario): Membership {
  // The other tool's level is the opposite extreme, so a rule reading the wrong tool shows.
  const other: Level = s.level === 'none' || s.level === 'read_only' ? 'admin' : 'none';
  const onCommitments = toolOf(row) === 'commitments';
  return {
    userId: me,
    commitments: onCommitments ? s.level : other,
    headContracts: onCommitments ? other : s.level,
    granular: s.granular,
  };
}

/** The tool a row's level is read on, from the markdown's section or the row's own words (not from the policy). */
const toolOf = (row: Row) => row.tool ?? (row.section === 'Head contracts' ? 'head_contracts' : 'commitments');

function record(s: Scenario, subject: Subject): GuardedRecord | undefined {
  if (!s.record) return undefined;
  return {
    private: s.record.private,
    privateUserIds: s.record.onList ? ['user-other', me] : ['user-other'],
    ...(subject === 'commitment' ? { invoiceContactIds: s.record.contact ? [me] : ['user-vendor-contact'] } : {}),
  };
}

const describeScenario = (s: Scenario) =>
  [
    s.level,
    s.granular.length ? `+G(${s.granular.join(', ')})` : 'no granular',
    s.record === undefined
      ? 'no record'
      : `${s.record.private ? (s.record.onList ? 'private, on the list' : 'private, not on the list') : 'not private'}${s.record.contact ? ', contact' : ''}`,
  ].join(' · ');

function check(row: Row) {
  for (const s of scenarios(row)) {
    const want = expected(row, s);
    it(`${describeScenario(s)} → ${want.status === 200 ? 'allowed' : want.status}`, () => verify(row, s, want));
  }
}

function verify(row: Row, s: Scenario, want: Outcome) {
  const decision = authorize(policy[row.action], member(row, s), record(s, row.subject));
  if (want.status === 200) expect(decision).toEqual({ allowed: true });
  else expect(decision).toMatchObject({ allowed: false, status: want.status });
  if (want.status === 403 && !decision.allowed) {
    expect(decision.detail).toMatch(row.named);
    for (const thing of want.mentions) expect(decision.detail).toMatch(thing);
  }
  if (s.record) expect(canSee(member(row, s), toolOf(row), record(s, row.subject))).toBe(want.status !== 404);
}

const title = (row: Row) => `${row.section}: “${row.row}”${row.part ? ` [${row.part}]` : ''} — ${row.allowed} (${row.action})`;

describe('PERMISSIONS.md, row by row', () => {
  for (const row of matrix) describe(title(row), () => check(row));
});

describe('readings beyond PERMISSIONS.md', () => {
  for (const row of readings) describe(title(row), () => check(row));
});

describe('PERMISSIONS.md rows no tool level decides', () => {
  for (const row of outsideTools) it(`Beyond the seed: “${row.row}” — ${row.allowed}`, row.check);
});

describe('the transcription itself', () => {
  const specFile = path.resolve(import.meta.dirname, '../../../shared/PERMISSIONS.md');

  // The specification sits beside the repository (../shared) in CI and on developers' machines;
  // a checkout without it still checks the transcription's size against the spec's 50 rows.
  it('has every row of PERMISSIONS.md, and nothing else', () => {
    const plain = (s: string) => s.replace(/[‘’]/g, "'");
    const transcribed = [
      ...new Set([
        ...matrix.map((r) => `${r.section}: ${plain(r.row)} | ${r.allowed}`),
        ...outsideTools.map((r) => `Beyond the seed: ${plain(r.row)} | ${r.allowed}`),
      ]),
    ];
    if (!fs.existsSync(specFile)) {
      expect(transcribed).toHaveLength(50);
      return;
    }
    const rows: string[] = [];
    let section = '';
    for (const line of fs.readFileSync(specFile, 'utf8').split('\n')) {
      const heading = /^## (\w[\w ]*?)(?: \(|$)/.exec(line);
      if (heading) section = heading[1]!;
      const cells = /^\| (.+?) \| (.+?) \|$/.exec(line);
      if (!cells || cells[1] === 'action' || /^-+$/.test(cells[1]!)) continue;
      rows.push(`${section}: ${cells[1]} | ${cells[2]}`);
    }
    // The markdown writes quotes and apostrophes straight; the transcription uses typographic ones.
    expect(transcribed.sort()).toEqual(rows.map(plain).sort());
  });

  it('maps every action of the policy to a row or a named reading', () => {
    const covered = new Set([...matrix, ...readings].map((r) => r.action));
    expect(Object.keys(policy).filter((action) => !covered.has(action as Action))).toEqual([]);
  });

  it('reads each row’s level on the tool of its section', () => {
    for (const row of [...matrix, ...readings]) expect(policy[row.action].tool, row.row).toBe(toolOf(row));
  });
});

describe('outside the project', () => {
  it.each(Object.keys(policy) as Action[])('%s: a caller who is not a member gets 404', (action) => {
    expect(authorize(policy[action], undefined)).toMatchObject({ allowed: false, status: 404 });
    expect(authorize(policy[action], undefined, { private: false, privateUserIds: [] })).toMatchObject({ allowed: false, status: 404 });
  });
});
