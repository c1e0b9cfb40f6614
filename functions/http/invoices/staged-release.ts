import { problems } from '../../../shared/http/problem';
import type { InvoiceFigures, LineEntry } from '../../../shared/domain/invoice-figures';
import { stagedReleaseEntries } from '../../../shared/domain/staged-release';

/**
 * A staged release's entries (a % or an amount of what each line holds, to the cent) when the
 * creating body asks for one: subcontractor and owner retainage-release invoices alike.
 */
export function stagedRelease(body: { releasePercent?: string | undefined; releaseAmountCents?: number | undefined }, figures: InvoiceFigures): LineEntry[] | undefined {
  const release = body.releasePercent !== undefined ? { releasePercent: body.releasePercent } : body.releaseAmountCents !== undefined ? { releaseAmountCents: body.releaseAmountCents } : undefined;
  if (!release) return undefined;
  const held = figures.lines.map((line) => ({ lineId: line.lineId, workHeldCents: line.workRetainage.currentlyRetainedCents, materialsHeldCents: line.materialsRetainage.currentlyRetainedCents }));
  const result = stagedReleaseEntries(held, release);
  if ('issues' in result) throw problems.validation(result.issues.map((issue) => ({ location: 'body' as const, ...issue })));
  return result.entries;
}
