import { z } from 'zod';

/** RFC 9457 problem details, as every error of the API answers. */
export const problemSchema = z
  .object({
    type: z.string().meta({ example: 'https://progress-claims.dev/problems/validation' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z
      .array(
        z.object({
          location: z.enum(['body', 'query', 'path', 'header']),
          field: z.string().meta({ description: 'Dotted path of the field, e.g. `lines.0.amount`' }),
          message: z.string(),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });
export type Problem = z.infer<typeof problemSchema>;

/**
 * `allowedActions`: what the caller may do with the record now, decided by the same rules the
 * routes enforce (shared/domain/allowed-actions.ts), so a frontend shows only the buttons that work.
 */
export const allowedActionsField = <const A extends readonly [string, ...string[]]>(actions: A, id: string) =>
  z
    .array(z.enum(actions).meta({ id }))
    .meta({
      description:
        'The actions the caller may take on this record now (their permissions, the record’s state, the billing period’s due date). ' +
        'An action absent here is refused (403, 404 or 409) by its route.',
      example: [actions[0]],
    });
