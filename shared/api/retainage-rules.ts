import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { commitmentPath, percentString } from './common';
import { cents, jurisdiction } from './au-fields';
import { auJurisdictions } from '../domain/au-jurisdictions';
import { maxSlidingScaleRules } from '../domain/sliding-scale';

// ---- Sliding-scale retention rules (DOMAIN.md "Sliding-scale retention") ----

export const slidingScaleRule = z.withMeta(
  z.strictObject({
    retainagePercent: z.withMeta(percentString, { description: 'Retention withheld from each claim while the rule applies' }),
    until: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('original_contract_percent'), percent: percentString }),
      z.strictObject({ kind: z.literal('revised_contract_percent'), percent: percentString }),
      z.strictObject({ kind: z.literal('amount'), cents: cents.check(z.positive()) }),
    ]),
  }),
  { id: 'SlidingScaleRule', example: { retainagePercent: '10', until: { kind: 'original_contract_percent', percent: '5' } } },
);

export const putRetainageRulesBody = z.withMeta(
  z.strictObject({
    rules: z.withMeta(z.array(slidingScaleRule).check(z.maxLength(maxSlidingScaleRules)), {
      description: `Applied in order to new invoices, never to existing ones; at most ${maxSlidingScaleRules}; [] removes the sliding scale`,
    }),
    jurisdiction: z.optional(jurisdiction),
  }),
  { id: 'PutRetainageRules' },
);
export type PutRetainageRulesBody = z.infer<typeof putRetainageRulesBody>;

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

const rulesPath = '/v1/projects/{projectId}/commitments/{commitmentId}/retainage-rules';

export const retainageRuleRoutes = [
  {
    operationId: 'getRetainageRules',
    method: 'GET',
    path: rulesPath,
    function: 'retainageRules',
    auth: 'jwt',
    action: 'commitments.view',
    summary: 'A commitment’s sliding-scale retention rules',
    tags: ['retainage'],
    request: { path: commitmentPath },
    response: { status: 200, description: 'The rules (empty when the commitment has none)', schema: retainageRulesResponse },
  },
  {
    operationId: 'putRetainageRules',
    method: 'PUT',
    path: rulesPath,
    function: 'retainageRules',
    auth: 'jwt',
    action: 'retainage.configure_sliding_scale',
    summary: 'Set a commitment’s sliding-scale retention rules (applied to invoices created from now on; QLD caps checked)',
    tags: ['retainage'],
    request: { path: commitmentPath, body: putRetainageRulesBody },
    response: { status: 200, description: 'The rules as stored', schema: retainageRulesResponse },
  },
] as const satisfies readonly RouteDefinition[];
