/** The projects' and members' documentation (OpenAPI only: no handler imports it) and their answers' schemas. */
import * as z from '../zod';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import { billingFrequencies, defaultInvoiceTypes } from '../domain/project-settings';
import { granularPermissions, toolLevels } from '../domain/permissions';
import { regions } from '../domain/terminology';
import { retainageSettings } from './commitments';
import type { projectRoutes } from './projects';

const levels = z.object({ commitments: z.enum(toolLevels), headContracts: z.enum(toolLevels) });

export const projectMember = z.withMeta(
  z.object({
    userId: z.string(),
    name: z.string(),
    email: z.string(),
    company: z.object({ companyId: z.string(), name: z.string(), kind: z.enum(['general_contractor', 'vendor']) }),
    levels,
    granular: z.array(z.enum(granularPermissions)),
  }),
  { id: 'ProjectMember' },
);
export type ProjectMemberResponse = z.infer<typeof projectMember>;

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

export const projectDocs = {
  createProject: {
    summary: 'Create a project (company administrators of a general contractor); the creator becomes its admin',
    tags: ['projects'],
    response: { description: 'The project (Location: its URL; ETag: its settings version)', schema: projectResponse },
  },
  getProject: {
    summary: 'A project the caller is a member of, with its settings',
    tags: ['projects'],
    response: { description: 'The project (ETag: its settings version)', schema: projectResponse },
  },
  getProjectSettings: {
    summary: 'The project’s invoicing settings',
    tags: ['projects'],
    response: { description: 'The settings (ETag: their version)', schema: projectSettingsResponse },
  },
  updateProjectSettings: {
    summary: 'Change some of the project’s invoicing settings (If-Match required)',
    tags: ['projects'],
    response: { description: 'The settings, changed (ETag: their new version)', schema: projectSettingsResponse },
  },
  listMembers: {
    summary: 'The project’s members with their levels, a page at a time',
    tags: ['members'],
    response: { description: 'A page of members; nextCursor fetches the next', schema: memberList },
  },
  putMember: {
    summary: 'Add a user of the company or of a project vendor as a member, or change their levels',
    tags: ['members'],
    response: { description: 'The member (200 changed, 201 added)', schema: projectMember },
  },
  removeMember: {
    summary: 'Remove a member from the project (never its last commitments admin)',
    tags: ['members'],
    response: { description: 'Removed' },
  },
} satisfies Record<OperationIdOf<typeof projectRoutes>, RouteDocs>;
