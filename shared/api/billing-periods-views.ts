/** The API's views of stored billing periods (what the handlers answer; its schema is in billing-periods.docs.ts, which no handler bundles). */
import type { BillingPeriodItem } from '../db/billing-periods';
import type { BillingPeriodAction } from '../domain/allowed-actions';
import type { BillingPeriodResponse } from './billing-periods.docs';

export function toBillingPeriodResponse(item: BillingPeriodItem, allowedActions: BillingPeriodAction[]): BillingPeriodResponse {
  return {
    projectId: item.projectId,
    billingPeriodId: item.billingPeriodId,
    position: item.position,
    startDate: item.startDate,
    endDate: item.endDate,
    dueDate: item.dueDate,
    status: item.status,
    source: item.source,
    invoiceCount: item.invoiceCount,
    closedAt: item.closedAt ?? null,
    version: item.version,
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    allowedActions,
  };
}
