/**
 * The entry fields' input names and the names the stored invoice uses (invoice-figures.ts), without
 * their schemas (invoice-entries.ts): the views show an entry by the current names, so the functions
 * that only answer invoices bundle no request schema.
 */
import type { LineEntry } from '../domain/invoice-figures';
import type { EntryField } from './invoice-entries';

/** The entry field (as invoice-figures.ts and the stored invoice name it) each input name sets: old names stay accepted. */
export const storedFieldOf = {
  workThisPeriodCents: 'workThisPeriodCents',
  workCompletedToDateCents: 'workCompletedToDateCents',
  percentCompleteToDate: 'percentComplete',
  percentComplete: 'percentComplete',
  quantityThisPeriod: 'quantityThisPeriod',
  materialsStoredCents: 'materialsStoredCents',
  workRetainagePercent: 'workRetainagePercent',
  workRetainedToDateCents: 'workRetainageCents',
  workRetainageCents: 'workRetainageCents',
  materialsRetainagePercent: 'materialsRetainagePercent',
  materialsRetainedToDateCents: 'materialsRetainageCents',
  materialsRetainageCents: 'materialsRetainageCents',
  workReleasedThisInvoiceCents: 'workRetainageReleasedCents',
  workRetainageReleasedCents: 'workRetainageReleasedCents',
  materialsReleasedThisInvoiceCents: 'materialsRetainageReleasedCents',
  materialsRetainageReleasedCents: 'materialsRetainageReleasedCents',
  releaseAllRetainage: 'releaseAllRetainage',
} as const satisfies Record<EntryField, Exclude<keyof LineEntry, 'lineId'>>;
/** The input names, in entryFields' order (storedFieldOf lists them so). */
export const entryFieldNames = Object.keys(storedFieldOf) as EntryField[];
export type StoredEntryField = (typeof storedFieldOf)[EntryField];
export const storedEntryFields = [...new Set(Object.values(storedFieldOf))] as StoredEntryField[];
/** The current input name of each entry field (the first name listed above). */
export const inputNameOf = Object.fromEntries(
  storedEntryFields.map((stored) => [stored, entryFieldNames.find((name) => storedFieldOf[name] === stored)!]),
) as Record<StoredEntryField, EntryField>;
