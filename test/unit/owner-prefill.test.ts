import { describe, expect, it } from 'vitest';
import { heldInvoiceChanges, prefilledEntries, prefillFromCosts, type CostInvoice } from '../../shared/domain/owner-prefill';

const owner = [
  { lineId: 'A', costCode: '16-100' },
  { lineId: 'B', costCode: '16-200' },
  { lineId: 'U', costCode: '05-120', quantity: '10', unitPrice: '5' },
];
const invoice = (invoiceId: string, status: CostInvoice['status'], lines: Array<[string | undefined, number, number]>): CostInvoice => ({
  invoiceId,
  number: '1',
  commitmentId: `c-${invoiceId}`,
  status,
  sovLines: lines.map(([costCode], index) => ({ lineId: `${invoiceId}${index}`, description: 'x', ...(costCode !== undefined && { costCode }) })),
  figures: { lines: lines.map(([, work, materials], index) => ({ lineId: `${invoiceId}${index}`, workThisPeriodCents: work, materialsStoredCents: materials })) },
});

describe('prefillFromCosts', () => {
  it('sums by cost code (trimmed, case-blind), skips unsettled invoices and empty lines, reports what maps nowhere', () => {
    const result = prefillFromCosts(owner, [
      invoice('i1', 'approved', [[' 16-100', 101, 7], ['16-200', 0, 0], [undefined, 5, 0]]),
      invoice('i2', 'under_review', [['16-100', 1_000, 0]]),
      invoice('i3', 'pending_owner_approval', [['16-100', -1, 0], ['99-999', 3, 0], ['05-120', 4, 0]]),
    ]);
    expect(result.lines.map((l) => [l.lineId, l.workThisPeriodCents, l.materialsStoredCents, l.sources.length])).toEqual([
      ['A', 100, 7, 2],
      ['B', 0, 0, 0],
      ['U', 0, 0, 0],
    ]);
    expect(result.unmapped.map((u) => u.reason)).toEqual(['no_cost_code', 'cost_code_not_on_owner_sov', 'owner_line_is_unit_based']);
    expect(result.includedInvoices.map((i) => i.invoiceId)).toEqual(['i1', 'i3']);
  });

  it('entries: E and F replaced on amount lines (a % complete dropped, retainage kept), unit lines untouched', () => {
    const entries = prefilledEntries(
      [{ lineId: 'A', percentComplete: '50', workRetainagePercent: '5' }, { lineId: 'U', quantityThisPeriod: '2' }],
      owner,
      { lines: [{ lineId: 'A', workThisPeriodCents: 100, materialsStoredCents: 7, sources: [] }] },
    );
    expect(entries).toEqual([
      { lineId: 'A', workRetainagePercent: '5', workThisPeriodCents: 100, materialsStoredCents: 7 },
      { lineId: 'B', workThisPeriodCents: 0, materialsStoredCents: 0 },
      { lineId: 'U', quantityThisPeriod: '2' },
    ]);
  });
});

describe('heldInvoiceChanges', () => {
  const included = [
    { invoiceId: 'a', number: '1', commitmentId: 'c', status: 'approved' as const },
    { invoiceId: 'n', number: '1', commitmentId: 'c', status: 'approved_as_noted' as const },
    { invoiceId: 'p', number: '1', commitmentId: 'c', status: 'pending_owner_approval' as const },
  ];
  it('holds those still as included when sent, returns those held when answered, leaves the rest alone', () => {
    const asIncluded = new Map([['a', 'approved'], ['n', 'revise_and_resubmit'], ['p', 'pending_owner_approval']] as const);
    expect(heldInvoiceChanges('under_review', included, asIncluded)).toEqual([{ invoiceId: 'a', from: 'approved', to: 'pending_owner_approval' }]);
    const held = new Map([['a', 'pending_owner_approval'], ['n', 'pending_owner_approval'], ['p', 'pending_owner_approval']] as const);
    expect(heldInvoiceChanges('approved', included, held)).toEqual([
      { invoiceId: 'a', from: 'pending_owner_approval', to: 'approved' },
      { invoiceId: 'n', from: 'pending_owner_approval', to: 'approved_as_noted' },
    ]);
    expect(heldInvoiceChanges('draft', included, held)).toEqual([]);
  });
});
