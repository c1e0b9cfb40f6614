import { Entity, type EntityItem } from 'electrodb';
import { tableKeys } from '../keys';
import { retainageAttribute } from '../attributes';
import { regions } from '../../domain/terminology';
import { billingFrequencies, defaultInvoiceTypes } from '../../domain/project-settings';



/** The one partition of the `byBillingDue` index: query it as `byBillingDue({ billingDuePartition: billingDue })`. */
export const billingDue = 'billing-due';

/** A construction project, owned by one company, with its invoicing settings. */
export const Project = new Entity({
  model: { entity: 'project', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    companyId: { type: 'string', required: true, readOnly: true },
    name: { type: 'string', required: true },
    number: { type: 'string', required: true },
    timeZone: { type: 'string', required: true },
    region: { type: regions, required: true },
    /** Default retainage for new commitments. */
    retainage: retainageAttribute,
    overbillingAllowed: { type: 'boolean', required: true },
    defaultInvoiceType: { type: defaultInvoiceTypes, required: true },
    /** Email the contacts when their invoice is approved. */
    notifyContactsOnApproval: { type: 'boolean', required: true },
    billingPeriods: {
      type: 'map',
      required: true,
      properties: {
        frequency: { type: billingFrequencies, required: true },
        /** Monthly: day of month (end day 31 = the month's last day). Weekly: ISO weekday 1–7. */
        startDay: { type: 'number', required: true },
        endDay: { type: 'number', required: true },
        dueDay: { type: 'number', required: true },
        autoInvites: { type: 'boolean', required: true },
        /** Remind invited contacts who have not submitted this many days before the due date; absent = no reminder. */
        reminderDaysBeforeDue: { type: 'number' },
      },
    },
    /** The prime contract's owner, architect and date (YYYY-MM-DD), printed on the G702. */
    contract: {
      type: 'map',
      properties: { ownerName: { type: 'string' }, architectName: { type: 'string' }, date: { type: 'string' } },
    },
    /** ISO 4217 code money is printed in; absent: the region's own. */
    currency: { type: 'string' },
    /** Bumped by every change to the project's billing periods, in the same transaction (see BillingPeriod). */
    periodsVersion: { type: 'number', required: true, default: () => 0 },
    openBillingPeriodId: { type: 'string' },
    /** When the next automatic billing period opens (ISO instant); absent when frequency is `never`. */
    nextBillingPeriodAt: { type: 'string' },
    /**
     * The partition of the sparse `byBillingDue` index, derived from `nextBillingPeriodAt`: an index
     * key with no attribute behind it is never rewritten by an update, so the index key needs one.
     */
    billingDuePartition: {
      type: 'string',
      hidden: true,
      watch: ['nextBillingPeriodAt'],
      set: (_value, { nextBillingPeriodAt }) => (nextBillingPeriodAt === undefined ? undefined : billingDue),
    },
    createdBy: { type: 'string', required: true, readOnly: true },
    /** Incremented by every change of the settings: the ETag of the settings resource. */
    version: { type: 'number', required: true, default: () => 1 },
    createdAt: { type: 'string', required: true, readOnly: true },
  },
  indexes: {
    byId: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: [] },
    },
    byCompany: {
      index: 'gsi1',
      pk: { field: tableKeys.gsi1.pk, composite: ['companyId'] },
      sk: { field: tableKeys.gsi1.sk, composite: ['projectId'] },
    },
    /** Sparse: only projects with automatic billing periods, ordered by when the next one is due. */
    byBillingDue: {
      index: 'gsi2',
      condition: (attributes) => attributes.nextBillingPeriodAt !== undefined,
      pk: { field: tableKeys.gsi2.pk, composite: ['billingDuePartition'] },
      sk: { field: tableKeys.gsi2.sk, composite: ['nextBillingPeriodAt'] },
    },
  },
});

export type ProjectItem = EntityItem<typeof Project>;
