/** What the SOV and change-order operations share: the loads, the replies, and the SOV's write with the commitment's sums. */
import { problems, type HttpProblem } from '../../../shared/http/problem';
import { etagFor, requiredIfMatch } from '../../../shared/http/etag';
import { enforce, enforceRefusal, loadProjectAccess } from '../../../shared/http/access';
import type { Action, Membership } from '../../../shared/domain/permissions';
import type { ActionRefusal } from '../../../shared/domain/allowed-actions';
import { db } from '../../../shared/db/service';
import { explainFailure, writeTransaction, type WriteEntities } from '../../../shared/db/transaction';
import { loadCommitment, type CommitmentItem } from '../../../shared/db/commitments';
import type { ChangeOrderResponse, SovResponse } from '../../../shared/api/sov';
import { sovTotals, type SovLine } from '../../../shared/domain/sov';
import type { ChangeOrderItem } from '../../../shared/db/entities/change-order';


/** The SOV as stored: an empty one at version 0 if its item is missing (it is created with the commitment). */
export interface StoredSov {
  lines: SovLine[];
  version: number;
}

/** How often an approval re-reads and retries when the SOV changed under it (the client's ETag is the change order's). */
export const approvalAttempts = 3;

export const noSuchCommitment = () => problems.notFound('No such commitment.');
export const noSuchChangeOrder = () => problems.notFound('No such change order.');
export const staleSov = (version: number) =>
  problems.preconditionFailed(`The schedule of values changed since you read it (now ${etagFor(version)}); read it again.`);
export const staleChangeOrder = (version: number) =>
  problems.preconditionFailed(`The change order changed since you read it (now ${etagFor(version)}); read it again.`);
export const settled = (co: ChangeOrderItem) =>
  problems.conflict(`Change order ${co.number} is ${co.status}; only a pending change order can change.`);

/** The caller's project membership and the commitment (404 when absent). */
export async function commitmentAccess(path: { projectId: string; commitmentId: string }, userId: string) {
  const [{ member }, commitment] = await Promise.all([loadProjectAccess(path.projectId, userId), loadCommitment(path.projectId, path.commitmentId)]);
  if (!commitment) throw noSuchCommitment();
  return { member, commitment };
}

/** The commitment, with the action enforced on it (404 when invisible). */
export async function commitmentFor(action: Action, path: { projectId: string; commitmentId: string }, userId: string) {
  const { member, commitment } = await commitmentAccess(path, userId);
  enforce(action, member, commitment);
  return commitment;
}

/** The commitment, with a commitment action enforced as `allowedActions` reports it (404 invisible, 403). */
export async function commitmentAllowing(refusal: (access: { member: Membership; commitment: CommitmentItem }) => ActionRefusal | undefined, path: { projectId: string; commitmentId: string }, userId: string) {
  const access = await commitmentAccess(path, userId);
  enforceRefusal(refusal(access));
  return access.commitment;
}

export async function loadSov(projectId: string, commitmentId: string): Promise<StoredSov> {
  const { data } = await db().Sov.get({ projectId, commitmentId }).go();
  return data ? { lines: data.lines as SovLine[], version: data.version } : { lines: [], version: 0 };
}

export async function loadChangeOrder(projectId: string, commitmentId: string, changeOrderId: string) {
  const { data } = await db().ChangeOrder.get({ projectId, commitmentId, changeOrderId }).go();
  return data ?? undefined;
}

export function sovBody(commitment: CommitmentItem, sov: StoredSov): SovResponse {
  return {
    projectId: commitment.projectId,
    commitmentId: commitment.commitmentId,
    accountingMethod: commitment.accountingMethod,
    lines: sov.lines,
    totals: sovTotals(sov.lines),
    version: sov.version,
  };
}

export function changeOrderBody(co: ChangeOrderItem): ChangeOrderResponse {
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

export const changeOrderLocation = (co: ChangeOrderItem) =>
  `/v1/projects/${co.projectId}/commitments/${co.commitmentId}/change-orders/${co.changeOrderId}`;

/**
 * The named transaction items that store new SOV lines: the Sov (`sov`) (conditional on the version read)
 * and the commitment's sums (`commitment`), kept equal to the lines. The commitment's version does not move:
 * its ETag guards its header fields, which SOV edits do not touch. The condition on the
 * accounting method makes a concurrent method change and these lines exclusive.
 */
export function sovWrites(commitment: CommitmentItem, sov: StoredSov, lines: SovLine[], now: string) {
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
    return { sov: storeLines, commitment: storeSums };
  };
}

/** Why the commitment's part of a transaction failed: it is gone, or its accounting method changed. */
export async function commitmentRefusal(commitment: CommitmentItem): Promise<HttpProblem> {
  const now = await loadCommitment(commitment.projectId, commitment.commitmentId);
  if (!now) return noSuchCommitment();
  return problems.conflict(`The commitment's accounting method changed to ${now.accountingMethod} meanwhile; read the SOV again.`);
}

/**
 * Replaces the SOV's lines if it is still at `sov.version`, with the commitment's sums, in one
 * transaction. Answers the stored SOV, or throws 412 when the SOV moved on.
 */
export async function storeSov(commitment: CommitmentItem, sov: StoredSov, lines: SovLine[]): Promise<StoredSov> {
  const now = new Date().toISOString();
  const outcome = await writeTransaction(sovWrites(commitment, sov, lines, now));
  if (outcome.canceled) {
    throw await explainFailure(
      outcome,
      {
        sov: async () => staleSov((await loadSov(commitment.projectId, commitment.commitmentId)).version),
        commitment: () => commitmentRefusal(commitment),
      },
      () => problems.busy('schedule of values'),
    );
  }
  return { lines, version: sov.version + 1 };
}

/** The SOV at the version the client sent in If-Match (412 if it moved on, 428 if absent). */
export async function sovAtIfMatch(commitment: CommitmentItem, headers: Record<string, string | undefined>): Promise<StoredSov> {
  const expected = requiredIfMatch(headers);
  const sov = await loadSov(commitment.projectId, commitment.commitmentId);
  if (sov.version !== expected) throw staleSov(sov.version);
  return sov;
}
