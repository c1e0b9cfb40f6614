/** The API's views of stored commitments (what the handlers answer; its schema is in commitments.docs.ts, which no handler bundles). */
import { commitmentAllowedActions } from '../domain/allowed-actions';
import type { Membership } from '../domain/permissions';
import type { CommitmentItem } from '../db/commitments';
import type { CommitmentResponse } from './commitments.docs';

/**
 * The API's view of a stored commitment as `member` sees it: absent optional fields as null, the
 * contract sum to date derived, and what the member may do with it now.
 */
export const commitmentViewFor =
  (member: Membership) =>
  (item: CommitmentItem): CommitmentResponse =>
    toCommitmentResponse(item, commitmentAllowedActions({ member, commitment: item }));

export function toCommitmentResponse(item: CommitmentItem, allowedActions: CommitmentResponse['allowedActions']): CommitmentResponse {
  return {
    projectId: item.projectId,
    commitmentId: item.commitmentId,
    type: item.type,
    number: item.number,
    title: item.title,
    vendorId: item.vendorId,
    vendorName: item.vendorName,
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
    invoiceContactIds: [...item.invoiceContactIds],
    ssovEnabled: item.ssovEnabled,
    ssovStatus: item.ssovStatus ?? null,
    paymentsIssuedEnabled: item.paymentsIssuedEnabled,
    lineCount: item.lineCount,
    originalContractSumCents: item.originalContractSumCents,
    approvedChangeOrdersCents: item.approvedChangeOrdersCents,
    contractSumToDateCents: item.originalContractSumCents + item.approvedChangeOrdersCents,
    version: item.version,
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    allowedActions,
  };
}
