import { randomUUID } from 'node:crypto';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { etagFor } from '../../../shared/http/etag';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import { db } from '../../../shared/db/service';
import { priceChangeOrder } from '../../../shared/domain/sov';
import type { ChangeOrderItem } from '../../../shared/db/entities/change-order';
import { commitmentActionRefusal } from '../../../shared/domain/allowed-actions';
import { changeOrderBody, changeOrderLocation, commitmentAllowing, commitmentFor, loadChangeOrder, loadSov, noSuchChangeOrder } from './shared';

export async function listChangeOrders({ path, query, caller }: HttpInput<'listChangeOrders'>): Promise<Reply> {
  await commitmentFor('commitments.view', path, caller.userId);
  const scope = `change-orders:${path.projectId}:${path.commitmentId}`;
  const page = await db()
    .ChangeOrder.query.byCommitment({ projectId: path.projectId, commitmentId: path.commitmentId })
    .go({ cursor: decodeCursor(scope, query.cursor), limit: query.limit });
  return { body: { items: page.data.map(changeOrderBody), nextCursor: encodeCursor(scope, page.cursor) } };
}

export async function createChangeOrder({ path, body, caller }: HttpInput<'createChangeOrder'>): Promise<Reply> {
  const commitment = await commitmentAllowing((access) => commitmentActionRefusal('create_change_order', access), path, caller.userId);
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
}

export async function getChangeOrder({ path, caller }: HttpInput<'getChangeOrder'>): Promise<Reply> {
  await commitmentFor('commitments.view', path, caller.userId);
  const co = await loadChangeOrder(path.projectId, path.commitmentId, path.changeOrderId);
  if (!co) throw noSuchChangeOrder();
  return { body: changeOrderBody(co), headers: { etag: etagFor(co.version) } };
}
