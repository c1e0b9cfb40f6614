import type { EntityItem } from 'electrodb';
import { Entity } from '../electrodb';
import { tableKeys } from '../keys';
import { retainageAttribute } from '../attributes';
import { accountingMethods } from '../../domain/commitments';
import { headContractStatuses } from '../../domain/head-contracts';

/**
 * The general contractor's contract with the owner. Its SOV and change orders are the `Sov` and
 * `ChangeOrder` items keyed by its id (contractKind `head_contract`), served by the same code as a
 * commitment's; the sums here are kept equal to its SOV in the same transaction.
 */
export const HeadContract = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'headContract', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    headContractId: { type: 'string', required: true, readOnly: true },
    number: { type: 'string', required: true },
    title: { type: 'string', required: true },
    ownerCompanyName: { type: 'string', required: true },
    /** Where owner invoices are emailed besides the addresses given each time. */
    ownerContactEmails: { type: 'list', items: { type: 'string' }, required: true },
    status: { type: headContractStatuses, required: true },
    description: { type: 'string' },
    /** ISO dates (YYYY-MM-DD) in the project's time zone. */
    contractDate: { type: 'string' },
    startDate: { type: 'string' },
    estimatedCompletionDate: { type: 'string' },
    actualCompletionDate: { type: 'string' },
    accountingMethod: { type: accountingMethods, required: true },
    retainage: retainageAttribute,
    private: { type: 'boolean', required: true },
    privateUserIds: { type: 'list', items: { type: 'string' }, required: true },
    lineCount: { type: 'number', required: true },
    originalContractSumCents: { type: 'number', required: true },
    approvedChangeOrdersCents: { type: 'number', required: true },
    version: { type: 'number', required: true },
    createdBy: { type: 'string', required: true, readOnly: true },
    createdAt: { type: 'string', required: true, readOnly: true },
    updatedAt: { type: 'string', required: true },
  },
  indexes: {
    byProject: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['headContractId'] },
    },
    /** Lists in head-contract-number order. */
    byNumber: {
      index: 'gsi1',
      pk: { field: tableKeys.gsi1.pk, composite: ['projectId'] },
      sk: { field: tableKeys.gsi1.sk, composite: ['number'] },
    },
  },
}))();

/** Holds a head contract number in its project: created with the contract, so a duplicate fails the transaction. */
export const HeadContractNumber = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'headContractNumber', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    /** Trimmed and upper-cased, as for commitments. */
    normalizedNumber: { type: 'string', required: true, readOnly: true },
    headContractId: { type: 'string', required: true },
  },
  indexes: {
    byNumber: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['normalizedNumber'] },
    },
  },
}))();

export type HeadContractItem = EntityItem<typeof HeadContract>;
