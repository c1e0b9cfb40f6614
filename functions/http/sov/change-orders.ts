import { randomUUID } from 'node:crypto';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { etagFor } from '../../../shared/http/etag';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import { writeTransactionOver } from '../../../shared/db/transaction';
import { priceChangeOrder, type ChangeOrderLineInput } from '../../../shared/domain/sov';
import type { ChangeOrderItem } from '../../../shared/db/entities/change-order';
import { commitmentActionRefusal } from '../../../shared/domain/allowed-actions';
import { changeOrderBody, changeOrderLocation, commitmentAllowing, commitmentRef, contractFor, headContractRef, loadChangeOrder, loadSov, noSuchChangeOrder, sovEntities, type Contract } from './shared';
import { commitmentsView, headContractsEdit, headContractsView } from '../../../shared/domain/permission-rules';

interface NewChangeOrder {
  number: string;
  title: string;
  description?: string;
  lines: ChangeOrderLineInput[];
}

async function listOf(contract: Contract, query: { cursor?: string; limit: number }): Promise<Reply> {
  const scope = `change-orders:${contract.projectId}:${contract.contractId}`;
  const page = await sovEntities()
    .ChangeOrder.query.byCommitment({ projectId: contract.projectId, commitmentId: contract.contractId })
    .go({ cursor: decodeCursor(scope, query.cursor), limit: query.limit });
  return { body: { items: page.data.map((co) => changeOrderBody(contract, co)), nextCursor: encodeCursor(scope, page.cursor) } };
}

async function create(contract: Contract, body: NewChangeOrder, by: string): Promise<Reply> {
  const sov = await loadSov(contract);
  const priced = priceChangeOrder(body.lines, contract.accountingMethod, sov.lines);
  const now = new Date().toISOString();
  const item: ChangeOrderItem = {
    projectId: contract.projectId,
    commitmentId: contract.contractId,
    contractKind: contract.kind,
    changeOrderId: randomUUID(),
    number: body.number,
    title: body.title,
    ...(body.description ? { description: body.description } : {}),
    status: 'pending',
    lines: priced.lines,
    totalCents: priced.totalCents,
    version: 1,
    createdBy: by,
    createdAt: now,
    updatedAt: now,
  };
  // A transaction, though of one item: a keyed request's change and its Idempotency-Key's mark commit together.
  const { canceled } = await writeTransactionOver(sovEntities, (entities) => ({ changeOrder: entities.ChangeOrder.create(item).commit() }));
  if (canceled) throw new Error(`creating change order ${item.changeOrderId} was canceled`);
  return { status: 201, body: changeOrderBody(contract, item), headers: { location: changeOrderLocation(contract, item), etag: etagFor(item.version) } };
}

async function readOne(contract: Contract, changeOrderId: string): Promise<Reply> {
  const co = await loadChangeOrder(contract, changeOrderId);
  if (!co) throw noSuchChangeOrder();
  return { body: changeOrderBody(contract, co), headers: { etag: etagFor(co.version) } };
}

// A commitment's change orders

export async function listChangeOrders({ path, query, caller }: HttpInput<'listChangeOrders'>): Promise<Reply> {
  return listOf(await contractFor(commitmentsView, commitmentRef(path), caller.userId), query);
}

export async function createChangeOrder({ path, body, caller }: HttpInput<'createChangeOrder'>): Promise<Reply> {
  return create(await commitmentAllowing((access) => commitmentActionRefusal('create_change_order', access), path, caller.userId), body, caller.userId);
}

export async function getChangeOrder({ path, caller }: HttpInput<'getChangeOrder'>): Promise<Reply> {
  return readOne(await contractFor(commitmentsView, commitmentRef(path), caller.userId), path.changeOrderId);
}

// A head contract's change orders: the same rules and code

export async function listHeadContractChangeOrders({ path, query, caller }: HttpInput<'listHeadContractChangeOrders'>): Promise<Reply> {
  return listOf(await contractFor(headContractsView, headContractRef(path), caller.userId), query);
}

export async function createHeadContractChangeOrder({ path, body, caller }: HttpInput<'createHeadContractChangeOrder'>): Promise<Reply> {
  return create(await contractFor(headContractsEdit, headContractRef(path), caller.userId), body, caller.userId);
}

export async function getHeadContractChangeOrder({ path, caller }: HttpInput<'getHeadContractChangeOrder'>): Promise<Reply> {
  return readOne(await contractFor(headContractsView, headContractRef(path), caller.userId), path.changeOrderId);
}
