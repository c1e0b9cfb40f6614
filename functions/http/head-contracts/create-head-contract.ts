import { randomUUID } from 'node:crypto';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { etagFor } from '../../../shared/http/etag';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { explainFailure, writeTransactionOver } from '../../../shared/db/transaction';
import { headContractEntities, type HeadContractItem } from '../../../shared/db/head-contracts';
import type { ProjectItem } from '../../../shared/db/entities/project';
import { toHeadContractResponse } from '../../../shared/api/head-contracts-views';
import { duplicateNumber, headContractRetainage, isFieldError, locationOf, normalizeHeadContractNumber, privateListErrors, unique } from './shared';
import { headContractsEdit } from '../../../shared/domain/permission-rules';

type CreateBody = HttpInput<'createHeadContract'>['body'];

/** The retainage of a new head contract once it and the private list check out (else 400 naming each field). */
async function checkedRetainage(project: ProjectItem, body: CreateBody) {
  const errors = await privateListErrors(project.projectId, body.privateUserIds);
  const retainage = headContractRetainage(body.accountingMethod, body.retainage ?? project.retainage, body.retainage?.materialsEnabled);
  if (isFieldError(retainage)) errors.push(retainage);
  if (errors.length || isFieldError(retainage)) throw problems.validation(errors);
  return retainage;
}

function newHeadContract(projectId: string, body: CreateBody, retainage: HeadContractItem['retainage'], by: string, now: string): HeadContractItem {
  return {
    projectId,
    headContractId: randomUUID(),
    number: body.number,
    title: body.title,
    ownerCompanyName: body.ownerCompanyName,
    ownerContactEmails: unique(body.ownerContactEmails),
    status: body.status,
    description: body.description,
    contractDate: body.contractDate,
    startDate: body.startDate,
    estimatedCompletionDate: body.estimatedCompletionDate,
    actualCompletionDate: body.actualCompletionDate,
    accountingMethod: body.accountingMethod,
    retainage,
    private: body.private,
    privateUserIds: unique(body.privateUserIds),
    lineCount: 0,
    originalContractSumCents: 0,
    approvedChangeOrdersCents: 0,
    version: 1,
    createdBy: by,
    createdAt: now,
    updatedAt: now,
  };
}

export async function createHeadContract({ path, body, caller }: HttpInput<'createHeadContract'>): Promise<Reply> {
  const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(headContractsEdit, member);
  const retainage = await checkedRetainage(project, body);

  const now = new Date().toISOString();
  const item = newHeadContract(project.projectId, body, retainage, caller.userId, now);
  const { projectId, headContractId } = item;
  // One transaction: the number is claimed, the contract and its empty SOV exist, or nothing does.
  const outcome = await writeTransactionOver(headContractEntities, ({ HeadContract, HeadContractNumber, Sov }) => ({
    contract: HeadContract.create(item).commit(),
    number: HeadContractNumber.create({ projectId, normalizedNumber: normalizeHeadContractNumber(item.number), headContractId }).commit(),
    sov: Sov.create({ projectId, commitmentId: headContractId, contractKind: 'head_contract', lines: [], version: 1, updatedAt: now }).commit(),
  }));
  if (outcome.canceled) throw await explainFailure(outcome, { number: () => duplicateNumber(item.number) }, () => problems.busy('head contract'));
  return { status: 201, body: toHeadContractResponse(item), headers: { location: locationOf(item), etag: etagFor(item.version) } };
}
