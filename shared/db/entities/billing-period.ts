import type { EntityItem } from 'electrodb';
import { Entity } from '../electrodb';
import { tableKeys } from '../keys';
import { billingPeriodSources, billingPeriodStatuses } from '../../domain/billing-periods';

export { billingPeriodStatuses };

/**
 * A project's billing period. Dates are calendar dates (YYYY-MM-DD) in the project's time zone.
 * Every create, edit, close or delete also bumps the project's `periodsVersion` in the same
 * transaction, so period changes of one project are serialized: one open period, no overlaps,
 * and an automatic period created exactly once however often the billing cycle runs.
 */
export const BillingPeriod = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'billingPeriod', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    billingPeriodId: { type: 'string', required: true, readOnly: true },
    position: { type: 'number', required: true },
    startDate: { type: 'string', required: true },
    endDate: { type: 'string', required: true },
    dueDate: { type: 'string', required: true },
    status: { type: billingPeriodStatuses, required: true },
    source: { type: billingPeriodSources, required: true, readOnly: true },
    /** Invoices billed in this period (kept by the invoices of issue 5): a period in use cannot be deleted. */
    invoiceCount: { type: 'number', required: true, default: () => 0 },
    closedAt: { type: 'string' },
    /**
     * false from the period's creation until its `billing-period.opened` event is on the bus (an
     * outbox flag: a publish that failed after the period was committed is retried, never lost).
     * Absent on periods from before the flag: published.
     */
    openedEventPublished: { type: 'boolean' },
    /** Who publishes the opened event holds this lease (an ISO instant) meanwhile, so racing runs publish it once. */
    openedEventClaimedAt: { type: 'string' },
    version: { type: 'number', required: true },
    createdBy: { type: 'string', required: true, readOnly: true },
    createdAt: { type: 'string', required: true, readOnly: true },
    updatedAt: { type: 'string', required: true },
  },
  indexes: {
    byProject: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['billingPeriodId'] },
    },
    /** In date order: the list, overlap checks and "the period before". */
    byStart: {
      index: 'gsi1',
      pk: { field: tableKeys.gsi1.pk, composite: ['projectId'] },
      sk: { field: tableKeys.gsi1.sk, composite: ['startDate'] },
    },
  },
}))();

export type BillingPeriodItem = EntityItem<typeof BillingPeriod>;
