import { randomUUID } from 'node:crypto';
import { httpRouter } from '../../shared/http/handler';
import { idempotencyKey } from '../../shared/http/idempotency';
import { enforce, loadProjectAccess } from '../../shared/http/access';
import { etagFor, requiredIfMatch } from '../../shared/http/etag';
import { HttpProblem, problems, type FieldError } from '../../shared/http/problem';
import { db, dbService } from '../../shared/db/service';
import { loadCommitment } from '../../shared/db/commitments';
import { authorize, type Membership } from '../../shared/domain/permissions';
import {
  allocate,
  isEditable,
  submissionErrors,
  subLineErrors,
  transitionRefusal,
  type ParentLine,
  type SsovFieldError,
  type SsovStatus,
  type SsovSubLine,
} from '../../shared/domain/ssov';
import type { SsovResponse } from '../../shared/api/ssov';
import type { SovItem } from '../../shared/db/entities/sov';
import type { SsovItem } from '../../shared/db/entities/ssov';

type Commitment = NonNullable<Awaited<ReturnType<typeof loadCommitment>>>;

interface Loaded {
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
async function load(projectId: string, commitmentId: string, userId: string): Promise<Loaded> {
  const key = { projectId, commitmentId };
  const [{ member }, commitment, { data: sov }, { data: ssov }] = await Promise.all([
    loadProjectAccess(projectId, userId),
    loadCommitment(projectId, commitmentId),
    db().Sov.get(key).go(),
    db().Ssov.get(key).go(),
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
function requireSsovEnabled(commitment: Commitment): void {
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
function enforceEdit(member: Membership, commitment: Commitment): void {
  if (authorize('ssov.create', member, commitment).allowed) return;
  enforce('ssov.update_as_contact', member, commitment);
}

function view(projectId: string, commitmentId: string, ssov: SsovItem | undefined, parents: ParentLine[]): SsovResponse {
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

const reply = (body: SsovResponse) => ({ body, headers: { etag: etagFor(body.version) } });

const bodyErrors = (errors: SsovFieldError[]): FieldError[] => errors.map((e) => ({ location: 'body', ...e }));

interface Write {
  expectedVersion: number;
  status: SsovStatus;
  /** Attributes set on the SSOV besides status, version and updatedAt. */
  set: Partial<Pick<SsovItem, 'lines' | 'reviewComment' | 'submittedAt' | 'submittedBy' | 'reviewedAt' | 'reviewedBy'>>;
  removeReviewComment?: boolean;
  /** The SOV the change was checked against: the write fails if it moved on meanwhile. */
  checkedSov?: SovItem;
  now: string;
}

/**
 * The SSOV (conditional on the version the caller read; version 0 creates it) and the
 * commitment's `ssovStatus` (conditional on the SSOV still being allowed) in one transaction.
 * The commitment's own version is untouched: its header did not change.
 */
async function writeSsov(projectId: string, commitmentId: string, write: Write, staleStatus: 412 | 409): Promise<SsovItem> {
  const key = { projectId, commitmentId };
  const version = write.expectedVersion + 1;
  const result = await dbService()
    .transaction.write(({ Ssov, Commitment, Sov }) => [
      write.expectedVersion === 0
        ? Ssov.create({ ...key, lines: [], ...write.set, status: write.status, version, updatedAt: write.now }).commit()
        : (write.removeReviewComment
            ? Ssov.patch(key).set({ ...write.set, status: write.status, version, updatedAt: write.now }).remove(['reviewComment'])
            : Ssov.patch(key).set({ ...write.set, status: write.status, version, updatedAt: write.now })
          )
            .where(({ version: v }, { eq }) => eq(v, write.expectedVersion))
            .commit(),
      Commitment.patch(key)
        .set({ ssovStatus: write.status })
        .where(({ ssovEnabled, accountingMethod }, { eq }) => `${eq(ssovEnabled, true)} AND ${eq(accountingMethod, 'amount')}`)
        .commit(),
      ...(write.checkedSov
        ? [Sov.check(key).where(({ version: v }, { eq }) => eq(v, write.checkedSov!.version)).commit()]
        : []),
    ])
    .go();
  if (result.canceled) {
    // In write order: SSOV, commitment, then the SOV check when there was one.
    const [ssovReason, commitmentReason, sovReason] = result.data as ReadonlyArray<{ rejected: boolean } | undefined>;
    if (ssovReason?.rejected) {
      const detail = 'The subcontractor SOV changed since you read it; read it again and retry.';
      throw staleStatus === 412 ? problems.preconditionFailed(detail) : problems.conflict(detail);
    }
    if (commitmentReason?.rejected) throw problems.conflict('The commitment changed meanwhile: its subcontractor SOV is no longer enabled.');
    if (sovReason?.rejected) throw problems.conflict('The commitment’s SOV changed meanwhile; read the subcontractor SOV again and retry.');
    throw problems.conflict('The subcontractor SOV could not be saved because of a concurrent change; retry.');
  }
  const previous = write.expectedVersion === 0 ? { ...key, lines: [] } : undefined;
  return { ...previous, ...write.set, ...key, status: write.status, version, updatedAt: write.now } as SsovItem;
}

/** 409 naming every SOV line that does not add up (and every orphaned sub-line). */
function notAllocated(errors: SsovFieldError[], action: string): HttpProblem {
  return new HttpProblem(
    409,
    'ssov-not-allocated',
    'Subcontractor SOV not fully allocated',
    `The subcontractor SOV cannot be ${action}: ${errors.length} line${errors.length === 1 ? '' : 's'} do${errors.length === 1 ? 'es' : ''} not add up ` +
      '(each SOV line’s sub-lines must equal its scheduled value, remaining to allocate 0.00).',
    bodyErrors(errors),
  );
}

export const handler = httpRouter({
  getSsov: async ({ path, caller }) => {
    const { member, commitment, ssov, parents } = await load(path.projectId, path.commitmentId, caller.userId);
    enforce('commitments.view', member, commitment);
    requireSsovEnabled(commitment);
    return reply(view(path.projectId, path.commitmentId, ssov, parents));
  },

  replaceSsov: async ({ path, body, caller, headers }) => {
    const { member, commitment, sov, ssov, parents } = await load(path.projectId, path.commitmentId, caller.userId);
    enforceEdit(member, commitment);
    requireSsovEnabled(commitment);
    const expectedVersion = requiredIfMatch(headers);
    const currentVersion = ssov?.version ?? 0;
    if (expectedVersion !== currentVersion) {
      throw problems.preconditionFailed(`If-Match ${etagFor(expectedVersion)} is not the subcontractor SOV's current ETag; read it again.`);
    }
    const status = ssov?.status ?? 'draft';
    if (!isEditable(status)) {
      throw problems.conflict(`The subcontractor SOV is ${status.replace(/_/g, ' ')}; it can be edited only in draft or after being sent back for revision.`);
    }
    const errors = subLineErrors(body.lines, parents);
    if (errors.length) throw problems.validation(bodyErrors(errors));

    const lines = body.lines.map((line) => ({ ...line, subLineId: line.subLineId ?? randomUUID() }));
    const saved = await writeSsov(
      path.projectId,
      path.commitmentId,
      { expectedVersion, status, set: { lines }, checkedSov: sov, now: new Date().toISOString() },
      412,
    );
    return reply(view(path.projectId, path.commitmentId, { ...ssov, ...saved }, parents));
  },

  changeSsovStatus: async ({ path, body, caller, headers }) => {
    const { member, commitment, sov, ssov, parents } = await load(path.projectId, path.commitmentId, caller.userId);
    const submitting = body.status === 'under_review';
    if (submitting) enforceEdit(member, commitment);
    else enforce('ssov.review', member, commitment);
    requireSsovEnabled(commitment);

    // If-Match is optional here: without it the change applies to the SSOV as just read.
    const currentVersion = ssov?.version ?? 0;
    const expectedVersion = headers['if-match'] ? requiredIfMatch(headers) : currentVersion;
    if (expectedVersion !== currentVersion) {
      throw problems.preconditionFailed(`If-Match ${etagFor(expectedVersion)} is not the subcontractor SOV's current ETag; read it again.`);
    }
    const from = ssov?.status ?? 'draft';
    const refusal = transitionRefusal(from, body.status);
    if (refusal) throw problems.conflict(refusal);
    if (body.status === 'revise_and_resubmit' && !body.comment) {
      throw problems.validation([{ location: 'body', field: 'comment', message: 'Say what to revise: a comment is required to send the SSOV back.' }]);
    }
    if (submitting && body.comment) {
      throw problems.validation([{ location: 'body', field: 'comment', message: 'A comment goes with a review (approved or revise_and_resubmit), not with a submission.' }]);
    }

    const now = new Date().toISOString();
    let write: Write;
    if (body.status === 'revise_and_resubmit') {
      write = { expectedVersion, status: body.status, set: { reviewComment: body.comment, reviewedAt: now, reviewedBy: caller.userId }, now };
    } else {
      // Submitting and approving both need every SOV line allocated against the SOV as it is now.
      const errors = submissionErrors(allocate(parents, ssov?.lines ?? []), ssov?.lines ?? []);
      if (errors.length) throw notAllocated(errors, submitting ? 'submitted' : 'approved');
      write = submitting
        ? { expectedVersion, status: body.status, set: { submittedAt: now, submittedBy: caller.userId }, checkedSov: sov, now }
        : {
            expectedVersion,
            status: body.status,
            set: { reviewedAt: now, reviewedBy: caller.userId, ...(body.comment ? { reviewComment: body.comment } : {}) },
            removeReviewComment: !body.comment,
            checkedSov: sov,
            now,
          };
    }
    const saved = await writeSsov(path.projectId, path.commitmentId, write, headers['if-match'] ? 412 : 409);
    const merged = { ...ssov, ...saved };
    if (write.removeReviewComment) delete merged.reviewComment;
    return reply(view(path.projectId, path.commitmentId, merged, parents));
  },
}, { idempotency: idempotencyKey });
