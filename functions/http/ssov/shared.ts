/** What the SSOV operations share: the load, who may edit, the reply. */
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { etagFor } from '../../../shared/http/etag';
import { HttpProblem, problems, type FieldError } from '../../../shared/http/problem';
import { entitiesOf } from '../../../shared/db/service';
import { loadCommitment } from '../../../shared/db/commitments';
import { authorize, type Membership } from '../../../shared/domain/permissions';
import { allocate, type ParentLine, type SsovFieldError, type SsovSubLine } from '../../../shared/domain/ssov';
import type { SsovResponse } from '../../../shared/api/ssov.docs';
import { Sov, type SovItem } from '../../../shared/db/entities/sov';
import { Ssov, type SsovItem } from '../../../shared/db/entities/ssov';
import { ssovCreate, ssovUpdateAsContact } from '../../../shared/domain/permission-rules';

const ssovEntities = /* @__PURE__ */ entitiesOf({ Sov, Ssov });

export type Commitment = NonNullable<Awaited<ReturnType<typeof loadCommitment>>>;

export interface Loaded {
  member: Membership;
  commitment: Commitment;
  sov: SovItem | undefined;
  ssov: SsovItem | undefined;
  parents: ParentLine[];
}

/**
 * Everything a route needs in four parallel GetItems; nothing is answered before the caller's
 * membership and the commitment's visibility are checked by `enforce`.
 */
export async function loadSsovContext(projectId: string, commitmentId: string, userId: string): Promise<Loaded> {
  const key = { projectId, commitmentId };
  const [{ member }, commitment, { data: sov }, { data: ssov }] = await Promise.all([
    loadProjectAccess(projectId, userId),
    loadCommitment(projectId, commitmentId),
    ssovEntities().Sov.get(key).go(),
    ssovEntities().Ssov.get(key).go(),
  ]);
  if (!commitment) throw problems.notFound('No such commitment.');
  const parents = (sov?.lines ?? []).map((line) => ({
    lineId: line.lineId,
    description: line.description,
    ...(line.costCode !== undefined ? { costCode: line.costCode } : {}),
    scheduledValueCents: line.scheduledValueCents,
  }));
  return { member, commitment, sov: sov ?? undefined, ssov: ssov ?? undefined, parents };
}

/** An SSOV exists only on amount-based commitments whose SSOV an administrator enabled. */
export function requireSsovEnabled(commitment: Commitment): void {
  if (commitment.accountingMethod === 'unit') {
    throw problems.conflict(`Commitment ${commitment.number} is unit-based; unit-based commitments have no subcontractor SOV.`);
  }
  if (!commitment.ssovEnabled) {
    throw problems.conflict(
      `The subcontractor SOV is not enabled on commitment ${commitment.number}; a commitments administrator can enable it.`,
    );
  }
}

/** Editing (and submitting) is for the invoice contact or a member allowed to create SSOVs; the contact's refusal is the one shown. */
export function enforceEdit(member: Membership, commitment: Commitment): void {
  if (authorize(ssovCreate, member, commitment).allowed) return;
  enforce(ssovUpdateAsContact, member, commitment);
}

export function view(projectId: string, commitmentId: string, ssov: SsovItem | undefined, parents: ParentLine[]): SsovResponse {
  const lines: SsovSubLine[] = ssov?.lines ?? [];
  const allocation = allocate(parents, lines);
  const orphaned = new Set(allocation.orphanedSubLineIds);
  return {
    projectId,
    commitmentId,
    status: ssov?.status ?? 'draft',
    lines: lines.map((line) => ({
      subLineId: line.subLineId,
      parentLineId: line.parentLineId,
      description: line.description,
      amountCents: line.amountCents,
      orphaned: orphaned.has(line.subLineId),
    })),
    parentLines: allocation.parents.map(({ subLineCount: _count, ...row }) => row),
    totals: allocation.totals,
    fullyAllocated: allocation.complete,
    ...(ssov?.reviewComment !== undefined ? { reviewComment: ssov.reviewComment } : {}),
    ...(ssov?.submittedAt !== undefined ? { submittedAt: ssov.submittedAt, submittedBy: ssov.submittedBy } : {}),
    ...(ssov?.reviewedAt !== undefined ? { reviewedAt: ssov.reviewedAt, reviewedBy: ssov.reviewedBy } : {}),
    ...(ssov ? { updatedAt: ssov.updatedAt } : {}),
    version: ssov?.version ?? 0,
  };
}

export const reply = (body: SsovResponse) => ({ body, headers: { etag: etagFor(body.version) } });

export const bodyErrors = (errors: SsovFieldError[]): FieldError[] => errors.map((e) => ({ location: 'body', ...e }));

/** 409 naming every SOV line that does not add up (and every orphaned sub-line). */
export function notAllocated(errors: SsovFieldError[], action: string): HttpProblem {
  return new HttpProblem(
    409,
    'ssov-not-allocated',
    'Subcontractor SOV not fully allocated',
    `The subcontractor SOV cannot be ${action}: ${errors.length} line${errors.length === 1 ? '' : 's'} do${errors.length === 1 ? 'es' : ''} not add up ` +
      '(each SOV line’s sub-lines must equal its scheduled value, remaining to allocate 0.00).',
    bodyErrors(errors),
  );
}
