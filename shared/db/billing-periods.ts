import { randomUUID } from 'node:crypto';
import type { TransactionItemCode } from 'electrodb';
import { putEvents } from '../aws/events';
import { entitiesOf, transactWithRetry } from './service';
import { createWriteTransaction } from './electrodb';
import type { WriteEntities as TableWriteEntities } from './transaction';
import { logger } from '../logger';
import { dispatchSoon } from './outbox-delivery';
import { outboxRecord, outboxWrite, type OutboxItem } from './outbox-record';
import { isConditionalFailure } from './conditions';
import { localDate, nextAutomaticPeriod, nextBillingPeriodAt, startOfLocalDay, type PeriodDates } from '../domain/billing-periods';
export type { BillingPeriodItem } from './entities/billing-period';
import { BillingPeriod, type BillingPeriodItem } from './entities/billing-period';
import { billingDueFields, Project, type ProjectItem } from './entities/project';
import { Outbox } from './entities/outbox';
import { billingPeriodClosedEvent, billingPeriodOpenedEvent } from '../../events/contracts';

/** The entities periods are read and written with: the project that holds their version, and their outbox records. */
export const periodEntities = /* @__PURE__ */ entitiesOf({ Project, BillingPeriod, Outbox });

/** What a period change's writes are built from: the entities, for `.commit()`ed operations. */
type WriteEntities = Pick<TableWriteEntities, 'Project' | 'BillingPeriod' | 'Outbox'>;
type Periods = WriteEntities['BillingPeriod'];
/** A `.commit()`ed write of a period: create, patch or delete. */
type WriteItem =
  | ReturnType<typeof outboxWrite>
  | ReturnType<ReturnType<Periods['create']>['commit']>
  | ReturnType<ReturnType<ReturnType<Periods['patch']>['set']>['commit']>
  | ReturnType<ReturnType<Periods['delete']>['commit']>;

// ---------------------------------------------------------------------------------------------
// Reads

// The single-period reads live in billing-period-reads.ts, so readers that publish nothing
// (the PDF renderer, backup parts) bundle no EventBridge client.
export { loadBillingPeriod, loadOpenPeriod } from './billing-period-reads';

/** A project and all its periods in date order, read consistently: what a period change decides on. */
export interface PeriodsState {
  project: ProjectItem;
  periods: BillingPeriodItem[];
}

/**
 * Reads the project first, then its periods (a strongly consistent Query of its partition, not
 * the eventually consistent date index): any change committed after the project read bumped
 * `periodsVersion`, so a transaction conditioned on the version read cannot act on a stale list.
 * A project holds a few hundred periods at most (weekly for years), one Query page.
 */
export async function loadPeriodsState(projectId: string): Promise<PeriodsState | undefined> {
  const { Project, BillingPeriod } = periodEntities();
  const { data: project } = await Project.get({ projectId }).go({ consistent: true });
  if (!project) return undefined;
  const { data } = await BillingPeriod.query.byProject({ projectId }).go({ consistent: true, pages: 'all' });
  return { project, periods: data.sort((a, b) => a.startDate.localeCompare(b.startDate)) };
}

// ---------------------------------------------------------------------------------------------
// When the next automatic period opens

/**
 * The project's `nextBillingPeriodAt` after a change that leaves it with `settings` and `periods`:
 * when the period after the latest one opens (undefined when the frequency is `never`). While an
 * automatic period's event is not on the bus yet, the project stays due so the cycle publishes it.
 */
export function scheduleFor(
  project: Pick<ProjectItem, 'billingPeriods' | 'timeZone' | 'nextBillingPeriodAt'>,
  periods: ReadonlyArray<Pick<BillingPeriodItem, 'endDate' | 'source' | 'openedEventPublished'>>,
  now: Date,
): string | undefined {
  const latest = periods.reduce<string | undefined>((end, p) => (end === undefined || p.endDate > end ? p.endDate : end), undefined);
  const at = nextBillingPeriodAt(project.billingPeriods, project.timeZone, latest, now);
  if (!at) return undefined;
  const held = project.nextBillingPeriodAt;
  const eventPending = periods.some((p) => p.source === 'automatic' && p.openedEventPublished === false);
  return held && eventPending && held < at ? held : at;
}

// ---------------------------------------------------------------------------------------------
// Changes: one transaction that also conditions on and bumps the project's periodsVersion

export interface PeriodChange {
  /**
   * The period items written with the project (each `.commit()`ed), after the project's update.
   * Absent: the project alone changes, in one conditional UpdateItem (a one-item transaction costs twice the writes).
   */
  writes?: (entities: WriteEntities) => WriteItem[];
  /** The open period afterwards: an id, null for none, undefined to leave it. */
  openBillingPeriodId?: string | null;
  /** When the next automatic period opens afterwards: an instant, null for never, undefined to leave it. */
  nextBillingPeriodAt?: string | null;
  /** The billing cycle: only while `nextBillingPeriodAt` is still the value read. */
  pinNextBillingPeriodAt?: boolean;
}

/** The conditions a project write puts on the project (ElectroDB's `where` callback). */
type ProjectCondition = Parameters<ReturnType<ReturnType<ReturnType<typeof periodEntities>['Project']['patch']>['set']>['where']>[0];

export type ChangeOutcome = { committed: true } | { committed: false; stale: true } | { committed: false; failedWrite: number };

/**
 * Commits `change` if the project is still as `state` read it: its periodsVersion (bumped here),
 * its settings version (the schedule depends on the settings), and when pinned its
 * nextBillingPeriodAt. `stale` means re-read and decide again; `failedWrite` is the index (in
 * `writes`) of a period write whose own condition failed.
 */
export async function commitPeriodChange(state: PeriodsState, change: PeriodChange): Promise<ChangeOutcome> {
  const { project } = state;
  const readVersion = project.periodsVersion as number | undefined; // absent on projects from before issue 4
  const set: Partial<Pick<ProjectItem, 'periodsVersion' | 'openBillingPeriodId'>> & Partial<ReturnType<typeof billingDueFields>> = {
    periodsVersion: (readVersion ?? 0) + 1,
  };
  const remove: Array<'openBillingPeriodId' | 'nextBillingPeriodAt'> = [];
  if (change.openBillingPeriodId) set.openBillingPeriodId = change.openBillingPeriodId;
  else if (change.openBillingPeriodId === null) remove.push('openBillingPeriodId');
  if (change.nextBillingPeriodAt) Object.assign(set, billingDueFields(project.projectId, change.nextBillingPeriodAt));
  else if (change.nextBillingPeriodAt === null) remove.push('nextBillingPeriodAt');

  const unchanged: ProjectCondition = (attr, op) =>
    [
      readVersion === undefined ? op.notExists(attr.periodsVersion) : op.eq(attr.periodsVersion, readVersion),
      op.eq(attr.version, project.version),
      ...(change.pinNextBillingPeriodAt
        ? [project.nextBillingPeriodAt === undefined ? op.notExists(attr.nextBillingPeriodAt) : op.eq(attr.nextBillingPeriodAt, project.nextBillingPeriodAt)]
        : []),
    ].join(' AND ');

  const { writes } = change;
  if (!writes) {
    const patch = periodEntities().Project.patch({ projectId: project.projectId }).set(set);
    try {
      await (remove.length ? patch.remove(remove) : patch).where(unchanged).go();
      return { committed: true };
    } catch (error) {
      if (isConditionalFailure(error)) return { committed: false, stale: true };
      throw error;
    }
  }
  const outcome = await transactWithRetry(() =>
    createWriteTransaction(periodEntities(), (entities) => {
      const patch = entities.Project.patch({ projectId: project.projectId }).set(set);
      const projectWrite = (remove.length ? patch.remove(remove) : patch).where(unchanged).commit();
      return [projectWrite, ...writes(entities)];
    }).go(),
  );
  if (!outcome.canceled) return { committed: true };
  const codes = (outcome.data as ReadonlyArray<{ code: TransactionItemCode }>).map((item) => item.code);
  const failed = codes.indexOf('ConditionalCheckFailed');
  // The project's condition, or a conflict that outlasted the retries: the state moved on.
  if (failed <= 0) return { committed: false, stale: true };
  return { committed: false, failedWrite: failed - 1 };
}

/** How many times a change re-reads and re-decides when another change got in first. */
const changeAttempts = 5;

/** A planned change, what to answer once it is committed, and why a period write's own condition failed (or retry). */
export interface Decision<T> {
  change: PeriodChange;
  result: () => T;
  onFailedWrite?: (index: number) => Promise<Error | 'retry'>;
}

/**
 * Reads the project's periods, lets `decide` validate and plan a change, commits it, and when
 * another change got in first reads and decides again. `decide` throws to refuse. Gives up with
 * `busy()` after a few rounds (a project's periods are not changed that often).
 */
export async function changePeriods<T>(
  projectId: string,
  decide: (state: PeriodsState) => Decision<T> | Promise<Decision<T>>,
  errors: { missing: () => Error; busy: () => Error },
): Promise<T> {
  for (let attempt = 1; attempt <= changeAttempts; attempt++) {
    const state = await loadPeriodsState(projectId);
    if (!state) throw errors.missing();
    const decision = await decide(state);
    const outcome = await commitPeriodChange(state, decision.change);
    if (outcome.committed) return decision.result();
    if ('failedWrite' in outcome) {
      const explained = (await decision.onFailedWrite?.(outcome.failedWrite)) ?? 'retry';
      if (explained !== 'retry') throw explained;
    }
  }
  throw errors.busy();
}

/**
 * A new period after the latest one (placement is the caller's to check): position latest + 1,
 * open; the open period, if any, is closed in the same change. Its opened event is pending, and
 * the creator holds the claim to publish it (`publishOpenedEvents([item])` once committed).
 * `now`: the wall clock (timestamps, the claim), not the billing cycle's scheduled time.
 */
export function newPeriodChange(
  state: PeriodsState,
  period: PeriodDates & { billingPeriodId: string; source: BillingPeriodItem['source']; createdBy: string },
  now: Date,
): { item: BillingPeriodItem; change: PeriodChange; records: OutboxItem[] } {
  const { project, periods } = state;
  const at = now.toISOString();
  const item: BillingPeriodItem = {
    projectId: project.projectId,
    billingPeriodId: period.billingPeriodId,
    position: (periods.at(-1)?.position ?? 0) + 1,
    startDate: period.startDate,
    endDate: period.endDate,
    dueDate: period.dueDate,
    status: 'open',
    source: period.source,
    invoiceCount: 0,
    openedEventPublished: false,
    openedEventClaimedAt: at,
    version: 1,
    createdBy: period.createdBy,
    createdAt: at,
    updatedAt: at,
  };
  const open = periods.find((p) => p.billingPeriodId === project.openBillingPeriodId && p.status === 'open');
  // The domain events for integrations (webhooks), committed with the periods (dispatch them once committed).
  const records = [openedRecord(item, now), ...(open ? [closedRecord(open, 'next-period-opened', period.createdBy, now)] : [])];
  return {
    item,
    records,
    change: {
      writes: (entities) => [
        entities.BillingPeriod.create(item).commit(),
        ...(open ? [closeWrite(entities.BillingPeriod, open, at)] : []),
        ...records.map((record) => outboxWrite(entities, record)),
      ],
      openBillingPeriodId: item.billingPeriodId,
    },
  };
}

/** What a `billing-period.opened` event says of a period (on the bus and to webhooks alike). */
const openedDetail = (period: EventPeriod) => ({
  projectId: period.projectId,
  billingPeriodId: period.billingPeriodId,
  source: period.source,
  startDate: period.startDate,
  endDate: period.endDate,
  dueDate: period.dueDate,
  occurredAt: period.createdAt,
});

/** The webhooks' `billing-period.opened`: an outbox record the dispatcher only fans out (the bus gets the event from the period's flag). */
const openedRecord = (period: BillingPeriodItem, now: Date) => outboxRecord(billingPeriodOpenedEvent, openedDetail(period), now);

/** The `billing-period.closed` domain event of a period closing now: put its outbox record in the transaction that closes it. */
export const closedRecord = (period: BillingPeriodItem, reason: 'closed' | 'next-period-opened', by: string, now: Date) =>
  outboxRecord(
    billingPeriodClosedEvent,
    { projectId: period.projectId, billingPeriodId: period.billingPeriodId, startDate: period.startDate, endDate: period.endDate, reason, closedBy: by, occurredAt: now.toISOString() },
    now,
  );

/** Closes an open period (conditional on it still being open). */
export function closeWrite(BillingPeriod: WriteEntities['BillingPeriod'], period: BillingPeriodItem, at: string): WriteItem {
  return BillingPeriod.patch({ projectId: period.projectId, billingPeriodId: period.billingPeriodId })
    .set({ status: 'closed', closedAt: at, updatedAt: at })
    .add({ version: 1 })
    .where((attr, op) => op.eq(attr.status, 'open'))
    .commit();
}

// ---------------------------------------------------------------------------------------------
// The billing-period.opened event: an outbox flag on the period, committed with it

/**
 * How long a claim to publish a period's opened event holds. Whoever creates a period holds it
 * from the start; a run that finds the event pending under a live claim leaves it to the holder.
 * A holder that crashed is replaced once the claim lapses; one that failed releases it at once.
 */
const claimMs = 2 * 60_000;

type EventPeriod = Pick<BillingPeriodItem, 'projectId' | 'billingPeriodId' | 'source' | 'startDate' | 'endDate' | 'dueDate' | 'createdAt'>;

/** Whether a pending event's claim has lapsed (or was never taken) at wall-clock time `now`. */
export const claimLapsed = (period: Pick<BillingPeriodItem, 'openedEventClaimedAt'>, now: Date): boolean =>
  !period.openedEventClaimedAt || period.openedEventClaimedAt < new Date(now.getTime() - claimMs).toISOString();

/**
 * Takes over pending events whose claims lapsed (conditional: one taker wins) and publishes them.
 * Answers how many were left to a live claim elsewhere; throws when the bus refuses one.
 */
export async function publishPendingEvents(periods: ReadonlyArray<BillingPeriodItem>, now = new Date()): Promise<{ leftToOthers: number }> {
  const claimedAt = now.toISOString();
  const lapsedBefore = new Date(now.getTime() - claimMs).toISOString();
  const taken: BillingPeriodItem[] = [];
  for (const period of periods.filter((p) => p.openedEventPublished === false && claimLapsed(p, now))) {
    try {
      await periodEntities()
        .BillingPeriod.patch({ projectId: period.projectId, billingPeriodId: period.billingPeriodId })
        .set({ openedEventClaimedAt: claimedAt })
        .where(
          (attr, op) =>
            `${op.eq(attr.openedEventPublished, false)} AND (${op.notExists(attr.openedEventClaimedAt)} OR ${op.lt(attr.openedEventClaimedAt, lapsedBefore)})`,
        )
        .go();
      taken.push({ ...period, openedEventClaimedAt: claimedAt });
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }
  await publishOpenedEvents(taken);
  return { leftToOthers: periods.filter((p) => p.openedEventPublished === false).length - taken.length };
}

/**
 * Puts `billing-period.opened` for periods whose claim the caller holds, then marks each
 * published. When the bus refuses one, its claim is released (so a retry publishes it at once)
 * and this throws: the flag stays false and nothing is lost.
 */
export async function publishOpenedEvents(periods: ReadonlyArray<EventPeriod & Pick<BillingPeriodItem, 'openedEventClaimedAt'>>): Promise<void> {
  if (periods.length === 0) return;
  const outcomes = await putEvents(
    billingPeriodOpenedEvent,
    periods.map(openedDetail),
  );
  await Promise.all(periods.map((period, index) => settleClaim(period, outcomes[index]!.accepted)));
  const refusals = outcomes.flatMap((outcome) => (outcome.accepted ? [] : [outcome.reason]));
  if (refusals.length) throw new Error(`EventBridge refused ${refusals.length} billing-period.opened event(s): ${refusals.join('; ')}`);
}

/** Published: the flag turns true. Not published: the claim is released for the next attempt. */
async function settleClaim(period: EventPeriod & Pick<BillingPeriodItem, 'openedEventClaimedAt'>, published: boolean): Promise<void> {
  const key = { projectId: period.projectId, billingPeriodId: period.billingPeriodId };
  try {
    const patch = periodEntities().BillingPeriod.patch(key);
    await (published ? patch.set({ openedEventPublished: true }).remove(['openedEventClaimedAt']) : patch.remove(['openedEventClaimedAt']))
      .where((attr, op) => (period.openedEventClaimedAt ? op.eq(attr.openedEventClaimedAt, period.openedEventClaimedAt) : op.notExists(attr.openedEventClaimedAt)))
      .go();
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
    // Deleted meanwhile, or our claim lapsed and another publisher took over: theirs to settle.
    logger.info('billing period event claim not settled: the period is gone or another publisher took over', { ...key, published });
  }
}

// ---------------------------------------------------------------------------------------------
// The billing cycle of one project

/** At most this many periods per project per run; a project further behind carries on next run (it stays due). */
export const maxPeriodsPerRun = 60;

export interface OpenedPeriod {
  projectId: string;
  billingPeriodId: string;
  startDate: string;
  endDate: string;
  dueDate: string;
}

/**
 * Opens a due project's automatic periods up to `dueAt`, one transaction each, until it is caught
 * up. Each round reads the project and its periods (consistently; after a round that created a
 * period, the state as written — 5 DynamoDB requests for a project opening one period):
 * - not due any more (`nextBillingPeriodAt` absent or after `dueAt`): another run did it — stop;
 * - a period whose opened event is not out yet: publish it first (a failed publish throws and
 *   leaves the project due, so a retried or later run publishes it); while another run holds the
 *   claim to publish it (it just created the period), leave the project to that run;
 * - the next period opens by `dueAt`: create it (closing the open one) without moving
 *   `nextBillingPeriodAt`, conditioned on periodsVersion, the settings version and
 *   `nextBillingPeriodAt` as read — two runs at once create it once — then publish its event;
 * - otherwise move `nextBillingPeriodAt` to when the next period opens, under the same conditions.
 */
export async function advanceBillingCycle(projectId: string, dueAt: Date): Promise<OpenedPeriod[]> {
  const due = dueAt.toISOString();
  const opened: OpenedPeriod[] = [];
  let staleRounds = 0;
  // After a period is created and its event published, the next round decides on the state as
  // written instead of reading it again: its commit is conditioned on periodsVersion like any other.
  let written: PeriodsState | undefined;
  for (;;) {
    const state = written ?? (await loadPeriodsState(projectId));
    written = undefined;
    const at = state?.project.nextBillingPeriodAt;
    if (!state || !at || at > due) return opened;

    const pending = state.periods.filter((p) => p.openedEventPublished === false);
    if (pending.length) {
      const { leftToOthers } = await publishPendingEvents(pending);
      // Another run created the period and is publishing its event: that run carries on with the project.
      if (leftToOthers) return opened;
    }
    if (opened.length >= maxPeriodsPerRun) return opened;

    const next = nextAutomaticPeriodOf(state, dueAt);
    let outcome: ChangeOutcome;
    let created: BillingPeriodItem | undefined;
    let records: OutboxItem[] = [];
    if (next && next.opensAt <= due) {
      const { item, change, records: events } = newPeriodChange(state, { ...next.dates, billingPeriodId: randomUUID(), source: 'automatic', createdBy: 'system' }, new Date());
      created = item;
      records = events;
      outcome = await commitPeriodChange(state, { ...change, pinNextBillingPeriodAt: true });
    } else {
      // Caught up (or the frequency is `never` now): the project waits for its next period, or leaves the index.
      outcome = await commitPeriodChange(state, { nextBillingPeriodAt: next?.opensAt ?? null, pinNextBillingPeriodAt: true });
      if (outcome.committed) return opened;
    }
    if (!outcome.committed) {
      if (++staleRounds > changeAttempts) throw new Error(`billing cycle for project ${projectId}: its periods kept changing meanwhile`);
      continue;
    }
    if (created) {
      opened.push({ projectId, billingPeriodId: created.billingPeriodId, startDate: created.startDate, endDate: created.endDate, dueDate: created.dueDate });
      logger.info('automatic billing period opened', { projectId, billingPeriodId: created.billingPeriodId, startDate: created.startDate, endDate: created.endDate });
      await publishOpenedEvents([created]);
      await dispatchSoon(records.map((record) => record.outboxId));
      // Not when this round published older events too: their flags changed since the read.
      if (pending.length === 0) {
        written = {
          project: { ...state.project, periodsVersion: ((state.project.periodsVersion as number | undefined) ?? 0) + 1, openBillingPeriodId: created.billingPeriodId },
          periods: [
            ...state.periods.map((p) => (p.billingPeriodId === state.project.openBillingPeriodId && p.status === 'open' ? { ...p, status: 'closed' as const } : p)),
            { ...created, openedEventPublished: true, openedEventClaimedAt: undefined },
          ],
        };
      }
    }
  }
}

/** The project's next automatic period and the instant it opens, or undefined for `never`. */
function nextAutomaticPeriodOf(state: PeriodsState, now: Date): { dates: PeriodDates; opensAt: string } | undefined {
  const { project, periods } = state;
  const dates = nextAutomaticPeriod(project.billingPeriods, { latestEndDate: periods.at(-1)?.endDate, today: localDate(now, project.timeZone) });
  return dates && { dates, opensAt: startOfLocalDay(dates.startDate, project.timeZone).toISOString() };
}
