/** The retainage rules routes' documentation (summaries, tags, what they answer, with the answers' schemas): read by the OpenAPI document only, so no handler bundles it. */
import * as z from '../zod';
import { cents } from './au-fields';
import { auJurisdictions } from '../domain/au-jurisdictions';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { retainageRuleRoutes } from './retainage-rules';
import { slidingScaleRule } from './retainage-rules';

export const retainageRulesResponse = z.withMeta(
  z.object({
    projectId: z.string(),
    commitmentId: z.string(),
    rules: z.array(z.extend(slidingScaleRule, { limitCents: cents, description: z.string() })),
    jurisdiction: z.nullable(z.enum(auJurisdictions)),
    updatedBy: z.nullable(z.string()),
    updatedAt: z.nullable(z.iso.datetime()),
  }),
  { id: 'RetainageRules', description: 'A commitment’s sliding-scale retention rules, each with its limit in cents for the contract as it stands' },
);
export type RetainageRulesResponse = z.infer<typeof retainageRulesResponse>;

export const retainageRuleDocs = {
  getRetainageRules: {
    summary: 'A commitment’s sliding-scale retention rules',
    tags: ['retainage'],
    response: { description: 'The rules (empty when the commitment has none)', schema: retainageRulesResponse },
  },
  putRetainageRules: {
    summary: 'Set a commitment’s sliding-scale retention rules (applied to invoices created from now on; QLD caps checked)',
    tags: ['retainage'],
    response: { description: 'The rules as stored', schema: retainageRulesResponse },
  },
} satisfies Record<OperationIdOf<typeof retainageRuleRoutes>, RouteDocs>;
