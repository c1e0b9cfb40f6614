import { randomUUID } from 'node:crypto';
import { httpRouter } from '../../shared/http/handler';
import { idempotencyKey } from '../../shared/http/idempotency';
import { problems } from '../../shared/http/problem';
import { enforce, enforceRefusal, loadProjectAccess } from '../../shared/http/access';
import { etagFor, requiredIfMatch } from '../../shared/http/etag';
import { decodeCursor, encodeCursor } from '../../shared/http/cursor';
import { logger } from '../../shared/logger';
import { dispatchSoon } from '../../shared/db/outbox-delivery';
import { outboxRecord, outboxWrite, type OutboxItem } from '../../shared/db/outbox-record';
import {
  changePeriods,
  closeWrite,
  closedRecord,
  loadBillingPeriod,
  loadOpenPeriod,
  newPeriodChange,
  periodEntities,
  publishOpenedEvents,
  publishPendingEvents,
  scheduleFor,
  type BillingPeriodItem,
  type PeriodsState,
} from '../../shared/db/billing-periods';
import { localDate, periodDateProblems, placementConflict, type PeriodDates } from '../../shared/domain/billing-periods';
import { billingPeriodActionRefusal, billingPeriodAllowedActions } from '../../shared/domain/allowed-actions';
import type { Membership } from '../../shared/domain/permissions';
import type { ProjectItem } from '../../shared/db/entities/project';
import { billingPeriodRoutes } from '../../shared/api/billing-periods';
import { toBillingPeriodResponse } from '../../shared/api/billing-periods-views';
import { orderOf } from '../../shared/api/common';
import { billingPeriodsCreate, billingPeriodsEdit, billingPeriodsList, billingPeriodsManage } from '../../shared/domain/permission-rules';
import { tasksResyncEvent } from '../../events/contracts';

const periodUrl = (p: { projectId: string; billingPeriodId: string }) =>
  `/v1/projects/${encodeURIComponent(p.projectId)}/billing-periods/${encodeURIComponent(p.billingPeriodId)}`;

const noSuchPeriod = () => problems.notFound('No such billing period in this project.');
const changeErrors = {
  missing: () => problems.notFound('No such project.'),
  busy: () => problems.conflict('The project’s billing periods are being changed by other requests right now; retry.'),
};
const stale = (period: BillingPeriodItem) =>
  problems.preconditionFailed(`The billing period changed since you read it (now ${etagFor(period.version)}); read it again.`);

/** Start ≤ end and due ≥ start, as a 400 naming the fields. */
function checkDates(dates: PeriodDates): void {
  const errors = periodDateProblems(dates);
  if (errors.length) throw problems.validation(errors.map((e) => ({ location: 'body' as const, ...e })));
}

/** The period in a freshly read state, 404 when absent, 412 when the client's If-Match (if any) is stale. */
function periodIn(state: PeriodsState, billingPeriodId: string, expectedVersion: number | undefined): BillingPeriodItem {
  const period = state.periods.find((p) => p.billingPeriodId === billingPeriodId);
  if (!period) throw noSuchPeriod();
  if (expectedVersion !== undefined && expectedVersion !== period.version) throw stale(period);
  return period;
}

const optionalIfMatch = (headers: Record<string, string | undefined>) => (headers['if-match'] ? requiredIfMatch(headers) : undefined);

/** The caller's view of periods: each with the actions they may take on it now. */
const viewFor = (member: Membership, project: Pick<ProjectItem, 'timeZone'>) => {
  const today = localDate(new Date(), project.timeZone);
  return {
    today,
    body: (period: BillingPeriodItem) => toBillingPeriodResponse(period, billingPeriodAllowedActions({ member, period, today })),
  };
};
type View = ReturnType<typeof viewFor>;

const reply = (view: View, period: BillingPeriodItem, status?: number) => ({
  ...(status ? { status } : {}),
  body: view.body(period),
  headers: { etag: etagFor(period.version), ...(status === 201 ? { location: periodUrl(period) } : {}) },
});

export const handler = httpRouter(billingPeriodRoutes, 
  {
    listBillingPeriods: async ({ caller, path, query }) => {
      const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
      enforce(billingPeriodsList, member);
      const view = viewFor(member, project);
      const scope = `billing-periods:${path.projectId}${query.sort ? `:${query.sort}` : ''}`;
      const page = await periodEntities()
        .BillingPeriod.query.byStart({ projectId: path.projectId })
        .go({ cursor: decodeCursor(scope, query.cursor), limit: query.limit, order: orderOf(query.sort) });
      return { body: { items: page.data.map(view.body), nextCursor: encodeCursor(scope, page.cursor) } };
    },

    getCurrentBillingPeriod: async ({ caller, path }) => {
      const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
      enforce(billingPeriodsList, member);
      const period = await loadOpenPeriod(project.projectId, { project });
      if (!period) throw problems.notFound('No billing period is open in this project.');
      return reply(viewFor(member, project), period);
    },

    getBillingPeriod: async ({ caller, path }) => {
      const [{ project, member }, period] = await Promise.all([
        loadProjectAccess(path.projectId, caller.userId),
        loadBillingPeriod(path.projectId, path.billingPeriodId),
      ]);
      enforce(billingPeriodsList, member);
      if (!period) throw noSuchPeriod();
      return reply(viewFor(member, project), period);
    },

    createBillingPeriod: async ({ caller, path, body }) => {
      const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
      enforce(billingPeriodsCreate, member);
      checkDates(body);
      const billingPeriodId = randomUUID();
      const { item, pending, records } = await changePeriods(
        path.projectId,
        (state) => {
          const conflict = placementConflict(state.periods, body);
          if (conflict) throw problems.conflict(conflict);
          const now = new Date();
          const { item, change, records } = newPeriodChange(state, { ...body, billingPeriodId, source: 'manual', createdBy: caller.userId }, now);
          // Events an earlier create could not publish go out with this one.
          const pending = state.periods.filter((p) => p.openedEventPublished === false);
          return {
            change: { ...change, nextBillingPeriodAt: scheduleFor(state.project, [...state.periods, item], now) ?? null },
            result: () => ({ item, pending, records }),
          };
        },
        changeErrors,
      );
      try {
        await publishOpenedEvents([item]);
        if (pending.length) await publishPendingEvents(pending);
      } catch (error) {
        // The period is committed: answering an error would invite a retry that meets a 409. The
        // flag stays false, so the project's next billing cycle or period creation publishes it.
        logger.error('billing-period.opened not published; it stays pending', { projectId: item.projectId, billingPeriodId, error: error as Error });
      }
      await dispatchSoon(records.map((record) => record.outboxId));
      return reply(viewFor(member, project), item, 201);
    },

    updateBillingPeriod: async ({ caller, path, body, headers }) => {
      const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
      enforce(billingPeriodsEdit, member);
      const view = viewFor(member, project);
      const expectedVersion = requiredIfMatch(headers);
      // A new due date re-dates the period's tasks: an outbox record in the same transaction.
      let resync: OutboxItem | undefined;
      const replied = await changePeriods(
        path.projectId,
        (state) => {
          const period = periodIn(state, path.billingPeriodId, expectedVersion);
          enforceRefusal(billingPeriodActionRefusal('edit', { member, period, today: view.today }));
          const dates = { startDate: body.startDate ?? period.startDate, endDate: body.endDate ?? period.endDate, dueDate: body.dueDate ?? period.dueDate };
          checkDates(dates);
          const conflict = placementConflict(state.periods, dates, period.billingPeriodId);
          if (conflict) throw problems.conflict(conflict);
          const now = new Date();
          const updated: BillingPeriodItem = { ...period, ...dates, version: period.version + 1, updatedAt: now.toISOString() };
          const periods = state.periods.map((p) => (p.billingPeriodId === period.billingPeriodId ? updated : p));
          const record =
            dates.dueDate === period.dueDate ? undefined : outboxRecord(tasksResyncEvent, { projectId: period.projectId, billingPeriodId: period.billingPeriodId }, now);
          resync = record;
          return {
            change: {
              writes: (entities) => [
                entities.BillingPeriod.patch({ projectId: period.projectId, billingPeriodId: period.billingPeriodId })
                  .set({ ...dates, updatedAt: updated.updatedAt })
                  .add({ version: 1 })
                  .where((attr, op) => op.eq(attr.version, period.version))
                  .commit(),
                ...(record ? [outboxWrite(entities, record)] : []),
              ],
              nextBillingPeriodAt: scheduleFor(state.project, periods, now) ?? null,
            },
            result: () => reply(view, updated),
          };
        },
        changeErrors,
      );
      if (resync) await dispatchSoon([resync.outboxId]);
      return replied;
    },

    closeBillingPeriod: async ({ caller, path, headers }) => {
      const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
      enforce(billingPeriodsManage, member);
      const view = viewFor(member, project);
      const expectedVersion = optionalIfMatch(headers);
      const { replied, record } = await changePeriods(
        path.projectId,
        (state) => {
          const period = periodIn(state, path.billingPeriodId, expectedVersion);
          enforceRefusal(billingPeriodActionRefusal('close', { member, period, today: view.today }));
          const now = new Date();
          const at = now.toISOString();
          const closed: BillingPeriodItem = { ...period, status: 'closed', closedAt: at, updatedAt: at, version: period.version + 1 };
          // The domain event (webhooks), in the transaction that closes it.
          const record = closedRecord(period, 'closed', caller.userId, now);
          return {
            change: {
              writes: (entities) => [closeWrite(entities.BillingPeriod, period, at), outboxWrite(entities, record)],
              openBillingPeriodId: state.project.openBillingPeriodId === period.billingPeriodId ? null : undefined,
            },
            result: () => ({ replied: reply(view, closed), record }),
          };
        },
        changeErrors,
      );
      await dispatchSoon([record.outboxId]);
      return replied;
    },

    deleteBillingPeriod: async ({ caller, path, headers }) => {
      const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
      enforce(billingPeriodsManage, member);
      const view = viewFor(member, project);
      const expectedVersion = optionalIfMatch(headers);
      const inUse = (period: BillingPeriodItem) =>
        problems.conflict(
          `Billing period ${period.position} (${period.startDate} – ${period.endDate}) is used by ${period.invoiceCount} invoice${period.invoiceCount === 1 ? '' : 's'}; it cannot be deleted.`,
        );
      return changePeriods(
        path.projectId,
        (state) => {
          const period = periodIn(state, path.billingPeriodId, expectedVersion);
          enforceRefusal(billingPeriodActionRefusal('delete', { member, period, today: view.today }));
          const key = { projectId: period.projectId, billingPeriodId: period.billingPeriodId };
          const periods = state.periods.filter((p) => p.billingPeriodId !== period.billingPeriodId);
          return {
            change: {
              // Invoices count themselves on the period without touching the project: the condition keeps them exclusive.
              writes: ({ BillingPeriod }) => [BillingPeriod.delete(key).where((attr, op) => op.eq(attr.invoiceCount, 0)).commit()],
              openBillingPeriodId: state.project.openBillingPeriodId === period.billingPeriodId ? null : undefined,
              nextBillingPeriodAt: scheduleFor(state.project, periods, new Date()) ?? null,
            },
            result: () => ({ status: 204 }),
            onFailedWrite: async () => {
              const now = await loadBillingPeriod(key.projectId, key.billingPeriodId, { consistent: true });
              return now && now.invoiceCount > 0 ? inUse(now) : 'retry';
            },
          };
        },
        changeErrors,
      );
    },
  },
  { idempotency: idempotencyKey },
);
