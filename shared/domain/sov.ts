/**
 * Schedules of values and change orders, pure: replacing or editing lines against the
 * commitment's accounting method, pricing a change order and applying it, and the totals,
 * which are always sums of the lines (never stored figures of their own).
 *
 * A line's `scheduledValueCents` is its value today (G703 column C). What approved change
 * orders did to an original line is kept on it (`changeOrderAdjustmentCents`), so the original
 * contract sum and the net change by change orders can both be read off the lines. Value
 * figures of a line a change order touched change only through change orders.
 */
import type { accountingMethods } from './commitments';
import { ConflictError, InputError, type FieldIssue } from './errors';
import {
  MoneyError,
  addCents,
  addDecimals,
  decimalProblem,
  decimalRules,
  formatCents,
  isNegativeDecimal,
  normalizeDecimal,
  sumCents,
  unitValueCents,
} from './money';

export type AccountingMethod = (typeof accountingMethods)[number];

export interface SovLine {
  lineId: string;
  costCode?: string;
  description: string;
  /** The approved change order that added the line; absent on original lines. */
  changeOrderId?: string;
  scheduledValueCents: number;
  quantity?: string;
  unitOfMeasure?: string;
  unitPrice?: string;
  changeOrderAdjustmentCents?: number;
  changeOrderAdjustmentQuantity?: string;
}

/** A line as a client sends it to replace the original lines. */
export interface SovLineInput {
  lineId?: string;
  costCode?: string;
  description: string;
  scheduledValueCents?: number;
  quantity?: string;
  unitOfMeasure?: string;
  unitPrice?: string;
}

/** An edit of one line: only the fields given change; `costCode: null` removes it. */
export interface SovLinePatch {
  costCode?: string | null;
  description?: string;
  scheduledValueCents?: number;
  quantity?: string;
  unitOfMeasure?: string;
  unitPrice?: string;
}

export interface SovTotals {
  originalContractSumCents: number;
  approvedChangeOrdersCents: number;
  contractSumToDateCents: number;
  lineCount: number;
}

const unitFields = ['quantity', 'unitOfMeasure', 'unitPrice'] as const;

export function sovTotals(lines: readonly SovLine[]): SovTotals {
  const original = lines.filter((l) => !l.changeOrderId);
  const added = lines.filter((l) => l.changeOrderId);
  const adjustments = sumCents(original.map((l) => l.changeOrderAdjustmentCents ?? 0));
  const contractSumToDateCents = sumCents(lines.map((l) => l.scheduledValueCents));
  const approvedChangeOrdersCents = addCents(sumCents(added.map((l) => l.scheduledValueCents)), adjustments);
  return {
    originalContractSumCents: contractSumToDateCents - approvedChangeOrdersCents,
    approvedChangeOrdersCents,
    contractSumToDateCents,
    lineCount: lines.length,
  };
}

/**
 * Most bytes the lines may take as JSON: they are stored in one DynamoDB item (400 KB with its
 * attribute names), so a schedule that would not fit is refused before it is written.
 */
export const maxSovBytes = 350_000;

const sizeOf = (lines: readonly SovLine[]) => new TextEncoder().encode(JSON.stringify(lines)).length;

/** Lines about to be stored: a sum beyond exact cents or a schedule too large to store is the client's to fix. */
function checkedLines(lines: readonly SovLine[], field: string): void {
  try {
    sovTotals(lines);
  } catch (error) {
    if (error instanceof MoneyError) throw new InputError([{ field, message: `the total ${error.message}` }]);
    throw error;
  }
  if (sizeOf(lines) > maxSovBytes) {
    throw new InputError([{ field, message: `the schedule of values would exceed ${maxSovBytes} bytes; use fewer or shorter lines` }]);
  }
}

interface Figures {
  scheduledValueCents: number;
  quantity?: string;
  unitOfMeasure?: string;
  unitPrice?: string;
}

/**
 * The value figures of a line under the accounting method, or issues naming `prefix`+field.
 * Amount lines carry a scheduled value only; unit lines carry quantity, unit of measure and
 * unit price, and their value is computed (a value sent along must be that product).
 */
function figuresFor(
  input: Pick<SovLineInput, 'scheduledValueCents' | (typeof unitFields)[number]>,
  method: AccountingMethod,
  prefix: string,
  issues: FieldIssue[],
  valueField = 'scheduledValueCents',
): Figures | undefined {
  const before = issues.length;
  if (method === 'amount') {
    for (const field of unitFields) {
      if (input[field] !== undefined) issues.push({ field: prefix + field, message: 'not allowed: this commitment is amount-based' });
    }
    if (input.scheduledValueCents === undefined) {
      issues.push({ field: prefix + valueField, message: 'required: this commitment is amount-based' });
    }
    return issues.length === before ? { scheduledValueCents: input.scheduledValueCents! } : undefined;
  }
  for (const field of unitFields) {
    if (input[field] === undefined) issues.push({ field: prefix + field, message: 'required: this commitment is unit-based' });
  }
  const quantityProblem = input.quantity === undefined ? undefined : decimalProblem(input.quantity, decimalRules.quantity);
  if (quantityProblem) issues.push({ field: `${prefix}quantity`, message: quantityProblem });
  const priceProblem = input.unitPrice === undefined ? undefined : decimalProblem(input.unitPrice, decimalRules.unitPrice);
  if (priceProblem) issues.push({ field: `${prefix}unitPrice`, message: priceProblem });
  if (issues.length > before) return undefined;

  let value: number;
  try {
    value = unitValueCents(input.quantity!, input.unitPrice!);
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    issues.push({ field: `${prefix}quantity`, message: `quantity × unit price ${error.message}` });
    return undefined;
  }
  if (input.scheduledValueCents !== undefined && input.scheduledValueCents !== value) {
    issues.push({
      field: prefix + valueField,
      message: `must be quantity × unit price (${value}) on a unit-based commitment, or left out`,
    });
    return undefined;
  }
  return {
    scheduledValueCents: value,
    quantity: normalizeDecimal(input.quantity!, decimalRules.quantity),
    unitOfMeasure: input.unitOfMeasure!,
    unitPrice: normalizeDecimal(input.unitPrice!, decimalRules.unitPrice),
  };
}

const sameFigures = (line: SovLine, figures: Figures) =>
  line.scheduledValueCents === figures.scheduledValueCents &&
  line.quantity === figures.quantity &&
  line.unitPrice === figures.unitPrice;

const isAdjusted = (line: SovLine) => line.changeOrderAdjustmentCents !== undefined;

/** The record without its undefined fields: what is stored and answered has no empty keys. */
function compact<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The SOV after the client's original lines replace the current original lines. Lines added
 * by approved change orders stay, after the originals. A line sent with a `lineId` keeps it
 * (it must be a current original line); lines without one get `newId()`.
 */
export function replaceOriginalLines(
  current: readonly SovLine[],
  inputs: readonly SovLineInput[],
  method: AccountingMethod,
  newId: () => string,
): SovLine[] {
  const byId = new Map(current.map((l) => [l.lineId, l]));
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  const built: Array<{ input: SovLineInput; figures: Figures; existing?: SovLine }> = [];

  inputs.forEach((input, i) => {
    const prefix = `lines.${i}.`;
    let existing: SovLine | undefined;
    if (input.lineId !== undefined) {
      existing = byId.get(input.lineId);
      if (!existing) issues.push({ field: `${prefix}lineId`, message: 'no line of this SOV has this id; leave it out for a new line' });
      else if (existing.changeOrderId) {
        issues.push({
          field: `${prefix}lineId`,
          message: `this line was added by change order ${existing.changeOrderId}; it stays and is not sent here`,
        });
      } else if (seen.has(input.lineId)) issues.push({ field: `${prefix}lineId`, message: 'appears more than once' });
      seen.add(input.lineId);
    }
    const figures = figuresFor(input, method, prefix, issues);
    if (figures) built.push({ input, figures, existing });
  });
  if (issues.length > 0) throw new InputError(issues);

  // What change orders did to a line is changed only by change orders.
  for (const removed of current.filter((l) => !l.changeOrderId && isAdjusted(l) && !seen.has(l.lineId))) {
    throw new ConflictError(
      `Line ${removed.lineId} (${removed.description}) was adjusted by an approved change order and cannot be removed.`,
      removed.lineId,
    );
  }
  built.forEach(({ figures, existing }, i) => {
    if (existing && isAdjusted(existing) && !sameFigures(existing, figures)) {
      throw new ConflictError(
        `Line ${existing.lineId} (lines.${i}) was adjusted by an approved change order; its value, quantity and unit price change only through change orders.`,
        existing.lineId,
      );
    }
  });

  const originals = built.map(({ input, figures, existing }) =>
    compact<SovLine>({
      lineId: existing?.lineId ?? newId(),
      costCode: input.costCode,
      description: input.description,
      ...figures,
      changeOrderAdjustmentCents: existing?.changeOrderAdjustmentCents,
      changeOrderAdjustmentQuantity: existing?.changeOrderAdjustmentQuantity,
    }),
  );
  const lines = [...originals, ...current.filter((l) => l.changeOrderId)];
  checkedLines(lines, 'lines');
  return lines;
}

/**
 * The SOV after one line's edit, or undefined when it has no such line. Description, cost code
 * and unit of measure may change on any line; value figures only on original lines no change
 * order has adjusted.
 */
export function editLine(
  current: readonly SovLine[],
  lineId: string,
  patch: SovLinePatch,
  method: AccountingMethod,
): SovLine[] | undefined {
  const index = current.findIndex((l) => l.lineId === lineId);
  const existing = current[index];
  if (!existing) return undefined;

  const issues: FieldIssue[] = [];
  const changesValue = patch.scheduledValueCents !== undefined || patch.quantity !== undefined || patch.unitPrice !== undefined;
  const merged = {
    scheduledValueCents: method === 'amount' ? (patch.scheduledValueCents ?? existing.scheduledValueCents) : patch.scheduledValueCents,
    quantity: patch.quantity ?? existing.quantity,
    unitOfMeasure: patch.unitOfMeasure ?? existing.unitOfMeasure,
    unitPrice: patch.unitPrice ?? existing.unitPrice,
  };
  // Name only what the client sent: an amount line never has unit fields of its own.
  const figures = figuresFor(method === 'amount' ? { ...patch, scheduledValueCents: merged.scheduledValueCents } : merged, method, '', issues);
  if (!figures) throw new InputError(issues);

  if (changesValue && !sameFigures(existing, figures)) {
    if (existing.changeOrderId) {
      throw new ConflictError(
        `Line ${lineId} was added by change order ${existing.changeOrderId}; its value changes only through change orders.`,
        lineId,
      );
    }
    if (isAdjusted(existing)) {
      throw new ConflictError(
        `Line ${lineId} was adjusted by an approved change order; its value, quantity and unit price change only through change orders.`,
        lineId,
      );
    }
  }

  const updated = compact<SovLine>({
    ...existing,
    costCode: patch.costCode === null ? undefined : (patch.costCode ?? existing.costCode),
    description: patch.description ?? existing.description,
    ...figures,
  });
  const lines = current.map((l, i) => (i === index ? updated : l));
  checkedLines(lines, 'scheduledValueCents');
  return lines;
}

// ---- Change orders ----

/** A change order line as the client sends it. */
export type ChangeOrderLineInput =
  | {
      kind: 'add';
      costCode?: string;
      description: string;
      amountCents?: number;
      quantity?: string;
      unitOfMeasure?: string;
      unitPrice?: string;
    }
  | {
      kind: 'adjust';
      lineId: string;
      description?: string;
      /** Amount-based: the change of the line's value, may be negative. */
      amountCents?: number;
      /** Unit-based: the change of the line's quantity, may be negative. */
      quantity?: string;
    };

/** A change order line as stored and answered: the input plus what it changes the contract sum by. */
export interface ChangeOrderLine {
  kind: 'add' | 'adjust';
  /** adjust: the SOV line it changes; add, once approved: the SOV line it added. */
  lineId?: string;
  costCode?: string;
  description?: string;
  amountCents?: number;
  quantity?: string;
  unitOfMeasure?: string;
  unitPrice?: string;
  valueCents: number;
}

export interface PricedChangeOrder {
  lines: ChangeOrderLine[];
  totalCents: number;
}

export interface AppliedChangeOrder extends PricedChangeOrder {
  sovLines: SovLine[];
}

/** Checks each change order line against the accounting method; throws InputError naming `lines.N.field`. */
function validateChangeOrderLines(inputs: readonly ChangeOrderLineInput[], method: AccountingMethod): Omit<ChangeOrderLine, 'valueCents'>[] {
  const issues: FieldIssue[] = [];
  const lines = inputs.map((input, i) => {
    const prefix = `lines.${i}.`;
    if (input.kind === 'add') {
      if (method === 'unit' && input.amountCents !== undefined) {
        issues.push({ field: `${prefix}amountCents`, message: 'not allowed: this commitment is unit-based' });
      }
      const { amountCents, quantity, unitOfMeasure, unitPrice } = input;
      const figures = figuresFor(
        { scheduledValueCents: method === 'amount' ? amountCents : undefined, quantity, unitOfMeasure, unitPrice },
        method,
        prefix,
        issues,
        'amountCents',
      );
      return compact<Omit<ChangeOrderLine, 'valueCents'>>({
        kind: 'add',
        costCode: input.costCode,
        description: input.description,
        amountCents: method === 'amount' ? figures?.scheduledValueCents : undefined,
        quantity: figures?.quantity,
        unitOfMeasure: figures?.unitOfMeasure,
        unitPrice: figures?.unitPrice,
      });
    }
    const wrong = method === 'amount' ? 'quantity' : 'amountCents';
    const needed = method === 'amount' ? 'amountCents' : 'quantity';
    if (input[wrong] !== undefined) issues.push({ field: prefix + wrong, message: `not allowed: this commitment is ${method}-based` });
    if (input[needed] === undefined) issues.push({ field: prefix + needed, message: `required: this commitment is ${method}-based` });
    let quantity: string | undefined;
    if (method === 'unit' && input.quantity !== undefined) {
      const problem = decimalProblem(input.quantity, decimalRules.quantityDelta);
      if (problem) issues.push({ field: `${prefix}quantity`, message: problem });
      else quantity = normalizeDecimal(input.quantity, decimalRules.quantityDelta);
    }
    return compact<Omit<ChangeOrderLine, 'valueCents'>>({
      kind: 'adjust',
      lineId: input.lineId,
      description: input.description,
      amountCents: method === 'amount' ? input.amountCents : undefined,
      quantity,
    });
  });
  if (issues.length > 0) throw new InputError(issues);
  return lines;
}

/**
 * Applies change order lines to the SOV in order (so two adjustments of one line add up), and
 * prices each line against the SOV as it is: an adjustment of a unit line is worth the line's
 * new value less its old value, each rounded once, so the lines always sum to the contract.
 * `missing` decides what an adjustment of a line that is not in the SOV is.
 */
function apply(
  sov: readonly SovLine[],
  coLines: readonly Omit<ChangeOrderLine, 'valueCents'>[],
  changeOrderId: string,
  newId: () => string,
  missing: (index: number, lineId: string) => Error,
): AppliedChangeOrder {
  const sovLines = [...sov];
  const priced: ChangeOrderLine[] = coLines.map((coLine, i) => {
    if (coLine.kind === 'add') {
      const value = coLine.amountCents ?? unitValueCents(coLine.quantity!, coLine.unitPrice!);
      const lineId = newId();
      sovLines.push(
        compact<SovLine>({
          lineId,
          costCode: coLine.costCode,
          description: coLine.description!,
          changeOrderId,
          scheduledValueCents: value,
          quantity: coLine.quantity,
          unitOfMeasure: coLine.unitOfMeasure,
          unitPrice: coLine.unitPrice,
        }),
      );
      return { ...coLine, lineId, valueCents: value };
    }
    const index = sovLines.findIndex((l) => l.lineId === coLine.lineId);
    const target = sovLines[index];
    if (!target) throw missing(i, coLine.lineId!);
    let value: number;
    let quantity = target.quantity;
    if (coLine.quantity !== undefined) {
      if (target.quantity === undefined || target.unitPrice === undefined) {
        throw new ConflictError(`Line ${target.lineId} has no quantity to adjust.`, target.lineId);
      }
      quantity = addDecimals(target.quantity, coLine.quantity);
      if (isNegativeDecimal(quantity)) {
        throw new ConflictError(
          `Change order line ${i + 1} would take line ${target.lineId} (${target.description}) to a negative quantity (${quantity}).`,
          target.lineId,
        );
      }
      value = unitValueCents(quantity, target.unitPrice);
    } else {
      value = addCents(target.scheduledValueCents, coLine.amountCents!);
    }
    if (value < 0) {
      throw new ConflictError(
        `Change order line ${i + 1} would take line ${target.lineId} (${target.description}) to a negative value (${formatCents(value)}).`,
        target.lineId,
      );
    }
    const delta = value - target.scheduledValueCents;
    sovLines[index] = compact<SovLine>({
      ...target,
      scheduledValueCents: value,
      quantity,
      changeOrderAdjustmentCents: addCents(target.changeOrderAdjustmentCents ?? 0, delta),
      changeOrderAdjustmentQuantity:
        coLine.quantity !== undefined ? addDecimals(target.changeOrderAdjustmentQuantity ?? '0', coLine.quantity) : target.changeOrderAdjustmentQuantity,
    });
    return { ...coLine, valueCents: delta };
  });
  return { sovLines, lines: priced, totalCents: sumCents(priced.map((l) => l.valueCents)) };
}

/**
 * Validates a pending change order's lines against the accounting method and prices them
 * against the current SOV (an adjustment of an unknown line is a 400 naming `lines.N.lineId`;
 * one that would take a line below zero, a 409).
 */
export function priceChangeOrder(inputs: readonly ChangeOrderLineInput[], method: AccountingMethod, sov: readonly SovLine[]): PricedChangeOrder {
  const validated = validateChangeOrderLines(inputs, method);
  const missing = (i: number) => new InputError([{ field: `lines.${i}.lineId`, message: 'no line of this SOV has this id' }]);
  let applied: AppliedChangeOrder;
  try {
    applied = apply(sov, validated, 'pending', () => '', missing);
    checkedLines(applied.sovLines, 'lines');
  } catch (error) {
    if (error instanceof MoneyError) throw new InputError([{ field: 'lines', message: `the resulting contract sum ${error.message}` }]);
    throw error;
  }
  // Added lines get their SOV line ids only when approved.
  const lines = applied.lines.map((l) => (l.kind === 'add' ? { ...l, lineId: undefined } : l)).map((l) => compact(l));
  return { lines, totalCents: applied.totalCents };
}

/**
 * Approving: the SOV with the change order applied (added lines carry its id) and the change
 * order's lines priced against the SOV as it is now. Throws ConflictError when a line it
 * adjusts is gone or would go negative, or when its lines no longer fit the accounting method
 * (which may change while the SOV is empty).
 */
export function applyChangeOrder(
  sov: readonly SovLine[],
  coLines: readonly ChangeOrderLine[],
  method: AccountingMethod,
  changeOrderId: string,
  newId: () => string,
): AppliedChangeOrder {
  const fits = (l: ChangeOrderLine) => (method === 'unit' ? l.amountCents === undefined && l.quantity !== undefined : l.quantity === undefined && l.amountCents !== undefined);
  if (!coLines.every(fits)) {
    throw new ConflictError(`This change order's lines are not ${method}-based like the commitment now is; edit its lines first.`);
  }
  const missing = (i: number, lineId: string) =>
    new ConflictError(`Change order line ${i + 1} adjusts line ${lineId}, which is no longer in the SOV.`, lineId);
  try {
    const applied = apply(
      sov,
      coLines.map(({ valueCents: _, ...rest }) => rest),
      changeOrderId,
      newId,
      missing,
    );
    checkedLines(applied.sovLines, 'lines');
    return applied;
  } catch (error) {
    if (error instanceof MoneyError) throw new ConflictError(`Approving this change order would take the contract sum out of range: it ${error.message}.`);
    if (error instanceof InputError) throw new ConflictError(`Approving this change order would make ${error.issues[0]!.message}.`);
    throw error;
  }
}
