import type { EntityItem } from 'electrodb';
import { Entity } from '../electrodb';
import { tableKeys } from '../keys';

/**
 * One email the product sends, keyed by the sender's stable email id. A conditional
 * claim on this record is what makes sending idempotent: a duplicate event finds it `sent`.
 */
export const EmailDelivery = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'emailDelivery', version: '1', service: 'claims' },
  attributes: {
    emailId: { type: 'string', required: true, readOnly: true },
    status: { type: ['sending', 'sent', 'retrying', 'rejected'] as const, required: true },
    attempts: { type: 'number', required: true },
    /** Epoch ms until which the current attempt owns the send; a crashed attempt's lease runs out. */
    leaseUntil: { type: 'number', required: true },
    to: { type: 'list', items: { type: 'string' }, required: true },
    subject: { type: 'string', required: true },
    messageId: { type: 'string' },
    lastError: { type: 'string' },
    createdAt: { type: 'string', required: true, readOnly: true },
    updatedAt: { type: 'string', required: true },
  },
  indexes: {
    byId: {
      pk: { field: tableKeys.primary.pk, composite: ['emailId'] },
      sk: { field: tableKeys.primary.sk, composite: [] },
    },
  },
}))();

export type EmailDeliveryItem = EntityItem<typeof EmailDelivery>;
