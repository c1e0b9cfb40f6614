/**
 * The figures of a subcontractor invoice (docs/domain.md, "Figures"),
 * pure: the SOV, the commitment's contract sums and retainage settings, the previous invoice's
 * figures and this period's entries come in as data; every G703 column of every line and every
 * G702 line come out, in integer cents.
 *
 * Rounding happens only in money.ts (`percentOfCents`, `unitValueCents`): once per figure, half
 * away from zero. Figures that accumulate over invoices are computed to date and differenced,
 * never summed from rounded period amounts, so nothing drifts by a cent:
 * - a unit line's work this period is value(quantity to date) − value(previous quantity to date);
 * - an amount line entered by % complete to date bills round(C × %) − D, and one entered by work
 *   completed to date bills that − D (the client never subtracts previous work);
 * - a retainage bucket holds round(% × its base to date); what it retained this period is that
 *   less the previous invoice's figure.
 * Totals are sums of the rounded lines, and G702 lines 3, 6, 8 and 9 are computed from rounded
 * figures, so the document always adds up.
 *
 * Retainage, per line, in two buckets:
 * - work: base = D + E (work completed to date); materials: base = F (materials presently stored;
 *   amount lines only).
 * - `retainageCents` is the retainage on the base to date, before releases: round(% × base) when
 *   a % applies (entered, else the commitment's per-line override, else its setting), or the
 *   amount entered (then `percent` shows amount ÷ base). A disabled bucket holds nothing.
 * - released to date = previous released to date + released this period, except that releases
 *   beyond what the base now carries (the base shrank: materials got installed, work was
 *   credited; or the % went down) were taken back with the base, so it is capped at
 *   `retainageCents` first;
 * - currently retained = `retainageCents` − released to date = previous currently retained +
 *   retained this period − released this period; never negative (a release above what is held
 *   is refused);
 * - retained this period is what that leaves: normally `retainageCents` − the previous one
 *   (negative when the base shrank).
 * G703 column I is the sum of both buckets' currently retained.
 *
 * Sliding-scale retention (optional `contract.slidingScale`, see sliding-scale.ts): the rule
 * that applies replaces the % of every enabled bucket, and each bucket's retainage to date
 * becomes the previous one plus this period's (capped) share, `source: 'sliding_scale'`;
 * `figures.slidingScale` names the rule. Without it, nothing here changes.
 */
import type { SovLine } from './sov';
import { ConflictError, InputError, type FieldIssue } from './errors';
import {
  Decimal,
  MoneyError,
  addCents,
  addDecimals,
  assertCents,
  decimalProblem,
  decimalRules,
  formatCents,
  isNegativeDecimal,
  normalizeDecimal,
  percentOfCents,
  sumCents,
  unitValueCents,
  wholeCentsMessage,
} from './money';
import { activeSlidingScaleRule, cappedRetentionThisPeriod, describeRule, type SlidingScaleRule } from './sliding-scale';

// Decimal for ratios only (percentages shown); cents are rounded by money.ts alone.

// ---- Inputs ----

/** The commitment's retainage settings (percentages as exact decimal strings, e.g. "10", "7.5"). */
export interface RetainageSettings {
  workPercent: string;
  workEnabled: boolean;
  materialsPercent: string;
  materialsEnabled: boolean;
}

/** A per-line override of the commitment's retainage percentages (an enabled bucket only). */
export interface LineRetainageOverride {
  workPercent?: string;
  materialsPercent?: string;
}

export interface InvoiceContract {
  /** G702 line 1. */
  originalContractSumCents: number;
  /** G702 line 2 (net, may be negative). Lines 1 + 2 must equal the sum of the lines' scheduled values. */
  approvedChangeOrdersCents: number;
  retainage: RetainageSettings;
  /** By SOV line id. */
  lineRetainage?: Readonly<Record<string, LineRetainageOverride>>;
  /** Sliding-scale retention: when it has rules, they decide the retainage % and cap (no per-line retainage entries). */
  slidingScale?: { rules: readonly SlidingScaleRule[] };
}

/** What the SOV line of an invoice line must carry: a unit line has `quantity` and `unitPrice`. */
export type InvoiceSovLine = Pick<SovLine, 'lineId' | 'scheduledValueCents' | 'quantity' | 'unitPrice' | 'unitOfMeasure'> & { description?: string };

/** An SSOV sub-line shown under its SOV line, for reference. */
export interface StoredSubLine {
  subLineId: string;
  description: string;
  amountCents: number;
}

/** An SOV line as an invoice keeps it (`Invoice.sovLines`): what its figures were computed from. */
export type StoredSovLine = InvoiceSovLine & {
  description: string;
  costCode?: string;
  changeOrderId?: string;
  subLines?: StoredSubLine[];
};

/**
 * This period's entries for one line; all optional (nothing given = nothing this period, the
 * retainage % from the commitment's settings, no stored materials, nothing released).
 */
export interface LineEntry {
  lineId: string;
  /** Amount lines: work completed this period (E), may be negative to correct earlier billing. */
  workThisPeriodCents?: number;
  /** Amount lines, instead of `workThisPeriodCents`: total % complete to date (work only); E = round(C × %) − D. */
  percentComplete?: string;
  /** Amount lines, the third way: work completed to date (D + E, not stored materials); E = it − D. */
  workCompletedToDateCents?: number;
  /** Unit lines: quantity completed this period, may be negative to correct earlier billing. */
  quantityThisPeriod?: string;
  /** Amount lines: materials presently stored (F), entered each period (0 when not given). */
  materialsStoredCents?: number;
  /** Work retainage on work completed to date, by % (amount = round(% × (D + E)))… */
  workRetainagePercent?: string;
  /** …or by amount (the % shown is amount ÷ (D + E)). */
  workRetainageCents?: number;
  /** Amount lines: materials retainage on F, by %… */
  materialsRetainagePercent?: string;
  /** …or by amount. */
  materialsRetainageCents?: number;
  workRetainageReleasedCents?: number;
  materialsRetainageReleasedCents?: number;
  /**
   * Release everything each bucket holds this period: an intent, not an amount, so the release is
   * recomputed whenever the line's figures change (instead of the released fields).
   */
  releaseAllRetainage?: boolean;
}

/** What of a previous invoice line the next invoice reads. */
export type PreviousLineFigures = Pick<InvoiceLineFigures, 'lineId' | 'previousWorkCents' | 'workThisPeriodCents' | 'quantityToDate'> & {
  workRetainage: Pick<RetainageBucket, 'retainageCents' | 'releasedToDateCents'>;
  /** `baseCents` (stored with every figured invoice) lets a sliding scale retain on the change of stored materials. */
  materialsRetainage: Pick<RetainageBucket, 'retainageCents' | 'releasedToDateCents'> & Partial<Pick<RetainageBucket, 'baseCents'>>;
};

export interface PreviousInvoice {
  lines: readonly PreviousLineFigures[];
  summary: Pick<InvoiceSummary, 'totalEarnedLessRetainageCents'>;
}

export interface InvoiceInput {
  /** The invoice's lines, in order: the SOV (+ change order lines). */
  sovLines: readonly InvoiceSovLine[];
  contract: InvoiceContract;
  /** The commitment's previous invoice; absent for the first. */
  previous?: PreviousInvoice;
  /**
   * This period's entries; field errors name `lines.N.field` with N the index in this array
   * (pass them in invoice line order to have N be the line's position).
   */
  entries?: readonly LineEntry[];
  overbillingAllowed: boolean;
}

// ---- Outputs ----

export interface RetainageBucket {
  /** The % applied, or for an amount entered the % it is of the base (rounded to 4 places). */
  percent: string;
  /** Whether `percent` or `retainageCents` is what was set (an amount entered stays as entered when the base changes). */
  source: 'percent' | 'amount' | 'disabled' | 'sliding_scale';
  /** The base: work completed to date (D + E) or materials presently stored (F). */
  baseCents: number;
  /** Retainage on the base to date, before releases. */
  retainageCents: number;
  /** The change of what is held before this period's release (negative when the base shrank). */
  retainedThisPeriodCents: number;
  releasedThisPeriodCents: number;
  /** Released so far, capped at `retainageCents` (releases the base no longer carries were taken back with it). */
  releasedToDateCents: number;
  currentlyRetainedCents: number;
}

export interface InvoiceLineFigures {
  lineId: string;
  kind: 'amount' | 'unit';
  /** C */
  scheduledValueCents: number;
  /** Unit lines: the SOV quantity and unit price, the quantities billed. */
  quantity?: string;
  unitPrice?: string;
  previousQuantity?: string;
  quantityThisPeriod?: string;
  quantityToDate?: string;
  /** D = previous D + previous E (never previous F). */
  previousWorkCents: number;
  /** E */
  workThisPeriodCents: number;
  /** F */
  materialsStoredCents: number;
  /** G = D + E + F */
  completedAndStoredCents: number;
  /** G ÷ C as a percentage rounded to 4 places ("0" when C = 0). */
  percentComplete: string;
  /** The same to 2 places, for display ("50.00"). */
  percentCompleteDisplay: string;
  /** H = C − G */
  balanceToFinishCents: number;
  /** I = work + materials currently retained. */
  retainageCents: number;
  workRetainage: RetainageBucket;
  materialsRetainage: RetainageBucket;
}

/** Column totals of the G703 continuation sheet: sums of the lines. */
export interface InvoiceColumnTotals {
  scheduledValueCents: number;
  previousWorkCents: number;
  workThisPeriodCents: number;
  materialsStoredCents: number;
  completedAndStoredCents: number;
  percentComplete: string;
  percentCompleteDisplay: string;
  balanceToFinishCents: number;
  retainageCents: number;
  retainedThisPeriodCents: number;
  releasedThisPeriodCents: number;
}

/** The G702 lines. */
export interface InvoiceSummary {
  /** 1 */
  originalContractSumCents: number;
  /** 2 */
  netChangeByChangeOrdersCents: number;
  /** 3 = 1 + 2 */
  contractSumToDateCents: number;
  /** 4 = Σ G */
  totalCompletedAndStoredCents: number;
  /** 5a = Σ work buckets currently retained */
  workRetainageCents: number;
  /** 5b = Σ materials buckets currently retained */
  materialsRetainageCents: number;
  /** 5 = 5a + 5b */
  totalRetainageCents: number;
  /** 6 = 4 − 5 */
  totalEarnedLessRetainageCents: number;
  /** 7 = line 6 of the previous invoice (0 for the first) */
  previousCertificatesCents: number;
  /** 8 = 6 − 7 */
  currentPaymentDueCents: number;
  /** 9 = 3 − 6 */
  balanceToFinishIncludingRetainageCents: number;
}

/** Which sliding-scale rule applied to the invoice, and how much room it had. */
export interface SlidingScaleFigures {
  /** 1-based position of the rule that applied; null once every rule's limit was reached (0 % withheld). */
  ruleNumber: number | null;
  rule: SlidingScaleRule | null;
  /** "10 % until 5 % of the original contract value ($20000.00) is held". */
  description: string;
  retainagePercent: string;
  /** The rule's limit in cents (null when no rule applied). */
  limitCents: number | null;
  /** Retention withheld to date before this invoice (releases do not reopen a limit). */
  withheldBeforeCents: number;
  /** Σ this period's change of what is withheld. */
  withheldThisPeriodCents: number;
  withheldToDateCents: number;
  /** Whether the limit cut this period's retention short. */
  capped: boolean;
}

export interface InvoiceFigures {
  lines: InvoiceLineFigures[];
  totals: InvoiceColumnTotals;
  summary: InvoiceSummary;
  /** Present when the contract has sliding-scale rules. */
  slidingScale?: SlidingScaleFigures;
}

// ---- Helpers ----

export function lineKind(line: Pick<SovLine, 'quantity' | 'unitPrice'>): 'amount' | 'unit' {
  return line.unitPrice !== undefined || line.quantity !== undefined ? 'unit' : 'amount';
}

const subCents = (a: number, b: number) => addCents(a, -b);

/** part ÷ whole as a percentage: rounded to 4 places in canonical form, and to 2 places. */
function ratioPercent(part: number, whole: number): { exact: string; display: string } {
  if (whole === 0) return { exact: '0', display: '0.00' };
  const ratio = new Decimal(part).times(100).div(whole);
  const four = ratio.round(4);
  return { exact: four.eq(0) ? '0' : four.toFixed(), display: ratio.toFixed(2) };
}

const issue = (field: string, message: string): FieldIssue => ({ field, message });

/** The three ways to enter an amount line's work; one at a time. */
export const workEntryFields = ['workThisPeriodCents', 'workCompletedToDateCents', 'percentComplete'] as const;

/** Thrown inside one line's computation once it has an issue; the line is skipped. */
class LineRefused extends Error {}

interface LineContext {
  index: number | undefined;
  sov: InvoiceSovLine;
  issues: FieldIssue[];
}

/** Records an issue at an entry field, or at `lines` (naming the line) when the line had no entry. */
function record(ctx: LineContext, field: string | undefined, message: string): void {
  if (ctx.index !== undefined) {
    ctx.issues.push(issue(field === undefined ? `lines.${ctx.index}` : `lines.${ctx.index}.${field}`, message));
  } else {
    const name = ctx.sov.description ? `${ctx.sov.lineId} (${ctx.sov.description})` : ctx.sov.lineId;
    ctx.issues.push(issue('lines', `line ${name}: ${message}`));
  }
}

/** Records the issue and abandons the line. */
function fail(ctx: LineContext, field: string | undefined, message: string): never {
  record(ctx, field, message);
  throw new LineRefused();
}

/** Field-level checks that need no figures; collects every issue of the entry. */
function checkEntry(entry: LineEntry, kind: 'amount' | 'unit', index: number, settings: RetainageSettings, issues: FieldIssue[]): void {
  const at = (field: string) => `lines.${index}.${field}`;
  const notAllowed = (field: keyof LineEntry, why: string) => {
    if (entry[field] !== undefined) issues.push(issue(at(field), `not allowed: ${why}`));
  };
  if (kind === 'amount') {
    notAllowed('quantityThisPeriod', 'this is an amount line; enter workThisPeriodCents, workCompletedToDateCents or percentComplete');
    const given = workEntryFields.filter((field) => entry[field] !== undefined);
    for (const field of given.slice(1)) issues.push(issue(at(field), `give one of ${workEntryFields.join(', ')}, not ${given.join(' and ')}`));
  } else {
    const unit = 'this is a unit line; enter quantityThisPeriod';
    for (const field of workEntryFields) notAllowed(field, unit);
    const noMaterials = 'unit lines have no stored materials';
    notAllowed('materialsStoredCents', noMaterials);
    notAllowed('materialsRetainagePercent', noMaterials);
    notAllowed('materialsRetainageCents', noMaterials);
    notAllowed('materialsRetainageReleasedCents', noMaterials);
  }
  const cents = (field: keyof LineEntry, allowNegative: boolean) => {
    const value = entry[field];
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) issues.push(issue(at(field), wholeCentsMessage));
    else if (value < 0 && !allowNegative) issues.push(issue(at(field), 'must not be negative'));
  };
  cents('workThisPeriodCents', true);
  cents('workCompletedToDateCents', false);
  cents('materialsStoredCents', false);
  cents('workRetainageCents', false);
  cents('materialsRetainageCents', false);
  cents('workRetainageReleasedCents', false);
  cents('materialsRetainageReleasedCents', false);
  const decimal = (field: 'percentComplete' | 'quantityThisPeriod' | 'workRetainagePercent' | 'materialsRetainagePercent') => {
    const value = entry[field];
    if (value === undefined) return;
    const rule = field === 'quantityThisPeriod' ? decimalRules.quantityDelta : decimalRules.percent;
    const problem = typeof value === 'string' ? decimalProblem(value, rule) : 'must be a decimal number written as a string';
    if (problem) issues.push(issue(at(field), problem));
  };
  decimal('percentComplete');
  decimal('quantityThisPeriod');
  decimal('workRetainagePercent');
  decimal('materialsRetainagePercent');
  if (entry.releaseAllRetainage) {
    for (const field of ['workRetainageReleasedCents', 'materialsRetainageReleasedCents'] as const) {
      if (entry[field] !== undefined) issues.push(issue(at(field), `give either releaseAllRetainage or ${field}, not both`));
    }
  }
  for (const bucket of ['work', 'materials'] as const) {
    const percentField = `${bucket}RetainagePercent` as const;
    const centsField = `${bucket}RetainageCents` as const;
    if (entry[percentField] !== undefined && entry[centsField] !== undefined) {
      issues.push(issue(at(centsField), `give either ${percentField} or ${centsField}, not both`));
    }
    if (!settings[`${bucket}Enabled`] && !(bucket === 'materials' && kind === 'unit')) {
      const off = `${bucket === 'work' ? 'completed work' : 'stored materials'} retainage is off for this commitment`;
      for (const field of [percentField, centsField] as const) if (entry[field] !== undefined) issues.push(issue(at(field), `not allowed: ${off}`));
    }
  }
}

interface BucketInput {
  name: 'work' | 'materials';
  enabled: boolean;
  baseCents: number;
  defaultPercent: string;
  percentEntry?: string;
  amountEntry?: number;
  releasedEntry?: number;
  /** Release everything the bucket holds before this period's release (recomputed each time). */
  releaseAll?: boolean;
  previous?: Pick<RetainageBucket, 'retainageCents' | 'releasedToDateCents'>;
  /** Sliding scale: the retainage to date it decided (wins over the % and amount). */
  slidingCents?: number;
}

function bucketFigures(ctx: LineContext, b: BucketInput): RetainageBucket {
  const centsField = `${b.name}RetainageCents`;
  const releasedField = `${b.name}RetainageReleasedCents`;
  const baseName = b.name === 'work' ? 'work completed to date' : 'materials presently stored';
  const previousReleased = b.previous?.releasedToDateCents ?? 0;
  const previousHeld = b.previous ? subCents(b.previous.retainageCents, previousReleased) : 0;

  let percent: string;
  let source: RetainageBucket['source'];
  let retainageCents: number;
  if (!b.enabled) {
    percent = '0';
    source = 'disabled';
    retainageCents = 0;
  } else if (b.slidingCents !== undefined) {
    source = 'sliding_scale';
    retainageCents = b.slidingCents;
    percent = ratioPercent(retainageCents, b.baseCents).exact;
  } else if (b.amountEntry !== undefined) {
    if (b.amountEntry > b.baseCents) {
      fail(ctx, centsField, `must not exceed the ${baseName} (${formatCents(b.baseCents)})`);
    }
    source = 'amount';
    retainageCents = b.amountEntry;
    percent = ratioPercent(retainageCents, b.baseCents).exact;
  } else {
    source = 'percent';
    percent = normalizeDecimal(b.percentEntry ?? b.defaultPercent, decimalRules.percent);
    retainageCents = percentOfCents(b.baseCents, percent);
  }

  // Releases beyond what the base now carries (the base shrank, or the % went down) were taken
  // back with it: what is held never goes below zero.
  const releasedBefore = Math.min(previousReleased, retainageCents);
  const heldBeforeRelease = subCents(retainageCents, releasedBefore);
  const released = b.releaseAll ? heldBeforeRelease : (b.releasedEntry ?? 0);
  if (released > heldBeforeRelease) {
    fail(ctx, releasedField, `must not exceed the ${b.name} retainage currently retained (${formatCents(heldBeforeRelease)})`);
  }
  const releasedToDateCents = addCents(releasedBefore, released);
  return {
    percent,
    source,
    baseCents: b.baseCents,
    retainageCents,
    retainedThisPeriodCents: subCents(heldBeforeRelease, previousHeld),
    releasedThisPeriodCents: released,
    releasedToDateCents,
    currentlyRetainedCents: subCents(retainageCents, releasedToDateCents),
  };
}

function lineFigures(
  ctx: LineContext,
  entry: LineEntry | undefined,
  previous: PreviousLineFigures | undefined,
  contract: InvoiceContract,
  overbillingAllowed: boolean,
  sliding?: SlidingLine,
): InvoiceLineFigures {
  const { sov } = ctx;
  const kind = lineKind(sov);
  const C = sov.scheduledValueCents;
  assertCents(C);
  const D = previous ? addCents(previous.previousWorkCents, previous.workThisPeriodCents) : 0;

  let E: number;
  let workField: string | undefined;
  let unit: Pick<InvoiceLineFigures, 'quantity' | 'unitPrice' | 'previousQuantity' | 'quantityThisPeriod' | 'quantityToDate'> = {};
  if (kind === 'unit') {
    if (sov.quantity === undefined || sov.unitPrice === undefined) {
      throw new ConflictError(`Line ${sov.lineId} is a unit line without both a quantity and a unit price.`, sov.lineId);
    }
    const previousQuantity = previous?.quantityToDate ?? '0';
    const quantityThisPeriod = normalizeDecimal(entry?.quantityThisPeriod ?? '0', decimalRules.quantityDelta);
    const quantityToDate = addDecimals(previousQuantity, quantityThisPeriod);
    workField = entry?.quantityThisPeriod !== undefined ? 'quantityThisPeriod' : undefined;
    if (isNegativeDecimal(quantityToDate)) fail(ctx, workField, `would take the quantity completed to date below zero (${quantityToDate})`);
    if (!overbillingAllowed && new Decimal(quantityToDate).gt(sov.quantity)) {
      fail(ctx, workField, `overbilling: the quantity to date (${quantityToDate}) would exceed the line's quantity (${sov.quantity}); this project does not allow overbilling`);
    }
    // Both values rounded once from their quantities to date: the cumulative never drifts.
    E = subCents(unitValueCents(quantityToDate, sov.unitPrice), unitValueCents(previousQuantity, sov.unitPrice));
    unit = { quantity: sov.quantity, unitPrice: sov.unitPrice, previousQuantity, quantityThisPeriod, quantityToDate };
  } else if (entry?.percentComplete !== undefined) {
    workField = 'percentComplete';
    E = subCents(percentOfCents(C, entry.percentComplete), D);
  } else if (entry?.workCompletedToDateCents !== undefined) {
    workField = 'workCompletedToDateCents';
    E = subCents(entry.workCompletedToDateCents, D);
  } else {
    workField = entry?.workThisPeriodCents !== undefined ? 'workThisPeriodCents' : undefined;
    E = entry?.workThisPeriodCents ?? 0;
  }
  const F = kind === 'amount' ? (entry?.materialsStoredCents ?? 0) : 0;

  const workToDate = addCents(D, E);
  if (workToDate < 0) fail(ctx, workField, `would take the work completed to date below zero (${formatCents(workToDate)})`);
  const G = addCents(workToDate, F);
  if (G > C && !overbillingAllowed) {
    const field = workField ?? (entry?.materialsStoredCents !== undefined ? 'materialsStoredCents' : undefined);
    fail(
      ctx,
      field,
      `overbilling: total completed and stored to date (${formatCents(G)}) would exceed the scheduled value (${formatCents(C)}); this project does not allow overbilling`,
    );
  }

  const settings = contract.retainage;
  const override = contract.lineRetainage?.[sov.lineId];
  const workRetainage = bucketFigures(ctx, {
    name: 'work',
    enabled: settings.workEnabled,
    baseCents: workToDate,
    defaultPercent: override?.workPercent ?? settings.workPercent,
    percentEntry: entry?.workRetainagePercent,
    amountEntry: entry?.workRetainageCents,
    releasedEntry: entry?.workRetainageReleasedCents,
    releaseAll: entry?.releaseAllRetainage,
    previous: previous?.workRetainage,
    slidingCents: sliding?.workCents,
  });
  const materialsRetainage = bucketFigures(ctx, {
    name: 'materials',
    enabled: settings.materialsEnabled && kind === 'amount',
    baseCents: F,
    defaultPercent: override?.materialsPercent ?? settings.materialsPercent,
    percentEntry: entry?.materialsRetainagePercent,
    amountEntry: entry?.materialsRetainageCents,
    releasedEntry: entry?.materialsRetainageReleasedCents,
    releaseAll: entry?.releaseAllRetainage,
    previous: previous?.materialsRetainage,
    slidingCents: sliding?.materialsCents,
  });

  const percent = ratioPercent(G, C);
  return {
    lineId: sov.lineId,
    kind,
    scheduledValueCents: C,
    ...unit,
    previousWorkCents: D,
    workThisPeriodCents: E,
    materialsStoredCents: F,
    completedAndStoredCents: G,
    percentComplete: percent.exact,
    percentCompleteDisplay: percent.display,
    balanceToFinishCents: subCents(C, G),
    retainageCents: addCents(workRetainage.currentlyRetainedCents, materialsRetainage.currentlyRetainedCents),
    workRetainage,
    materialsRetainage,
  };
}

function checkSettings(contract: InvoiceContract, sovLines: readonly InvoiceSovLine[]): void {
  const bad: string[] = [];
  const check = (what: string, value: string | undefined) => {
    const problem = value === undefined ? undefined : decimalProblem(value, decimalRules.percent);
    if (problem) bad.push(`${what} ${problem}`);
  };
  check('the work retainage %', contract.retainage.workPercent);
  check('the materials retainage %', contract.retainage.materialsPercent);
  for (const [lineId, override] of Object.entries(contract.lineRetainage ?? {})) {
    check(`line ${lineId}'s work retainage %`, override.workPercent);
    check(`line ${lineId}'s materials retainage %`, override.materialsPercent);
  }
  if (bad.length > 0) throw new ConflictError(`The commitment's retainage settings are invalid: ${bad.join('; ')}.`);
  const contractSum = addCents(contract.originalContractSumCents, contract.approvedChangeOrdersCents);
  const linesSum = sumCents(sovLines.map((l) => l.scheduledValueCents));
  if (contractSum !== linesSum) {
    throw new ConflictError(
      `The contract sum to date (${formatCents(contractSum)}) is not the sum of the lines' scheduled values (${formatCents(linesSum)}).`,
    );
  }
}

/**
 * Every G703 column of every line and every G702 line of an invoice. Throws InputError
 * naming each entry field to fix (all lines are checked), ConflictError when the stored
 * data does not fit together, MoneyError never (figures beyond exact cents are field errors).
 */
export function computeInvoice(input: InvoiceInput): InvoiceFigures {
  const { sovLines, contract, previous, overbillingAllowed } = input;
  const entries = input.entries ?? [];
  checkSettings(contract, sovLines);

  const sovById = new Map<string, number>();
  sovLines.forEach((line, i) => {
    if (sovById.has(line.lineId)) throw new ConflictError(`Line ${line.lineId} appears more than once.`, line.lineId);
    sovById.set(line.lineId, i);
  });
  const previousById = new Map<string, PreviousLineFigures>();
  for (const line of previous?.lines ?? []) {
    if (!sovById.has(line.lineId)) {
      throw new ConflictError(`The previous invoice bills line ${line.lineId}, which is no longer in the schedule of values.`, line.lineId);
    }
    previousById.set(line.lineId, line);
  }

  const issues: FieldIssue[] = [];
  const entryById = new Map<string, { entry: LineEntry; index: number }>();
  entries.forEach((entry, index) => {
    const at = sovById.get(entry.lineId);
    if (at === undefined) issues.push(issue(`lines.${index}.lineId`, 'no line of this invoice has this id'));
    else if (entryById.has(entry.lineId)) issues.push(issue(`lines.${index}.lineId`, 'appears more than once'));
    else {
      entryById.set(entry.lineId, { entry, index });
      checkEntry(entry, lineKind(sovLines[at]!), index, contract.retainage, issues);
      if (contract.slidingScale && contract.slidingScale.rules.length > 0) {
        for (const field of ['workRetainagePercent', 'workRetainageCents', 'materialsRetainagePercent', 'materialsRetainageCents'] as const) {
          if (entry[field] !== undefined) issues.push(issue(`lines.${index}.${field}`, 'not allowed: this contract’s sliding-scale retention rules set the retainage'));
        }
      }
    }
  });
  if (issues.length > 0) throw new InputError(issues);

  const figureLines = (sliding?: ReadonlyMap<string, SlidingLine>): InvoiceLineFigures[] => {
    const lines: InvoiceLineFigures[] = [];
    for (const sov of sovLines) {
      const given = entryById.get(sov.lineId);
      const ctx: LineContext = { index: given?.index, sov, issues };
      try {
        lines.push(lineFigures(ctx, given?.entry, previousById.get(sov.lineId), contract, overbillingAllowed, sliding?.get(sov.lineId)));
      } catch (error) {
        if (error instanceof LineRefused) continue;
        if (!(error instanceof MoneyError)) throw error;
        record(ctx, undefined, `a figure ${error.message}`);
      }
    }
    if (issues.length > 0) throw new InputError(issues);
    return lines;
  };

  let lines = figureLines();
  let slidingScale: SlidingScaleFigures | undefined;
  if (contract.slidingScale && contract.slidingScale.rules.length > 0) {
    const slid = slidingScaleLines(lines, previousById, contract, contract.slidingScale.rules);
    lines = figureLines(slid.byLine);
    slidingScale = slid.figures;
  }

  try {
    return { lines, ...documentTotals(lines, contract, previous), ...(slidingScale ? { slidingScale } : {}) };
  } catch (error) {
    if (error instanceof MoneyError) throw new InputError([issue('lines', `the invoice totals ${error.message}`)]);
    throw error;
  }
}

function documentTotals(
  lines: readonly InvoiceLineFigures[],
  contract: InvoiceContract,
  previous: PreviousInvoice | undefined,
): Pick<InvoiceFigures, 'totals' | 'summary'> {
  const sum = (pick: (l: InvoiceLineFigures) => number) => sumCents(lines.map(pick));
  const C = sum((l) => l.scheduledValueCents);
  const G = sum((l) => l.completedAndStoredCents);
  const percent = ratioPercent(G, C);
  const totals: InvoiceColumnTotals = {
    scheduledValueCents: C,
    previousWorkCents: sum((l) => l.previousWorkCents),
    workThisPeriodCents: sum((l) => l.workThisPeriodCents),
    materialsStoredCents: sum((l) => l.materialsStoredCents),
    completedAndStoredCents: G,
    percentComplete: percent.exact,
    percentCompleteDisplay: percent.display,
    balanceToFinishCents: sum((l) => l.balanceToFinishCents),
    retainageCents: sum((l) => l.retainageCents),
    retainedThisPeriodCents: sum((l) => addCents(l.workRetainage.retainedThisPeriodCents, l.materialsRetainage.retainedThisPeriodCents)),
    releasedThisPeriodCents: sum((l) => addCents(l.workRetainage.releasedThisPeriodCents, l.materialsRetainage.releasedThisPeriodCents)),
  };

  const line3 = addCents(contract.originalContractSumCents, contract.approvedChangeOrdersCents);
  const line5a = sum((l) => l.workRetainage.currentlyRetainedCents);
  const line5b = sum((l) => l.materialsRetainage.currentlyRetainedCents);
  const line5 = addCents(line5a, line5b);
  const line6 = subCents(G, line5);
  const line7 = previous?.summary.totalEarnedLessRetainageCents ?? 0;
  const summary: InvoiceSummary = {
    originalContractSumCents: contract.originalContractSumCents,
    netChangeByChangeOrdersCents: contract.approvedChangeOrdersCents,
    contractSumToDateCents: line3,
    totalCompletedAndStoredCents: G,
    workRetainageCents: line5a,
    materialsRetainageCents: line5b,
    totalRetainageCents: line5,
    totalEarnedLessRetainageCents: line6,
    previousCertificatesCents: line7,
    currentPaymentDueCents: subCents(line6, line7),
    balanceToFinishIncludingRetainageCents: subCents(line3, line6),
  };
  return { totals, summary };
}

// ---- Sliding scale ----

/** A line's retainage to date per bucket as the sliding scale decided it. */
interface SlidingLine {
  workCents: number;
  materialsCents: number;
}

/**
 * The sliding-scale retainage to date of every line-bucket, from the lines figured without it
 * (which give this period's bases): previous retainage to date + the rule's capped share of the
 * base's change, kept between 0 and the base.
 */
function slidingScaleLines(
  lines: readonly InvoiceLineFigures[],
  previousById: ReadonlyMap<string, PreviousLineFigures>,
  contract: InvoiceContract,
  rules: readonly SlidingScaleRule[],
): { byLine: Map<string, SlidingLine>; figures: SlidingScaleFigures } {
  const values = {
    originalContractSumCents: contract.originalContractSumCents,
    contractSumToDateCents: addCents(contract.originalContractSumCents, contract.approvedChangeOrdersCents),
  };
  const previousOf = (line: InvoiceLineFigures) => previousById.get(line.lineId);
  const withheldBeforeCents = sumCents(
    [...previousById.values()].map((p) => addCents(p.workRetainage.retainageCents, p.materialsRetainage.retainageCents)),
  );
  const active = activeSlidingScaleRule(rules, withheldBeforeCents, values);
  const percent = active?.rule.retainagePercent ?? '0';

  // Two line-buckets per line, in order: [work, materials]; a disabled bucket's base never changes.
  const enabled = (b: RetainageBucket) => b.source !== 'disabled';
  const previousHeld = lines.flatMap((l) => [previousOf(l)?.workRetainage.retainageCents ?? 0, previousOf(l)?.materialsRetainage.retainageCents ?? 0]);
  const baseChanges = lines.flatMap((l) => [
    enabled(l.workRetainage) ? l.workThisPeriodCents : 0,
    enabled(l.materialsRetainage) ? subCents(l.materialsStoredCents, previousOf(l)?.materialsRetainage.baseCents ?? 0) : 0,
  ]);
  const headroom = active ? Math.max(0, subCents(active.limitCents, withheldBeforeCents)) : 0;
  const { cents, capped } = cappedRetentionThisPeriod(percent, baseChanges, headroom);

  const byLine = new Map<string, SlidingLine>();
  let withheldThisPeriodCents = 0;
  lines.forEach((line, i) => {
    const toDate = (k: number, base: number) => Math.min(Math.max(addCents(previousHeld[k]!, cents[k]!), 0), base);
    const workCents = enabled(line.workRetainage) ? toDate(2 * i, line.workRetainage.baseCents) : 0;
    const materialsCents = enabled(line.materialsRetainage) ? toDate(2 * i + 1, line.materialsRetainage.baseCents) : 0;
    withheldThisPeriodCents = addCents(withheldThisPeriodCents, subCents(addCents(workCents, materialsCents), addCents(previousHeld[2 * i]!, previousHeld[2 * i + 1]!)));
    byLine.set(line.lineId, { workCents, materialsCents });
  });
  return {
    byLine,
    figures: {
      ruleNumber: active ? active.index + 1 : null,
      rule: active?.rule ?? null,
      description: active ? describeRule(active.rule, values) : 'every sliding-scale limit is reached: 0 % withheld',
      retainagePercent: normalizeDecimal(percent, decimalRules.percent),
      limitCents: active?.limitCents ?? null,
      withheldBeforeCents,
      withheldThisPeriodCents,
      withheldToDateCents: addCents(withheldBeforeCents, withheldThisPeriodCents),
      capped,
    },
  };
}
