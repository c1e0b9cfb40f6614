/**
 * Pre-filling an owner invoice from the period's subcontractor costs (DOMAIN.md "Head contracts and
 * owner invoices"): each owner SOV line's work this period (E) and materials presently stored (F)
 * are the sums over the period's subcontractor invoice lines whose cost code maps to it, and each
 * owner line keeps the lines it summed so an accountant can trace it to the cent. Pure: the owner
 * SOV, the period's subcontractor invoices and change orders come in.
 */
import type { InvoiceStatus } from './invoices';
import type { LineEntry } from './invoice-figures';
import { lineKind } from './invoice-figures';
import { addCents } from './cents';
import { localDate, type CalendarDate } from './billing-periods';
import { prefillStatuses, type PrefillStatus } from './owner-invoices';

// The statuses themselves are listed in owner-invoices.ts: the answers that show them bundle no figures (nor big.js).
export { prefillStatuses, type PrefillStatus } from './owner-invoices';

/** What pre-filling reads of an owner SOV line. */
export interface OwnerLine {
  lineId: string;
  costCode?: string;
  quantity?: string;
  unitPrice?: string;
}

/** What pre-filling reads of a subcontractor invoice of the period. */
export interface CostInvoice {
  invoiceId: string;
  number: string;
  commitmentId: string;
  commitmentNumber?: string;
  status: InvoiceStatus;
  sovLines: ReadonlyArray<{ lineId: string; description: string; costCode?: string }>;
  figures: { lines: ReadonlyArray<{ lineId: string; workThisPeriodCents: number; materialsStoredCents: number }> };
}

/** One subcontractor invoice line summed into an owner line (or left unmapped). */
export interface CostSource {
  invoiceId: string;
  invoiceNumber: string;
  commitmentId: string;
  commitmentNumber?: string;
  lineId: string;
  costCode?: string;
  description: string;
  workThisPeriodCents: number;
  materialsStoredCents: number;
}

export interface PrefilledLine {
  lineId: string;
  costCode?: string;
  workThisPeriodCents: number;
  materialsStoredCents: number;
  /** The subcontractor invoice lines summed, in invoice then line order: their amounts add up to the line's. */
  sources: CostSource[];
}

export type UnmappedReason = 'no_cost_code' | 'cost_code_not_on_owner_sov' | 'owner_line_is_unit_based';

/** A subcontractor cost that could not be billed on: reported, not lost. */
export interface UnmappedCost extends CostSource {
  reason: UnmappedReason;
}

/** A subcontractor invoice whose costs were summed, with the status it had then (to return it to after owner approval). */
export interface IncludedInvoice {
  invoiceId: string;
  number: string;
  commitmentId: string;
  status: PrefillStatus;
}

/** What an approved commitment change order of the period shows of itself. */
export interface PeriodChangeOrder {
  changeOrderId: string;
  commitmentId: string;
  number: string;
  title: string;
  totalCents: number;
  approvedAt: string;
}

export interface Prefill {
  lines: PrefilledLine[];
  unmapped: UnmappedCost[];
  includedInvoices: IncludedInvoice[];
  changeOrders: PeriodChangeOrder[];
}

/** A pre-fill as the owner invoice keeps it: who ran it and when. */
export interface StoredPrefill extends Prefill {
  by: string;
  at: string;
}

export const isPrefillStatus = (status: InvoiceStatus): status is PrefillStatus => (prefillStatuses as readonly InvoiceStatus[]).includes(status);

/** Cost codes compare trimmed and case-blind: "16-100 " on a subcontract maps to "16-100" on the head contract. */
const codeKey = (code: string | undefined) => code?.trim().toUpperCase() || undefined;

/**
 * Sums the period's subcontractor costs onto the owner SOV. Only invoices in a `prefillStatuses`
 * status count; a line with neither work nor materials contributes nothing. A cost code on several
 * owner lines maps to the first of them (in SOV order). Costs that map nowhere are `unmapped`.
 */
export function prefillFromCosts(ownerLines: readonly OwnerLine[], invoices: readonly CostInvoice[]): Omit<Prefill, 'changeOrders'> {
  const lines: PrefilledLine[] = ownerLines.map((line) => ({
    lineId: line.lineId,
    ...(line.costCode !== undefined && { costCode: line.costCode }),
    workThisPeriodCents: 0,
    materialsStoredCents: 0,
    sources: [],
  }));
  const byCode = new Map<string, { line: PrefilledLine; unit: boolean }>();
  ownerLines.forEach((line, index) => {
    const key = codeKey(line.costCode);
    if (key && !byCode.has(key)) byCode.set(key, { line: lines[index]!, unit: lineKind(line) === 'unit' });
  });

  const unmapped: UnmappedCost[] = [];
  const includedInvoices: IncludedInvoice[] = [];
  const ordered = [...invoices].sort((a, b) => a.commitmentId.localeCompare(b.commitmentId) || a.invoiceId.localeCompare(b.invoiceId));
  for (const invoice of ordered) {
    if (!isPrefillStatus(invoice.status)) continue;
    includedInvoices.push({ invoiceId: invoice.invoiceId, number: invoice.number, commitmentId: invoice.commitmentId, status: invoice.status });
    const sovLines = new Map(invoice.sovLines.map((line) => [line.lineId, line]));
    for (const figures of invoice.figures.lines) {
      if (figures.workThisPeriodCents === 0 && figures.materialsStoredCents === 0) continue;
      const sov = sovLines.get(figures.lineId);
      const source: CostSource = {
        invoiceId: invoice.invoiceId,
        invoiceNumber: invoice.number,
        commitmentId: invoice.commitmentId,
        ...(invoice.commitmentNumber !== undefined && { commitmentNumber: invoice.commitmentNumber }),
        lineId: figures.lineId,
        ...(sov?.costCode !== undefined && { costCode: sov.costCode }),
        description: sov?.description ?? '',
        workThisPeriodCents: figures.workThisPeriodCents,
        materialsStoredCents: figures.materialsStoredCents,
      };
      const key = codeKey(sov?.costCode);
      const target = key ? byCode.get(key) : undefined;
      if (!target) {
        unmapped.push({ ...source, reason: key ? 'cost_code_not_on_owner_sov' : 'no_cost_code' });
      } else if (target.unit) {
        // A unit line bills quantities, and costs in cents say nothing of the owner's quantity.
        unmapped.push({ ...source, reason: 'owner_line_is_unit_based' });
      } else {
        target.line.workThisPeriodCents = addCents(target.line.workThisPeriodCents, source.workThisPeriodCents);
        target.line.materialsStoredCents = addCents(target.line.materialsStoredCents, source.materialsStoredCents);
        target.line.sources.push(source);
      }
    }
  }
  return { lines, unmapped, includedInvoices };
}

/**
 * The owner invoice's entries with the pre-filled amounts: on every amount line E and F become the
 * sums (0 when nothing maps there, so a re-run forgets costs no longer in the period), replacing a
 * % complete or to-date entry; retainage entries are kept. Unit lines are left as they were.
 */
export function prefilledEntries(current: readonly LineEntry[], ownerLines: readonly OwnerLine[], prefill: Pick<Prefill, 'lines'>): LineEntry[] {
  const byLine = new Map(current.map((entry) => [entry.lineId, entry]));
  const sums = new Map(prefill.lines.map((line) => [line.lineId, line]));
  return ownerLines.map((line) => {
    const entry = byLine.get(line.lineId) ?? { lineId: line.lineId };
    if (lineKind(line) === 'unit') return entry;
    const { percentComplete: _percent, workCompletedToDateCents: _toDate, workThisPeriodCents: _work, materialsStoredCents: _materials, ...kept } = entry;
    const sum = sums.get(line.lineId);
    return { ...kept, workThisPeriodCents: sum?.workThisPeriodCents ?? 0, materialsStoredCents: sum?.materialsStoredCents ?? 0 };
  });
}

/**
 * The approved commitment change orders of the period: approved on a day (project time) from the
 * period's start to its end. Head-contract change orders are the owner's own, not listed here.
 */
export function periodChangeOrders(
  changeOrders: ReadonlyArray<PeriodChangeOrder & { status: string; contractKind?: string }>,
  period: { startDate: CalendarDate; endDate: CalendarDate },
  timeZone: string,
): PeriodChangeOrder[] {
  return changeOrders
    .filter((co) => co.status === 'approved' && co.contractKind !== 'head_contract')
    .filter((co) => {
      const day = localDate(new Date(co.approvedAt), timeZone);
      return day >= period.startDate && day <= period.endDate;
    })
    .map(({ changeOrderId, commitmentId, number, title, totalCents, approvedAt }) => ({ changeOrderId, commitmentId, number, title, totalCents, approvedAt }))
    .sort((a, b) => a.approvedAt.localeCompare(b.approvedAt) || a.changeOrderId.localeCompare(b.changeOrderId));
}

// The held invoices' moves (the project's hold setting) are in held-invoices.ts: a status change bundles no pre-fill (nor figures, nor big.js).
export { heldInvoiceChanges, maxHeldInvoices, type HeldInvoiceChange } from './held-invoices';
