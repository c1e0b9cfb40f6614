import { randomUUID } from 'node:crypto';
import { httpRouter } from '../../shared/http/handler';
import { idempotencyKey } from '../../shared/http/idempotency';
import { problems, type HttpProblem } from '../../shared/http/problem';
import { etagFor, requiredIfMatch } from '../../shared/http/etag';
import { isConditionalFailure } from '../../shared/db/conditions';
import { decodeCursor, encodeCursor } from '../../shared/http/cursor';
import { enforce, loadProjectAccess } from '../../shared/http/access';
import type { Action } from '../../shared/domain/permissions';
import { db, dbService, transactWithRetry } from '../../shared/db/service';
import { loadCommitment, type CommitmentItem } from '../../shared/db/commitments';
import type { ChangeOrderResponse, SovResponse } from '../../shared/api/sov';
import {
  applyChangeOrder,
  editLine,
  priceChangeOrder,
  replaceOriginalLines,
  sovTotals,
  type SovLine,
} from '../../shared/domain/sov';
import type { ChangeOrderItem } from '../../shared/db/entities/change-order';

/** What a `transaction.write` callback is given: the entities, for `.commit()`ed operations. */
type WriteEntities = Parameters<Parameters<ReturnType<typeof dbService>['transaction']['write']>[0]>[0];

/** The SOV as stored: an empty one at version 0 if its item is missing (it is created with the commitment). */
interface StoredSov {
  lines: SovLine[];
  version: number;
}

/** How often an approval re-reads and retries when the SOV changed under it (the client's ETag is the change order's). */
const approvalAttempts = 3;

const noSuchCommitment = () => problems.notFound('No such commitment.');
const noSuchChangeOrder = () => problems.notFound('No such change order.');
const staleSov = (version: number) =>
  problems.preconditionFailed(`The schedule of values changed since you read it (now ${etagFor(version)}); read it again.`);
const staleChangeOrder = (version: number) =>
  problems.preconditionFailed(`The change order changed since you read it (now ${etagFor(version)}); read it again.`);
const settled = (co: ChangeOrderItem) =>
  problems.conflict(`Change order ${co.number} is ${co.status}; only a pending change order can change.`);

/** The caller's project membership, the commitment, and the action enforced on it (404 when invisible). */
async function commitmentFor(action: Action, path: { projectId: string; commitmentId: string }, userId: string) {
  const [{ member }, commitment] = await Promise.all([
    loadProjectAccess(path.projectId, userId),
    loadCommitment(path.projectId, path.commitmentId),
  ]);
  if (!commitment) throw noSuchCommitment();
  enforce(action, member, commitment);
  return commitment;
}

async function loadSov(projectId: string, commitmentId: string): Promise<StoredSov> {
  const { data } = await db().Sov.get({ projectId, commitmentId }).go();
  return data ? { lines: data.lines as SovLine[], version: data.version } : { lines: [], version: 0 };
}

async function loadChangeOrder(projectId: string, commitmentId: string, changeOrderId: string) {
  const { data } = await db().ChangeOrder.get({ projectId, commitmentId, changeOrderId }).go();
  return data ?? undefined;
}

function sovBody(commitment: CommitmentItem, sov: StoredSov): SovResponse {
  return {
    projectId: commitment.projectId,
    commitmentId: commitment.commitmentId,
    accountingMethod: commitment.accountingMethod,
    lines: sov.lines,
    totals: sovTotals(sov.lines),
    version: sov.version,
  };
}

function changeOrderBody(co: ChangeOrderItem): ChangeOrderResponse {
  return {
    projectId: co.projectId,
    commitmentId: co.commitmentId,
    changeOrderId: co.changeOrderId,
    number: co.number,
    title: co.title,
    description: co.description ?? null,
    status: co.status,
    lines: co.lines,
    totalCents: co.totalCents,
    approvedAt: co.approvedAt ?? null,
    approvedBy: co.approvedBy ?? null,
    version: co.version,
    createdBy: co.createdBy,
    createdAt: co.createdAt,
    updatedAt: co.updatedAt,
  };
}

const changeOrderLocation = (co: ChangeOrderItem) =>
  `/v1/projects/${co.projectId}/commitments/${co.commitmentId}/change-orders/${co.changeOrderId}`;

/**
 * The transaction items that store new SOV lines: the Sov (conditional on the version read)
 * and the commitment's sums, kept equal to the lines. The commitment's version does not move:
 * its ETag guards its header fields, which SOV edits do not touch. The condition on the
 * accounting method makes a concurrent method change and these lines exclusive.
 */
function sovWrites(commitment: CommitmentItem, sov: StoredSov, lines: SovLine[], now: string) {
  const key = { projectId: commitment.projectId, commitmentId: commitment.commitmentId };
  const totals = sovTotals(lines);
  return ({ Sov, Commitment }: WriteEntities) => {
    const storeLines =
      sov.version === 0
        ? Sov.create({ ...key, lines, version: 1, updatedAt: now }).commit()
        : Sov.patch(key)
            .set({ lines, updatedAt: now })
            .add({ version: 1 })
            .where((attr, op) => op.eq(attr.version, sov.version))
            .commit();
    const storeSums = Commitment.patch(key)
      .set({
        lineCount: totals.lineCount,
        originalContractSumCents: totals.originalContractSumCents,
        approvedChangeOrdersCents: totals.approvedChangeOrdersCents,
      })
      .where((attr, op) => op.eq(attr.accountingMethod, commitment.accountingMethod))
      .commit();
    return [storeLines, storeSums] as [typeof storeLines, typeof storeSums];
  };
}

/** Why the commitment's part of a transaction failed: it is gone, or its accounting method changed. */
async function commitmentRefusal(commitment: CommitmentItem): Promise<HttpProblem> {
  const now = await loadCommitment(commitment.projectId, commitment.commitmentId);
  if (!now) return noSuchCommitment();
  return problems.conflict(`The commitment's accounting method changed to ${now.accountingMethod} meanwhile; read the SOV again.`);
}

/**
 * Replaces the SOV's lines if it is still at `sov.version`, with the commitment's sums, in one
 * transaction. Answers the stored SOV, or throws 412 when the SOV moved on.
 */
async function storeSov(commitment: CommitmentItem, sov: StoredSov, lines: SovLine[]): Promise<StoredSov> {
  const now = new Date().toISOString();
  const outcome = await transactWithRetry(() => dbService().transaction.write(sovWrites(commitment, sov, lines, now)).go());
  if (outcome.canceled) {
    const [sovResult, commitmentResult] = outcome.data;
    if (sovResult?.code === 'ConditionalCheckFailed') {
      throw staleSov((await loadSov(commitment.projectId, commitment.commitmentId)).version);
    }
    if (commitmentResult?.code === 'ConditionalCheckFailed') throw await commitmentRefusal(commitment);
    throw problems.busy('schedule of values');
  }
  return { lines, version: sov.version + 1 };
}

/** The SOV at the version the client sent in If-Match (412 if it moved on, 428 if absent). */
async function sovAtIfMatch(commitment: CommitmentItem, headers: Record<string, string | undefined>): Promise<StoredSov> {
  const expected = requiredIfMatch(headers);
  const sov = await loadSov(commitment.projectId, commitment.commitmentId);
  if (sov.version !== expected) throw staleSov(sov.version);
  return sov;
}

export const handler = httpRouter({
  getSov: async ({ path, caller }) => {
    const commitment = await commitmentFor('commitments.view', path, caller.userId);
    const sov = await loadSov(path.projectId, path.commitmentId);
    return { body: sovBody(commitment, sov), headers: { etag: etagFor(sov.version) } };
  },

  replaceSov: async ({ path, body, caller, headers }) => {
    const commitment = await commitmentFor('sov.edit', path, caller.userId);
    const sov = await sovAtIfMatch(commitment, headers);
    const lines = replaceOriginalLines(sov.lines, body.lines, commitment.accountingMethod, randomUUID);
    const stored = await storeSov(commitment, sov, lines);
    return { body: sovBody(commitment, stored), headers: { etag: etagFor(stored.version) } };
  },

  updateSovLine: async ({ path, body, caller, headers }) => {
    const commitment = await commitmentFor('sov.edit', path, caller.userId);
    const sov = await sovAtIfMatch(commitment, headers);
    const lines = editLine(sov.lines, path.lineId, body, commitment.accountingMethod);
    if (!lines) throw problems.notFound('No such line in this schedule of values.');
    const stored = await storeSov(commitment, sov, lines);
    return { body: sovBody(commitment, stored), headers: { etag: etagFor(stored.version) } };
  },

  listChangeOrders: async ({ path, query, caller }) => {
    await commitmentFor('commitments.view', path, caller.userId);
    const scope = `change-orders:${path.projectId}:${path.commitmentId}`;
    const page = await db()
      .ChangeOrder.query.byCommitment({ projectId: path.projectId, commitmentId: path.commitmentId })
      .go({ cursor: decodeCursor(scope, query.cursor), limit: query.limit });
    return { body: { items: page.data.map(changeOrderBody), nextCursor: encodeCursor(scope, page.cursor) } };
  },

  createChangeOrder: async ({ path, body, caller }) => {
    const commitment = await commitmentFor('change_orders.edit', path, caller.userId);
    const sov = await loadSov(path.projectId, path.commitmentId);
    const priced = priceChangeOrder(body.lines, commitment.accountingMethod, sov.lines);
    const now = new Date().toISOString();
    const item: ChangeOrderItem = {
      projectId: path.projectId,
      commitmentId: path.commitmentId,
      changeOrderId: randomUUID(),
      number: body.number,
      title: body.title,
      ...(body.description ? { description: body.description } : {}),
      status: 'pending',
      lines: priced.lines,
      totalCents: priced.totalCents,
      version: 1,
      createdBy: caller.userId,
      createdAt: now,
      updatedAt: now,
    };
    await db().ChangeOrder.create(item).go();
    return { status: 201, body: changeOrderBody(item), headers: { location: changeOrderLocation(item), etag: etagFor(item.version) } };
  },

  getChangeOrder: async ({ path, caller }) => {
    await commitmentFor('commitments.view', path, caller.userId);
    const co = await loadChangeOrder(path.projectId, path.commitmentId, path.changeOrderId);
    if (!co) throw noSuchChangeOrder();
    return { body: changeOrderBody(co), headers: { etag: etagFor(co.version) } };
  },

  updateChangeOrder: async ({ path, body, caller, headers }) => {
    const { status, ...fields } = body;
    const commitment = await commitmentFor(status ? 'change_orders.approve' : 'change_orders.edit', path, caller.userId);
    if (status && Object.keys(fields).length > 0) {
      throw problems.validation([{ location: 'body', field: 'status', message: 'Change the status on its own, without other fields' }]);
    }
    const expected = requiredIfMatch(headers);
    const key = { projectId: path.projectId, commitmentId: path.commitmentId, changeOrderId: path.changeOrderId };
    /** The change order as the client expects it: pending, at the If-Match version. */
    const current = async () => {
      const co = await loadChangeOrder(key.projectId, key.commitmentId, key.changeOrderId);
      if (!co) throw noSuchChangeOrder();
      if (co.status !== 'pending') throw settled(co);
      if (co.version !== expected) throw staleChangeOrder(co.version);
      return co;
    };
    const now = new Date().toISOString();

    if (status === 'approved') {
      for (let attempt = 1; attempt <= approvalAttempts; attempt++) {
        const [co, sov] = await Promise.all([current(), loadSov(key.projectId, key.commitmentId)]);
        const applied = applyChangeOrder(sov.lines, co.lines, commitment.accountingMethod, co.changeOrderId, randomUUID);
        const approved: ChangeOrderItem = {
          ...co,
          status: 'approved',
          lines: applied.lines,
          totalCents: applied.totalCents,
          approvedAt: now,
          approvedBy: caller.userId,
          version: co.version + 1,
          updatedAt: now,
        };
        // The change order, the SOV and the commitment's sums move together or not at all.
        const outcome = await transactWithRetry(() =>
          dbService()
            .transaction.write((entities) => [
              ...sovWrites(commitment, sov, applied.sovLines, now)(entities),
              entities.ChangeOrder.patch(key)
                .set({ status: 'approved', lines: applied.lines, totalCents: applied.totalCents, approvedAt: now, approvedBy: caller.userId, updatedAt: now })
                .add({ version: 1 })
                .where((attr, op) => `${op.eq(attr.version, expected)} AND ${op.eq(attr.status, 'pending')}`)
                .commit(),
            ])
            .go(),
        );
        if (!outcome.canceled) return { body: changeOrderBody(approved), headers: { etag: etagFor(approved.version) } };
        const [sovResult, commitmentResult, coResult] = outcome.data;
        if (coResult?.code === 'ConditionalCheckFailed') {
          await current(); // throws the 404, 409 or 412 that now applies
          throw problems.busy('schedule of values');
        }
        if (commitmentResult?.code === 'ConditionalCheckFailed') throw await commitmentRefusal(commitment);
        // Someone edited the SOV between our read and write: apply to the SOV as it is now.
        if (sovResult?.code !== 'ConditionalCheckFailed') break;
      }
      throw problems.busy('schedule of values');
    }

    if (status === 'void') {
      await current();
      return patchChangeOrder(key, expected, (patch) => patch.set({ status: 'void', updatedAt: now }), current);
    }

    // A pending change order's fields; its lines are priced again against the SOV as it is.
    if (fields.lines) {
      const [, sov] = await Promise.all([current(), loadSov(key.projectId, key.commitmentId)]);
      const priced = priceChangeOrder(fields.lines!, commitment.accountingMethod, sov.lines);
      return patchChangeOrder(
        key,
        expected,
        (patch) => withFields(patch.set({ lines: priced.lines, totalCents: priced.totalCents, updatedAt: now }), fields),
        current,
      );
    }
    await current();
    return patchChangeOrder(key, expected, (patch) => withFields(patch.set({ updatedAt: now }), fields), current);
  },
}, { idempotency: idempotencyKey });

type ChangeOrderPatch = ReturnType<ReturnType<typeof db>['ChangeOrder']['patch']>;

/** Number, title and description as sent; `description: null` removes it. */
function withFields(patch: ReturnType<ChangeOrderPatch['set']>, fields: { number?: string; title?: string; description?: string | null }) {
  const set = {
    ...(fields.number !== undefined ? { number: fields.number } : {}),
    ...(fields.title !== undefined ? { title: fields.title } : {}),
    ...(typeof fields.description === 'string' ? { description: fields.description } : {}),
  };
  const withSet = patch.set(set);
  return fields.description === null ? withSet.remove(['description']) : withSet;
}

/** A conditional edit of a pending change order at the If-Match version; a failed condition re-reads to say why. */
async function patchChangeOrder(
  key: { projectId: string; commitmentId: string; changeOrderId: string },
  expected: number,
  edit: (patch: ChangeOrderPatch) => ReturnType<ChangeOrderPatch['set']>,
  current: () => Promise<ChangeOrderItem>,
) {
  try {
    const { data } = await edit(db().ChangeOrder.patch(key))
      .add({ version: 1 })
      .where((attr, op) => `${op.eq(attr.version, expected)} AND ${op.eq(attr.status, 'pending')}`)
      .go({ response: 'all_new' });
    const co = data as ChangeOrderItem;
    return { body: changeOrderBody(co), headers: { etag: etagFor(co.version) } };
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
    await current();
    throw problems.busy('schedule of values');
  }
}
