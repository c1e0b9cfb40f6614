import { httpRouter } from '../../shared/http/handler';
import { problems } from '../../shared/http/problem';
import { enforce, loadProjectAccess } from '../../shared/http/access';
import { etagFor } from '../../shared/http/etag';
import { isConditionalFailure } from '../../shared/db/conditions';
import type { ActionRule } from '../../shared/domain/permissions';
import { entitiesOf } from '../../shared/db/service';
import { Commitment } from '../../shared/db/entities/commitment';
import { loadCommitment, type CommitmentItem } from '../../shared/db/commitments';
import { describeRule, qldRetentionCapIssues, ruleLimitCents, slidingScaleRuleIssues, type ContractValues, type SlidingScaleRule } from '../../shared/domain/sliding-scale';
import { auJurisdictionForTimeZone, type StoredSlidingScale } from '../../shared/domain/au-jurisdictions';
import type { FieldIssue } from '../../shared/domain/errors';
import type { RetainageRulesResponse } from '../../shared/api/retainage-rules.docs';
import { retainageRuleRoutes } from '../../shared/api/retainage-rules';
import { commitmentsView, retainageConfigureSlidingScale } from '../../shared/domain/permission-rules';

const commitments = /* @__PURE__ */ entitiesOf({ Commitment });

const noSuchCommitment = () => problems.notFound('No such commitment.');

async function commitmentFor(action: ActionRule, path: { projectId: string; commitmentId: string }, userId: string) {
  const [{ project, member }, commitment] = await Promise.all([
    loadProjectAccess(path.projectId, userId),
    loadCommitment(path.projectId, path.commitmentId, { consistent: true }),
  ]);
  if (!commitment) throw noSuchCommitment();
  enforce(action, member, commitment);
  return { project, commitment };
}

const contractValues = (c: CommitmentItem): ContractValues => ({
  originalContractSumCents: c.originalContractSumCents,
  contractSumToDateCents: c.originalContractSumCents + c.approvedChangeOrdersCents,
});

function toResponse(commitment: CommitmentItem): RetainageRulesResponse {
  const stored = commitment.slidingScale;
  const values = contractValues(commitment);
  return {
    projectId: commitment.projectId,
    commitmentId: commitment.commitmentId,
    rules: (stored?.rules ?? []).map((rule) => ({ ...rule, limitCents: ruleLimitCents(rule, values), description: describeRule(rule, values) })),
    jurisdiction: stored?.jurisdiction ?? null,
    updatedBy: stored?.updatedBy ?? null,
    updatedAt: stored?.updatedAt ?? null,
  };
}

const asFieldErrors = (issues: FieldIssue[]) => issues.map((i) => ({ location: 'body' as const, field: i.field, message: i.message }));

export const handler = httpRouter(retainageRuleRoutes, {
  getRetainageRules: async ({ path, caller }) => {
    const { commitment } = await commitmentFor(commitmentsView, path, caller.userId);
    return { body: toResponse(commitment), headers: { etag: etagFor(commitment.version) } };
  },

  putRetainageRules: async ({ path, body, caller }) => {
    const { project, commitment } = await commitmentFor(retainageConfigureSlidingScale, path, caller.userId);
    const rules: SlidingScaleRule[] = body.rules;
    const values = contractValues(commitment);
    const jurisdiction = body.jurisdiction ?? (project.region === 'en-AU' ? auJurisdictionForTimeZone(project.timeZone) : undefined);
    const issues = [...slidingScaleRuleIssues(rules, values), ...(jurisdiction === 'QLD' ? qldRetentionCapIssues(rules, values) : [])];
    if (issues.length > 0) throw problems.validation(asFieldErrors(issues));

    const at = new Date().toISOString();
    const slidingScale: StoredSlidingScale = { rules, ...(jurisdiction && { jurisdiction }), updatedBy: caller.userId, updatedAt: at };
    try {
      // Conditional on the version read: rules checked against contract sums that changed meanwhile are not stored.
      await commitments()
        .Commitment.patch({ projectId: commitment.projectId, commitmentId: commitment.commitmentId })
        .set({ slidingScale, version: commitment.version + 1, updatedAt: at })
        .where((attr, op) => op.eq(attr.version, commitment.version))
        .go();
    } catch (error) {
      if (isConditionalFailure(error)) throw problems.conflict('The commitment changed while the rules were checked; send them again.');
      throw error;
    }
    const updated = { ...commitment, slidingScale, version: commitment.version + 1, updatedAt: at };
    return { body: toResponse(updated), headers: { etag: etagFor(updated.version) } };
  },
});
