/**
 * Australian states and territories, and the rules of theirs that need no calendar (kept apart
 * from au-holidays.ts so that what loads them does not bundle holiday data). Pure.
 */
import { formatCents, percentOfCents } from './money';
import { ruleLimitCents, type ContractValues, type SlidingScaleRule } from './sliding-scale';
import type { FieldIssue } from './errors';

export const auJurisdictions = ['NSW', 'VIC', 'QLD', 'WA', 'SA', 'TAS', 'ACT', 'NT'] as const;
export type AuJurisdiction = (typeof auJurisdictions)[number];

/** IANA zones of each state or territory (Australia/Sydney is NSW; the ACT is given explicitly). */
const zoneJurisdiction: Readonly<Record<string, AuJurisdiction>> = {
  'Australia/Sydney': 'NSW',
  'Australia/Broken_Hill': 'NSW',
  'Australia/Lord_Howe': 'NSW',
  'Australia/Melbourne': 'VIC',
  'Australia/Brisbane': 'QLD',
  'Australia/Lindeman': 'QLD',
  'Australia/Perth': 'WA',
  'Australia/Eucla': 'WA',
  'Australia/Adelaide': 'SA',
  'Australia/Hobart': 'TAS',
  'Australia/Darwin': 'NT',
};

/** The state or territory a project in this time zone is presumed to be in, if Australian. */
export const auJurisdictionForTimeZone = (timeZone: string): AuJurisdiction | undefined => zoneJurisdiction[timeZone];

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

/** What a commitment stores in `slidingScale`: the rules, checked under the project's jurisdiction. */
export interface StoredSlidingScale {
  rules: SlidingScaleRule[];
  jurisdiction?: AuJurisdiction;
  updatedBy: string;
  updatedAt: string;
}

export type PaymentScheduleStatus = 'served' | 'due' | 'overdue';

/**
 * Served once a schedule is served; overdue once `today` (the project's local date) is past the
 * deadline. Here, away from the holiday calendar, so invoice answers can flag it without bundling it.
 */
export function paymentScheduleStatus(deadline: { dueOn: string }, servedOn: string | undefined, today: string): PaymentScheduleStatus {
  if (servedOn !== undefined) return 'served';
  return today > deadline.dueOn ? 'overdue' : 'due';
}

/** The deadline of the schedule a claim awaits, stored on the invoice by the reminder job (which has the holiday calendar). */
export interface AwaitedScheduleDue {
  jurisdiction: AuJurisdiction;
  claimServedOn: string;
  dueOn: string;
}
