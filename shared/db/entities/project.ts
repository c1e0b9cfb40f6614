import { createHash } from 'node:crypto';
import type { EntityItem } from 'electrodb';
import { Entity } from '../electrodb';
import { tableKeys } from '../keys';
import { retainageAttribute } from '../attributes';
import { regions } from '../../domain/terminology';
import { billingFrequencies, defaultInvoiceTypes } from '../../domain/project-setting-choices';

/**
 * The `byBillingDue` index is write-sharded: a project's entry lives in one of this many
 * partitions, chosen by a stable hash of its id, so the rewrites of `nextBillingPeriodAt` when a
 * million projects fall due at one midnight spread over 64 partitions instead of one (each takes
 * ≈ 1,000 writes/s; README "Scaling" has the arithmetic). The same number in both runtimes: it is
 * part of the stored keys. It may grow (entries already written keep a shard below it and are
 * still queried), never shrink.
 */
export const billingDueShards = 64;

/** The partition of one shard: `billing-due-00` … `billing-due-63`. */
export const billingDueShard = (shard: number): string => `billing-due-${String(shard).padStart(2, '0')}`;

/** The shard a project's due-index entry lives in: the first 4 bytes of an MD5 of its id, modulo the shard count. */
export const billingDuePartitionOf = (projectId: string): string =>
  billingDueShard(createHash('md5').update(projectId).digest().readUInt32BE(0) % billingDueShards);

/**
 * The single partition every project used before sharding. A project leaves it for its shard the
 * next time `nextBillingPeriodAt` is written — at the latest when the cycle opens its next period —
 * so it empties within one billing period; until then the cycle queries it as one more shard.
 */
export const legacyBillingDuePartition = 'billing-due';

/** Every partition the billing cycle reads: the shards, then the legacy partition. */
export const billingDuePartitions: readonly string[] = [...Array.from({ length: billingDueShards }, (_, shard) => billingDueShard(shard)), legacyBillingDuePartition];

/**
 * What a patch moving a project's next automatic period writes: ElectroDB hands an update's
 * attribute setters no key attributes, so the shard (a hash of `projectId`) is set beside the date.
 */
export const billingDueFields = (projectId: string, nextBillingPeriodAt: string) => ({ nextBillingPeriodAt, billingDuePartition: billingDuePartitionOf(projectId) });

/** A construction project, owned by one company, with its invoicing settings. */
export const Project = /* @__PURE__ */ (() => new Entity({
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
    /** Sending an owner invoice holds the subcontractor invoices it includes at pending_owner_approval until the owner approves (absent: off). */
    ownerApprovalHoldsSubcontractorInvoices: { type: 'boolean' },
    /** Payments received may overpay an owner invoice (absent: off). */
    overpaymentAllowed: { type: 'boolean' },
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
     * The partition of the sparse `byBillingDue` index, written with `nextBillingPeriodAt`: an index
     * key with no attribute behind it is never rewritten by an update, so the index key needs one.
     * A create derives it from `projectId`; a patch setting `nextBillingPeriodAt` must set it too
     * (`billingDueFields`), as an update's setters never see the key attributes.
     */
    billingDuePartition: {
      type: 'string',
      hidden: true,
      watch: ['nextBillingPeriodAt'],
      set: (value, { nextBillingPeriodAt, projectId }) => {
        if (nextBillingPeriodAt === undefined) return undefined;
        if (projectId) return billingDuePartitionOf(projectId);
        if (value) return value;
        throw new Error('a patch setting nextBillingPeriodAt must set billingDuePartition too: spread billingDueFields(projectId, at)');
      },
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
}))();

export type ProjectItem = EntityItem<typeof Project>;
