import { batchGetAll, entitiesOf } from './service';
export type { CommitmentItem } from './entities/commitment';
import { Commitment, CommitmentNumber, type CommitmentItem } from './entities/commitment';
import { Sov } from './entities/sov';
import { Task } from './entities/task';
import { ChangeOrder, type ChangeOrderItem } from './entities/change-order';

const commitmentReaders = /* @__PURE__ */ entitiesOf({ Commitment });
const changeOrderReaders = /* @__PURE__ */ entitiesOf({ ChangeOrder });

/** The entities commitments are written with (their numbers, SOVs and the tasks a change moves). */
export const commitmentEntities = /* @__PURE__ */ entitiesOf({ Commitment, CommitmentNumber, Sov, Task });

/**
 * One commitment of a project, or undefined when there is none with that id there.
 * `consistent`: read what a write just did (after a transaction, or to explain a failed condition).
 */
export async function loadCommitment(
  projectId: string,
  commitmentId: string,
  options: { consistent?: boolean } = {},
): Promise<CommitmentItem | undefined> {
  const { data } = await commitmentReaders().Commitment.get({ projectId, commitmentId }).go({ consistent: options.consistent ?? false });
  return data ?? undefined;
}

/** Every change order of a commitment, any status (what the G702 change-order summary reads). */
export async function loadChangeOrders(projectId: string, commitmentId: string): Promise<ChangeOrderItem[]> {
  const { data } = await changeOrderReaders().ChangeOrder.query.byCommitment({ projectId, commitmentId }).go({ pages: 'all' });
  return data;
}

/** The key a number is unique under: "sc-001" and " SC-001" are the same number. */
export const normalizeCommitmentNumber = (number: string): string => number.trim().toUpperCase();

/** What `?q=` searches: number, title and vendor name, lower-cased. */
export const commitmentSearchText = (fields: { number: string; title: string; vendorName: string }): string =>
  `${fields.number} ${fields.title} ${fields.vendorName}`.toLowerCase();

/** Commitments by id (BatchGet); those not found are left out. */
export async function loadCommitmentsById(projectId: string, commitmentIds: readonly string[]): Promise<CommitmentItem[]> {
  if (commitmentIds.length === 0) return [];
  const { Commitment } = commitmentReaders();
  return batchGetAll(
    commitmentIds.map((commitmentId) => ({ projectId, commitmentId })),
    (keys) => Commitment.get(keys).go(),
  );
}

/** Every commitment of the project (Query, pages of up to 1 MB). */
export async function loadProjectCommitments(projectId: string): Promise<CommitmentItem[]> {
  const { data } = await commitmentReaders().Commitment.query.byProject({ projectId }).go({ pages: 'all' });
  return data;
}
