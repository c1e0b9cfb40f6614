/** Projects and their members: the routes and what they take (their answers in projects.docs.ts, the views in projects-views.ts). */
import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { billingFrequencies, defaultInvoiceTypes } from '../domain/project-settings';
import { granularPermissions, toolLevels } from '../domain/permissions';
import { regions } from '../domain/terminology';
import { pageQuery } from '../http/cursor';
import { retainageChange } from './commitments';
import { projectPath } from './common';

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
// Routes

export const projectRoutes = [
  {
    operationId: 'createProject',
    method: 'POST',
    path: '/v1/projects',
    function: 'projects',
    auth: 'jwt',
    action: null,
    request: { body: createProjectBody },
    response: { status: 201 },
  },
  {
    operationId: 'getProject',
    method: 'GET',
    path: '/v1/projects/{projectId}',
    function: 'projects',
    auth: 'jwt',
    action: 'project.view',
    request: { path: projectPath },
    response: { status: 200 },
  },
  {
    operationId: 'getProjectSettings',
    method: 'GET',
    path: '/v1/projects/{projectId}/settings',
    function: 'projects',
    auth: 'jwt',
    action: 'project.view',
    request: { path: projectPath },
    response: { status: 200 },
  },
  {
    operationId: 'updateProjectSettings',
    method: 'PATCH',
    path: '/v1/projects/{projectId}/settings',
    function: 'projects',
    auth: 'jwt',
    action: 'settings.configure',
    request: { path: projectPath, body: updateProjectSettingsBody },
    response: { status: 200 },
  },
  {
    operationId: 'listMembers',
    method: 'GET',
    path: '/v1/projects/{projectId}/members',
    function: 'projects',
    auth: 'jwt',
    action: 'members.view',
    request: { path: projectPath, query: z.object(pageQuery) },
    response: { status: 200 },
  },
  {
    operationId: 'putMember',
    method: 'PUT',
    path: '/v1/projects/{projectId}/members/{userId}',
    function: 'projects',
    auth: 'jwt',
    action: ['members.manage', 'invoices.review'], // review: whether the member now has review tasks
    request: { path: memberPath, body: putMemberBody },
    response: { status: 200 },
  },
  {
    operationId: 'removeMember',
    method: 'DELETE',
    path: '/v1/projects/{projectId}/members/{userId}',
    function: 'projects',
    auth: 'jwt',
    action: ['members.manage', 'invoices.review'], // review: whether the member now has review tasks
    request: { path: memberPath },
    response: { status: 204 },
  },
] as const satisfies readonly RouteDefinition[];
