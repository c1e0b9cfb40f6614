import type { HttpInput, Reply } from '../../../shared/http/handler';
import { etagFor } from '../../../shared/http/etag';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { canSee, type Membership } from '../../../shared/domain/permissions';
import { headContractEntities, type HeadContractItem } from '../../../shared/db/head-contracts';
import { toHeadContractResponse } from '../../../shared/api/head-contracts-views';
import { visibleHeadContract } from './shared';
import { headContractsView } from '../../../shared/domain/permission-rules';

/** A list reads at most this many pages of the index per request, so a member who sees few private contracts stays cheap. */
const maxListReads = 3;

/** Head contracts by number; a member who is not admin sees those not private, and the private ones listing them. */
function byNumber(projectId: string, member: Membership) {
  const query = headContractEntities().HeadContract.query.byNumber({ projectId });
  if (member.headContracts === 'admin') return query;
  return query.where((attr, op) => `${op.eq(attr.private, false)} OR ${op.contains(attr.privateUserIds, member.userId)}`);
}

export async function listHeadContracts({ path, query, caller }: HttpInput<'listHeadContracts'>): Promise<Reply> {
  const { member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(headContractsView, member);
  const scope = `head-contracts:${path.projectId}`;
  let cursor = decodeCursor(scope, query.cursor);
  const items: HeadContractItem[] = [];
  // A filtered page may come back short: read on (a few pages at most) until the page is full.
  for (let reads = 0; reads < maxListReads; reads++) {
    const page = await byNumber(path.projectId, member).go({ cursor, limit: query.limit - items.length });
    items.push(...page.data);
    cursor = page.cursor;
    if (!cursor || items.length >= query.limit) break;
  }
  return {
    body: {
      items: items.filter((item) => canSee(member, 'head_contracts', item)).map(toHeadContractResponse),
      nextCursor: encodeCursor(scope, cursor),
    },
  };
}

export async function getHeadContract({ path, caller }: HttpInput<'getHeadContract'>): Promise<Reply> {
  const { member } = await loadProjectAccess(path.projectId, caller.userId);
  const contract = await visibleHeadContract(path.projectId, path.headContractId, member);
  enforce(headContractsView, member, contract);
  return { body: toHeadContractResponse(contract), headers: { etag: etagFor(contract.version) } };
}
