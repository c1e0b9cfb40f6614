import { Entity } from 'electrodb';
import { tableKeys } from '../keys';
import { invoiceTypes } from '../../domain/project-settings';

export const inviteStatuses = ['invited', 'accepted', 'declined'] as const;
export const inviteEmailStatuses = ['pending', 'sent', 'failed'] as const;

/**
 * The invite to bill of one commitment for one billing period (absent = Not Invited). Its id
 * is `<billingPeriodId>.<commitmentId>`, so a second send for the same pair finds this item.
 */
export const Invite = new Entity({
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
  },
});
