import type { EntityItem } from 'electrodb';
import { Entity } from '../electrodb';
import { tableKeys } from '../keys';
import { contractKinds } from '../../domain/head-contracts';

/**
 * A contract's schedule of values (a commitment's or a head contract's: one implementation serves
 * both, `commitmentId` holding the contract's id and `contractKind` saying which): all lines in one item, so replacing them, their totals
 * and the version change atomically (a 400 KB item holds well over a thousand lines).
 * Amount lines carry `scheduledValueCents`; unit lines carry quantity × unit price (exact
 * decimal strings) and the value rounded once to cents.
 */
export const sovLineProperties = {
  lineId: { type: 'string', required: true },
  costCode: { type: 'string' },
  description: { type: 'string', required: true },
  /** `original`, or the approved change order that added the line. */
  changeOrderId: { type: 'string' },
  scheduledValueCents: { type: 'number', required: true },
  quantity: { type: 'string' },
  unitOfMeasure: { type: 'string' },
  unitPrice: { type: 'string' },
  /**
   * Set once an approved change order adjusts the line: the net cents (and, on unit lines, the
   * net quantity) those adjustments added. They are part of `scheduledValueCents`/`quantity`,
   * so the original contract sum is the value less them.
   */
  changeOrderAdjustmentCents: { type: 'number' },
  changeOrderAdjustmentQuantity: { type: 'string' },
} as const;

export const Sov = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'sov', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    /** The contract's id: a commitment's, or a head contract's (ids are UUIDs, so they never meet). */
    commitmentId: { type: 'string', required: true, readOnly: true },
    /** Absent on SOVs written before head contracts existed: those are commitments'. */
    contractKind: { type: contractKinds, readOnly: true },
    lines: { type: 'list', required: true, items: { type: 'map', properties: sovLineProperties } },
    version: { type: 'number', required: true },
    updatedAt: { type: 'string', required: true },
  },
  indexes: {
    byCommitment: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['commitmentId'] },
    },
  },
}))();

export type SovItem = EntityItem<typeof Sov>;
