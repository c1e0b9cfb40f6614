/**
 * How a PATCH of an invoice's lines becomes its new entries: which lines the body names (by the
 * invoice's line order), what each line's change is, and how a change applies to a stored entry.
 */
import { problems, type FieldError } from '../../../shared/http/problem';
import { InputError } from '../../../shared/domain/errors';
import { computeInvoice, type InvoiceFigures, type LineEntry } from '../../../shared/domain/invoice-figures';
import { previousFrom, type InvoiceItem } from '../../../shared/db/invoices';
import type { HttpInput } from '../../../shared/http/handler';
import { type EntryField, entryFieldNames, type LineEntryPatch } from '../../../shared/api/invoices';

type UpdateInvoiceRequest = HttpInput<'updateInvoice'>['body'];
/** What of an invoice its line entry reads: a subcontractor invoice, or an owner invoice (stored alike). */
type EnteredInvoice = Pick<InvoiceItem, 'sovLines' | 'entries' | 'kind' | 'contract'>;

export const retainageFields: readonly EntryField[] = [
  'workRetainagePercent',
  'workRetainageCents',
  'materialsRetainagePercent',
  'materialsRetainageCents',
  'workRetainageReleasedCents',
  'materialsRetainageReleasedCents',
];
const releaseFields: readonly EntryField[] = ['workRetainageReleasedCents', 'materialsRetainageReleasedCents'];
/** Giving one of a pair clears the other: they are two ways to enter the same figure. */
const alternatives: Partial<Record<EntryField, EntryField>> = {
  workThisPeriodCents: 'percentComplete',
  percentComplete: 'workThisPeriodCents',
  workRetainagePercent: 'workRetainageCents',
  workRetainageCents: 'workRetainagePercent',
  materialsRetainagePercent: 'materialsRetainageCents',
  materialsRetainageCents: 'materialsRetainagePercent',
};

export type EntryChange = { lineId: string; field: EntryField; from: unknown; to: unknown };
/** The position in the body's `lines` of each invoice line the body names, by the line's position on the invoice. */
export type BodyIndexes = Map<number, number>;

/** An issue's `lines.N…` field in the client's numbering of its `lines` (`lines` alone when the client did not send line N). */
function clientLineField(field: string, bodyIndex: (invoiceIndex: number) => number | undefined): string {
  const match = /^lines\.(\d+)(\..*)?$/.exec(field);
  const index = match ? bodyIndex(Number(match[1])) : undefined;
  return match && index !== undefined ? `lines.${index}${match[2] ?? ''}` : 'lines';
}

/** Where each body line sits on the invoice; 400 naming the fields of unknown or repeated lines and of what a release invoice cannot change. */
export function bodyIndexesOf(invoice: EnteredInvoice, body: UpdateInvoiceRequest): BodyIndexes {
  const lineIndex = new Map(invoice.sovLines.map((line, index) => [line.lineId, index]));
  const bodyIndexOf: BodyIndexes = new Map();
  const issues: FieldError[] = [];
  body.lines.forEach((line, index) => {
    const at = lineIndex.get(line.lineId);
    if (at === undefined) issues.push({ location: 'body', field: `lines.${index}.lineId`, message: 'No such line on this invoice.' });
    else if (bodyIndexOf.has(at)) issues.push({ location: 'body', field: `lines.${index}.lineId`, message: 'The line is listed twice.' });
    else bodyIndexOf.set(at, index);
    if (invoice.kind === 'retainage_release') {
      for (const field of entryFieldNames) {
        if (line[field] !== undefined && !releaseFields.includes(field)) {
          issues.push({ location: 'body', field: `lines.${index}.${field}`, message: 'A retainage release invoice only releases retainage.' });
        }
      }
    }
  });
  if (invoice.kind === 'retainage_release') {
    for (const field of ['workRetainagePercent', 'materialsRetainagePercent'] as const) {
      if (body.allLines?.[field] !== undefined) issues.push({ location: 'body', field: `allLines.${field}`, message: 'A retainage release invoice only releases retainage.' });
    }
  }
  if (issues.length) throw problems.validation(issues);
  return bodyIndexOf;
}

/** The invoice's figures for some entries; the figures' input issues name lines in the client's numbering. */
export function figuresFor(invoice: EnteredInvoice, previous: Pick<InvoiceItem, 'figures'> | undefined, overbillingAllowed: boolean, bodyIndexOf: BodyIndexes) {
  return (entries: LineEntry[]): InvoiceFigures => {
    try {
      return computeInvoice({
        sovLines: invoice.sovLines,
        contract: invoice.contract,
        ...(previous && { previous: previousFrom(previous) }),
        entries,
        overbillingAllowed,
      });
    } catch (error) {
      throw error instanceof InputError ? error.renamed((field) => clientLineField(field, (i) => bodyIndexOf.get(i))) : error;
    }
  };
}

/** Applies a line's change to its entry: given fields replace, null clears, a pair's other half is cleared. */
function patchEntry(entry: LineEntry, change: LineEntryPatch): { entry: LineEntry; changes: Array<{ field: EntryField; from: unknown; to: unknown }> } {
  const next: Record<string, unknown> = { ...entry };
  for (const field of entryFieldNames) {
    const value = change[field];
    if (value === undefined) continue;
    const other = alternatives[field];
    if (other && value !== null) delete next[other];
    if (value === null) delete next[field];
    else next[field] = value;
  }
  const changes = entryFieldNames
    .filter((field) => next[field] !== entry[field])
    .map((field) => ({ field, from: entry[field] ?? null, to: next[field] ?? null }));
  return { entry: next as unknown as LineEntry, changes };
}

/** The invoice's entries after the body's changes, with each field changed (for the history). */
export function editedEntries(invoice: EnteredInvoice, body: UpdateInvoiceRequest, bodyIndexOf: BodyIndexes, compute: (entries: LineEntry[]) => InvoiceFigures) {
  const sovLines = invoice.sovLines;
  // Each line's change: what `allLines` sets for every line, then the line's own fields over it.
  const current = new Map(invoice.entries.map((e) => [e.lineId, e]));
  const lineChanges = sovLines.map((line, index): LineEntryPatch => {
    const bodyIndex = bodyIndexOf.get(index);
    const { releaseAllRetainage: _release, ...percentages } = body.allLines ?? {};
    return { ...percentages, ...(bodyIndex === undefined ? { lineId: line.lineId } : body.lines[bodyIndex]!) };
  });
  const entriesFor = (changesByLine: LineEntryPatch[]) =>
    sovLines.map((line, index) => patchEntry(current.get(line.lineId) ?? { lineId: line.lineId }, changesByLine[index]!));
  if (body.allLines?.releaseAllRetainage) {
    // Release what each bucket holds once this period's work is counted: figures with no
    // release this period give that amount, unless the line names its own release.
    const held = compute(
      entriesFor(lineChanges.map((change) => ({ ...change, workRetainageReleasedCents: null, materialsRetainageReleasedCents: null }))).map((p) => p.entry),
    );
    lineChanges.forEach((change, index) => {
      const line = held.lines[index]!;
      change.workRetainageReleasedCents ??= line.workRetainage.currentlyRetainedCents;
      change.materialsRetainageReleasedCents ??= line.materialsRetainage.currentlyRetainedCents;
    });
  }
  const patched = entriesFor(lineChanges);
  const changes: EntryChange[] = patched.flatMap((p, index) => p.changes.map((c) => ({ lineId: sovLines[index]!.lineId, ...c })));
  return { entries: patched.map((p) => p.entry), changes };
}
