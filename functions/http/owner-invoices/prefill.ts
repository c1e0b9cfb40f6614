import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { requiredIfMatch } from '../../../shared/http/etag';
import { previousFrom } from '../../../shared/db/invoices';
import { loadBillingPeriod } from '../../../shared/db/billing-period-reads';
import type { BillingPeriodItem } from '../../../shared/db/entities/billing-period';
import { isLatestOwnerInvoice, loadPeriodCosts } from '../../../shared/db/owner-invoices';
import { editRefusal } from '../../../shared/domain/invoice-rules';
import { InputError } from '../../../shared/domain/errors';
import { periodChangeOrders, prefilledEntries, prefillFromCosts, type StoredPrefill } from '../../../shared/domain/owner-prefill';
import { computeInvoice, type InvoiceFigures, type LineEntry, type StoredSovLine } from '../../../shared/domain/invoice-figures';
import { changedSinceRead, ownerInvoiceFor } from './shared';
import { loadPrevious, saveOwnerInvoiceEdit, summaryChanges } from './update-owner-invoice';
import { ownerInvoicesEdit } from '../../../shared/domain/permission-rules';

/**
 * The period's subcontractor costs summed onto the owner SOV: the entries with E and F filled, the
 * audit trail to keep with them, and the figures (overbilling the owner by the period's costs is a
 * 409 naming the lines, not the caller's bad input).
 */
export async function prefilled(input: {
  period: Pick<BillingPeriodItem, 'projectId' | 'billingPeriodId' | 'startDate' | 'endDate'>;
  timeZone: string;
  sovLines: StoredSovLine[];
  entries: readonly LineEntry[];
  by: string;
  at: string;
  figuresOf: (entries: LineEntry[]) => InvoiceFigures;
}): Promise<{ entries: LineEntry[]; prefill: StoredPrefill; figures: InvoiceFigures }> {
  const costs = await loadPeriodCosts(input.period, input.timeZone);
  const summed = prefillFromCosts(input.sovLines, costs.invoices);
  const changeOrders = periodChangeOrders(costs.changeOrders, input.period, input.timeZone);
  const entries = prefilledEntries(input.entries, input.sovLines, summed);
  try {
    return { entries, prefill: { ...summed, changeOrders, by: input.by, at: input.at }, figures: input.figuresOf(entries) };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw problems.conflict(`The billing period’s subcontractor costs cannot be billed on as they are: ${error.message}`);
  }
}

/** Which E and F entries the pre-fill changed, from → to: what the history shows. */
function entryChanges(before: readonly LineEntry[], after: readonly LineEntry[]) {
  const old = new Map(before.map((entry) => [entry.lineId, entry]));
  return after.flatMap((entry) =>
    (['workThisPeriodCents', 'materialsStoredCents'] as const).flatMap((field) => {
      const from = old.get(entry.lineId)?.[field] ?? null;
      const to = entry[field] ?? null;
      return from === to ? [] : [{ lineId: entry.lineId, field, from, to }];
    }),
  );
}

/** Fills the owner invoice again from its billing period's subcontractor costs, at the If-Match version, with a history event. */
export async function prefillOwnerInvoice({ path, caller, headers }: HttpInput<'prefillOwnerInvoice'>): Promise<Reply> {
  const expected = requiredIfMatch(headers);
  const { invoice, project, contract } = await ownerInvoiceFor(ownerInvoicesEdit, path, caller.userId);
  if (invoice.version !== expected) throw changedSinceRead(invoice.version);
  const notEditable = editRefusal(invoice.status);
  if (notEditable) throw problems.conflict(notEditable);
  if (invoice.kind !== 'progress') throw problems.conflict('A retainage release bills no work or materials; only a progress invoice is pre-filled from the period’s costs.');
  const [latest, previous, period] = await Promise.all([isLatestOwnerInvoice(invoice), loadPrevious(invoice), loadBillingPeriod(invoice.projectId, invoice.billingPeriodId)]);
  if (!latest) throw problems.conflict('Only the latest owner invoice of the head contract can be edited.');
  if (!period) throw problems.busy('owner invoice');

  const at = new Date().toISOString();
  const { entries, prefill, figures } = await prefilled({
    period,
    timeZone: project.timeZone,
    sovLines: invoice.sovLines,
    entries: invoice.entries,
    by: caller.userId,
    at,
    figuresOf: (entries) =>
      computeInvoice({ sovLines: invoice.sovLines, contract: invoice.contract, ...(previous && { previous: previousFrom(previous) }), entries, overbillingAllowed: project.overbillingAllowed }),
  });
  return saveOwnerInvoiceEdit({
    invoice,
    expected,
    set: { entries, figures, prefill },
    changes: {
      prefilled: { includedInvoices: prefill.includedInvoices.length, unmappedCosts: prefill.unmapped.length },
      entries: entryChanges(invoice.entries, entries),
      summary: summaryChanges(invoice.figures.summary, figures.summary),
    },
    by: caller.userId,
    at,
    project,
    contract,
  });
}
