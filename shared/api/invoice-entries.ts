/**
 * What is entered on an invoice line (all optional; invoice-figures.ts checks the combinations), by
 * input name and by the name the stored invoice uses: the invoice writes read these, and the answers
 * (invoice-answers.ts) show the entry by the current names.
 */
import * as z from '../zod';
import type { LineEntry } from '../domain/invoice-figures';
import { centsInput, percentString } from './common';

const decimal = (description: string, example: string) => z.withMeta(z.string().check(z.minLength(1), z.maxLength(32)), { description, example });
const centsEntry = (description: string) => z.withMeta(z.optional(centsInput()), { description });
const oldName = (of: string) => ({ deprecated: true, description: `The old name of ${of}, still accepted` });

export const entryFields = {
  workThisPeriodCents: centsEntry('Amount lines: work completed this period (E); may be negative to correct'),
  workCompletedToDateCents: centsEntry(
    'Amount lines, instead of workThisPeriodCents: work completed to date (D + E, stored materials apart); E = this − D, previous work subtracted for you',
  ),
  percentCompleteToDate: z.optional(
    decimal(
      'Amount lines, instead of workThisPeriodCents: % of the line’s work complete to date, an input (the output G ÷ C is completedAndStoredPercent); E = round(C × %) − D',
      '50',
    ),
  ),
  percentComplete: z.withMeta(z.optional(decimal('Old name of percentCompleteToDate', '50')), oldName('percentCompleteToDate')),
  quantityThisPeriod: z.optional(decimal('Unit lines: quantity completed this period; may be negative to correct', '12.5')),
  materialsStoredCents: centsEntry('Amount lines: materials presently stored (F)'),
  workRetainagePercent: z.withMeta(z.optional(percentString), { description: 'Work retainage % on work completed to date' }),
  workRetainedToDateCents: centsEntry('Work retainage by amount, instead of the %: retained on work completed to date, before releases'),
  workRetainageCents: z.withMeta(z.optional(centsInput()), oldName('workRetainedToDateCents')),
  materialsRetainagePercent: z.withMeta(z.optional(percentString), { description: 'Amount lines: materials retainage % on F' }),
  materialsRetainedToDateCents: centsEntry('Amount lines: materials retainage by amount, instead of the %: retained on F, before releases'),
  materialsRetainageCents: z.withMeta(z.optional(centsInput()), oldName('materialsRetainedToDateCents')),
  workReleasedThisInvoiceCents: centsEntry('Work retainage released by this invoice'),
  workRetainageReleasedCents: z.withMeta(z.optional(centsInput()), oldName('workReleasedThisInvoiceCents')),
  materialsReleasedThisInvoiceCents: centsEntry('Materials retainage released by this invoice'),
  materialsRetainageReleasedCents: z.withMeta(z.optional(centsInput()), oldName('materialsReleasedThisInvoiceCents')),
  releaseAllRetainage: z.withMeta(z.optional(z.literal(true)), {
    description: 'Release everything the line holds (both buckets): kept as an intent, recomputed whenever the line’s figures change',
  }),
};
export type EntryField = keyof typeof entryFields;
export const entryFieldNames = Object.keys(entryFields) as EntryField[];

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
export type StoredEntryField = (typeof storedFieldOf)[EntryField];
export const storedEntryFields = [...new Set(Object.values(storedFieldOf))] as StoredEntryField[];
/** The current input name of each entry field (the first name listed above). */
export const inputNameOf = Object.fromEntries(
  storedEntryFields.map((stored) => [stored, entryFieldNames.find((name) => storedFieldOf[name] === stored)!]),
) as Record<StoredEntryField, EntryField>;
