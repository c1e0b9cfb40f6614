import { entitiesOf } from './service';
export type { HeadContractItem } from './entities/head-contract';
import { HeadContract, HeadContractNumber, type HeadContractItem } from './entities/head-contract';
import { ChangeOrder } from './entities/change-order';
import { Sov } from './entities/sov';

/** The entities head contracts are read and written with (their numbers, SOVs and change orders). */
export const headContractEntities = /* @__PURE__ */ entitiesOf({ HeadContract, HeadContractNumber, Sov, ChangeOrder });
/** The head contract alone, for its readers: a function that only reads one bundles no SOV or change-order entity. */
const headContractReaders = /* @__PURE__ */ entitiesOf({ HeadContract });

/**
 * One head contract of a project, or undefined when there is none with that id there.
 * `consistent`: read what a write just did (after a transaction, or to explain a failed condition).
 */
export async function loadHeadContract(
  projectId: string,
  headContractId: string,
  options: { consistent?: boolean } = {},
): Promise<HeadContractItem | undefined> {
  const { data } = await headContractReaders().HeadContract.get({ projectId, headContractId }).go({ consistent: options.consistent ?? false });
  return data ?? undefined;
}
