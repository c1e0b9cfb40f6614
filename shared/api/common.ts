import * as z from '../zod';
import { wholeCentsMessage } from '../domain/money-messages';

/** A project's routes' path: here, not in projects.ts, so other areas' routes take it without the project schemas. */
export const projectPath = z.object({ projectId: z.string().check(z.minLength(1), z.maxLength(100)) });

/**
 * Paths and a field other areas' routes share with the commitment and invoice routes: here, not in
 * commitments.ts or the invoice route modules, so that taking them does not bundle those schemas (nor head-contracts.ts's or the
 * owner-invoice route modules').
 */
export const commitmentPath = z.object({ projectId: z.string().check(z.minLength(1)), commitmentId: z.string().check(z.minLength(1)) });
export const invoicePath = z.object({
  projectId: z.string().check(z.minLength(1), z.maxLength(100)),
  invoiceId: z.string().check(z.minLength(1), z.maxLength(100)),
});
export const headContractPath = z.object({ projectId: z.string().check(z.minLength(1)), headContractId: z.string().check(z.minLength(1)) });
export const ownerInvoicePath = z.object({
  projectId: z.string().check(z.minLength(1), z.maxLength(100)),
  ownerInvoiceId: z.string().check(z.minLength(1), z.maxLength(100)),
});

/** A percentage as an exact decimal string between 0 and 100, at most 4 decimals ("10", "7.5"). */
export const percentString = z.withMeta(
  z.string().check(z.regex(/^(?:100(?:\.0{1,4})?|\d{1,2}(?:\.\d{1,4})?)$/, 'A percentage between 0 and 100 as a decimal string, e.g. "10" or "7.5"')),
  { example: '10' },
);

/** Retainage on completed work and on stored materials, each with its own switch. */
export const retainageSettings = z.withMeta(
  z.strictObject({
    workPercent: percentString,
    workEnabled: z.boolean(),
    materialsPercent: percentString,
    materialsEnabled: z.boolean(),
  }),
  { id: 'RetainageSettings' },
);

/** RFC 9457 problem details, as every error of the API answers. */
export const problemSchema = z.withMeta(
  z.object({
    type: z.withMeta(z.string(), { example: 'https://progress-claims.dev/problems/validation' }),
    title: z.string(),
    status: z.number().check(z.int()),
    detail: z.string(),
    instance: z.optional(z.string()),
    errors: z.optional(
      z.array(
        z.object({
          location: z.enum(['body', 'query', 'path', 'header']),
          field: z.withMeta(z.string(), { description: 'Dotted path of the field, e.g. `lines.0.amount`' }),
          message: z.string(),
        }),
      ),
    ),
  }),
  { id: 'Problem', description: 'RFC 9457 problem details' },
);
export type Problem = z.infer<typeof problemSchema>;

/** A person an answer names: their id and display name now (null when the user no longer exists). */
export const personRef = z.withMeta(z.object({ userId: z.string(), name: z.nullable(z.string()) }), { id: 'PersonRef' });
export type PersonRef = z.infer<typeof personRef>;
/** People by id, named from a map of display names (shared/db/people.ts `loadUserNames`). */
export const peopleNamed = (userIds: readonly string[], names: ReadonlyMap<string, string>): PersonRef[] =>
  userIds.map((userId) => ({ userId, name: names.get(userId) ?? null }));

/**
 * `sort`: only the orders an index gives, ascending or descending with a leading `-` (a list is
 * never sorted in memory, so a page costs the same whatever the project's size); any other is a
 * 400 naming `sort`.
 */
export const sortQuery = <const K extends string>(keys: readonly [K, ...K[]], description: string) => {
  const orders = [...keys, ...keys.map((key) => `-${key}` as const)] as [K | `-${K}`, ...Array<K | `-${K}`>];
  return z.withMeta(z.enum(orders, { error: `must be one of ${orders.join(', ')}: the orders an index gives (a leading - for descending)` }), { description });
};
/** ElectroDB's `order` for a `sort` value. */
export const orderOf = (sort: string | undefined): 'asc' | 'desc' => (sort?.startsWith('-') ? 'desc' : 'asc');

/** An amount in integer cents as input: a refusal says whole cents, with an example ("50025 for $500.25"). */
export const centsInput = () => z.number({ error: wholeCentsMessage }).check(z.int({ error: wholeCentsMessage }));

/**
 * `allowedActions`: what the caller may do with the record now, decided by the same rules the
 * routes enforce (shared/domain/allowed-actions.ts), so a frontend shows only the buttons that work.
 */
export const allowedActionsField = <const A extends readonly [string, ...string[]]>(actions: A, id: string) =>
  z.withMeta(z.array(z.withMeta(z.enum(actions), { id })), {
    description:
      'The actions the caller may take on this record now (their permissions, the record’s state, the billing period’s due date). ' +
      'An action absent here is refused (403, 404 or 409) by its route.',
    example: [actions[0]],
  });

/**
 * A query parameter taking several values of `values`: a comma list (`?status=draft,submitted`);
 * a repeated parameter (`?status=draft&status=submitted`) arrives as the same list, since API
 * Gateway joins repeated values with commas. Parsed into the distinct values, in order.
 */
export function commaListOf<const T extends readonly [string, ...string[]]>(values: T, description: string) {
  const one = values.map((value) => value.replace(/[^a-z0-9_]/gi, '')).join('|');
  return z.withMeta(
    z.pipe(
      z.string().check(z.trim(), z.regex(new RegExp(`^(${one})(,(${one}))*$`), { message: `One or more of ${values.join(', ')}, separated by commas` })),
      z.transform((list) => [...new Set(list.split(','))] as Array<T[number]>),
    ),
    {
      description: `${description}: one or more of ${values.map((v) => `\`${v}\``).join(', ')}, comma-separated (or the parameter repeated)`,
      example: values.slice(0, 2).join(','),
    },
  );
}

/** A query parameter naming an instant (ISO 8601, any offset), normalized to UTC as stored `updatedAt` values are, so they compare as strings. */
export const updatedSinceQuery = (what: string) =>
  z.withMeta(
    z.pipe(
      z.iso.datetime({ offset: true }),
      z.transform((value) => new Date(value).toISOString()),
    ),
    { description: `Only ${what} changed at or after this instant (ISO 8601)`, example: '2027-03-01T00:00:00Z' },
  );
