import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { requiredIfMatch } from '../../../shared/http/etag';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { headContractDeleteRefusal } from '../../../shared/domain/head-contracts';
import { explainFailure, writeTransactionOver } from '../../../shared/db/transaction';
import { headContractEntities, loadHeadContract } from '../../../shared/db/head-contracts';
import { changedSinceRead, noSuchHeadContract, normalizeHeadContractNumber, visibleHeadContract } from './shared';
import { headContractsEdit } from '../../../shared/domain/permission-rules';

/**
 * Deletes a draft head contract: the contract, its number and its SOV in one transaction
 * (conditional on the version and status read), then its change orders, which nothing reaches
 * once the contract is gone.
 */
export async function deleteHeadContract({ path, caller, headers }: HttpInput<'deleteHeadContract'>): Promise<Reply> {
  const { member } = await loadProjectAccess(path.projectId, caller.userId);
  const current = await visibleHeadContract(path.projectId, path.headContractId, member);
  enforce(headContractsEdit, member, current);
  // If-Match is optional: sent, it must be the version read.
  const expectedVersion = headers['if-match'] ? requiredIfMatch(headers, current.version) : current.version;
  if (current.version !== expectedVersion) throw changedSinceRead(current.version);
  const refusal = headContractDeleteRefusal(current);
  if (refusal) throw problems.conflict(refusal);

  const { projectId, headContractId } = current;
  const outcome = await writeTransactionOver(headContractEntities, ({ HeadContract, HeadContractNumber, Sov }) => ({
    contract: HeadContract.delete({ projectId, headContractId })
      .where((attr, op) => `${op.eq(attr.version, expectedVersion)} AND ${op.eq(attr.status, 'draft')}`)
      .commit(),
    number: HeadContractNumber.delete({ projectId, normalizedNumber: normalizeHeadContractNumber(current.number) }).commit(),
    sov: Sov.delete({ projectId, commitmentId: headContractId }).commit(),
  }));
  if (outcome.canceled) {
    throw await explainFailure(
      outcome,
      {
        contract: async () => {
          const now = await loadHeadContract(projectId, headContractId, { consistent: true });
          if (!now) return noSuchHeadContract();
          const why = headContractDeleteRefusal(now);
          return why ? problems.conflict(why) : changedSinceRead(now.version);
        },
      },
      () => problems.busy('head contract'),
    );
  }
  const { ChangeOrder } = headContractEntities();
  const changeOrders = await ChangeOrder.query.byCommitment({ projectId, commitmentId: headContractId }).go({ pages: 'all', attributes: ['projectId', 'commitmentId', 'changeOrderId'] });
  if (changeOrders.data.length) await ChangeOrder.delete(changeOrders.data).go();
  return { status: 204 };
}
