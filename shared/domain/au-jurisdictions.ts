/**
 * Australian states and territories, and the rules of theirs that need no calendar (kept apart
 * from au-holidays.ts so that what loads them does not bundle holiday data). Pure. Queensland's
 * retention cap, which computes money, is in qld-retention-cap.ts: what only names a jurisdiction
 * (every answer with payment deadlines) then bundles no big.js.
 */
import type { SlidingScaleRule } from './sliding-scale';

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
