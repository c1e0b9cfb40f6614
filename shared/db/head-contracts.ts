import { db } from './service';
export type { HeadContractItem } from './entities/head-contract';
import type { HeadContractItem } from './entities/head-contract';

/**
 * One head contract of a project, or undefined when there is none with that id there.
 * `consistent`: read what a write just did (after a transaction, or to explain a failed condition).
 */
export async function loadHeadContract(
  projectId: string,
  headContractId: string,
  options: { consistent?: boolean } = {},
): Promise<HeadContractItem | undefined> {
  const { data } = await db().HeadContract.get({ projectId, headContractId }).go({ consistent: options.consistent ?? false });
  return data ?? undefined;
}
