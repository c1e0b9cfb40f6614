import { formatCents, percentOfCents } from './money';
import { ruleLimitCents, type ContractValues, type SlidingScaleRule } from './sliding-scale';
import type { FieldIssue } from './errors';

/**
 * Queensland Building and Construction Commission Act 1991 (Qld) s 67J: retention may not be
 * more than 10 % of any payment claimed, nor more than 5 % of the contract price in total before
 * practical completion. Checked when sliding-scale rules are set (`rules.N.…` issues).
 */
export function qldRetentionCapIssues(rules: readonly SlidingScaleRule[], contract: ContractValues): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const totalCap = percentOfCents(contract.contractSumToDateCents, '5');
  rules.forEach((rule, index) => {
    if (Number(rule.retainagePercent) > 10) {
      issues.push({ field: `rules.${index}.retainagePercent`, message: 'Queensland caps retention at 10 % of any payment claimed (QBCC Act s 67J)' });
    }
    const limit = ruleLimitCents(rule, contract);
    if (limit > totalCap) {
      issues.push({
        field: `rules.${index}.until`,
        message: `holds up to ${formatCents(limit)}, above Queensland's 5 % of the contract price (${formatCents(totalCap)}) before practical completion (QBCC Act s 67J)`,
      });
    }
  });
  return issues;
}
