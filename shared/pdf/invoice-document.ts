import type { EntityItem } from 'electrodb';
import type { BillingPeriod } from '../db/entities/billing-period';
import type { Commitment } from '../db/entities/commitment';
import type { Invoice } from '../db/entities/invoice';
import type { Project } from '../db/entities/project';
import { localDate } from '../domain/billing-periods';
import { changeOrderSummary, type SummarizedChangeOrder } from '../domain/change-order-summary';
import { currencyOf } from '../domain/project-settings';
import type { StoredSovLine } from '../db/invoices';
import type { InvoiceContract, InvoiceFigures } from '../domain/invoice-figures';
import type { CommitmentType, InvoiceDocument, InvoicePdfLine } from './invoice-pdf';

export interface InvoiceDocumentSource {
  invoice: Pick<EntityItem<typeof Invoice>, 'number' | 'position' | 'status' | 'createdAt' | 'submittedAt' | 'figures' | 'sovLines' | 'contract'>;
  project: Pick<EntityItem<typeof Project>, 'name' | 'number' | 'region' | 'timeZone' | 'contract' | 'currency'>;
  /** The contract billed: a commitment, or for an owner invoice its head contract with the general contractor as vendor. */
  commitment: Pick<EntityItem<typeof Commitment>, 'number' | 'title' | 'vendorName' | 'contractDate'> & { type: CommitmentType };
  period: Pick<EntityItem<typeof BillingPeriod>, 'startDate' | 'endDate' | 'dueDate'>;
  /** The commitment's change orders (any status): the G702 summary splits those behind line 2 by month. */
  changeOrders: readonly SummarizedChangeOrder[];
  printedAt: Date;
}

/**
 * The PDF view model of a stored invoice: the figures exactly as stored (never recomputed), the
 * lines named as they were billed, dates in the project's time zone. The invoice date is the
 * day it was submitted, or created while it is still a draft.
 */
export function invoiceDocument({ invoice, project, commitment, period, changeOrders, printedAt }: InvoiceDocumentSource): InvoiceDocument {
  const figures = invoice.figures as InvoiceFigures;
  // The lines and rates as billed (kept on the invoice), not the SOV or commitment as they are now.
  const billed = new Map((invoice.sovLines as StoredSovLine[]).map((line) => [line.lineId, line]));
  const { retainage } = invoice.contract as InvoiceContract;

  const lines = figures.lines.map((line, index): InvoicePdfLine => {
    const sov = billed.get(line.lineId);
    return {
      lineId: line.lineId,
      itemNumber: String(index + 1),
      ...(sov?.costCode ? { costCode: sov.costCode } : {}),
      description: sov?.description ?? line.lineId,
      scheduledValueCents: line.scheduledValueCents,
      fromPreviousCents: line.previousWorkCents,
      thisPeriodCents: line.workThisPeriodCents,
      materialsStoredCents: line.materialsStoredCents,
      totalCompletedCents: line.completedAndStoredCents,
      percent: line.percentComplete,
      balanceCents: line.balanceToFinishCents,
      retainageCents: line.retainageCents,
      ...(line.kind === 'unit' && line.quantity !== undefined && line.unitPrice !== undefined
        ? {
            units: {
              quantity: line.quantity,
              ...(sov?.unitOfMeasure ? { unitOfMeasure: sov.unitOfMeasure } : {}),
              unitPrice: line.unitPrice,
              quantityThisPeriod: line.quantityThisPeriod ?? '0',
              quantityToDate: line.quantityToDate ?? '0',
            },
          }
        : {}),
    };
  });
  const { totals, summary } = figures;
  const changeOrderBreakdown = changeOrderSummary({
    changeOrders,
    invoiceCreatedAt: invoice.createdAt,
    periodStart: period.startDate,
    timeZone: project.timeZone,
    netChangeCents: summary.netChangeByChangeOrdersCents,
  });

  return {
    region: project.region,
    timeZone: project.timeZone,
    project: { name: project.name, number: project.number },
    commitment: { number: commitment.number, title: commitment.title, type: commitment.type, vendorName: commitment.vendorName },
    // The project's owner and architect; the commitment's own contract date, else the project's.
    contract: definedOnly({ date: commitment.contractDate ?? project.contract?.date, owner: project.contract?.ownerName, architect: project.contract?.architectName }),
    currency: currencyOf(project),
    ...(changeOrderBreakdown && { changeOrders: changeOrderBreakdown }),
    invoice: {
      number: invoice.number,
      position: invoice.position,
      status: invoice.status,
      invoiceDate: localDate(new Date(invoice.submittedAt ?? invoice.createdAt), project.timeZone),
      billingPeriod: { start: period.startDate, end: period.endDate, due: period.dueDate },
    },
    retainagePercent: {
      work: retainage.workEnabled ? retainage.workPercent : '0',
      materials: retainage.materialsEnabled ? retainage.materialsPercent : '0',
    },
    lines,
    totals: {
      scheduledValueCents: totals.scheduledValueCents,
      fromPreviousCents: totals.previousWorkCents,
      thisPeriodCents: totals.workThisPeriodCents,
      materialsStoredCents: totals.materialsStoredCents,
      totalCompletedCents: totals.completedAndStoredCents,
      percent: totals.percentComplete,
      balanceCents: totals.balanceToFinishCents,
      retainageCents: totals.retainageCents,
    },
    summary: {
      originalContractSumCents: summary.originalContractSumCents,
      netChangeOrdersCents: summary.netChangeByChangeOrdersCents,
      contractSumToDateCents: summary.contractSumToDateCents,
      totalCompletedAndStoredCents: summary.totalCompletedAndStoredCents,
      retainageWorkCents: summary.workRetainageCents,
      retainageMaterialsCents: summary.materialsRetainageCents,
      retainageTotalCents: summary.totalRetainageCents,
      totalEarnedLessRetainageCents: summary.totalEarnedLessRetainageCents,
      previousCertificatesCents: summary.previousCertificatesCents,
      currentPaymentDueCents: summary.currentPaymentDueCents,
      balanceToFinishCents: summary.balanceToFinishIncludingRetainageCents,
    },
    printedAt,
  };
}

/** The object without its undefined fields (the document's optional fields are absent, not undefined). */
function definedOnly<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
