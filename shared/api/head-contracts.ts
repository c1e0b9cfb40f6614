import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { accountingMethods } from '../domain/commitments';
import { headContractStatuses } from '../domain/head-contracts';
import { headContractPath, projectPath, retainageSettings } from './common';

export const isoDate = z.withMeta(z.iso.date(), { description: 'A calendar date (YYYY-MM-DD) in the project’s time zone' });
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

export const listHeadContractsQuery = z.object({ ...pageQuery });

const base = '/v1/projects/{projectId}/head-contracts';

export const headContractRoutes = [
  {
    operationId: 'createHeadContract',
    method: 'POST',
    path: base,
    function: 'headContracts',
    auth: 'jwt',
    action: 'head_contracts.edit',
    request: { path: projectPath, body: createHeadContractBody },
    response: { status: 201 },
  },
  {
    operationId: 'listHeadContracts',
    method: 'GET',
    path: base,
    function: 'headContracts',
    auth: 'jwt',
    action: 'head_contracts.view',
    request: { path: projectPath, query: listHeadContractsQuery },
    response: { status: 200 },
  },
  {
    operationId: 'getHeadContract',
    method: 'GET',
    path: `${base}/{headContractId}`,
    function: 'headContracts',
    auth: 'jwt',
    action: 'head_contracts.view',
    request: { path: headContractPath },
    response: { status: 200 },
  },
  {
    operationId: 'updateHeadContract',
    method: 'PATCH',
    path: `${base}/{headContractId}`,
    function: 'headContracts',
    auth: 'jwt',
    action: 'head_contracts.edit',
    request: { path: headContractPath, body: updateHeadContractBody },
    response: { status: 200 },
  },
  {
    operationId: 'deleteHeadContract',
    method: 'DELETE',
    path: `${base}/{headContractId}`,
    function: 'headContracts',
    auth: 'jwt',
    action: 'head_contracts.edit',
    request: { path: headContractPath },
    response: { status: 204 },
  },
] as const satisfies readonly RouteDefinition[];
