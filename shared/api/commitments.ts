import * as z from '../zod';
import { commitmentActions, commitmentAllowedActions } from '../domain/allowed-actions';
import type { Membership } from '../domain/permissions';
import { allowedActionsField, commaListOf, commitmentPath, personRef, projectPath, retainageSettings, sortQuery, updatedSinceQuery } from './common';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { accountingMethods, commitmentStatuses, commitmentTypes, ssovStatuses } from '../domain/commitments';
import type { CommitmentItem } from '../db/commitments';

export { commitmentPath, percentString, projectPath, retainageSettings } from './common';

/** A change of retainage settings: the fields given replace. */
export const retainageChange = z.withMeta(z.partial(retainageSettings), {
  description:
    'The fields given replace; a % above zero given without its …Enabled turns that retainage on (workPercent → workEnabled, materialsPercent → materialsEnabled)',
});

const isoDate = z.withMeta(z.iso.date(), { description: 'A calendar date (YYYY-MM-DD) in the project’s time zone' });
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

export const commitmentResponse = z.withMeta(
  z.object({
    projectId: z.string(),
    commitmentId: z.string(),
    type: z.enum(commitmentTypes),
    number: z.string(),
    title: z.string(),
    vendorId: z.string(),
    vendorName: z.string(),
    status: z.enum(commitmentStatuses),
    description: z.nullable(z.string()),
    contractDate: z.nullable(isoDate),
    startDate: z.nullable(isoDate),
    estimatedCompletionDate: z.nullable(isoDate),
    actualCompletionDate: z.nullable(isoDate),
    accountingMethod: z.enum(accountingMethods),
    retainage: retainageSettings,
    private: z.boolean(),
    privateUserIds: z.array(z.string()),
    invoiceContactIds: z.array(z.string()),
    ssovEnabled: z.boolean(),
    ssovStatus: z.withMeta(z.nullable(z.enum(ssovStatuses)), { description: 'Null until the subcontractor SOV is first saved' }),
    paymentsIssuedEnabled: z.boolean(),
    lineCount: z.number().check(z.int()),
    originalContractSumCents: z.withMeta(z.number().check(z.int()), { description: 'Sum of the original SOV lines' }),
    approvedChangeOrdersCents: z.number().check(z.int()),
    contractSumToDateCents: z.withMeta(z.number().check(z.int()), { description: 'Original contract sum plus approved change orders' }),
    version: z.number().check(z.int()),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    allowedActions: allowedActionsField(commitmentActions, 'CommitmentAction'),
  }),
  { id: 'Commitment', description: 'A subcontract or purchase order to one vendor of the project' },
);
export type CommitmentResponse = z.infer<typeof commitmentResponse>;

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

export const commitmentListResponse = z.withMeta(
  z.object({
    items: z.array(
      z.withMeta(
        z.extend(commitmentResponse, {
          invoiceContacts: z.withMeta(z.array(personRef), { description: 'The invoice contacts with their names (one BatchGet per page)' }),
        }),
        { id: 'CommitmentListItem' },
      ),
    ),
    nextCursor: z.withMeta(z.nullable(z.string()), { description: 'Pass as `cursor` for the next page; null on the last page' }),
  }),
  { id: 'CommitmentList' },
);

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
