/**
 * The subcontractor SOV (SSOV): the invoice contact's breakdown of each SOV line into sub-lines
 * that must add up exactly to it, and the review workflow around it. Pure: the SOV and the SSOV
 * come in as data; allocation is always computed against the SOV as it is now, so a change to the
 * SOV after approval shows up as new remaining amounts (and sub-lines of removed lines as orphans).
 */

import { ssovStatusWords, type ssovStatuses } from './commitments';
import { addCents, formatCents } from './money';

export type SsovStatus = (typeof ssovStatuses)[number];

/** The statuses a POST …/ssov/status may ask for (`draft` is only where an SSOV starts). */
export const ssovTargetStatuses = ['under_review', 'approved', 'revise_and_resubmit'] as const;
export type SsovTargetStatus = (typeof ssovTargetStatuses)[number];

export interface SsovSubLine {
  subLineId: string;
  parentLineId: string;
  description: string;
  amountCents: number;
}

/** What the SSOV needs of an SOV line. */
export interface ParentLine {
  lineId: string;
  description: string;
  costCode?: string;
  scheduledValueCents: number;
}

export interface ParentAllocation {
  parentLineId: string;
  description: string;
  costCode?: string;
  scheduledValueCents: number;
  allocatedCents: number;
  /** scheduled − allocated: negative when the sub-lines exceed the line. */
  remainingCents: number;
  subLineCount: number;
}

export interface Allocation {
  /** One per SOV line, in SOV order. */
  parents: ParentAllocation[];
  /** Sub-lines whose parent line is no longer in the SOV. */
  orphanedSubLineIds: string[];
  totals: { scheduledValueCents: number; allocatedCents: number; remainingCents: number };
  /** Every SOV line allocated to the cent and no orphaned sub-lines. */
  complete: boolean;
}

export function allocate(parents: readonly ParentLine[], subLines: readonly SsovSubLine[]): Allocation {
  const allocated = new Map<string, { cents: number; count: number }>(parents.map((p) => [p.lineId, { cents: 0, count: 0 }]));
  const orphanedSubLineIds: string[] = [];
  for (const sub of subLines) {
    const entry = allocated.get(sub.parentLineId);
    if (!entry) {
      orphanedSubLineIds.push(sub.subLineId);
      continue;
    }
    // Exact integer cents: money's addCents refuses sums beyond the safe-integer range.
    entry.cents = addCents(entry.cents, sub.amountCents);
    entry.count += 1;
  }
  const totals = { scheduledValueCents: 0, allocatedCents: 0, remainingCents: 0 };
  const rows = parents.map((parent): ParentAllocation => {
    const { cents, count } = allocated.get(parent.lineId)!;
    const remainingCents = addCents(parent.scheduledValueCents, -cents);
    totals.scheduledValueCents = addCents(totals.scheduledValueCents, parent.scheduledValueCents);
    totals.allocatedCents = addCents(totals.allocatedCents, cents);
    totals.remainingCents = addCents(totals.remainingCents, remainingCents);
    return {
      parentLineId: parent.lineId,
      description: parent.description,
      ...(parent.costCode !== undefined ? { costCode: parent.costCode } : {}),
      scheduledValueCents: parent.scheduledValueCents,
      allocatedCents: cents,
      remainingCents,
      subLineCount: count,
    };
  });
  const complete = orphanedSubLineIds.length === 0 && rows.every((row) => row.remainingCents === 0);
  return { parents: rows, orphanedSubLineIds, totals, complete };
}

/** A problem with a field of the SSOV, as a dotted path into the request body or the SSOV resource. */
export interface SsovFieldError {
  field: string;
  message: string;
}

/**
 * Checks a replacement set of sub-lines against the current SOV: each parent must be an SOV
 * line, and sub-line ids (when given) unique. Allocation itself is not checked: a draft may be
 * saved half done; submitting checks it (`submissionErrors`).
 */
export function subLineErrors(
  lines: ReadonlyArray<{ subLineId?: string; parentLineId: string }>,
  parents: readonly ParentLine[],
): SsovFieldError[] {
  const lineIds = new Set(parents.map((p) => p.lineId));
  const seen = new Set<string>();
  const errors: SsovFieldError[] = [];
  lines.forEach((line, index) => {
    if (!lineIds.has(line.parentLineId)) {
      errors.push({ field: `lines.${index}.parentLineId`, message: `${line.parentLineId} is not a line of this commitment’s SOV` });
    }
    if (line.subLineId !== undefined) {
      if (seen.has(line.subLineId)) errors.push({ field: `lines.${index}.subLineId`, message: `${line.subLineId} is used by another sub-line` });
      seen.add(line.subLineId);
    }
  });
  return errors;
}

/**
 * Why an SSOV cannot be submitted, one entry per SOV line not allocated to the cent and per
 * orphaned sub-line; empty when it can. Fields are paths into the SSOV resource
 * (`parentLines.N.remainingCents`, `lines.N.parentLineId`).
 */
export function submissionErrors(allocation: Allocation, subLines: readonly SsovSubLine[]): SsovFieldError[] {
  const errors: SsovFieldError[] = [];
  if (allocation.parents.length === 0) {
    errors.push({ field: 'parentLines', message: 'The SOV has no lines to break down.' });
  }
  allocation.parents.forEach((row, index) => {
    if (row.remainingCents === 0) return;
    const what = row.remainingCents > 0 ? 'remaining to allocate' : 'allocated above the line';
    errors.push({
      field: `parentLines.${index}.remainingCents`,
      message:
        `SOV line ${row.parentLineId} “${row.description}”: ${formatCents(Math.abs(row.remainingCents))} ${what} ` +
        `(scheduled ${formatCents(row.scheduledValueCents)}, allocated ${formatCents(row.allocatedCents)}).`,
    });
  });
  const orphaned = new Set(allocation.orphanedSubLineIds);
  subLines.forEach((sub, index) => {
    if (orphaned.has(sub.subLineId)) {
      errors.push({ field: `lines.${index}.parentLineId`, message: `Sub-line “${sub.description}”: SOV line ${sub.parentLineId} no longer exists.` });
    }
  });
  return errors;
}

/** The contact edits the SSOV only before it is submitted or after it was sent back. */
export function isEditable(status: SsovStatus): boolean {
  return status === 'draft' || status === 'revise_and_resubmit';
}

const allowedFrom: Record<SsovTargetStatus, readonly SsovStatus[]> = {
  under_review: ['draft', 'revise_and_resubmit'],
  approved: ['under_review'],
  // An administrator may also reopen an approved SSOV, e.g. after a change order altered the SOV.
  revise_and_resubmit: ['under_review', 'approved'],
};

/** Why `from → to` is not a transition of the workflow, or undefined when it is. */
export function transitionRefusal(from: SsovStatus, to: SsovTargetStatus): string | undefined {
  if (allowedFrom[to].includes(from)) return undefined;
  const needed = allowedFrom[to].map((s) => ssovStatusWords[s]).join(' or ');
  return `The SSOV is ${ssovStatusWords[from]}; it can become ${ssovStatusWords[to]} only from ${needed}.`;
}
