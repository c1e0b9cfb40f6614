import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforce } from '../../../shared/http/access';
import { etagFor, requiredIfMatch } from '../../../shared/http/etag';
import { problems } from '../../../shared/http/problem';
import { allocate, submissionErrors, transitionRefusal } from '../../../shared/domain/ssov';
import { enforceEdit, loadSsovContext, notAllocated, reply, requireSsovEnabled, view, type Loaded } from './shared';
import { writeSsov, type Write } from './write';
import { ssovReview } from '../../../shared/domain/permission-rules';

type StatusBody = HttpInput<'changeSsovStatus'>['body'];

/** The 400s of a status change's comment: required to send back, refused with a submission. */
function commentRefusal(body: StatusBody, submitting: boolean) {
  if (body.status === 'revise_and_resubmit' && !body.comment) {
    return problems.validation([{ location: 'body', field: 'comment', message: 'Say what to revise: a comment is required to send the SSOV back.' }]);
  }
  if (submitting && body.comment) {
    return problems.validation([{ location: 'body', field: 'comment', message: 'A comment goes with a review (approved or revise_and_resubmit), not with a submission.' }]);
  }
  return undefined;
}

/** What the change writes; submitting and approving both need every SOV line allocated against the SOV as it is now (409). */
function statusWrite({ sov, ssov, parents }: Loaded, body: StatusBody, expectedVersion: number, by: string): Write {
  const now = new Date().toISOString();
  if (body.status === 'revise_and_resubmit') {
    return { expectedVersion, status: body.status, set: { reviewComment: body.comment, reviewedAt: now, reviewedBy: by }, now };
  }
  const submitting = body.status === 'under_review';
  const errors = submissionErrors(allocate(parents, ssov?.lines ?? []), ssov?.lines ?? []);
  if (errors.length) throw notAllocated(errors, submitting ? 'submitted' : 'approved');
  if (submitting) return { expectedVersion, status: body.status, set: { submittedAt: now, submittedBy: by }, checkedSov: sov, now };
  return {
    expectedVersion,
    status: body.status,
    set: { reviewedAt: now, reviewedBy: by, ...(body.comment ? { reviewComment: body.comment } : {}) },
    removeReviewComment: !body.comment,
    checkedSov: sov,
    now,
  };
}

export async function changeSsovStatus({ path, body, caller, headers }: HttpInput<'changeSsovStatus'>): Promise<Reply> {
  const loaded = await loadSsovContext(path.projectId, path.commitmentId, caller.userId);
  const { member, commitment, ssov, parents } = loaded;
  const submitting = body.status === 'under_review';
  if (submitting) enforceEdit(member, commitment);
  else enforce(ssovReview, member, commitment);
  requireSsovEnabled(commitment);

  // If-Match is optional here: without it the change applies to the SSOV as just read.
  const currentVersion = ssov?.version ?? 0;
  const expectedVersion = headers['if-match'] ? requiredIfMatch(headers) : currentVersion;
  if (expectedVersion !== currentVersion) {
    throw problems.preconditionFailed(`If-Match ${etagFor(expectedVersion)} is not the subcontractor SOV's current ETag; read it again.`);
  }
  const refusal = transitionRefusal(ssov?.status ?? 'draft', body.status);
  if (refusal) throw problems.conflict(refusal);
  const badComment = commentRefusal(body, submitting);
  if (badComment) throw badComment;

  const write = statusWrite(loaded, body, expectedVersion, caller.userId);
  const saved = await writeSsov(path.projectId, path.commitmentId, write, headers['if-match'] ? 412 : 409);
  const merged = { ...ssov, ...saved };
  if (write.removeReviewComment) delete merged.reviewComment;
  return reply(view(path.projectId, path.commitmentId, merged, parents));
}
