import { db } from './service';
export type { CommitmentItem } from './entities/commitment';
import type { CommitmentItem } from './entities/commitment';


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
