import type { EntityItem } from 'electrodb';
import { CustomAttributeType, Entity } from '../electrodb';
import type { StoredSlidingScale } from '../../domain/au-jurisdictions';
import { tableKeys } from '../keys';
import { retainageAttribute } from '../attributes';
import { accountingMethods, commitmentStatuses, commitmentTypes, ssovStatuses } from '../../domain/commitments';

/**
 * A subcontract or purchase order to one vendor. Its SOV lives in the `Sov` item; the sums
 * here are kept equal to it in the same transaction, for lists and the G702 header.
 */
export const Commitment = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'commitment', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    commitmentId: { type: 'string', required: true, readOnly: true },
    type: { type: commitmentTypes, required: true, readOnly: true },
    number: { type: 'string', required: true },
    title: { type: 'string', required: true },
    vendorId: { type: 'string', required: true },
    vendorName: { type: 'string', required: true },
    status: { type: commitmentStatuses, required: true },
    description: { type: 'string' },
    /** ISO dates (YYYY-MM-DD) in the project's time zone. */
    contractDate: { type: 'string' },
    startDate: { type: 'string' },
    estimatedCompletionDate: { type: 'string' },
    actualCompletionDate: { type: 'string' },
    accountingMethod: { type: accountingMethods, required: true },
    retainage: retainageAttribute,
    /** Sliding-scale retention: { rules: SlidingScaleRule[], jurisdiction?, updatedBy, updatedAt } (shared/domain/sliding-scale.ts). */
    slidingScale: { type: CustomAttributeType<StoredSlidingScale>('any') },
    private: { type: 'boolean', required: true },
    privateUserIds: { type: 'list', items: { type: 'string' }, required: true },
    invoiceContactIds: { type: 'list', items: { type: 'string' }, required: true },
    ssovEnabled: { type: 'boolean', required: true },
    /** Absent until the SSOV is first saved. */
    ssovStatus: { type: ssovStatuses },
    paymentsIssuedEnabled: { type: 'boolean', required: true },
    lineCount: { type: 'number', required: true },
    originalContractSumCents: { type: 'number', required: true },
    approvedChangeOrdersCents: { type: 'number', required: true },
    /** Lower-cased number, title and vendor name: what `?q=` searches. */
    searchText: { type: 'string', required: true },
    version: { type: 'number', required: true },
    createdBy: { type: 'string', required: true, readOnly: true },
    createdAt: { type: 'string', required: true, readOnly: true },
    updatedAt: { type: 'string', required: true },
  },
  indexes: {
    byProject: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['commitmentId'] },
    },
    /** Lists in commitment-number order. */
    byNumber: {
      index: 'gsi1',
      pk: { field: tableKeys.gsi1.pk, composite: ['projectId'] },
      sk: { field: tableKeys.gsi1.sk, composite: ['number'] },
    },
  },
}))();

/** Holds a commitment number in its project: created with the commitment, so a duplicate fails the transaction. */
export const CommitmentNumber = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'commitmentNumber', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    /** Trimmed and upper-cased: "sc-001" and "SC-001 " are the same number. */
    normalizedNumber: { type: 'string', required: true, readOnly: true },
    commitmentId: { type: 'string', required: true },
  },
  indexes: {
    byNumber: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['normalizedNumber'] },
    },
  },
}))();

export type CommitmentItem = EntityItem<typeof Commitment>;
