import { randomUUID } from 'node:crypto';
import type { EntityItem } from 'electrodb';
import type { Invoice, InvoiceEvent } from './entities/invoice';
import type { CommitmentItem } from './commitments';
import { db } from './service';
import type {
  InvoiceContract,
  InvoiceFigures,
  InvoiceLineFigures,
  InvoiceSovLine,
  LineEntry,
  PreviousInvoice,
} from '../domain/invoice-figures';
import type { InvoiceLineResponse, InvoiceListItemResponse, InvoiceResponse } from '../api/invoices';
import type { WriteEntities } from './transaction';

export type InvoiceItem = EntityItem<typeof Invoice>;
export type InvoiceEventItem = EntityItem<typeof InvoiceEvent>;


/** An SSOV sub-line shown under its SOV line, for reference. */
export interface StoredSubLine {
  subLineId: string;
  description: string;
  amountCents: number;
}

/** An SOV line as an invoice keeps it (`Invoice.sovLines`): what its figures were computed from. */
export type StoredSovLine = InvoiceSovLine & {
  description: string;
  costCode?: string;
  changeOrderId?: string;
  subLines?: StoredSubLine[];
};

/** A line review as the workflow stores it in `Invoice.lineReviews` (by line id). */
export interface StoredLineReview {
  approved: boolean;
  reason?: string;
  by: string;
  at: string;
}

/** The typed view of the `any` attributes of an invoice item. */
export const invoiceEntries = (item: InvoiceItem): LineEntry[] => item.entries as LineEntry[];
export const invoiceFigures = (item: InvoiceItem): InvoiceFigures => item.figures as InvoiceFigures;
export const invoiceSovLines = (item: InvoiceItem): StoredSovLine[] => item.sovLines as StoredSovLine[];
export const invoiceContract = (item: InvoiceItem): InvoiceContract => item.contract as InvoiceContract;
export const invoiceLineReviews = (item: InvoiceItem): Record<string, StoredLineReview> =>
  (item.lineReviews ?? {}) as Record<string, StoredLineReview>;

// ---------------------------------------------------------------------------------------------
// Reads

/** One invoice of a project, or undefined. `consistent`: read what a write just did. */
export async function loadInvoice(
  projectId: string,
  invoiceId: string,
  options: { consistent?: boolean } = {},
): Promise<InvoiceItem | undefined> {
  const { data } = await db().Invoice.get({ projectId, invoiceId }).go({ consistent: options.consistent ?? false });
  return data ?? undefined;
}

/**
 * The commitment's latest invoices, latest first (one Query of the byCommitment index). The
 * index is eventually consistent: writes that depend on it are conditioned (see createInvoice).
 */
export async function loadLatestInvoices(projectId: string, commitmentId: string, limit = 1): Promise<InvoiceItem[]> {
  const { data } = await db().Invoice.query.byCommitment({ projectId, commitmentId }).go({ order: 'desc', limit });
  return data;
}

/** The commitment's latest invoice (highest position), or undefined when it has none. */
export async function loadLatestInvoice(projectId: string, commitmentId: string): Promise<InvoiceItem | undefined> {
  return (await loadLatestInvoices(projectId, commitmentId, 1))[0];
}

/**
 * Whether `item` is the latest invoice of its commitment (only the latest is editable or
 * deletable): no position after it is held. A consistent GetItem, not the index; writes that
 * depend on it also condition on `successorCheck`.
 */
export async function isLatestInvoice(item: Pick<InvoiceItem, 'projectId' | 'commitmentId' | 'position'>): Promise<boolean> {
  const { data } = await db()
    .InvoiceNumber.get({ projectId: item.projectId, commitmentId: item.commitmentId, normalizedNumber: positionKey(item.position + 1) })
    .go({ consistent: true });
  return !data;
}

/** A transaction condition: `item` is still the latest invoice of its commitment. */
export function successorCheck(entities: WriteEntities, item: Pick<InvoiceItem, 'projectId' | 'commitmentId' | 'position'>) {
  return entities.InvoiceNumber.check({ projectId: item.projectId, commitmentId: item.commitmentId, normalizedNumber: positionKey(item.position + 1) })
    .where((attr, op) => op.notExists(attr.invoiceId))
    .commit();
}

/** The previous figures the next invoice of the commitment builds on. */
export function previousFrom(item: InvoiceItem): PreviousInvoice {
  const figures = invoiceFigures(item);
  return { lines: figures.lines, summary: figures.summary };
}

// ---------------------------------------------------------------------------------------------
// History

export type InvoiceEventInput = Omit<InvoiceEventItem, 'eventKey' | 'at'> & { at?: string };

/** ISO instant + a random suffix: simultaneous events never collide, and the key sorts by time. */
export const newEventKey = (at: string): string => `${at}#${randomUUID().slice(0, 8)}`;

/** The event as an item (at defaults to now). */
export function invoiceEventItem(event: InvoiceEventInput): InvoiceEventItem {
  const at = event.at ?? new Date().toISOString();
  return { ...event, at, eventKey: newEventKey(at) };
}

/** Appends an event inside a `transaction.write`: `invoiceEventWrite(entities, {...})`. */
export function invoiceEventWrite(entities: WriteEntities, event: InvoiceEventInput) {
  return entities.InvoiceEvent.create(invoiceEventItem(event)).commit();
}

/** Appends an event on its own (when nothing else is written with it). */
export async function appendInvoiceEvent(event: InvoiceEventInput): Promise<InvoiceEventItem> {
  const item = invoiceEventItem(event);
  await db().InvoiceEvent.create(item).go();
  return item;
}

// ---------------------------------------------------------------------------------------------
// Numbers and positions (both held by InvoiceNumber items, created in the invoice's transaction)

/** The key a number is unique under within its commitment: "inv-1" and " INV-1" are the same. */
export const normalizeInvoiceNumber = (number: string): string => `number:${number.trim().toUpperCase()}`;

/**
 * The key that holds a position within the commitment: creating it with the invoice (condition:
 * it does not exist) makes two invoices at one position impossible, whatever the index showed.
 */
export const positionKey = (position: number): string => `position:${String(position).padStart(6, '0')}`;

/** The next number in sequence: the previous invoice's position + 1. */
export const nextInvoiceNumber = (latest: Pick<InvoiceItem, 'position'> | undefined): string => String((latest?.position ?? 0) + 1);

// ---------------------------------------------------------------------------------------------
// API views

const entryWithoutId = (entry: LineEntry | undefined): Omit<LineEntry, 'lineId'> => {
  if (!entry) return {};
  const { lineId: _lineId, ...rest } = entry;
  return rest;
};

function toLine(sov: StoredSovLine, figures: InvoiceLineFigures, entry: LineEntry | undefined, review: StoredLineReview | undefined): InvoiceLineResponse {
  return {
    lineId: sov.lineId,
    costCode: sov.costCode ?? null,
    description: sov.description,
    changeOrderId: sov.changeOrderId ?? null,
    unitOfMeasure: sov.unitOfMeasure ?? null,
    subLines: (sov.subLines ?? []).map((s) => ({ subLineId: s.subLineId, description: s.description, amountCents: s.amountCents })),
    entry: entryWithoutId(entry),
    review: review ? { approved: review.approved, reason: review.reason ?? null, by: review.by, at: review.at } : null,
    kind: figures.kind,
    scheduledValueCents: figures.scheduledValueCents,
    quantity: figures.quantity ?? null,
    unitPrice: figures.unitPrice ?? null,
    previousQuantity: figures.previousQuantity ?? null,
    quantityThisPeriod: figures.quantityThisPeriod ?? null,
    quantityToDate: figures.quantityToDate ?? null,
    previousWorkCents: figures.previousWorkCents,
    workThisPeriodCents: figures.workThisPeriodCents,
    materialsStoredCents: figures.materialsStoredCents,
    completedAndStoredCents: figures.completedAndStoredCents,
    percentComplete: figures.percentComplete,
    percentCompleteDisplay: figures.percentCompleteDisplay,
    balanceToFinishCents: figures.balanceToFinishCents,
    retainageCents: figures.retainageCents,
    workRetainage: { ...figures.workRetainage },
    materialsRetainage: { ...figures.materialsRetainage },
  };
}

function header(item: InvoiceItem) {
  const figures = invoiceFigures(item);
  return {
    projectId: item.projectId,
    invoiceId: item.invoiceId,
    commitmentId: item.commitmentId,
    billingPeriodId: item.billingPeriodId,
    number: item.number,
    position: item.position,
    kind: item.kind,
    status: item.status,
    paymentStatus: item.paymentStatus,
    paidCents: item.paidCents,
    totals: { ...figures.totals },
    summary: { ...figures.summary },
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    submittedAt: item.submittedAt ?? null,
    updatedAt: item.updatedAt,
    version: item.version,
    slidingScale: figures.slidingScale
      ? (({ rule: _rule, ...applied }) => applied)(figures.slidingScale)
      : null,
    paymentSchedule: servedSchedule(item),
  };
}

/** The served payment schedule's headline figures (functions/http/payment-schedules.ts stores it). */
function servedSchedule(item: InvoiceItem) {
  const stored = item.paymentSchedule as
    | { jurisdiction: string; claimServedOn: string; dueOn: string; servedOn: string; figures: { scheduledCents: number; differenceCents: number } }
    | undefined;
  if (!stored) return null;
  const { jurisdiction, claimServedOn, dueOn, servedOn, figures } = stored;
  return { jurisdiction, claimServedOn, dueOn, servedOn, scheduledCents: figures.scheduledCents, differenceCents: figures.differenceCents };
}

/** The API's view of a stored invoice: its lines (SOV line, entry, figures, review), totals and summary. */
export function toInvoiceResponse(item: InvoiceItem): InvoiceResponse {
  const figures = invoiceFigures(item);
  const entries = new Map(invoiceEntries(item).map((e) => [e.lineId, e]));
  const reviews = invoiceLineReviews(item);
  const sovLines = new Map(invoiceSovLines(item).map((line) => [line.lineId, line]));
  return {
    ...header(item),
    retainage: { ...invoiceContract(item).retainage },
    lines: figures.lines.map((line) =>
      toLine(sovLines.get(line.lineId) ?? { lineId: line.lineId, description: '', scheduledValueCents: line.scheduledValueCents }, line, entries.get(line.lineId), reviews[line.lineId]),
    ),
  };
}

/** An invoice in a list: without its lines, with its commitment's number, title and vendor. */
export function toInvoiceListItem(item: InvoiceItem, commitment: Pick<CommitmentItem, 'number' | 'title' | 'vendorName'>): InvoiceListItemResponse {
  return { ...header(item), commitmentNumber: commitment.number, commitmentTitle: commitment.title, vendorName: commitment.vendorName };
}
