/** The commitments routes' documentation (summaries, tags, what they answer, with the answers' schemas): read by the OpenAPI document only, so no handler bundles it. */
import * as z from '../zod';
import { commitmentActions } from '../domain/allowed-actions';
import { allowedActionsField, personRef, retainageSettings } from './common';
import { accountingMethods, commitmentStatuses, commitmentTypes, ssovStatuses } from '../domain/commitments';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { commitmentRoutes } from './commitments';
import { isoDate } from './commitments';

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

export const commitmentDocs = {
  createCommitment: {
    summary: 'Create a subcontract or purchase order (number unique in the project)',
    tags: ['commitments'],
    response: { description: 'The commitment, with an empty SOV (ETag: its version)', schema: commitmentResponse },
  },
  listCommitments: {
    summary: 'Commitments the caller can see, by number; `q` searches number, title and vendor',
    tags: ['commitments'],
    response: { description: 'One page of commitments', schema: commitmentListResponse },
  },
  getCommitment: {
    summary: 'One commitment with its contract sum to date, contacts and private list',
    tags: ['commitments'],
    response: { description: 'The commitment (ETag: its version)', schema: commitmentResponse },
  },
  updateCommitment: {
    summary: 'Edit header fields, contacts, private list, SSOV and payments switches (If-Match required)',
    tags: ['commitments'],
    response: { description: 'The commitment, updated (ETag: its new version)', schema: commitmentResponse },
  },
} satisfies Record<OperationIdOf<typeof commitmentRoutes>, RouteDocs>;
