/**
 * What the SOV and change-order operations share: the loads, the replies, and the SOV's write with
 * the contract's sums. One implementation serves both kinds of contract (DOMAIN.md: commitments and
 * head contracts have the same SOV and change-order rules): each operation names its kind, its
 * permission action and its contract's id, and everything below works on a `Contract`.
 */
import { problems, type HttpProblem } from '../../../shared/http/problem';
import { etagFor, requiredIfMatch } from '../../../shared/http/etag';
import { enforce, enforceRefusal, loadProjectAccess } from '../../../shared/http/access';
import type { ActionRule, Membership } from '../../../shared/domain/permissions';
import type { ActionRefusal } from '../../../shared/domain/allowed-actions';
import type { ContractKind } from '../../../shared/domain/head-contracts';
import { entitiesOf } from '../../../shared/db/service';
import { explainFailure, writeTransactionOver, type WriteEntities } from '../../../shared/db/transaction';
import { loadCommitment, type CommitmentItem } from '../../../shared/db/commitments';
import { loadHeadContract } from '../../../shared/db/head-contracts';
import type { ChangeOrderResponse, HeadContractChangeOrderResponse, HeadContractSovResponse, SovResponse } from '../../../shared/api/sov.docs';
import { sovTotals, type AccountingMethod, type SovLine } from '../../../shared/domain/sov';
import { ChangeOrder, type ChangeOrderItem } from '../../../shared/db/entities/change-order';
import { Commitment } from '../../../shared/db/entities/commitment';
import { HeadContract } from '../../../shared/db/entities/head-contract';
import { Sov } from '../../../shared/db/entities/sov';

/** A contract's SOV and change orders, and the contract (either kind) whose sums its SOV writes keep. */
export const sovEntities = /* @__PURE__ */ entitiesOf({ Sov, ChangeOrder, Commitment, HeadContract });

/** A contract as its SOV and change orders need it: which one, and how it accounts. */
export interface ContractRef {
  kind: ContractKind;
  projectId: string;
  contractId: string;
}
export interface Contract extends ContractRef {
  accountingMethod: AccountingMethod;
}

export const commitmentRef = (path: { projectId: string; commitmentId: string }): ContractRef => ({
  kind: 'commitment',
  projectId: path.projectId,
  contractId: path.commitmentId,
});
export const headContractRef = (path: { projectId: string; headContractId: string }): ContractRef => ({
  kind: 'head_contract',
  projectId: path.projectId,
  contractId: path.headContractId,
});

/** The SOV as stored: an empty one at version 0 if its item is missing (it is created with the contract). */
export interface StoredSov {
  lines: SovLine[];
  version: number;
}

/** How often an approval re-reads and retries when the SOV changed under it (the client's ETag is the change order's). */
export const approvalAttempts = 3;

const contractNames: Record<ContractKind, string> = { commitment: 'commitment', head_contract: 'head contract' };
export const noSuchContract = (kind: ContractKind) => problems.notFound(`No such ${contractNames[kind]}.`);
export const noSuchChangeOrder = () => problems.notFound('No such change order.');
export const staleSov = (version: number) =>
  problems.preconditionFailed(`The schedule of values changed since you read it (now ${etagFor(version)}); read it again.`);
export const staleChangeOrder = (version: number) =>
  problems.preconditionFailed(`The change order changed since you read it (now ${etagFor(version)}); read it again.`);
export const settled = (co: ChangeOrderItem) =>
  problems.conflict(`Change order ${co.number} is ${co.status}; only a pending change order can change.`);

const loadContract = (ref: ContractRef, options: { consistent?: boolean } = {}) =>
  ref.kind === 'commitment' ? loadCommitment(ref.projectId, ref.contractId, options) : loadHeadContract(ref.projectId, ref.contractId, options);

/** The caller's project membership, the contract, and the action enforced on it (404 when invisible). */
export async function contractFor(action: ActionRule, ref: ContractRef, userId: string): Promise<Contract> {
  const [{ member }, contract] = await Promise.all([loadProjectAccess(ref.projectId, userId), loadContract(ref)]);
  if (!contract) throw noSuchContract(ref.kind);
  enforce(action, member, contract);
  return { ...ref, accountingMethod: contract.accountingMethod };
}

/** A commitment, with a commitment action enforced as `allowedActions` reports it (404 invisible, 403). */
export async function commitmentAllowing(
  refusal: (access: { member: Membership; commitment: CommitmentItem }) => ActionRefusal | undefined,
  path: { projectId: string; commitmentId: string },
  userId: string,
): Promise<Contract> {
  const [{ member }, commitment] = await Promise.all([loadProjectAccess(path.projectId, userId), loadCommitment(path.projectId, path.commitmentId)]);
  if (!commitment) throw noSuchContract('commitment');
  enforceRefusal(refusal({ member, commitment }));
  return { ...commitmentRef(path), accountingMethod: commitment.accountingMethod };
}

export async function loadSov(contract: ContractRef): Promise<StoredSov> {
  const { data } = await sovEntities().Sov.get({ projectId: contract.projectId, commitmentId: contract.contractId }).go();
  return data ? { lines: data.lines as SovLine[], version: data.version } : { lines: [], version: 0 };
}

export async function loadChangeOrder(contract: ContractRef, changeOrderId: string) {
  const { data } = await sovEntities().ChangeOrder.get({ projectId: contract.projectId, commitmentId: contract.contractId, changeOrderId }).go();
  return data ?? undefined;
}

/** The contract's id under the name its kind's API uses. */
const contractIdField = (contract: ContractRef) =>
  contract.kind === 'commitment' ? { commitmentId: contract.contractId } : { headContractId: contract.contractId };

export function sovBody(contract: Contract, sov: StoredSov): SovResponse | HeadContractSovResponse {
  return {
    projectId: contract.projectId,
    ...contractIdField(contract),
    accountingMethod: contract.accountingMethod,
    lines: sov.lines,
    totals: sovTotals(sov.lines),
    version: sov.version,
  } as SovResponse | HeadContractSovResponse;
}

export function changeOrderBody(contract: ContractRef, co: ChangeOrderItem): ChangeOrderResponse | HeadContractChangeOrderResponse {
  return {
    projectId: co.projectId,
    ...contractIdField(contract),
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
  } as ChangeOrderResponse | HeadContractChangeOrderResponse;
}

const collectionOf: Record<ContractKind, string> = { commitment: 'commitments', head_contract: 'head-contracts' };
export const changeOrderLocation = (contract: ContractRef, co: ChangeOrderItem) =>
  `/v1/projects/${co.projectId}/${collectionOf[contract.kind]}/${contract.contractId}/change-orders/${co.changeOrderId}`;

/**
 * The named transaction items that store new SOV lines: the Sov (`sov`) (conditional on the version read)
 * and the contract's sums (`contract`), kept equal to the lines. The contract's version does not move:
 * its ETag guards its header fields, which SOV edits do not touch. The condition on the
 * accounting method makes a concurrent method change and these lines exclusive.
 */
export function sovWrites(contract: Contract, sov: StoredSov, lines: SovLine[], now: string) {
  const key = { projectId: contract.projectId, commitmentId: contract.contractId };
  const totals = sovTotals(lines);
  const sums = {
    lineCount: totals.lineCount,
    originalContractSumCents: totals.originalContractSumCents,
    approvedChangeOrdersCents: totals.approvedChangeOrdersCents,
  };
  return ({ Sov, Commitment, HeadContract }: Pick<WriteEntities, 'Sov' | 'Commitment' | 'HeadContract'>) => {
    const storeLines =
      sov.version === 0
        ? Sov.create({ ...key, contractKind: contract.kind, lines, version: 1, updatedAt: now }).commit()
        : Sov.patch(key)
            .set({ lines, updatedAt: now })
            .add({ version: 1 })
            .where((attr, op) => op.eq(attr.version, sov.version))
            .commit();
    const storeSums =
      contract.kind === 'commitment'
        ? Commitment.patch(key)
            .set(sums)
            .where((attr, op) => op.eq(attr.accountingMethod, contract.accountingMethod))
            .commit()
        : HeadContract.patch({ projectId: contract.projectId, headContractId: contract.contractId })
            .set(sums)
            .where((attr, op) => op.eq(attr.accountingMethod, contract.accountingMethod))
            .commit();
    return { sov: storeLines, contract: storeSums };
  };
}

/** Why the contract's part of a transaction failed: it is gone, or its accounting method changed. */
export async function contractRefusal(contract: Contract): Promise<HttpProblem> {
  const now = await loadContract(contract, { consistent: true });
  if (!now) return noSuchContract(contract.kind);
  return problems.conflict(`The ${contractNames[contract.kind]}'s accounting method changed to ${now.accountingMethod} meanwhile; read the SOV again.`);
}

/**
 * Replaces the SOV's lines if it is still at `sov.version`, with the contract's sums, in one
 * transaction. Answers the stored SOV, or throws 412 when the SOV moved on.
 */
export async function storeSov(contract: Contract, sov: StoredSov, lines: SovLine[]): Promise<StoredSov> {
  const now = new Date().toISOString();
  const outcome = await writeTransactionOver(sovEntities, sovWrites(contract, sov, lines, now));
  if (outcome.canceled) {
    throw await explainFailure(
      outcome,
      {
        sov: async () => staleSov((await loadSov(contract)).version),
        contract: () => contractRefusal(contract),
      },
      () => problems.busy('schedule of values'),
    );
  }
  return { lines, version: sov.version + 1 };
}

/** The SOV at the version the client sent in If-Match (412 if it moved on, 428 if absent). */
export async function sovAtIfMatch(contract: Contract, headers: Record<string, string | undefined>): Promise<StoredSov> {
  const expected = requiredIfMatch(headers);
  const sov = await loadSov(contract);
  if (sov.version !== expected) throw staleSov(sov.version);
  return sov;
}
