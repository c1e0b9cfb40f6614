/**
 * The API's views of a stored owner invoice (its answers; the schemas they follow are in
 * owner-invoices.docs.ts, which no handler bundles): the subcontractor invoice's lines, totals and summary.
 */
import type { StoredPrefill } from '../domain/owner-prefill';
import type { OwnerInvoiceItem } from '../db/entities/owner-invoice';
import type { OwnerInvoiceResponse } from './owner-invoices.docs';
import { summaryView, toLine, totalsView } from './invoice-views';

type PromptPaymentView = OwnerInvoiceResponse['promptPayment'];

function header(item: OwnerInvoiceItem, promptPayment: PromptPaymentView = null) {
  return {
    projectId: item.projectId,
    ownerInvoiceId: item.ownerInvoiceId,
    headContractId: item.headContractId,
    billingPeriodId: item.billingPeriodId,
    number: item.number,
    position: item.position,
    kind: item.kind,
    status: item.status,
    paymentStatus: item.paymentStatus,
    paidCents: item.paidCents,
    totals: totalsView(item.figures),
    summary: summaryView(item.figures),
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    submittedAt: item.submittedAt ?? null,
    updatedAt: item.updatedAt,
    version: item.version,
    promptPayment,
  };
}

/** The API's view of a stored owner invoice: the subcontractor invoice's lines, totals and summary. */
export function toOwnerInvoiceResponse(item: OwnerInvoiceItem, promptPayment: PromptPaymentView = null): OwnerInvoiceResponse {
  const entries = new Map(item.entries.map((e) => [e.lineId, e]));
  const sovLines = new Map(item.sovLines.map((line) => [line.lineId, line]));
  return {
    ...header(item, promptPayment),
    retainage: { ...item.contract.retainage },
    lines: item.figures.lines.map((line) =>
      toLine(sovLines.get(line.lineId) ?? { lineId: line.lineId, description: '', scheduledValueCents: line.scheduledValueCents }, line, entries.get(line.lineId), undefined),
    ),
    prefill: item.prefill ? prefillView(item.prefill) : null,
  };
}

const sourceView = <T extends { commitmentNumber?: string; costCode?: string }>(source: T) => ({ ...source, commitmentNumber: source.commitmentNumber ?? null, costCode: source.costCode ?? null });

function prefillView(prefill: StoredPrefill): NonNullable<OwnerInvoiceResponse['prefill']> {
  return {
    by: prefill.by,
    at: prefill.at,
    lines: prefill.lines.map((line) => ({ ...line, costCode: line.costCode ?? null, sources: line.sources.map(sourceView) })),
    unmapped: prefill.unmapped.map(sourceView),
    includedInvoices: prefill.includedInvoices,
    changeOrders: prefill.changeOrders,
  };
}

export const toOwnerInvoiceListItem = (item: OwnerInvoiceItem, promptPayment: PromptPaymentView = null) => header(item, promptPayment);
