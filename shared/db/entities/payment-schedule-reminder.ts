import type { EntityItem } from 'electrodb';
import { Entity } from '../electrodb';
import { tableKeys } from '../keys';

/** The one partition of the `byReminder` index: query it as `byReminder({ reminderPartition: paymentScheduleRemindersDue })`. */
export const paymentScheduleRemindersDue = 'payment-schedule-reminders';

/**
 * A claim on an Australian project awaiting its payment schedule: written when the claim is
 * submitted (in the same transaction, due at once), then moved by the hourly reminder job to the
 * instant its reminder is due — 2 business days before the schedule is — in a sparse index the
 * job queries (never a Scan).
 * Deleted once the reminder is sent or moot (the schedule served, the deadline passed).
 */
export const PaymentScheduleReminder = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'payment-schedule-reminder', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    invoiceId: { type: 'string', required: true, readOnly: true },
    /** When the reminder is due (ISO instant: the morning of the reminder day, project time). */
    remindAt: { type: 'string', required: true },
    reminderPartition: {
      type: 'string',
      hidden: true,
      watch: ['remindAt'],
      set: (_value, { remindAt }) => (remindAt === undefined ? undefined : paymentScheduleRemindersDue),
    },
    createdAt: { type: 'string', required: true },
  },
  indexes: {
    byInvoice: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['invoiceId'] },
    },
    byReminder: {
      index: 'gsi2',
      pk: { field: tableKeys.gsi2.pk, composite: ['reminderPartition'] },
      sk: { field: tableKeys.gsi2.sk, composite: ['remindAt'] },
    },
  },
}))();

export type PaymentScheduleReminderItem = EntityItem<typeof PaymentScheduleReminder>;
