import type { EntityItem } from 'electrodb';
import { Entity } from '../electrodb';
import { tableKeys } from '../keys';
import { invoiceTypes } from '../../domain/project-setting-choices';
import { inviteEmailStatuses, inviteStatuses } from '../../domain/invites';

/** The one partition of the `byReminder` index: query it as `byReminder({ reminderPartition: remindersDue })`. */
export const remindersDue = 'invite-reminders';

/**
 * The invite to bill of one commitment for one billing period (absent = Not Invited). Its id
 * is `<billingPeriodId>.<commitmentId>`, so a second send for the same pair finds this item.
 */
export const Invite = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'invite', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    billingPeriodId: { type: 'string', required: true, readOnly: true },
    commitmentId: { type: 'string', required: true, readOnly: true },
    status: { type: inviteStatuses, required: true },
    invoiceType: { type: invoiceTypes, required: true },
    /** The contacts emailed, as designated when the invite was sent. */
    contactIds: { type: 'list', items: { type: 'string' }, required: true },
    invitedBy: { type: 'string', required: true },
    invitedAt: { type: 'string', required: true },
    /** Delivery of the invite emails (and reminders): failed after SES retries are exhausted. */
    emailStatus: { type: inviteEmailStatuses, required: true },
    emailError: { type: 'string' },
    reminderSentAt: { type: 'string' },
    /** 1 for the first invite, +1 per re-invite after a decline: email ids carry it, so a re-invite emails again. */
    round: { type: 'number', required: true, default: () => 1 },
    /** When the reminder is due (ISO instant); set while one is pending, removed once sent or moot (sparse index). */
    remindAt: { type: 'string' },
    /** The partition of the sparse `byReminder` index, derived from `remindAt` (see Project.billingDuePartition). */
    reminderPartition: {
      type: 'string',
      hidden: true,
      watch: ['remindAt'],
      set: (_value, { remindAt }) => (remindAt === undefined ? undefined : remindersDue),
    },
    respondedBy: { type: 'string' },
    respondedAt: { type: 'string' },
    version: { type: 'number', required: true },
    updatedAt: { type: 'string', required: true },
  },
  indexes: {
    byPeriod: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['billingPeriodId', 'commitmentId'] },
    },
    /**
     * Sparse: invites with a reminder pending, by when it is due, for the hourly reminder job (a
     * Query, never a Scan). A partition of its own (template), apart from the projects' byBillingDue.
     */
    byReminder: {
      index: 'gsi2',
      condition: (attributes) => attributes.remindAt !== undefined,
      pk: { field: tableKeys.gsi2.pk, composite: ['reminderPartition'] },
      sk: { field: tableKeys.gsi2.sk, composite: ['remindAt'] },
    },
  },
}))();

export type InviteItem = EntityItem<typeof Invite>;
