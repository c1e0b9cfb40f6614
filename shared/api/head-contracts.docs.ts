/** The head contracts routes' documentation (summaries, tags, what they answer, with the answers' schemas): read by the OpenAPI document only, so no handler bundles it. */
import * as z from '../zod';
import { accountingMethods } from '../domain/commitments';
import { headContractStatuses } from '../domain/head-contracts';
import { retainageSettings } from './common';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { headContractRoutes } from './head-contracts';
import { isoDate } from './head-contracts';

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

export const headContractListResponse = z.withMeta(
  z.object({
    items: z.array(headContractResponse),
    nextCursor: z.withMeta(z.nullable(z.string()), { description: 'Pass as `cursor` for the next page; null on the last page' }),
  }),
  { id: 'HeadContractList' },
);

export const headContractDocs = {
  createHeadContract: {
    summary: 'Create a head contract with the owner (number unique in the project)',
    tags: ['head contracts'],
    response: { description: 'The head contract, with an empty SOV (ETag: its version)', schema: headContractResponse },
  },
  listHeadContracts: {
    summary: 'Head contracts the caller can see, by number',
    tags: ['head contracts'],
    response: { description: 'One page of head contracts', schema: headContractListResponse },
  },
  getHeadContract: {
    summary: 'One head contract with its contract sum to date',
    tags: ['head contracts'],
    response: { description: 'The head contract (ETag: its version)', schema: headContractResponse },
  },
  updateHeadContract: {
    summary: 'Edit a head contract’s fields, private list and retainage (If-Match required)',
    tags: ['head contracts'],
    response: { description: 'The head contract, updated (ETag: its new version)', schema: headContractResponse },
  },
  deleteHeadContract: {
    summary: 'Delete a draft head contract with its SOV and change orders (If-Match required)',
    tags: ['head contracts'],
    response: { description: 'Deleted' },
  },
} satisfies Record<OperationIdOf<typeof headContractRoutes>, RouteDocs>;
