import { randomUUID } from 'node:crypto';
import { entitiesOf } from './service';
import type { PreviousInvoice } from '../domain/invoice-figures';
export type { StoredSovLine, StoredSubLine } from '../domain/invoice-figures';
import type { WriteEntities } from './transaction';
export type { InvoiceEventChanges, InvoiceEventItem, InvoiceItem } from './entities/invoice';
import { Invoice, InvoiceEvent, InvoiceNumber, type InvoiceEventItem, type InvoiceItem } from './entities/invoice';

const invoiceEntities = /* @__PURE__ */ entitiesOf({ Invoice, InvoiceNumber, InvoiceEvent });

// ---------------------------------------------------------------------------------------------
// Reads

/** One invoice of a project, or undefined. `consistent`: read what a write just did. */
export async function loadInvoice(
  projectId: string,
  invoiceId: string,
  options: { consistent?: boolean } = {},
): Promise<InvoiceItem | undefined> {
  const { data } = await invoiceEntities().Invoice.get({ projectId, invoiceId }).go({ consistent: options.consistent ?? false });
  return data ?? undefined;
}

/**
 * The commitment's latest invoices, latest first (one Query of the byCommitment index). The
 * index is eventually consistent: writes that depend on it are conditioned (see createInvoice).
 */
export async function loadLatestInvoices(projectId: string, commitmentId: string, limit = 1): Promise<InvoiceItem[]> {
  const { data } = await invoiceEntities().Invoice.query.byCommitment({ projectId, commitmentId }).go({ order: 'desc', limit });
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
  const { data } = await invoiceEntities()
    .InvoiceNumber.get({ projectId: item.projectId, commitmentId: item.commitmentId, normalizedNumber: positionKey(item.position + 1) })
    .go({ consistent: true });
  return !data;
}

/** A transaction condition: `item` is still the latest invoice of its commitment. */
export function successorCheck(entities: Pick<WriteEntities, 'InvoiceNumber'>, item: Pick<InvoiceItem, 'projectId' | 'commitmentId' | 'position'>) {
  return entities.InvoiceNumber.check({ projectId: item.projectId, commitmentId: item.commitmentId, normalizedNumber: positionKey(item.position + 1) })
    .where((attr, op) => op.notExists(attr.invoiceId))
    .commit();
}

/** The previous figures the next invoice of the commitment builds on. */
export function previousFrom(item: Pick<InvoiceItem, 'figures'>): PreviousInvoice {
  return { lines: item.figures.lines, summary: item.figures.summary };
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
export function invoiceEventWrite(entities: Pick<WriteEntities, 'InvoiceEvent'>, event: InvoiceEventInput) {
  return entities.InvoiceEvent.create(invoiceEventItem(event)).commit();
}

/** Appends an event on its own (when nothing else is written with it). */
export async function appendInvoiceEvent(event: InvoiceEventInput): Promise<InvoiceEventItem> {
  const item = invoiceEventItem(event);
  await invoiceEntities().InvoiceEvent.create(item).go();
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
