/**
 * The regional routes (Australian retention rules and payment schedules, Ontario's notices of
 * non-payment), each function's in a module of its own so that it bundles only its schemas.
 */
import { retainageRuleRoutes } from './retainage-rules';
import { paymentScheduleRoutes } from './payment-schedules';
import { nonPaymentNoticeRoutes } from './non-payment-notices';

export * from './retainage-rules';
export * from './payment-schedules';
export * from './non-payment-notices';

export const regionalRoutes = [...retainageRuleRoutes, ...paymentScheduleRoutes, ...nonPaymentNoticeRoutes] as const;
