import * as z from 'zod';
import { commitmentActions, commitmentAllowedActions } from '../domain/allowed-actions';
import type { Membership } from '../domain/permissions';
import { allowedActionsField, commaListOf, personRef, sortQuery, updatedSinceQuery } from './common';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { accountingMethods, commitmentStatuses, commitmentTypes, ssovStatuses } from '../domain/commitments';
import type { CommitmentItem } from '../db/commitments';

/** A percentage as an exact decimal string between 0 and 100, at most 4 decimals ("10", "7.5"). */
export const percentString = z
  .string()
  .regex(/^(?:100(?:\.0{1,4})?|\d{1,2}(?:\.\d{1,4})?)$/, 'A percentage between 0 and 100 as a decimal string, e.g. "10" or "7.5"')
  .meta({ example: '10' });

/** Retainage on completed work and on stored materials, each with its own switch. */
export const retainageSettings = z
  .object({
    workPercent: percentString,
    workEnabled: z.boolean(),
    materialsPercent: percentString,
    materialsEnabled: z.boolean(),
  })
  .strict()
  .meta({ id: 'RetainageSettings' });
/** A change of retainage settings: the fields given replace. */
export const retainageChange = retainageSettings
  .partial()
  .meta({ description: 'The fields given replace; a % above zero given without its …Enabled turns that retainage on (workPercent → workEnabled, materialsPercent → materialsEnabled)' });

const isoDate = z.iso.date().meta({ description: 'A calendar date (YYYY-MM-DD) in the project’s time zone' });
const userIds = (description: string) => z.array(z.string().min(1).max(100)).max(100).meta({ description });

export const commitmentPath = z.object({ projectId: z.string().min(1), commitmentId: z.string().min(1) });
export const projectPath = z.object({ projectId: z.string().min(1) });

export const createCommitmentBody = z
  .object({
    type: z.enum(commitmentTypes),
    number: z.string().trim().min(1).max(50).meta({ description: 'Unique in the project, ignoring case and surrounding spaces' }),
    title: z.string().trim().min(1).max(200),
    vendorId: z.string().min(1).meta({ description: 'A vendor of the project' }),
    status: z.enum(commitmentStatuses).default('draft'),
    description: z.string().max(5000).optional(),
    contractDate: isoDate.optional(),
    startDate: isoDate.optional(),
    estimatedCompletionDate: isoDate.optional(),
    actualCompletionDate: isoDate.optional(),
    accountingMethod: z.enum(accountingMethods).default('amount').meta({ description: 'Fixed once the SOV has lines' }),
    retainage: retainageSettings.optional().meta({ description: 'Defaults to the project’s retainage settings' }),
    private: z.boolean().default(false),
    privateUserIds: userIds('Project members who may see the commitment when it is private').default([]),
    invoiceContactIds: userIds('Users of the vendor who may bill (needs the add-contacts permission); each joins the private list').default([]),
  })
  .strict()
  .meta({ id: 'CreateCommitment' });
export type CreateCommitmentBody = z.infer<typeof createCommitmentBody>;

/** Every field optional; `null` clears an optional field. */
export const updateCommitmentBody = z
  .object({
    number: z.string().trim().min(1).max(50),
    title: z.string().trim().min(1).max(200),
    vendorId: z.string().min(1),
    status: z.enum(commitmentStatuses),
    description: z.string().max(5000).nullable(),
    contractDate: isoDate.nullable(),
    startDate: isoDate.nullable(),
    estimatedCompletionDate: isoDate.nullable(),
    actualCompletionDate: isoDate.nullable(),
    accountingMethod: z.enum(accountingMethods),
    retainage: retainageChange,
    private: z.boolean(),
    privateUserIds: userIds('Replaces the private list (invoice contacts stay on it)'),
    invoiceContactIds: userIds('Replaces the invoice contacts'),
    ssovEnabled: z.boolean(),
    paymentsIssuedEnabled: z.boolean(),
  })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'Nothing to change: send at least one field')
  .meta({ id: 'UpdateCommitment' });
export type UpdateCommitmentBody = z.infer<typeof updateCommitmentBody>;

export const commitmentResponse = z
  .object({
    projectId: z.string(),
    commitmentId: z.string(),
    type: z.enum(commitmentTypes),
    number: z.string(),
    title: z.string(),
    vendorId: z.string(),
    vendorName: z.string(),
    status: z.enum(commitmentStatuses),
    description: z.string().nullable(),
    contractDate: isoDate.nullable(),
    startDate: isoDate.nullable(),
    estimatedCompletionDate: isoDate.nullable(),
    actualCompletionDate: isoDate.nullable(),
    accountingMethod: z.enum(accountingMethods),
    retainage: retainageSettings,
    private: z.boolean(),
    privateUserIds: z.array(z.string()),
    invoiceContactIds: z.array(z.string()),
    ssovEnabled: z.boolean(),
    ssovStatus: z.enum(ssovStatuses).nullable().meta({ description: 'Null until the subcontractor SOV is first saved' }),
    paymentsIssuedEnabled: z.boolean(),
    lineCount: z.number().int(),
    originalContractSumCents: z.number().int().meta({ description: 'Sum of the original SOV lines' }),
    approvedChangeOrdersCents: z.number().int(),
    contractSumToDateCents: z.number().int().meta({ description: 'Original contract sum plus approved change orders' }),
    version: z.number().int(),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    allowedActions: allowedActionsField(commitmentActions, 'CommitmentAction'),
  })
  .meta({ id: 'Commitment', description: 'A subcontract or purchase order to one vendor of the project' });
export type CommitmentResponse = z.infer<typeof commitmentResponse>;

export const listCommitmentsQuery = z.object({
  q: z.string().trim().min(1).max(100).optional().meta({ description: 'Searches number, title and vendor name (case-insensitive)' }),
  type: z.enum(commitmentTypes).optional(),
  status: commaListOf(commitmentStatuses, 'Only commitments in these statuses').optional(),
  contact: z.enum(['me']).optional().meta({ description: '`me`: only the commitments the caller is an invoice contact on' }),
  updatedSince: updatedSinceQuery('commitments').optional(),
  sort: sortQuery(['number'], 'By number (the default), or `-number` for descending').optional(),
  ...pageQuery,
});

export const commitmentListResponse = z
  .object({
    items: z.array(
      commitmentResponse
        .extend({ invoiceContacts: z.array(personRef).meta({ description: 'The invoice contacts with their names (one BatchGet per page)' }) })
        .meta({ id: 'CommitmentListItem' }),
    ),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  })
  .meta({ id: 'CommitmentList' });

const base = '/v1/projects/{projectId}/commitments';

export const commitmentRoutes = [
  {
    operationId: 'createCommitment',
    method: 'POST',
    path: base,
    function: 'commitments',
    auth: 'jwt',
    action: ['commitments.create_purchase_order', 'commitments.create_subcontract', 'commitments.add_contacts'],
    summary: 'Create a subcontract or purchase order (number unique in the project)',
    tags: ['commitments'],
    request: { path: projectPath, body: createCommitmentBody },
    response: { status: 201, description: 'The commitment, with an empty SOV (ETag: its version)', schema: commitmentResponse },
  },
  {
    operationId: 'listCommitments',
    method: 'GET',
    path: base,
    function: 'commitments',
    auth: 'jwt',
    action: 'commitments.view',
    summary: 'Commitments the caller can see, by number; `q` searches number, title and vendor',
    tags: ['commitments'],
    request: { path: projectPath, query: listCommitmentsQuery },
    response: { status: 200, description: 'One page of commitments', schema: commitmentListResponse },
  },
  {
    operationId: 'getCommitment',
    method: 'GET',
    path: `${base}/{commitmentId}`,
    function: 'commitments',
    auth: 'jwt',
    action: 'commitments.view',
    summary: 'One commitment with its contract sum to date, contacts and private list',
    tags: ['commitments'],
    request: { path: commitmentPath },
    response: { status: 200, description: 'The commitment (ETag: its version)', schema: commitmentResponse },
  },
  {
    operationId: 'updateCommitment',
    method: 'PATCH',
    path: `${base}/{commitmentId}`,
    function: 'commitments',
    auth: 'jwt',
    action: ['commitments.edit', 'commitments.add_contacts', 'ssov.enable', 'payments.enable'],
    summary: 'Edit header fields, contacts, private list, SSOV and payments switches (If-Match required)',
    tags: ['commitments'],
    request: { path: commitmentPath, body: updateCommitmentBody },
    response: { status: 200, description: 'The commitment, updated (ETag: its new version)', schema: commitmentResponse },
  },
] as const satisfies readonly RouteDefinition[];

/**
 * The API's view of a stored commitment as `member` sees it: absent optional fields as null, the
 * contract sum to date derived, and what the member may do with it now.
 */
export const commitmentViewFor =
  (member: Membership) =>
  (item: CommitmentItem): CommitmentResponse =>
    toCommitmentResponse(item, commitmentAllowedActions({ member, commitment: item }));

export function toCommitmentResponse(item: CommitmentItem, allowedActions: CommitmentResponse['allowedActions']): CommitmentResponse {
  return {
    projectId: item.projectId,
    commitmentId: item.commitmentId,
    type: item.type,
    number: item.number,
    title: item.title,
    vendorId: item.vendorId,
    vendorName: item.vendorName,
    status: item.status,
    description: item.description ?? null,
    contractDate: item.contractDate ?? null,
    startDate: item.startDate ?? null,
    estimatedCompletionDate: item.estimatedCompletionDate ?? null,
    actualCompletionDate: item.actualCompletionDate ?? null,
    accountingMethod: item.accountingMethod,
    retainage: { ...item.retainage },
    private: item.private,
    privateUserIds: [...item.privateUserIds],
    invoiceContactIds: [...item.invoiceContactIds],
    ssovEnabled: item.ssovEnabled,
    ssovStatus: item.ssovStatus ?? null,
    paymentsIssuedEnabled: item.paymentsIssuedEnabled,
    lineCount: item.lineCount,
    originalContractSumCents: item.originalContractSumCents,
    approvedChangeOrdersCents: item.approvedChangeOrdersCents,
    contractSumToDateCents: item.originalContractSumCents + item.approvedChangeOrdersCents,
    version: item.version,
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    allowedActions,
  };
}
