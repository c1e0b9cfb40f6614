/**
 * What invoice writes take (create, update) and their routes: apart from the reads' routes and query
 * (invoice-reads.ts); what they answer is documented in invoice-requests.docs.ts (the schemas in
 * invoice-answers.ts), which no handler bundles.
 */
import * as z from '../zod';
import { commitmentPath, invoicePath, percentString } from './common';
import type { RouteDefinition } from '../wiring/route-definition';
import { invoiceKinds } from '../domain/invoices';
import { properInvoiceDetailsInput } from './proper-invoice-input';
import { entryFields, type EntryField } from './invoice-entries';

/** A staged retainage release (DOMAIN.md): part of what is held, on subcontractor and owner release invoices alike. */
export const stagedReleaseFields = {
  releasePercent: z.withMeta(z.optional(percentString), {
    description:
      'Retainage releases: release this % of everything held (rounded once, apportioned over the lines to the cent), e.g. 50 at practical completion',
    example: '50',
  }),
  releaseAmountCents: z.withMeta(z.optional(z.number().check(z.int(), z.positive(), z.maximum(Number.MAX_SAFE_INTEGER))), {
    description: 'Retainage releases: release this amount of what is held, apportioned over the lines to the cent',
  }),
};

/** One of the two, and only on a retainage-release invoice. */
export function refineStagedRelease(
  body: { kind: string; releasePercent?: string | undefined; releaseAmountCents?: number | undefined },
  ctx: z.core.$RefinementCtx,
) {
  if (body.releasePercent !== undefined && body.releaseAmountCents !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['releaseAmountCents'], message: 'give releasePercent or releaseAmountCents, not both' });
  }
  for (const field of ['releasePercent', 'releaseAmountCents'] as const) {
    if (body[field] !== undefined && body.kind !== 'retainage_release') ctx.addIssue({ code: 'custom', path: [field], message: 'only with kind retainage_release' });
  }
}

export const createInvoiceBody = z.withMeta(
  z
    .strictObject({
      number: z.withMeta(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(50))), {
        description: 'Unique per commitment; the next in sequence when absent',
      }),
      kind: z._default(z.enum(invoiceKinds), 'progress'),
      ...stagedReleaseFields,
    })
    .check(z.superRefine(refineStagedRelease)),
  { id: 'CreateInvoice' },
);

/**
 * A line's change: the fields given replace what was entered, null clears one. Giving one of a
 * pair (workThisPeriodCents | percentComplete, a bucket's % | cents) clears the other.
 */
const lineEntryPatch = z.withMeta(
  z.strictObject({
    lineId: z.string().check(z.minLength(1), z.maxLength(100)),
    ...(Object.fromEntries(Object.entries(entryFields).map(([name, schema]) => [name, z.optional(z.nullable(schema.def.innerType))])) as {
      [K in EntryField]: z.ZodMiniOptional<z.ZodMiniNullable<(typeof entryFields)[K]['def']['innerType']>>;
    }),
  }),
  { id: 'InvoiceLineChange' },
);
export type LineEntryPatch = z.infer<typeof lineEntryPatch>;

/** "Set retainage on all lines" and "release retainage on all lines", applied before `lines`. */
export const allLinesChange = z.withMeta(
  z
    .strictObject({
      workRetainagePercent: z.withMeta(z.optional(percentString), { description: 'Work retainage % on every line' }),
      materialsRetainagePercent: z.withMeta(z.optional(percentString), { description: 'Materials retainage % on every amount line' }),
      releaseAllRetainage: z.withMeta(z.optional(z.literal(true)), { description: 'Release everything each line holds (both buckets)' }),
    })
    .check(z.refine((change) => Object.keys(change).length > 0, { message: 'Name at least one change for all lines' })),
  { id: 'InvoiceAllLinesChange' },
);
export type AllLinesChange = z.infer<typeof allLinesChange>;

export const updateInvoiceBody = z.withMeta(
  z
    .strictObject({
      lines: z.withMeta(z._default(z.array(lineEntryPatch).check(z.maxLength(2000)), []), {
        description: 'Only the lines listed change; they override `allLines`',
      }),
      allLines: z.optional(allLinesChange),
      properInvoice: z.optional(properInvoiceDetailsInput),
    })
    .check(
      z.refine((body) => body.lines.length > 0 || body.allLines !== undefined || body.properInvoice !== undefined, {
        message: 'Send `lines`, `allLines`, `properInvoice` or a combination',
        path: ['lines'],
      }),
    ),
  { id: 'UpdateInvoice' },
);

const invoices = '/v1/projects/{projectId}/invoices';
const invoice = `${invoices}/{invoiceId}`;

export const invoiceRoutes = [
  {
    operationId: 'createInvoice',
    method: 'POST',
    path: '/v1/projects/{projectId}/commitments/{commitmentId}/invoices',
    function: 'invoices',
    auth: 'jwt',
    action: ['invoices.create_as_contact', 'invoices.create_on_behalf', 'invoices.review', 'retainage.create_release_current_period'],
    request: { path: commitmentPath, body: createInvoiceBody },
    response: { status: 201 },
  },
  {
    operationId: 'updateInvoice',
    method: 'PATCH',
    path: invoice,
    function: 'invoices',
    auth: 'jwt',
    action: ['invoices.create_as_contact', 'invoices.create_on_behalf', 'invoices.review', 'retainage.set_current_period', 'retainage.set_any_period'],
    request: { path: invoicePath, body: updateInvoiceBody },
    response: { status: 200 },
  },
  {
    operationId: 'deleteInvoice',
    method: 'DELETE',
    path: invoice,
    function: 'invoices',
    auth: 'jwt',
    action: ['invoices.delete', 'invoices.review'], // review: whose review tasks end with the invoice
    request: { path: invoicePath },
    response: { status: 204 },
  },
] as const satisfies readonly RouteDefinition[];
