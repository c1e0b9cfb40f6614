import * as z from 'zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { accountingMethods } from '../domain/commitments';
import { headContractStatuses } from '../domain/head-contracts';
import type { HeadContractItem } from '../db/entities/head-contract';
import { projectPath, retainageSettings } from './commitments';

const isoDate = z.iso.date().meta({ description: 'A calendar date (YYYY-MM-DD) in the project’s time zone' });
const userIds = (description: string) => z.array(z.string().min(1).max(100)).max(100).meta({ description });
const emails = z.array(z.email().max(254)).max(20).meta({ description: 'The owner’s contacts: owner invoices are emailed to them' });

export const headContractPath = z.object({ projectId: z.string().min(1), headContractId: z.string().min(1) });

export const createHeadContractBody = z
  .object({
    number: z.string().trim().min(1).max(50).meta({ description: 'Unique in the project, ignoring case and surrounding spaces' }),
    title: z.string().trim().min(1).max(200),
    ownerCompanyName: z.string().trim().min(1).max(200).meta({ description: 'The owner (client, principal) the contract is with' }),
    ownerContactEmails: emails.default([]),
    status: z.enum(headContractStatuses).default('draft'),
    description: z.string().max(5000).optional(),
    contractDate: isoDate.optional(),
    startDate: isoDate.optional(),
    estimatedCompletionDate: isoDate.optional(),
    actualCompletionDate: isoDate.optional(),
    accountingMethod: z.enum(accountingMethods).default('amount').meta({ description: 'Fixed once the SOV has lines' }),
    retainage: retainageSettings.optional().meta({ description: 'Defaults to the project’s retainage settings' }),
    private: z.boolean().default(false),
    privateUserIds: userIds('Project members who may see the head contract when it is private').default([]),
  })
  .strict()
  .meta({ id: 'CreateHeadContract' });

/** Every field optional; `null` clears an optional field. */
export const updateHeadContractBody = z
  .object({
    number: z.string().trim().min(1).max(50),
    title: z.string().trim().min(1).max(200),
    ownerCompanyName: z.string().trim().min(1).max(200),
    ownerContactEmails: emails,
    status: z.enum(headContractStatuses),
    description: z.string().max(5000).nullable(),
    contractDate: isoDate.nullable(),
    startDate: isoDate.nullable(),
    estimatedCompletionDate: isoDate.nullable(),
    actualCompletionDate: isoDate.nullable(),
    accountingMethod: z.enum(accountingMethods),
    retainage: retainageSettings.partial(),
    private: z.boolean(),
    privateUserIds: userIds('Replaces the private list'),
  })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'Nothing to change: send at least one field')
  .meta({ id: 'UpdateHeadContract' });
export type UpdateHeadContractBody = z.infer<typeof updateHeadContractBody>;

export const headContractResponse = z
  .object({
    projectId: z.string(),
    headContractId: z.string(),
    number: z.string(),
    title: z.string(),
    ownerCompanyName: z.string(),
    ownerContactEmails: z.array(z.string()),
    status: z.enum(headContractStatuses),
    description: z.string().nullable(),
    contractDate: isoDate.nullable(),
    startDate: isoDate.nullable(),
    estimatedCompletionDate: isoDate.nullable(),
    actualCompletionDate: isoDate.nullable(),
    accountingMethod: z.enum(accountingMethods),
    retainage: retainageSettings,
    private: z.boolean(),
    privateUserIds: z.array(z.string()),
    lineCount: z.number().int(),
    originalContractSumCents: z.number().int().meta({ description: 'G702 line 1: the SOV less what change orders added' }),
    approvedChangeOrdersCents: z.number().int().meta({ description: 'G702 line 2: net change by approved change orders' }),
    contractSumToDateCents: z.number().int().meta({ description: 'G702 line 3: original contract sum plus approved change orders' }),
    version: z.number().int(),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({
    id: 'HeadContract',
    description: 'The general contractor’s contract with the owner (“Prime Contract” en-US/CA, “Head Contract” en-AU, “Main Contract” en-GB)',
  });
export type HeadContractResponse = z.infer<typeof headContractResponse>;

export const listHeadContractsQuery = z.object({ ...pageQuery });

export const headContractListResponse = z
  .object({
    items: z.array(headContractResponse),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  })
  .meta({ id: 'HeadContractList' });

const base = '/v1/projects/{projectId}/head-contracts';

export const headContractRoutes = [
  {
    operationId: 'createHeadContract',
    method: 'POST',
    path: base,
    function: 'headContracts',
    auth: 'jwt',
    action: 'head_contracts.edit',
    summary: 'Create a head contract with the owner (number unique in the project)',
    tags: ['head contracts'],
    request: { path: projectPath, body: createHeadContractBody },
    response: { status: 201, description: 'The head contract, with an empty SOV (ETag: its version)', schema: headContractResponse },
  },
  {
    operationId: 'listHeadContracts',
    method: 'GET',
    path: base,
    function: 'headContracts',
    auth: 'jwt',
    action: 'head_contracts.view',
    summary: 'Head contracts the caller can see, by number',
    tags: ['head contracts'],
    request: { path: projectPath, query: listHeadContractsQuery },
    response: { status: 200, description: 'One page of head contracts', schema: headContractListResponse },
  },
  {
    operationId: 'getHeadContract',
    method: 'GET',
    path: `${base}/{headContractId}`,
    function: 'headContracts',
    auth: 'jwt',
    action: 'head_contracts.view',
    summary: 'One head contract with its contract sum to date',
    tags: ['head contracts'],
    request: { path: headContractPath },
    response: { status: 200, description: 'The head contract (ETag: its version)', schema: headContractResponse },
  },
  {
    operationId: 'updateHeadContract',
    method: 'PATCH',
    path: `${base}/{headContractId}`,
    function: 'headContracts',
    auth: 'jwt',
    action: 'head_contracts.edit',
    summary: 'Edit a head contract’s fields, private list and retainage (If-Match required)',
    tags: ['head contracts'],
    request: { path: headContractPath, body: updateHeadContractBody },
    response: { status: 200, description: 'The head contract, updated (ETag: its new version)', schema: headContractResponse },
  },
  {
    operationId: 'deleteHeadContract',
    method: 'DELETE',
    path: `${base}/{headContractId}`,
    function: 'headContracts',
    auth: 'jwt',
    action: 'head_contracts.edit',
    summary: 'Delete a draft head contract with its SOV and change orders (If-Match required)',
    tags: ['head contracts'],
    request: { path: headContractPath },
    response: { status: 204, description: 'Deleted' },
  },
] as const satisfies readonly RouteDefinition[];

/** The API's view of a stored head contract: absent optional fields as null, the contract sum to date derived. */
export function toHeadContractResponse(item: HeadContractItem): HeadContractResponse {
  return {
    projectId: item.projectId,
    headContractId: item.headContractId,
    number: item.number,
    title: item.title,
    ownerCompanyName: item.ownerCompanyName,
    ownerContactEmails: [...item.ownerContactEmails],
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
    lineCount: item.lineCount,
    originalContractSumCents: item.originalContractSumCents,
    approvedChangeOrdersCents: item.approvedChangeOrdersCents,
    contractSumToDateCents: item.originalContractSumCents + item.approvedChangeOrdersCents,
    version: item.version,
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}
