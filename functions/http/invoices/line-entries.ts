/**
 * How a PATCH of an invoice's lines becomes its new entries: which lines the body names (by the
 * invoice's line order), what each line's change is, and how a change applies to a stored entry.
 */
import { problems, type FieldError } from '../../../shared/http/problem';
import { InputError } from '../../../shared/domain/errors';
import { computeInvoice, type InvoiceFigures, type LineEntry } from '../../../shared/domain/invoice-figures';
import { previousFrom, type InvoiceItem } from '../../../shared/db/invoices';
import type { HttpInput } from '../../../shared/http/handler';
import { entryFieldNames, inputNameOf, storedEntryFields, storedFieldOf, type StoredEntryField } from '../../../shared/api/invoice-entry-names';
import type { LineEntryPatch } from '../../../shared/api/invoice-requests';

type UpdateInvoiceRequest = HttpInput<'updateInvoice'>['body'];
/** What of an invoice its line entry reads: a subcontractor invoice, or an owner invoice (stored alike). */
type EnteredInvoice = Pick<InvoiceItem, 'sovLines' | 'entries' | 'kind' | 'contract'>;

export const retainageFields: readonly StoredEntryField[] = [
  'workRetainagePercent',
  'workRetainageCents',
  'materialsRetainagePercent',
  'materialsRetainageCents',
  'workRetainageReleasedCents',
  'materialsRetainageReleasedCents',
  'releaseAllRetainage',
];
const releaseFields: readonly StoredEntryField[] = ['workRetainageReleasedCents', 'materialsRetainageReleasedCents', 'releaseAllRetainage'];
/** Ways to enter the same figure: giving one clears the others. */
const alternativeGroups: ReadonlyArray<readonly StoredEntryField[]> = [
  ['workThisPeriodCents', 'workCompletedToDateCents', 'percentComplete'],
  ['workRetainagePercent', 'workRetainageCents'],
  ['materialsRetainagePercent', 'materialsRetainageCents'],
  ['releaseAllRetainage', 'workRetainageReleasedCents'],
  ['releaseAllRetainage', 'materialsRetainageReleasedCents'],
];
const alternativesOf = (field: StoredEntryField) => alternativeGroups.filter((group) => group.includes(field)).flat().filter((other) => other !== field);

/** A line's change in the body: each field under its stored name, whichever name (current or old) the client used. */
export type StoredChange = { lineId: string } & { [F in StoredEntryField]?: LineEntry[F] | null };

/** The body line's change by stored names; 400 when it gives a field under both its names. */
function storedChange(line: LineEntryPatch, index: number, issues: FieldError[]): StoredChange {
  const change: Record<string, unknown> = { lineId: line.lineId };
  for (const name of entryFieldNames) {
    if (line[name] === undefined) continue;
    const stored = storedFieldOf[name];
    if (stored in change) issues.push({ location: 'body', field: `lines.${index}.${name}`, message: `${name} is another name of ${inputNameOf[stored]}: give one.` });
    change[stored] = line[name];
  }
  return change as StoredChange;
}

export type EntryChange = { lineId: string; field: StoredEntryField; from: unknown; to: unknown };
/** The position in the body's `lines` of each invoice line the body names, by the line's position on the invoice. */
export type BodyIndexes = Map<number, number>;

/**
 * An issue's `lines.N.field` in the client's numbering of its `lines` (`lines` alone when the client
 * did not send line N), and by the name the client gave the field (else its current name).
 */
function clientLineField(field: string, bodyIndex: (invoiceIndex: number) => number | undefined, body: UpdateInvoiceRequest): string {
  const match = /^lines\.(\d+)(?:\.(.*))?$/.exec(field);
  const index = match ? bodyIndex(Number(match[1])) : undefined;
  if (!match || index === undefined) return 'lines';
  const stored = match[2] as StoredEntryField | undefined;
  if (stored === undefined || !storedEntryFields.includes(stored)) return `lines.${index}${match[2] === undefined ? '' : `.${match[2]}`}`;
  const sent = entryFieldNames.find((name) => storedFieldOf[name] === stored && body.lines[index]?.[name] !== undefined);
  return `lines.${index}.${sent ?? inputNameOf[stored]}`;
}

/** Where each body line sits on the invoice; 400 naming the fields of unknown or repeated lines and of what a release invoice cannot change. */
export function bodyIndexesOf(invoice: EnteredInvoice, body: UpdateInvoiceRequest): { bodyIndexOf: BodyIndexes; changes: StoredChange[] } {
  const lineIndex = new Map(invoice.sovLines.map((line, index) => [line.lineId, index]));
  const bodyIndexOf: BodyIndexes = new Map();
  const issues: FieldError[] = [];
  const changes: StoredChange[] = [];
  body.lines.forEach((line, index) => {
    changes.push(storedChange(line, index, issues));
    const at = lineIndex.get(line.lineId);
    if (at === undefined) issues.push({ location: 'body', field: `lines.${index}.lineId`, message: 'No such line on this invoice.' });
    else if (bodyIndexOf.has(at)) issues.push({ location: 'body', field: `lines.${index}.lineId`, message: 'The line is listed twice.' });
    else bodyIndexOf.set(at, index);
    if (invoice.kind === 'retainage_release') {
      for (const field of entryFieldNames) {
        if (line[field] !== undefined && !releaseFields.includes(storedFieldOf[field])) {
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
  return { bodyIndexOf, changes };
}

/** The invoice's figures for some entries; the figures' input issues name lines in the client's numbering. */
export function figuresFor(invoice: EnteredInvoice, previous: Pick<InvoiceItem, 'figures'> | undefined, overbillingAllowed: boolean, bodyIndexOf: BodyIndexes, body: UpdateInvoiceRequest) {
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
      throw error instanceof InputError ? error.renamed((field) => clientLineField(field, (i) => bodyIndexOf.get(i), body)) : error;
    }
  };
}

/** Applies a line's change to its entry: given fields replace, null clears, another way to enter the same figure is cleared. */
function patchEntry(entry: LineEntry, change: StoredChange): { entry: LineEntry; changes: Array<{ field: StoredEntryField; from: unknown; to: unknown }> } {
  const next: Record<string, unknown> = { ...entry };
  for (const field of storedEntryFields) {
    const value = change[field];
    if (value === undefined) continue;
    if (value !== null) for (const other of alternativesOf(field)) delete next[other];
    if (value === null) delete next[field];
    else next[field] = value;
  }
  const changes = storedEntryFields
    .filter((field) => next[field] !== entry[field])
    .map((field) => ({ field, from: entry[field] ?? null, to: next[field] ?? null }));
  return { entry: next as unknown as LineEntry, changes };
}

/** The invoice's entries after the body's changes, with each field changed (for the history). */
export function editedEntries(invoice: EnteredInvoice, body: UpdateInvoiceRequest, bodyIndexOf: BodyIndexes, bodyChanges: readonly StoredChange[]) {
  const sovLines = invoice.sovLines;
  // Each line's change: what `allLines` sets for every line, then the line's own fields over it.
  // "Release all" is kept on each line as an intent (invoice-figures.ts recomputes it), unless the
  // line names its own release.
  const current = new Map(invoice.entries.map((e) => [e.lineId, e]));
  const { releaseAllRetainage, ...percentages } = body.allLines ?? {};
  const patched = sovLines.map((line, index) => {
    const bodyIndex = bodyIndexOf.get(index);
    const own = bodyIndex === undefined ? { lineId: line.lineId } : bodyChanges[bodyIndex]!;
    const releasesOwn = releaseFields.some((field) => own[field] !== undefined);
    const change: StoredChange = { ...percentages, ...(releaseAllRetainage && !releasesOwn ? { releaseAllRetainage } : {}), ...own };
    return patchEntry(current.get(line.lineId) ?? { lineId: line.lineId }, change);
  });
  const changes: EntryChange[] = patched.flatMap((p, index) => p.changes.map((c) => ({ lineId: sovLines[index]!.lineId, ...c })));
  return { entries: patched.map((p) => p.entry), changes };
}
