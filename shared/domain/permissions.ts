/**
 * The permission matrix of docs/permissions.md as data, and the one decision function every route
 * consults. Pure: the caller passes the member and the record; nothing here does I/O.
 */
export const toolLevels = ['none', 'read_only', 'standard', 'admin'] as const;
export type ToolLevel = (typeof toolLevels)[number];

export const tools = ['commitments', 'head_contracts'] as const;
export type Tool = (typeof tools)[number];

export const granularPermissions = [
  'create_purchase_order_contract',
  'create_work_order_contract',
  'update_purchase_order_contract',
  'update_work_order_contract',
] as const;
export type GranularPermission = (typeof granularPermissions)[number];

/** `none < read_only < standard < admin` */
export function levelAtLeast(level: ToolLevel, minimum: ToolLevel): boolean {
  return toolLevels.indexOf(level) >= toolLevels.indexOf(minimum);
}

/** What a level needs on top of itself: the contact designation and/or all these granular permissions. */
export interface Requirement {
  contact?: true;
  granular?: readonly GranularPermission[];
}

export interface ActionRule {
  tool: Tool;
  /** The docs/permissions.md row, in words that read well in a 403's detail. */
  does: string;
  allow: Partial<Record<Exclude<ToolLevel, 'none'>, true | Requirement>>;
}

const everyLevel = { read_only: true, standard: true, admin: true } as const;
const contactOnly = { contact: true } as const;
const updateContracts = { granular: ['update_purchase_order_contract', 'update_work_order_contract'] } as const;
const createContracts = { granular: ['create_purchase_order_contract', 'create_work_order_contract'] } as const;
const adminOnly = { admin: true } as const;

// A row of the matrix, by the tool whose level decides it (short, as ~50 rows are bundled into every HTTP function).
const onCommitments = <const A extends ActionRule['allow']>(does: string, allow: A) => ({ tool: 'commitments' as const, does, allow });
const onHeadContracts = <const A extends ActionRule['allow']>(does: string, allow: A) => ({ tool: 'head_contracts' as const, does, allow });

// Pure: functions that import only the level lists (entities) do not bundle the rows.
export const policy = /* @__PURE__ */ (() => ({
  // Invoicing (level on commitments)
  'invoices.bulk_status': onCommitments('bulk edit subcontractor invoice status', adminOnly),
  'invoices.bulk_esign': onCommitments('bulk send subcontractor invoices for e-signature', adminOnly),
  'invoices.compile_backups': onCommitments('compile invoice backups', adminOnly),
  'settings.configure': onCommitments('configure invoicing settings', adminOnly),
  'billing_periods.configure_automatic': onCommitments('create automatic billing periods', adminOnly),
  'billing_periods.create': onCommitments('create manual billing periods', adminOnly),
  'billing_periods.edit': onCommitments('edit billing periods', adminOnly),
  'billing_periods.manage': onCommitments('close or delete billing periods', adminOnly),
  // (reading) members must see periods to bill
  'billing_periods.list': onCommitments('list billing periods', everyLevel),

  // Head contracts (level on head_contracts)
  'owner_invoices.create': onHeadContracts('create an owner invoice', adminOnly),
  'owner_invoices.record_payment': onHeadContracts('record a payment received', adminOnly),
  'owner_invoices.edit': onHeadContracts('edit or delete an owner invoice', adminOnly),
  'owner_invoices.email': onHeadContracts('email an owner invoice', adminOnly),
  'owner_invoices.export': onHeadContracts('export an owner invoice', adminOnly),
  'owner_invoices.preview': onHeadContracts('view an owner invoice summary preview', adminOnly),
  'head_contracts.view': onHeadContracts('view head contracts', everyLevel),
  // (reading) the seed lists no lower level for creating or editing a head contract
  'head_contracts.edit': onHeadContracts('create or edit a head contract, its SOV and change orders', adminOnly),
  // (reading) whoever sees a head contract sees its owner invoices
  'owner_invoices.view': onHeadContracts('view owner invoices', everyLevel),
  // (reading) as for subcontractor invoices
  'owner_invoices.bulk_esign': onHeadContracts('bulk send owner invoices for e-signature', adminOnly),

  // Commitments (level on commitments)
  'commitments.view': onCommitments('view and search commitments', everyLevel),
  'commitments.create_purchase_order': onCommitments('create a purchase order', { admin: true, read_only: { granular: ['create_purchase_order_contract'] }, standard: { granular: ['create_purchase_order_contract'] } }),
  // (reading) a subcontract is a work order contract
  'commitments.create_subcontract': onCommitments('create a subcontract', { admin: true, read_only: { granular: ['create_work_order_contract'] }, standard: { granular: ['create_work_order_contract'] } }),
  'commitments.edit': onCommitments('edit a commitment’s header fields', adminOnly),
  'sov.edit': onCommitments('edit a commitment’s schedule of values', { admin: true, read_only: updateContracts, standard: updateContracts }),
  // (reading) change orders change the SOV, so they follow its row; approving one is an admin's edit of the commitment
  'change_orders.edit': onCommitments('create or edit change orders', { admin: true, read_only: updateContracts, standard: updateContracts }),
  'change_orders.approve': onCommitments('approve or void change orders', adminOnly),
  'ssov.create': onCommitments('create a subcontractor SOV', { admin: true, read_only: createContracts, standard: createContracts }),
  'ssov.update_as_contact': onCommitments('update the subcontractor SOV', { admin: true, read_only: contactOnly, standard: contactOnly }),
  // (reading) reviewing an SSOV is the administrator's, like reviewing invoices
  'ssov.review': onCommitments('review a subcontractor SOV', adminOnly),
  'ssov.enable': onCommitments('enable or disable the subcontractor SOV', adminOnly),
  'payments.enable': onCommitments('enable the payments issued tab', adminOnly),
  'commitments.add_contacts': onCommitments('add invoice contacts', adminOnly),
  'payments.add': onCommitments('add a payment issued', adminOnly),
  'invites.send': onCommitments('send an invite to bill', adminOnly),
  'invites.respond': onCommitments('accept or decline an invite to bill', { read_only: contactOnly, standard: contactOnly }),
  'invoices.create_as_contact': onCommitments('create an invoice as invoice contact', { read_only: contactOnly, standard: contactOnly }),
  'invoices.submit_as_contact': onCommitments('submit an invoice as invoice contact', { read_only: contactOnly, standard: contactOnly }),
  'invoices.review_lines_as_contact': onCommitments('review invoice line items as invoice contact', { read_only: contactOnly, standard: contactOnly }),
  'invoices.resubmit_as_contact': onCommitments('revise and resubmit an invoice as invoice contact', { read_only: contactOnly, standard: contactOnly }),
  'invoices.create_on_behalf': onCommitments('create an invoice on behalf of an invoice contact', adminOnly),
  'invoices.review': onCommitments('review an invoice as invoice administrator', adminOnly),
  'invoices.forward': onCommitments('forward an invoice by email', { standard: true, admin: true }),
  // (reading) read_only sees invoices only as the contact
  'invoices.view': onCommitments('view subcontractor invoices', { read_only: contactOnly, standard: true, admin: true }),
  'invoices.delete': onCommitments('delete a subcontractor invoice', { admin: true, read_only: updateContracts, standard: updateContracts }),
  'retainage.set_current_period': onCommitments('set or release retainage during the current billing period', { admin: true, read_only: contactOnly, standard: contactOnly }),
  'retainage.create_release_current_period': onCommitments('create an invoice releasing retainage during the current billing period', { admin: true, standard: contactOnly }),
  'retainage.set_any_period': onCommitments('set or release retainage before, during or after the current billing period', adminOnly),
  'retainage.create_release_any_period': onCommitments('create an invoice releasing retainage before, during or after the current period', adminOnly),

  // Beyond the seed (docs/permissions.md readings)
  'retainage.configure_sliding_scale': onCommitments('configure sliding-scale retention on a commitment', adminOnly),
  'payment_schedules.serve': onCommitments('serve or edit a payment schedule', adminOnly),
  'non_payment_notices.give': onCommitments('give a notice of non-payment', adminOnly),
  // (reading) the matrix is silent on exports: the level that sees every invoice and records payments issued
  'accounting.export': onCommitments('export approved invoices and payments for accounting', adminOnly),

  // Project administration (not in the seed's matrix; readings of the product)
  'project.view': onCommitments('view the project', everyLevel),
  'members.view': onCommitments('view the project’s members', everyLevel),
  'members.manage': onCommitments('manage the project’s members', adminOnly),
  'vendors.view': onCommitments('view the project’s vendors', everyLevel),
  'vendors.manage': onCommitments('add vendors and their users', adminOnly),
}) as const satisfies Record<string, ActionRule>)();

export type Action = keyof typeof policy;

/** The caller as a member of the project: their levels, granular permissions and id. */
export interface Membership {
  userId: string;
  commitments: ToolLevel;
  headContracts: ToolLevel;
  granular?: readonly GranularPermission[];
}

/** A commitment or head contract as far as access goes. */
export interface GuardedRecord {
  private: boolean;
  privateUserIds: readonly string[];
  invoiceContactIds?: readonly string[];
}

export type Decision = { allowed: true } | { allowed: false; status: 403 | 404; detail: string };

const levelOf = (member: Membership, tool: Tool): ToolLevel => (tool === 'commitments' ? member.commitments : member.headContracts);

/**
 * Whether the record exists for this member at all. Private records are visible to the tool's
 * admins and to members on the private list; nothing is visible without a level on the tool.
 */
export function canSee(member: Membership | undefined, tool: Tool, record?: GuardedRecord): boolean {
  if (!member) return false;
  const level = levelOf(member, tool);
  if (level === 'none') return false;
  if (!record?.private || level === 'admin') return true;
  return record.privateUserIds.includes(member.userId);
}

/**
 * The decision for `action` by `member` (undefined: not a member of the project), on `record`
 * when the action concerns one. Invisible → 404, visible but not allowed → 403 naming what is missing.
 */
export function authorize(action: Action, member: Membership | undefined, record?: GuardedRecord): Decision {
  const rule: ActionRule = policy[action];
  if (!member) return { allowed: false, status: 404, detail: 'No such project.' };
  // A record the member cannot see does not exist for them. (A project is visible to every member.)
  if (record && !canSee(member, rule.tool, record)) return { allowed: false, status: 404, detail: 'No such record.' };

  const level = levelOf(member, rule.tool);
  const requirement = level === 'none' ? undefined : rule.allow[level];
  if (requirement === true) return { allowed: true };
  const isContact = Boolean(record?.invoiceContactIds?.includes(member.userId));
  const missing: string[] = [];
  if (requirement) {
    if (requirement.contact && !isContact) missing.push('the invoice contact designation on this commitment');
    const lacking = (requirement.granular ?? []).filter((g) => !member.granular?.includes(g));
    if (lacking.length) missing.push(`the granular permission${lacking.length > 1 ? 's' : ''} ${lacking.join(' and ')}`);
    if (missing.length === 0) return { allowed: true };
  }
  const tool = rule.tool === 'commitments' ? 'Commitments' : 'Head Contracts';
  const who = describeAllowed(rule);
  const has = requirement ? `your ${level} level lacks ${missing.join(' and ')}` : `your level is ${level}`;
  return { allowed: false, status: 403, detail: `To ${rule.does} you need ${who} on the ${tool} tool; ${has}.` };
}

function describeAllowed(rule: ActionRule): string {
  const parts = (Object.entries(rule.allow) as Array<[string, true | Requirement]>).map(([level, req]) => {
    if (req === true) return level;
    const extras = [req.contact ? 'invoice contact designation' : '', ...(req.granular ?? [])].filter(Boolean);
    return `${level} with ${extras.join(' and ')}`;
  });
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}` : parts[0]!;
}

// ---------------------------------------------------------------------------------------------
// Rules outside a project's tool levels (docs/permissions.md, "Beyond the seed")

/** The caller's standing in their own company: what company-level actions are decided on. */
export interface CompanyStanding {
  companyKind: 'general_contractor' | 'vendor';
  companyName: string;
  companyRole: 'admin' | 'member';
}

export const companyActions = {
  'projects.create': 'create projects',
  'webhooks.manage': 'manage webhook endpoints, see their deliveries and replay them',
} as const;
export type CompanyAction = keyof typeof companyActions;

/**
 * Company-level actions (creating projects, webhooks) belong to the administrators of a general
 * contractor: why `standing` may not do `action` (→ 403), or undefined when it may.
 */
export function companyAdminRefusal(action: CompanyAction, standing: CompanyStanding | undefined): string | undefined {
  const does = companyActions[action];
  if (!standing || standing.companyKind !== 'general_contractor') {
    return `Only an administrator of a general contractor company can ${does}; your account belongs to no such company.`;
  }
  if (standing.companyRole !== 'admin') return `Only an administrator of ${standing.companyName} can ${does}; your company role is ${standing.companyRole}.`;
  return undefined;
}

/** A one-time signing link as stored: the SHA-256 of its token, its expiry and whether it was used. */
export interface SigningLink {
  tokenSha256: string;
  expiresAt: string;
  usedAt?: string;
}

/**
 * Signing needs no level on any tool: the named signer proves who they are by the one-time link
 * emailed to them. Why the presented token may not sign (→ 404, so a guessed link learns
 * nothing), or undefined. `presentedSha256` is the SHA-256 of the token in the link; `now` an ISO instant.
 */
export function signingLinkRefusal(link: SigningLink | undefined, presentedSha256: string, now: string): string | undefined {
  if (!link || link.tokenSha256 !== presentedSha256) return 'No such signing link.';
  if (link.usedAt) return 'This signing link was already used; each link signs once.';
  if (now >= link.expiresAt) return 'This signing link has expired; ask the sender for a new one.';
  return undefined;
}
