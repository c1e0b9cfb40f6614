import type { EntityItem } from 'electrodb';
import type { Commitment } from './entities/commitment';
import type { CommitmentResponse } from '../api/commitments';
import { db } from './service';

export type CommitmentItem = EntityItem<typeof Commitment>;

/**
 * One commitment of a project, or undefined when there is none with that id there.
 * `consistent`: read what a write just did (after a transaction, or to explain a failed condition).
 */
export async function loadCommitment(
  projectId: string,
  commitmentId: string,
  options: { consistent?: boolean } = {},
): Promise<CommitmentItem | undefined> {
  const { data } = await db().Commitment.get({ projectId, commitmentId }).go({ consistent: options.consistent ?? false });
  return data ?? undefined;
}

/** The key a number is unique under: "sc-001" and " SC-001" are the same number. */
export const normalizeCommitmentNumber = (number: string): string => number.trim().toUpperCase();

/** What `?q=` searches: number, title and vendor name, lower-cased. */
export const commitmentSearchText = (fields: { number: string; title: string; vendorName: string }): string =>
  `${fields.number} ${fields.title} ${fields.vendorName}`.toLowerCase();

/** The API's view of a stored commitment: absent optional fields as null, the contract sum to date derived. */
export function toCommitmentResponse(item: CommitmentItem): CommitmentResponse {
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
  };
}
