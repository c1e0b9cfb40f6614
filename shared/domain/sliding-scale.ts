/**
 * Sliding-scale retention (DOMAIN.md "Sliding-scale retention"), pure.
 *
 * A contract carries up to 5 rules, applied in order: "X % until Y % of the original contract
 * value is held", "… of the revised contract value …", "X % until $Z is held". The rule that
 * applies to a new invoice is the first whose limit the retention withheld so far has not
 * reached (releases do not reopen a limit); once every limit is reached nothing more is withheld.
 * The rule is decided from what came before the invoice, so setting rules later never changes
 * an invoice already figured (never retroactive).
 *
 * This period's retention is the rule's % of each line-bucket's change of base, rounded once per
 * line-bucket; when that would take the total withheld past the limit, exactly the headroom is
 * withheld instead, apportioned over the line-buckets by largest remainder, so the lines still
 * add up to G702 5a/5b and the total lands on the limit to the cent.
 *
 * Staged releases give back a % or an amount of what is held, split over the line-buckets in
 * proportion to what each holds (largest remainder), as the release entries of a
 * retainage-release invoice.
 */
import { apportionCents } from './apportion';
import { decimalProblem, decimalRules, formatCents, normalizeDecimal, percentOfCents, sumCents } from './money';
import type { FieldIssue } from './errors';

export const maxSlidingScaleRules = 5;

export type SlidingScaleLimit =
  | { kind: 'original_contract_percent'; percent: string }
  | { kind: 'revised_contract_percent'; percent: string }
  | { kind: 'amount'; cents: number };

export interface SlidingScaleRule {
  /** Retention withheld from each claim while this rule applies ("10"). */
  retainagePercent: string;
  /** …until this much is held in total. */
  until: SlidingScaleLimit;
}

/** The contract values a limit is a percentage of. */
export interface ContractValues {
  /** G702 line 1. */
  originalContractSumCents: number;
  /** G702 line 3 (original + approved change orders): the revised contract value. */
  contractSumToDateCents: number;
}

/** A rule's limit in cents for these contract values (rounded once, half away from zero). */
export function ruleLimitCents(rule: SlidingScaleRule, contract: ContractValues): number {
  const { until } = rule;
  if (until.kind === 'amount') return until.cents;
  const base = until.kind === 'original_contract_percent' ? contract.originalContractSumCents : contract.contractSumToDateCents;
  return percentOfCents(Math.max(base, 0), until.percent);
}

/** "10 % until 5 % of the original contract value ($20000.00) is held". */
export function describeRule(rule: SlidingScaleRule, contract: ContractValues): string {
  const limit = formatCents(ruleLimitCents(rule, contract));
  const { until } = rule;
  const held =
    until.kind === 'amount'
      ? `$${limit}`
      : `${until.percent} % of the ${until.kind === 'original_contract_percent' ? 'original' : 'revised'} contract value ($${limit})`;
  return `${rule.retainagePercent} % until ${held} is held`;
}

/** Every problem with a set of rules, each naming its field (`rules.N.…`); empty when they may be set. */
export function slidingScaleRuleIssues(rules: readonly SlidingScaleRule[], contract: ContractValues): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (rules.length > maxSlidingScaleRules) issues.push({ field: 'rules', message: `at most ${maxSlidingScaleRules} rules (got ${rules.length})` });
  let previousLimit: { index: number; cents: number } | undefined;
  rules.forEach((rule, index) => {
    const at = (field: string) => `rules.${index}.${field}`;
    const before = issues.length;
    const percentProblem = decimalProblem(rule.retainagePercent, decimalRules.percent);
    if (percentProblem) issues.push({ field: at('retainagePercent'), message: percentProblem });
    const { until } = rule;
    if (until.kind === 'amount') {
      if (!Number.isSafeInteger(until.cents) || until.cents <= 0) issues.push({ field: at('until.cents'), message: 'must be a whole number of cents above 0' });
    } else {
      const limitProblem = decimalProblem(until.percent, decimalRules.percent);
      if (limitProblem) issues.push({ field: at('until.percent'), message: limitProblem });
      else if (normalizeDecimal(until.percent, decimalRules.percent) === '0') issues.push({ field: at('until.percent'), message: 'must be above 0' });
    }
    if (issues.length > before) return;
    const cents = ruleLimitCents(rule, contract);
    if (previousLimit && cents <= previousLimit.cents) {
      issues.push({
        field: at('until'),
        message: `this rule's limit (${formatCents(cents)}) must be above rule ${previousLimit.index + 1}'s (${formatCents(previousLimit.cents)}), or it could never apply`,
      });
    }
    previousLimit = { index, cents };
  });
  return issues;
}

/** Why these rules may not be set, or undefined. */
export function slidingScaleRulesRefusal(rules: readonly SlidingScaleRule[], contract: ContractValues): string | undefined {
  const issues = slidingScaleRuleIssues(rules, contract);
  return issues.length === 0 ? undefined : issues.map((i) => `${i.field}: ${i.message}`).join('; ');
}

export interface ActiveRule {
  /** 0-based position in the rules ("rule 1" is index 0). */
  index: number;
  rule: SlidingScaleRule;
  limitCents: number;
}

/** The rule for a new invoice given the retention withheld so far; undefined once every limit is reached. */
export function activeSlidingScaleRule(rules: readonly SlidingScaleRule[], withheldToDateCents: number, contract: ContractValues): ActiveRule | undefined {
  for (const [index, rule] of rules.entries()) {
    const limitCents = ruleLimitCents(rule, contract);
    if (withheldToDateCents < limitCents) return { index, rule, limitCents };
  }
  return undefined;
}

/**
 * This period's retention per line-bucket: `percent` of each change of base, rounded once each,
 * unless the increases would pass `headroomCents`; then the increases share out exactly what
 * room is left (after any decreases) in proportion to what each would have been.
 */
export function cappedRetentionThisPeriod(percent: string, baseChangesCents: readonly number[], headroomCents: number): { cents: number[]; capped: boolean } {
  const wanted = baseChangesCents.map((change) => (change < 0 ? -percentOfCents(-change, percent) : percentOfCents(change, percent)));
  const increases = sumCents(wanted.filter((c) => c > 0));
  const decreases = sumCents(wanted.filter((c) => c < 0));
  const room = Math.max(0, headroomCents - decreases);
  if (increases <= room) return { cents: wanted, capped: false };
  const shares = apportionCents(room, wanted.map((c) => Math.max(c, 0)));
  return { cents: wanted.map((c, i) => (c > 0 ? shares[i]! : c)), capped: true };
}

// ---- Staged releases ----

export type ReleaseStage =
  /** A % of what is held now, or of all retention withheld to date (so "50 %" twice releases it all). */
  | { percent: string; of?: 'held' | 'withheld_to_date' }
  | { amountCents: number };

/** What one line holds, per bucket. */
export interface HeldLine {
  lineId: string;
  workHeldCents: number;
  materialsHeldCents: number;
  /** Retention withheld to date before releases (both buckets): the basis of `of: 'withheld_to_date'`. */
  withheldToDateCents?: number;
}

export interface ReleaseEntry {
  lineId: string;
  workRetainageReleasedCents: number;
  materialsRetainageReleasedCents: number;
}

/** The release total of a stage, or a refusal naming what is wrong. */
export function releaseStageAmount(lines: readonly HeldLine[], stage: ReleaseStage): { cents: number } | { refusal: FieldIssue } {
  const held = sumCents(lines.flatMap((l) => [l.workHeldCents, l.materialsHeldCents]));
  let cents: number;
  if ('amountCents' in stage) {
    if (!Number.isSafeInteger(stage.amountCents) || stage.amountCents <= 0) return { refusal: { field: 'amountCents', message: 'must be a whole number of cents above 0' } };
    cents = stage.amountCents;
  } else {
    const problem = decimalProblem(stage.percent, decimalRules.percent);
    if (problem) return { refusal: { field: 'percent', message: problem } };
    const basis = stage.of === 'withheld_to_date' ? sumCents(lines.map((l) => l.withheldToDateCents ?? l.workHeldCents + l.materialsHeldCents)) : held;
    cents = percentOfCents(basis, stage.percent);
  }
  if (cents > held) {
    return { refusal: { field: 'amountCents' in stage ? 'amountCents' : 'percent', message: `would release ${formatCents(cents)}, more than the ${formatCents(held)} held` } };
  }
  return { cents };
}

/** Splits a release over the lines' buckets in proportion to what each holds; never more than a bucket holds. */
export function releaseEntries(lines: readonly HeldLine[], releaseCents: number): ReleaseEntry[] {
  const weights = lines.flatMap((l) => [l.workHeldCents, l.materialsHeldCents]);
  const shares = apportionCents(releaseCents, weights);
  return lines.map((l, i) => ({ lineId: l.lineId, workRetainageReleasedCents: shares[2 * i]!, materialsRetainageReleasedCents: shares[2 * i + 1]! }));
}

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
