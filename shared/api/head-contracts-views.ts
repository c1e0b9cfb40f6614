/** The API's views of stored head contracts (what the handlers answer; its schema is in head-contracts.docs.ts, which no handler bundles). */
import type { HeadContractItem } from '../db/entities/head-contract';
import type { HeadContractResponse } from './head-contracts.docs';

/** The API's view of a stored head contract: absent optional fields as null, the contract sum to date derived. */
export function toHeadContractResponse(item: HeadContractItem): HeadContractResponse {
  return {
    projectId: item.projectId,
    headContractId: item.headContractId,
    number: item.number,
    title: item.title,
    ownerCompanyName: item.ownerCompanyName,
    ownerContactEmails: [...item.ownerContactEmails],
    status: item.status,
    description: item.description ?? null,
    contractDate: item.contractDate ?? null,
    startDate: item.startDate ?? null,
    estimatedCompletionDate: item.estimatedCompletionDate ?? null,
    actualCompletionDate: item.actualCompletionDate ?? null,
    accountingMethod: item.accountingMethod,
    retainage: { ...item.retainage },
    private: item.private,
    privateUserIds: [...item.privateUserIds],
    lineCount: item.lineCount,
    originalContractSumCents: item.originalContractSumCents,
    approvedChangeOrdersCents: item.approvedChangeOrdersCents,
    contractSumToDateCents: item.originalContractSumCents + item.approvedChangeOrdersCents,
    version: item.version,
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}
