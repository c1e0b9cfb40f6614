import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { commitmentPath, percentString } from './common';
import { cents, jurisdiction } from './au-fields';
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

const rulesPath = '/v1/projects/{projectId}/commitments/{commitmentId}/retainage-rules';

export const retainageRuleRoutes = [
  {
    operationId: 'getRetainageRules',
    method: 'GET',
    path: rulesPath,
    function: 'retainageRules',
    auth: 'jwt',
    action: 'commitments.view',
    request: { path: commitmentPath },
    response: { status: 200 },
  },
  {
    operationId: 'putRetainageRules',
    method: 'PUT',
    path: rulesPath,
    function: 'retainageRules',
    auth: 'jwt',
    action: 'retainage.configure_sliding_scale',
    request: { path: commitmentPath, body: putRetainageRulesBody },
    response: { status: 200 },
  },
] as const satisfies readonly RouteDefinition[];
