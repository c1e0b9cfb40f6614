import type { OwnerInvoiceItem } from '../db/entities/owner-invoice';
import { formatCents } from '../domain/cents';

const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * The G703 continuation sheet as CSV: one row per line (columns A–I plus the retainage buckets),
 * then the totals row, which is the sum of the rows (the figures' totals), so a spreadsheet adds up.
 */
export function g703Csv(item: OwnerInvoiceItem): string {
  const sovLines = new Map(item.sovLines.map((line) => [line.lineId, line]));
  const head = [
    'item', 'cost code', 'description', 'scheduled value (C)', 'from previous application (D)', 'this period (E)', 'materials presently stored (F)',
    'completed and stored to date (G)', '% (G ÷ C)', 'balance to finish (H)', 'work retainage', 'materials retainage', 'retainage (I)',
  ];
  const rows = item.figures.lines.map((line, index) => {
    const sov = sovLines.get(line.lineId);
    return [
      String(index + 1), sov?.costCode ?? '', sov?.description ?? '', formatCents(line.scheduledValueCents), formatCents(line.previousWorkCents),
      formatCents(line.workThisPeriodCents), formatCents(line.materialsStoredCents), formatCents(line.completedAndStoredCents), line.percentCompleteDisplay,
      formatCents(line.balanceToFinishCents), formatCents(line.workRetainage.currentlyRetainedCents), formatCents(line.materialsRetainage.currentlyRetainedCents),
      formatCents(line.retainageCents),
    ];
  });
  const { totals: t, summary } = item.figures;
  // The buckets' totals are G702 lines 5a and 5b: sums of the lines' buckets.
  const totals = [
    '', '', 'Totals', formatCents(t.scheduledValueCents), formatCents(t.previousWorkCents), formatCents(t.workThisPeriodCents), formatCents(t.materialsStoredCents),
    formatCents(t.completedAndStoredCents), t.percentCompleteDisplay, formatCents(t.balanceToFinishCents), formatCents(summary.workRetainageCents),
    formatCents(summary.materialsRetainageCents), formatCents(t.retainageCents),
  ];
  return [head, ...rows, totals].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
