import * as z from '../zod';
import { commaListOf, commitmentPath, projectPath, retainageSettings, sortQuery, updatedSinceQuery } from './common';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { accountingMethods, commitmentStatuses, commitmentTypes } from '../domain/commitments';

export { commitmentPath, percentString, projectPath, retainageSettings } from './common';

/** A change of retainage settings: the fields given replace. */
export const retainageChange = z.withMeta(z.partial(retainageSettings), {
  description:
    'The fields given replace; a % above zero given without its …Enabled turns that retainage on (workPercent → workEnabled, materialsPercent → materialsEnabled)',
});

export const isoDate = z.withMeta(z.iso.date(), { description: 'A calendar date (YYYY-MM-DD) in the project’s time zone' });
const userIds = (description: string) => z.withMeta(z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.maxLength(100)), { description });

export const createCommitmentBody = z.withMeta(
  z.strictObject({
    type: z.enum(commitmentTypes),
    number: z.withMeta(z.string().check(z.trim(), z.minLength(1), z.maxLength(50)), {
      description: 'Unique in the project, ignoring case and surrounding spaces',
    }),
    title: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    vendorId: z.withMeta(z.string().check(z.minLength(1)), { description: 'A vendor of the project' }),
    status: z._default(z.enum(commitmentStatuses), 'draft'),
    description: z.optional(z.string().check(z.maxLength(5000))),
    contractDate: z.optional(isoDate),
    startDate: z.optional(isoDate),
    estimatedCompletionDate: z.optional(isoDate),
    actualCompletionDate: z.optional(isoDate),
    accountingMethod: z.withMeta(z._default(z.enum(accountingMethods), 'amount'), { description: 'Fixed once the SOV has lines' }),
    retainage: z.withMeta(z.optional(retainageSettings), { description: 'Defaults to the project’s retainage settings' }),
    private: z._default(z.boolean(), false),
    privateUserIds: z._default(userIds('Project members who may see the commitment when it is private'), []),
    invoiceContactIds: z._default(userIds('Users of the vendor who may bill (needs the add-contacts permission); each joins the private list'), []),
  }),
  { id: 'CreateCommitment' },
);
export type CreateCommitmentBody = z.infer<typeof createCommitmentBody>;

/** Every field optional; `null` clears an optional field. */
export const updateCommitmentBody = z.withMeta(
  z
    .partial(
      z.strictObject({
        number: z.string().check(z.trim(), z.minLength(1), z.maxLength(50)),
        title: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
        vendorId: z.string().check(z.minLength(1)),
        status: z.enum(commitmentStatuses),
        description: z.nullable(z.string().check(z.maxLength(5000))),
        contractDate: z.nullable(isoDate),
        startDate: z.nullable(isoDate),
        estimatedCompletionDate: z.nullable(isoDate),
        actualCompletionDate: z.nullable(isoDate),
        accountingMethod: z.enum(accountingMethods),
        retainage: retainageChange,
        private: z.boolean(),
        privateUserIds: userIds('Replaces the private list (invoice contacts stay on it)'),
        invoiceContactIds: userIds('Replaces the invoice contacts'),
        ssovEnabled: z.boolean(),
        paymentsIssuedEnabled: z.boolean(),
      }),
    )
    .check(z.refine((body) => Object.keys(body).length > 0, 'Nothing to change: send at least one field')),
  { id: 'UpdateCommitment' },
);
export type UpdateCommitmentBody = z.infer<typeof updateCommitmentBody>;

export const listCommitmentsQuery = z.object({
  q: z.withMeta(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))), {
    description: 'Searches number, title and vendor name (case-insensitive)',
  }),
  type: z.optional(z.enum(commitmentTypes)),
  status: z.optional(commaListOf(commitmentStatuses, 'Only commitments in these statuses')),
  contact: z.withMeta(z.optional(z.enum(['me'])), { description: '`me`: only the commitments the caller is an invoice contact on' }),
  updatedSince: z.optional(updatedSinceQuery('commitments')),
  sort: z.optional(sortQuery(['number'], 'By number (the default), or `-number` for descending')),
  ...pageQuery,
});

const base = '/v1/projects/{projectId}/commitments';

export const commitmentRoutes = [
  {
    operationId: 'createCommitment',
    method: 'POST',
    path: base,
    function: 'commitments',
    auth: 'jwt',
    action: ['commitments.create_purchase_order', 'commitments.create_subcontract', 'commitments.add_contacts'],
    request: { path: projectPath, body: createCommitmentBody },
    response: { status: 201 },
  },
  {
    operationId: 'listCommitments',
    method: 'GET',
    path: base,
    function: 'commitments',
    auth: 'jwt',
    action: 'commitments.view',
    request: { path: projectPath, query: listCommitmentsQuery },
    response: { status: 200 },
  },
  {
    operationId: 'getCommitment',
    method: 'GET',
    path: `${base}/{commitmentId}`,
    function: 'commitments',
    auth: 'jwt',
    action: 'commitments.view',
    request: { path: commitmentPath },
    response: { status: 200 },
  },
  {
    operationId: 'updateCommitment',
    method: 'PATCH',
    path: `${base}/{commitmentId}`,
    function: 'commitments',
    auth: 'jwt',
    action: ['commitments.edit', 'commitments.add_contacts', 'ssov.enable', 'payments.enable'],
    request: { path: commitmentPath, body: updateCommitmentBody },
    response: { status: 200 },
  },
] as const satisfies readonly RouteDefinition[];
