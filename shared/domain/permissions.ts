/**
 * The decision function every route consults, over the rows of the permission matrix of
 * docs/permissions.md (shared/domain/permission-rules.ts, one export per row, so a function bundles
 * the rows it enforces; shared/domain/permission-policy.ts assembles them all). Pure: the caller
 * passes the rule, the member and the record; nothing here does I/O.
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

/** A row of the matrix (shared/domain/permission-rules.ts): the docs/permissions.md action it decides, by the tool whose level decides it. */
export interface ActionRule {
  action: string;
  tool: Tool;
  /** The docs/permissions.md row, in words that read well in a 403's detail. */
  does: string;
  allow: Partial<Record<Exclude<ToolLevel, 'none'>, true | Requirement>>;
}

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
 * The decision on `rule`'s action by `member` (undefined: not a member of the project), on `record`
 * when the action concerns one. Invisible → 404, visible but not allowed → 403 naming what is missing.
 */
export function authorize(rule: ActionRule, member: Membership | undefined, record?: GuardedRecord): Decision {
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
