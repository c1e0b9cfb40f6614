import type { RouteDefinition } from '../wiring/route-definition';

export const invoiceWorkflowRoutes = [] as const satisfies readonly RouteDefinition[];
