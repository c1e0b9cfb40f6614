/** Ontario prompt payment (shared/domain/ontario-prompt-payment.ts): the proper-invoice fields an invoice write takes. */
import * as z from '../zod';
import { enteredProperInvoiceFields, type EnteredProperInvoiceField } from '../domain/ontario-prompt-payment';

/** The proper-invoice fields the contractor enters: each given replaces, null clears it. */
export const properInvoiceDetailsInput = z.withMeta(
  z.strictObject(
    Object.fromEntries(
      enteredProperInvoiceFields.map((field) => [field, z.optional(z.nullable(z.string().check(z.trim(), z.minLength(1), z.maxLength(500))))]),
    ) as Record<EnteredProperInvoiceField, z.ZodMiniOptional<z.ZodMiniNullable<z.ZodMiniString>>>,
  ),
  {
    id: 'ProperInvoiceDetails',
    description: 'Ontario (en-CA projects): the proper-invoice fields entered on the invoice (Construction Act s 6.1); the rest come from the invoice, its period and contract',
  });
export type ProperInvoiceDetailsInput = z.infer<typeof properInvoiceDetailsInput>;
