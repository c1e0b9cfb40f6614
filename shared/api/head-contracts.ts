import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { accountingMethods } from '../domain/commitments';
import { headContractStatuses } from '../domain/head-contracts';
import type { HeadContractItem } from '../db/entities/head-contract';
import { headContractPath, projectPath, retainageSettings } from './common';

const isoDate = z.withMeta(z.iso.date(), { description: 'A calendar date (YYYY-MM-DD) in the project’s time zone' });
const userIds = (description: string) => z.withMeta(z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.maxLength(100)), { description });
const emails = z.withMeta(z.array(z.email().check(z.maxLength(254))).check(z.maxLength(20)), {
  description: 'The owner’s contacts: owner invoices are emailed to them',
});

export { headContractPath } from './common';

export const createHeadContractBody = z.withMeta(
  z.strictObject({
    number: z.withMeta(z.string().check(z.trim(), z.minLength(1), z.maxLength(50)), {
      description: 'Unique in the project, ignoring case and surrounding spaces',
    }),
    title: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    ownerCompanyName: z.withMeta(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)), {
      description: 'The owner (client, principal) the contract is with',
    }),
    ownerContactEmails: z._default(emails, []),
    status: z._default(z.enum(headContractStatuses), 'draft'),
    description: z.optional(z.string().check(z.maxLength(5000))),
    contractDate: z.optional(isoDate),
    startDate: z.optional(isoDate),
    estimatedCompletionDate: z.optional(isoDate),
    actualCompletionDate: z.optional(isoDate),
    accountingMethod: z.withMeta(z._default(z.enum(accountingMethods), 'amount'), { description: 'Fixed once the SOV has lines' }),
    retainage: z.withMeta(z.optional(retainageSettings), { description: 'Defaults to the project’s retainage settings' }),
    private: z._default(z.boolean(), false),
    privateUserIds: z._default(userIds('Project members who may see the head contract when it is private'), []),
  }),
  { id: 'CreateHeadContract' },
);

/** Every field optional; `null` clears an optional field. */
export const updateHeadContractBody = z.withMeta(
  z
    .partial(
      z.strictObject({
        number: z.string().check(z.trim(), z.minLength(1), z.maxLength(50)),
        title: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
        ownerCompanyName: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
        ownerContactEmails: emails,
        status: z.enum(headContractStatuses),
        description: z.nullable(z.string().check(z.maxLength(5000))),
        contractDate: z.nullable(isoDate),
        startDate: z.nullable(isoDate),
        estimatedCompletionDate: z.nullable(isoDate),
        actualCompletionDate: z.nullable(isoDate),
        accountingMethod: z.enum(accountingMethods),
        retainage: z.partial(retainageSettings),
        private: z.boolean(),
        privateUserIds: userIds('Replaces the private list'),
      }),
    )
    .check(z.refine((body) => Object.keys(body).length > 0, 'Nothing to change: send at least one field')),
  { id: 'UpdateHeadContract' },
);
export type UpdateHeadContractBody = z.infer<typeof updateHeadContractBody>;

export const headContractResponse = z.withMeta(
  z.object({
    projectId: z.string(),
    headContractId: z.string(),
    number: z.string(),
    title: z.string(),
    ownerCompanyName: z.string(),
    ownerContactEmails: z.array(z.string()),
    status: z.enum(headContractStatuses),
    description: z.nullable(z.string()),
    contractDate: z.nullable(isoDate),
    startDate: z.nullable(isoDate),
    estimatedCompletionDate: z.nullable(isoDate),
    actualCompletionDate: z.nullable(isoDate),
    accountingMethod: z.enum(accountingMethods),
    retainage: retainageSettings,
    private: z.boolean(),
    privateUserIds: z.array(z.string()),
    lineCount: z.number().check(z.int()),
    originalContractSumCents: z.withMeta(z.number().check(z.int()), { description: 'G702 line 1: the SOV less what change orders added' }),
    approvedChangeOrdersCents: z.withMeta(z.number().check(z.int()), { description: 'G702 line 2: net change by approved change orders' }),
    contractSumToDateCents: z.withMeta(z.number().check(z.int()), { description: 'G702 line 3: original contract sum plus approved change orders' }),
    version: z.number().check(z.int()),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  }),
  {
    id: 'HeadContract',
    description: 'The general contractor’s contract with the owner (“Prime Contract” en-US/CA, “Head Contract” en-AU, “Main Contract” en-GB)',
  });
export type HeadContractResponse = z.infer<typeof headContractResponse>;

export const listHeadContractsQuery = z.object({ ...pageQuery });

export const headContractListResponse = z.withMeta(
  z.object({
    items: z.array(headContractResponse),
    nextCursor: z.withMeta(z.nullable(z.string()), { description: 'Pass as `cursor` for the next page; null on the last page' }),
  }),
  { id: 'HeadContractList' },
);

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
