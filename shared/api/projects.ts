import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { billingFrequencies, currencyOf, defaultInvoiceTypes } from '../domain/project-settings';
import { granularPermissions, toolLevels } from '../domain/permissions';
import { regions } from '../domain/terminology';
import { pageQuery } from '../http/cursor';
import { retainageChange, retainageSettings } from './commitments';
import type { ProjectItem } from '../db/entities/project';
import { projectPath } from './common';
import { projectMember, type ProjectMemberResponse } from './member-response';
export { projectMember, type ProjectMemberResponse };

// ---------------------------------------------------------------------------------------------
// Field schemas

/** An IANA zone name the runtime knows ("Australia/Sydney", "UTC"), stored in its canonical spelling. */
export const timeZoneSchema = z.withMeta(
  z.pipe(
    z.string().check(
      z.trim(),
      z.maxLength(64),
      // Intl also accepts offsets ("+10:00"); a project needs a zone that follows daylight saving.
      z.regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/, { message: 'Not an IANA time zone name such as "Australia/Sydney"', abort: true }),
      z.refine(isTimeZone, 'Not an IANA time zone this server knows, such as "Australia/Sydney"'),
    ),
    z.transform((zone) => new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone),
  ),
  { example: 'Australia/Sydney' },
);

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const dayOfPeriod = z.withMeta(z.number().check(z.int(), z.minimum(1), z.maximum(31)), {
  description: 'Monthly: day of the month, 1–31 (31 = the month’s last day). Weekly: ISO weekday, 1 (Monday) – 7.',
});

const billingPeriodSettings = z.withMeta(
  z.object({
    frequency: z.enum(billingFrequencies),
    startDay: z.number().check(z.int()),
    endDay: z.number().check(z.int()),
    dueDay: z.number().check(z.int()),
    autoInvites: z.withMeta(z.boolean(), { description: 'Send invites to bill when an automatic period opens' }),
    reminderDaysBeforeDue: z.withMeta(z.nullable(z.number().check(z.int())), {
      description: 'Remind contacts this many days before the due date; null: no reminder',
    }),
  }),
  { id: 'BillingPeriodSettings' },
);

export const projectSettingsResponse = z.withMeta(
  z.object({
    timeZone: z.string(),
    region: z.withMeta(z.enum(regions), { description: 'Terminology in emails and PDFs (API field names stay en-US)' }),
    retainage: retainageSettings,
    overbillingAllowed: z.boolean(),
    defaultInvoiceType: z.withMeta(z.enum(defaultInvoiceTypes), { description: '`none`: contacts may invoice only when invited' }),
    notifyContactsOnApproval: z.boolean(),
    ownerApprovalHoldsSubcontractorInvoices: z.withMeta(z.boolean(), {
      description:
        'Sending an owner invoice to the owner moves the subcontractor invoices it was pre-filled from to pending_owner_approval; approving it (or revise & resubmit) returns them',
    }),
    overpaymentAllowed: z.withMeta(z.boolean(), { description: 'Payments received may take an owner invoice past what is due' }),
    billingPeriods: billingPeriodSettings,
    contract: z.withMeta(z.object({ ownerName: z.nullable(z.string()), architectName: z.nullable(z.string()), date: z.nullable(z.iso.date()) }), {
      id: 'ProjectContract',
      description: 'The prime contract’s owner, architect and date, printed on the G702 (null: printed as a dash)',
    }),
    currency: z.withMeta(z.object({ code: z.withMeta(z.string(), { example: 'AUD' }), sign: z.withMeta(z.string(), { example: '$' }) }), {
      id: 'ProjectCurrency',
      description:
        'What money is printed in: the ISO 4217 code set, or the region’s; the sign and decimals follow from it (JPY none, BHD three). Amounts stay in cents (hundredths of the unit) whatever the currency',
    }),
  }),
  { id: 'ProjectSettings' },
);
export type ProjectSettingsResponse = z.infer<typeof projectSettingsResponse>;

/** The settings a request may give: every field optional, nested objects merged field by field. */
const settingsFields = {
  timeZone: z.optional(timeZoneSchema),
  region: z.optional(z.enum(regions)),
  retainage: z.optional(retainageChange),
  overbillingAllowed: z.optional(z.boolean()),
  defaultInvoiceType: z.optional(z.enum(defaultInvoiceTypes)),
  notifyContactsOnApproval: z.optional(z.boolean()),
  ownerApprovalHoldsSubcontractorInvoices: z.optional(z.boolean()),
  overpaymentAllowed: z.optional(z.boolean()),
  billingPeriods: z.optional(
    z.strictObject({
      frequency: z.optional(z.enum(billingFrequencies)),
      startDay: z.optional(dayOfPeriod),
      endDay: z.optional(dayOfPeriod),
      dueDay: z.optional(dayOfPeriod),
      autoInvites: z.optional(z.boolean()),
      reminderDaysBeforeDue: z.withMeta(z.optional(z.nullable(z.number().check(z.int(), z.minimum(0), z.maximum(60)))), {
        description: '0–60, or null for no reminder',
      }),
    }),
  ),
  contract: z.withMeta(
    z.optional(
      z.strictObject({
        ownerName: z.optional(z.nullable(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)))),
        architectName: z.optional(z.nullable(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)))),
        date: z.withMeta(z.optional(z.nullable(z.iso.date())), { description: 'YYYY-MM-DD' }),
      }),
    ),
    { description: 'Each field given replaces; null removes it' },
  ),
  currency: z.withMeta(z.optional(z.string().check(z.regex(/^[A-Z]{3}$/, 'An ISO 4217 currency code: three capital letters'))), {
    example: 'AUD',
    description:
      'ISO 4217 code money is printed in (the sign and decimals follow from it). Changing it reprints amounts, never converts them: they stay in cents, hundredths of the unit',
  }),
};

export const updateProjectSettingsBody = z.withMeta(
  z.strictObject(settingsFields).check(z.refine((body) => Object.keys(body).length > 0, 'Give at least one setting to change')),
  { id: 'UpdateProjectSettings', description: 'Only the fields given change; nested objects are merged field by field.' },
);
export type SettingsPatch = z.infer<typeof updateProjectSettingsBody>;

export const createProjectBody = z.withMeta(
  z.strictObject({
    ...settingsFields,
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    number: z.string().check(z.trim(), z.minLength(1), z.maxLength(50)),
    timeZone: timeZoneSchema,
    region: z.enum(regions),
  }),
  { id: 'CreateProject', description: 'Settings not given take the defaults (10% work retainage, no overbilling, no automatic periods)' },
);

export const projectResponse = z.withMeta(
  z.object({
    projectId: z.string(),
    companyId: z.string(),
    name: z.string(),
    number: z.string(),
    settings: projectSettingsResponse,
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
  }),
  { id: 'Project' },
);
export type ProjectResponse = z.infer<typeof projectResponse>;


export const memberList = z.withMeta(z.object({ items: z.array(projectMember), nextCursor: z.nullable(z.string()) }), { id: 'ProjectMemberList' });

export const putMemberBody = z.withMeta(
  z.strictObject({
    commitments: z.enum(toolLevels),
    headContracts: z.enum(toolLevels),
    granular: z._default(z.array(z.enum(granularPermissions)).check(z.maxLength(granularPermissions.length)), []),
  }),
  { id: 'PutMember' },
);

export { projectPath };
const memberPath = z.object({ projectId: z.string().check(z.minLength(1), z.maxLength(100)), userId: z.string().check(z.minLength(1), z.maxLength(100)) });

// ---------------------------------------------------------------------------------------------
// Settings as stored ↔ as the API shows and changes them

export type StoredSettings = Pick<
  ProjectItem,
  'timeZone' | 'region' | 'retainage' | 'overbillingAllowed' | 'defaultInvoiceType' | 'notifyContactsOnApproval' | 'billingPeriods' | 'contract' | 'currency'
> & Pick<Partial<ProjectItem>, 'ownerApprovalHoldsSubcontractorInvoices' | 'overpaymentAllowed'>;

export function toSettingsResponse(project: StoredSettings): ProjectSettingsResponse {
  const { reminderDaysBeforeDue, ...billing } = project.billingPeriods;
  return {
    timeZone: project.timeZone,
    region: project.region,
    retainage: { ...project.retainage },
    overbillingAllowed: project.overbillingAllowed,
    defaultInvoiceType: project.defaultInvoiceType,
    notifyContactsOnApproval: project.notifyContactsOnApproval,
    ownerApprovalHoldsSubcontractorInvoices: project.ownerApprovalHoldsSubcontractorInvoices ?? false,
    overpaymentAllowed: project.overpaymentAllowed ?? false,
    billingPeriods: { ...billing, reminderDaysBeforeDue: reminderDaysBeforeDue ?? null },
    contract: { ownerName: project.contract?.ownerName ?? null, architectName: project.contract?.architectName ?? null, date: project.contract?.date ?? null },
    currency: currencyOf(project),
  };
}

export function toProjectResponse(project: ProjectItem): ProjectResponse {
  return {
    projectId: project.projectId,
    companyId: project.companyId,
    name: project.name,
    number: project.number,
    settings: toSettingsResponse(project),
    createdBy: project.createdBy,
    createdAt: project.createdAt,
  };
}

// ---------------------------------------------------------------------------------------------
// Routes

export const projectRoutes = [
  {
    operationId: 'createProject',
    method: 'POST',
    path: '/v1/projects',
    function: 'projects',
    auth: 'jwt',
    action: null,
    summary: 'Create a project (company administrators of a general contractor); the creator becomes its admin',
    tags: ['projects'],
    request: { body: createProjectBody },
    response: { status: 201, description: 'The project (Location: its URL; ETag: its settings version)', schema: projectResponse },
  },
  {
    operationId: 'getProject',
    method: 'GET',
    path: '/v1/projects/{projectId}',
    function: 'projects',
    auth: 'jwt',
    action: 'project.view',
    summary: 'A project the caller is a member of, with its settings',
    tags: ['projects'],
    request: { path: projectPath },
    response: { status: 200, description: 'The project (ETag: its settings version)', schema: projectResponse },
  },
  {
    operationId: 'getProjectSettings',
    method: 'GET',
    path: '/v1/projects/{projectId}/settings',
    function: 'projects',
    auth: 'jwt',
    action: 'project.view',
    summary: 'The project’s invoicing settings',
    tags: ['projects'],
    request: { path: projectPath },
    response: { status: 200, description: 'The settings (ETag: their version)', schema: projectSettingsResponse },
  },
  {
    operationId: 'updateProjectSettings',
    method: 'PATCH',
    path: '/v1/projects/{projectId}/settings',
    function: 'projects',
    auth: 'jwt',
    action: 'settings.configure',
    summary: 'Change some of the project’s invoicing settings (If-Match required)',
    tags: ['projects'],
    request: { path: projectPath, body: updateProjectSettingsBody },
    response: { status: 200, description: 'The settings, changed (ETag: their new version)', schema: projectSettingsResponse },
  },
  {
    operationId: 'listMembers',
    method: 'GET',
    path: '/v1/projects/{projectId}/members',
    function: 'projects',
    auth: 'jwt',
    action: 'members.view',
    summary: 'The project’s members with their levels, a page at a time',
    tags: ['members'],
    request: { path: projectPath, query: z.object(pageQuery) },
    response: { status: 200, description: 'A page of members; nextCursor fetches the next', schema: memberList },
  },
  {
    operationId: 'putMember',
    method: 'PUT',
    path: '/v1/projects/{projectId}/members/{userId}',
    function: 'projects',
    auth: 'jwt',
    action: ['members.manage', 'invoices.review'], // review: whether the member now has review tasks
    summary: 'Add a user of the company or of a project vendor as a member, or change their levels',
    tags: ['members'],
    request: { path: memberPath, body: putMemberBody },
    response: { status: 200, description: 'The member (200 changed, 201 added)', schema: projectMember },
  },
  {
    operationId: 'removeMember',
    method: 'DELETE',
    path: '/v1/projects/{projectId}/members/{userId}',
    function: 'projects',
    auth: 'jwt',
    action: ['members.manage', 'invoices.review'], // review: whether the member now has review tasks
    summary: 'Remove a member from the project (never its last commitments admin)',
    tags: ['members'],
    request: { path: memberPath },
    response: { status: 204, description: 'Removed' },
  },
] as const satisfies readonly RouteDefinition[];
