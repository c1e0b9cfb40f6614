import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/internal/render-invoice-pdf';

/**
 * The renderer checks its request's shape by hand (no zod in its bundle): a request the requester
 * (shared/storage/invoice-pdf-renderer.ts) did not type is refused, naming the field, before anything is drawn or stored.
 */
const records = { project: {}, invoice: {}, commitment: {}, period: {}, changeOrders: [] };

describe('renderInvoicePdf: its request', () => {
  it('refuses an unknown kind, missing records, a bad time and a sign request without its document, naming the field', async () => {
    await expect(handler({ projectId: 'p', invoiceId: 'i', printedAt: '2026-12-05T06:00:00.000Z' })).rejects.toThrow('kind must be');
    await expect(handler(null)).rejects.toThrow('request must be an object');
    await expect(handler({ kind: 'invoice', ...records, period: undefined, printedAt: '2026-12-05T06:00:00.000Z' })).rejects.toThrow('request.period must be an object');
    await expect(handler({ kind: 'invoice', ...records, changeOrders: {}, printedAt: '2026-12-05T06:00:00.000Z' })).rejects.toThrow('request.changeOrders must be an array');
    await expect(handler({ kind: 'invoice', ...records, printedAt: '5 Dec 2026' })).rejects.toThrow('printedAt must be an ISO 8601 date-time');
    const { commitment: _commitment, ...ownerRecords } = records;
    await expect(handler({ kind: 'owner-invoice', ...ownerRecords, contract: {}, printedAt: '2026-12-05T06:00:00Z' })).rejects.toThrow('request.contractorName must be a non-empty string');
    await expect(handler({ kind: 'payment-schedule', key: '', document: {} })).rejects.toThrow('key must be a non-empty string');
    await expect(handler({ kind: 'sign-invoice', document: { kind: 'invoice', ...records, commitment: null }, companyName: 'c', request: {}, sentByName: 's', completedAt: '2026-12-05T06:00:00Z' })).rejects.toThrow(
      'document.commitment must be an object',
    );
    await expect(handler({ kind: 'sign-invoice', document: { kind: 'quote' }, companyName: 'c', request: {}, sentByName: 's', completedAt: '2026-12-05T06:00:00Z' })).rejects.toThrow('document.kind must be');
  });

  it('refuses to sign a version other than the one sent for signature, before drawing anything', async () => {
    const document = { kind: 'invoice', ...records, project: { projectId: 'p' }, invoice: { invoiceId: 'i', version: 4 } };
    await expect(handler({ kind: 'sign-invoice', document, companyName: 'c', request: { invoiceVersion: 3, sentAt: '2026-12-01T00:00:00Z', signers: [] }, sentByName: 's', completedAt: '2026-12-05T06:00:00Z' })).rejects.toThrow(
      'Invoice i is at version 4, not the 3 sent for signature',
    );
  });
});
