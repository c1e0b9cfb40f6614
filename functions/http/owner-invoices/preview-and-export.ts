import type { HttpInput, Reply } from '../../../shared/http/handler';
import { toOwnerInvoiceResponse } from '../../../shared/api/owner-invoice-views';
import { g703Csv } from '../../../shared/api/g703-csv';
import { bodyIndexesOf, editedEntries, figuresFor } from '../invoices/line-entries';
import { loadPrevious } from './update-owner-invoice';
import { ownerInvoiceFor } from './shared';
import { ownerInvoicesExport, ownerInvoicesPreview } from '../../../shared/domain/permission-rules';

/** The figures the given entries would give, computed exactly as the PATCH would (same code); nothing is written. */
export async function previewOwnerInvoiceSummary({ path, body, caller }: HttpInput<'previewOwnerInvoiceSummary'>): Promise<Reply> {
  const { invoice, project } = await ownerInvoiceFor(ownerInvoicesPreview, path, caller.userId);
  const { bodyIndexOf, changes: bodyChanges } = bodyIndexesOf(invoice, body);
  const compute = figuresFor(invoice, await loadPrevious(invoice), project.overbillingAllowed, bodyIndexOf, body);
  const { entries } = editedEntries(invoice, body, bodyIndexOf, bodyChanges);
  const preview = toOwnerInvoiceResponse({ ...invoice, entries, figures: compute(entries) });
  return { body: { ownerInvoiceId: invoice.ownerInvoiceId, totals: preview.totals, summary: preview.summary, lines: preview.lines } };
}

export async function exportOwnerInvoiceCsv({ path, caller }: HttpInput<'exportOwnerInvoiceCsv'>): Promise<Reply> {
  const { invoice } = await ownerInvoiceFor(ownerInvoicesExport, path, caller.userId);
  return {
    text: g703Csv(invoice),
    contentType: 'text/csv; charset=utf-8',
    headers: { 'content-disposition': `attachment; filename="G703 - owner invoice ${invoice.number.replace(/[^\w.-]+/g, '_')}.csv"` },
  };
}
