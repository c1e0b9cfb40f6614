/**
 * What is entered on an invoice line (all optional; invoice-figures.ts checks the combinations): the
 * invoice writes' bodies take these; their names apart from the schemas are in invoice-entry-names.ts.
 */
import * as z from '../zod';
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
