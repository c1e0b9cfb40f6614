import type { EntityItem } from 'electrodb';
import { Entity } from '../electrodb';
import { tableKeys } from '../keys';
import { changeOrderStatuses } from '../../domain/commitments';
import { contractKinds } from '../../domain/head-contracts';

/**
 * A change order on a contract: a commitment, or (`contractKind: head_contract`) a head contract. Each line either adds an SOV line or adjusts an existing
 * one (by amount, or by quantity for unit-based commitments). Approving applies it to the SOV.
 */
export const ChangeOrder = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'changeOrder', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    /** The contract's id: a commitment's, or a head contract's. */
    commitmentId: { type: 'string', required: true, readOnly: true },
    /** Absent on change orders written before head contracts existed: those are commitments'. */
    contractKind: { type: contractKinds, readOnly: true },
    changeOrderId: { type: 'string', required: true, readOnly: true },
    number: { type: 'string', required: true },
    title: { type: 'string', required: true },
    description: { type: 'string' },
    status: { type: changeOrderStatuses, required: true },
    lines: {
      type: 'list',
      required: true,
      items: {
        type: 'map',
        properties: {
          kind: { type: ['add', 'adjust'] as const, required: true },
          /** For `adjust`: the SOV line it changes. */
          lineId: { type: 'string' },
          costCode: { type: 'string' },
          description: { type: 'string' },
          /** Amount lines: the value added (or, adjusting, the change, may be negative). */
          amountCents: { type: 'number' },
          /** Unit lines: quantity added (or the change), unit of measure and unit price for new lines. */
          quantity: { type: 'string' },
          unitOfMeasure: { type: 'string' },
          unitPrice: { type: 'string' },
          /** What this line changes the contract sum by, rounded once. */
          valueCents: { type: 'number', required: true },
        },
      },
    },
    totalCents: { type: 'number', required: true },
    approvedAt: { type: 'string' },
    /** The partition of the sparse `byApproval` index: the project's id, written with `approvedAt` on approval. */
    approvalPartition: { type: 'string' },
    approvedBy: { type: 'string' },
    version: { type: 'number', required: true },
    createdBy: { type: 'string', required: true, readOnly: true },
    createdAt: { type: 'string', required: true, readOnly: true },
    updatedAt: { type: 'string', required: true },
  },
  indexes: {
    byCommitment: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['commitmentId', 'changeOrderId'] },
    },
    /**
     * Sparse: a project's approved change orders by when they were approved, so an owner invoice's
     * pre-fill lists those of its billing period with a Query bounded by the period, never all history.
     */
    byApproval: {
      index: 'gsi2',
      condition: (attributes) => attributes.approvedAt !== undefined && attributes.approvalPartition !== undefined,
      pk: { field: tableKeys.gsi2.pk, composite: ['approvalPartition'] },
      sk: { field: tableKeys.gsi2.sk, composite: ['approvedAt'] },
    },
  },
}))();

export type ChangeOrderItem = EntityItem<typeof ChangeOrder>;
