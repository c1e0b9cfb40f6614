import type { HttpInput, Reply } from '../../../shared/http/handler';
import { etagFor } from '../../../shared/http/etag';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { canSee, type Membership } from '../../../shared/domain/permissions';
import { commitmentEntities, type CommitmentItem } from '../../../shared/db/commitments';
import { commitmentViewFor } from '../../../shared/api/commitments-views';
import { orderOf, peopleNamed } from '../../../shared/api/common';
import { loadUserNames } from '../../../shared/db/people';
import { commitmentCursors, filteredReadSize, maxListReads, visibleCommitment } from './shared';
import { commitmentsView } from '../../../shared/domain/permission-rules';

type ListQuery = HttpInput<'listCommitments'>['query'];

/** The commitments query by number; filters run server-side so a page is full whenever enough rows match within the reads. */
function searchFor(projectId: string, query: ListQuery, member: Membership, filtered: boolean) {
  const needle = query.q?.toLowerCase();
  const seesAll = member.commitments === 'admin';
  const byNumber = commitmentEntities().Commitment.query.byNumber({ projectId });
  if (!filtered) return byNumber;
  return byNumber.where((attr, op) =>
    [
      needle ? op.contains(attr.searchText, needle) : '',
      query.type ? op.eq(attr.type, query.type) : '',
      query.status ? `(${query.status.map((status) => op.eq(attr.status, status)).join(' OR ')})` : '',
      query.contact === 'me' ? op.contains(attr.invoiceContactIds, member.userId) : '',
      query.updatedSince ? op.gte(attr.updatedAt, query.updatedSince) : '',
      seesAll ? '' : `(${op.eq(attr.private, false)} OR ${op.contains(attr.privateUserIds, member.userId)})`,
    ]
      .filter(Boolean)
      .join(' AND '),
  );
}

export async function listCommitments({ path, query, caller }: HttpInput<'listCommitments'>): Promise<Reply> {
  const { member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(commitmentsView, member);
  const scope = `commitments:${path.projectId}${query.sort ? `:${query.sort}` : ''}`;
  let cursor = decodeCursor(scope, query.cursor);
  const filtered = Boolean(query.q || query.type || query.status || query.contact || query.updatedSince || member.commitments !== 'admin');

  // Reading one row more than the page tells whether another page exists.
  const readSize = filtered ? Math.max(query.limit + 1, filteredReadSize) : query.limit + 1;
  const items: CommitmentItem[] = [];
  let next: string | null = null;
  for (let reads = 0; reads < maxListReads; reads++) {
    const page = await searchFor(path.projectId, query, member, filtered).go({ cursor, limit: readSize, order: orderOf(query.sort) });
    const room = query.limit - items.length;
    if (page.data.length > room) {
      items.push(...page.data.slice(0, room));
      next = commitmentCursors.byAccessPattern.byNumber.fromComposite.toCursor(items.at(-1)!);
      break;
    }
    items.push(...page.data);
    next = cursor = page.cursor;
    if (!cursor || items.length === query.limit) break;
  }
  // The filter already hides what the caller cannot see; canSee is the policy's word on it.
  const visible = items.filter((item) => canSee(member, 'commitments', item));
  const names = await loadUserNames(visible.flatMap((item) => item.invoiceContactIds));
  const view = commitmentViewFor(member);
  return {
    body: {
      items: visible.map((item) => ({ ...view(item), invoiceContacts: peopleNamed(item.invoiceContactIds, names) })),
      nextCursor: encodeCursor(scope, next),
    },
  };
}

export async function getCommitment({ path, caller }: HttpInput<'getCommitment'>): Promise<Reply> {
  const { member } = await loadProjectAccess(path.projectId, caller.userId);
  const commitment = await visibleCommitment(path.projectId, path.commitmentId, member);
  enforce(commitmentsView, member, commitment);
  return { body: commitmentViewFor(member)(commitment), headers: { etag: etagFor(commitment.version) } };
}
