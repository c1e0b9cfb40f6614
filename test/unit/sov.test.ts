import { ConflictError, InputError } from '../../shared/domain/errors';
import { describe, expect, it } from 'vitest';
import {
  applyChangeOrder,
  editLine,
  priceChangeOrder,
  replaceOriginalLines,
  sovTotals,
  type SovLine,
} from '../../shared/domain/sov';

const ids = () => {
  let n = 0;
  return () => `L${++n}`;
};

function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected a InputError');
}

describe('replaceOriginalLines', () => {
  it('amount lines: keeps sent ids, gives new ones, totals are the sum of lines', () => {
    const first = replaceOriginalLines(
      [],
      [
        { costCode: '01-100', description: 'Mobilisation', scheduledValueCents: 1250000 },
        { description: 'Rough-in', scheduledValueCents: 4999999 },
      ],
      'amount',
      ids(),
    );
    expect(first).toEqual([
      { lineId: 'L1', costCode: '01-100', description: 'Mobilisation', scheduledValueCents: 1250000 },
      { lineId: 'L2', description: 'Rough-in', scheduledValueCents: 4999999 },
    ]);
    const second = replaceOriginalLines(
      first,
      [{ lineId: 'L2', description: 'Rough-in (revised)', scheduledValueCents: 5000000 }, { description: 'Fit-off', scheduledValueCents: 1 }],
      'amount',
      () => 'N1',
    );
    expect(second.map((l) => l.lineId)).toEqual(['L2', 'N1']);
    expect(sovTotals(second)).toEqual({
      originalContractSumCents: 5000001,
      approvedChangeOrdersCents: 0,
      contractSumToDateCents: 5000001,
      lineCount: 2,
    });
  });

  it('unit lines: value = quantity × unit price rounded once, figures normalized', () => {
    const lines = replaceOriginalLines(
      [],
      [
        { description: 'Cable tray', quantity: '12.50', unitOfMeasure: 'm', unitPrice: '123.45' },
        { description: 'Outlets', quantity: '3', unitOfMeasure: 'ea', unitPrice: '33.33', scheduledValueCents: 9999 },
      ],
      'unit',
      ids(),
    );
    expect(lines).toEqual([
      { lineId: 'L1', description: 'Cable tray', quantity: '12.5', unitOfMeasure: 'm', unitPrice: '123.45', scheduledValueCents: 154313 },
      { lineId: 'L2', description: 'Outlets', quantity: '3', unitOfMeasure: 'ea', unitPrice: '33.33', scheduledValueCents: 9999 },
    ]);
    expect(sovTotals(lines).contractSumToDateCents).toBe(164312);
  });

  it('names each field that does not fit the accounting method', () => {
    const amount = inputError(() =>
      replaceOriginalLines([], [{ description: 'x', scheduledValueCents: 1 }, { description: 'y', quantity: '1', unitPrice: '2' }], 'amount', ids()),
    );
    expect(amount.issues.map((i) => i.field)).toEqual(['lines.1.quantity', 'lines.1.unitPrice', 'lines.1.scheduledValueCents']);

    const unit = inputError(() =>
      replaceOriginalLines(
        [],
        [
          { description: 'x', scheduledValueCents: 100 },
          { description: 'y', quantity: '1.00001', unitOfMeasure: 'm', unitPrice: '-2' },
          { description: 'z', quantity: '3', unitOfMeasure: 'm', unitPrice: '33.33', scheduledValueCents: 10000 },
        ],
        'unit',
        ids(),
      ),
    );
    expect(unit.issues.map((i) => i.field)).toEqual([
      'lines.0.quantity',
      'lines.0.unitOfMeasure',
      'lines.0.unitPrice',
      'lines.1.quantity',
      'lines.1.unitPrice',
      'lines.2.scheduledValueCents',
    ]);
    expect(unit.issues[5]!.message).toContain('9999');
  });

  it('refuses unknown, duplicate and change-order line ids', () => {
    const current: SovLine[] = [
      { lineId: 'A', description: 'a', scheduledValueCents: 100 },
      { lineId: 'C', description: 'c', scheduledValueCents: 50, changeOrderId: 'co1' },
    ];
    const error = inputError(() =>
      replaceOriginalLines(
        current,
        [
          { lineId: 'A', description: 'a', scheduledValueCents: 1 },
          { lineId: 'A', description: 'a', scheduledValueCents: 1 },
          { lineId: 'nope', description: 'n', scheduledValueCents: 1 },
          { lineId: 'C', description: 'c', scheduledValueCents: 50 },
        ],
        'amount',
        ids(),
      ),
    );
    expect(error.issues.map((i) => i.field)).toEqual(['lines.1.lineId', 'lines.2.lineId', 'lines.3.lineId']);
  });

  it('keeps lines added by change orders and the adjustments of kept lines', () => {
    const current: SovLine[] = [
      { lineId: 'A', description: 'a', scheduledValueCents: 1500, changeOrderAdjustmentCents: 500 },
      { lineId: 'B', description: 'b', scheduledValueCents: 700 },
      { lineId: 'C', description: 'c', scheduledValueCents: 250, changeOrderId: 'co1' },
    ];
    const lines = replaceOriginalLines(current, [{ lineId: 'A', description: 'a renamed', scheduledValueCents: 1500 }], 'amount', ids());
    expect(lines).toEqual([
      { lineId: 'A', description: 'a renamed', scheduledValueCents: 1500, changeOrderAdjustmentCents: 500 },
      { lineId: 'C', description: 'c', scheduledValueCents: 250, changeOrderId: 'co1' },
    ]);
    expect(sovTotals(lines)).toEqual({ originalContractSumCents: 1000, approvedChangeOrdersCents: 750, contractSumToDateCents: 1750, lineCount: 2 });
  });

  it('an adjusted line cannot be removed nor revalued (409 naming the line)', () => {
    const current: SovLine[] = [{ lineId: 'A', description: 'a', scheduledValueCents: 1500, changeOrderAdjustmentCents: 500 }];
    expect(() => replaceOriginalLines(current, [], 'amount', ids())).toThrow(ConflictError);
    expect(() => replaceOriginalLines(current, [{ lineId: 'A', description: 'a', scheduledValueCents: 1000 }], 'amount', ids())).toThrow(
      /Line A .*adjusted by an approved change order/,
    );
  });

  it('refuses a schedule too large for its one item', () => {
    const long = Array.from({ length: 1000 }, (_, i) => ({ description: `${i} ${'x'.repeat(400)}`, scheduledValueCents: 1 }));
    const error = inputError(() => replaceOriginalLines([], long, 'amount', ids()));
    expect(error.issues).toEqual([{ field: 'lines', message: expect.stringMatching(/exceed 350000 bytes/) }]);
  });

  it('refuses totals beyond exact cents as a field error', () => {
    const error = inputError(() =>
      replaceOriginalLines(
        [],
        [
          { description: 'a', scheduledValueCents: Number.MAX_SAFE_INTEGER },
          { description: 'b', scheduledValueCents: 1 },
        ],
        'amount',
        ids(),
      ),
    );
    expect(error.issues[0]!.field).toBe('lines');
  });
});

describe('editLine', () => {
  const amountLines: SovLine[] = [
    { lineId: 'A', costCode: '01', description: 'a', scheduledValueCents: 100 },
    { lineId: 'B', description: 'b', scheduledValueCents: 200, changeOrderId: 'co1' },
  ];

  it('changes only the fields sent; null removes the cost code', () => {
    expect(editLine(amountLines, 'A', { scheduledValueCents: 150, costCode: null }, 'amount')![0]).toEqual({
      lineId: 'A',
      description: 'a',
      scheduledValueCents: 150,
    });
    expect(editLine(amountLines, 'B', { description: 'b2' }, 'amount')![1]).toMatchObject({ description: 'b2', changeOrderId: 'co1' });
  });

  it('undefined for an unknown line; field errors for the wrong method; 409 on change-order values', () => {
    expect(editLine(amountLines, 'Z', { description: 'z' }, 'amount')).toBeUndefined();
    expect(inputError(() => editLine(amountLines, 'A', { quantity: '1' }, 'amount')).issues.map((i) => i.field)).toEqual(['quantity']);
    expect(() => editLine(amountLines, 'B', { scheduledValueCents: 1 }, 'amount')).toThrow(/added by change order co1/);
  });

  it('unit lines recompute their value from the merged figures', () => {
    const unit: SovLine[] = [{ lineId: 'U', description: 'u', quantity: '3', unitOfMeasure: 'ea', unitPrice: '33.33', scheduledValueCents: 9999 }];
    expect(editLine(unit, 'U', { quantity: '12.5', unitPrice: '123.45' }, 'unit')![0]!.scheduledValueCents).toBe(154313);
    expect(editLine(unit, 'U', { unitOfMeasure: 'no' }, 'unit')![0]).toMatchObject({ unitOfMeasure: 'no', scheduledValueCents: 9999 });
    expect(inputError(() => editLine(unit, 'U', { scheduledValueCents: 5 }, 'unit')).issues[0]!.field).toBe('scheduledValueCents');
  });
});

describe('change orders', () => {
  const amountSov: SovLine[] = [
    { lineId: 'A', description: 'Slab', scheduledValueCents: 1000000 },
    { lineId: 'B', description: 'Walls', scheduledValueCents: 250000 },
  ];

  it('prices add and adjust lines (adjustments may be negative); added lines get ids only when approved', () => {
    const priced = priceChangeOrder(
      [
        { kind: 'add', costCode: '09', description: 'Extra stair', amountCents: 312550 },
        { kind: 'adjust', lineId: 'B', amountCents: -50000 },
      ],
      'amount',
      amountSov,
    );
    expect(priced).toEqual({
      lines: [
        { kind: 'add', costCode: '09', description: 'Extra stair', amountCents: 312550, valueCents: 312550 },
        { kind: 'adjust', lineId: 'B', amountCents: -50000, valueCents: -50000 },
      ],
      totalCents: 262550,
    });
  });

  it('approving appends added lines, adjusts lines, and the totals follow exactly', () => {
    const priced = priceChangeOrder(
      [
        { kind: 'add', description: 'Extra stair', amountCents: 312550 },
        { kind: 'adjust', lineId: 'B', amountCents: -50000 },
        { kind: 'adjust', lineId: 'B', amountCents: -1 },
      ],
      'amount',
      amountSov,
    );
    const applied = applyChangeOrder(amountSov, priced.lines, 'amount', 'co1', () => 'NEW');
    expect(applied.sovLines).toEqual([
      { lineId: 'A', description: 'Slab', scheduledValueCents: 1000000 },
      { lineId: 'B', description: 'Walls', scheduledValueCents: 199999, changeOrderAdjustmentCents: -50001 },
      { lineId: 'NEW', description: 'Extra stair', scheduledValueCents: 312550, changeOrderId: 'co1' },
    ]);
    expect(applied.lines[0]).toMatchObject({ kind: 'add', lineId: 'NEW', valueCents: 312550 });
    expect(applied.totalCents).toBe(262549);
    expect(sovTotals(applied.sovLines)).toEqual({
      originalContractSumCents: 1250000,
      approvedChangeOrdersCents: 262549,
      contractSumToDateCents: 1512549,
      lineCount: 3,
    });
  });

  it('unit adjustments change the quantity; the value is the new line value less the old, each rounded once', () => {
    const unitSov: SovLine[] = [{ lineId: 'U', description: 'Tray', quantity: '12.5', unitOfMeasure: 'm', unitPrice: '123.45', scheduledValueCents: 154313 }];
    const priced = priceChangeOrder(
      [
        { kind: 'adjust', lineId: 'U', quantity: '-2.5' },
        { kind: 'add', description: 'Outlets', quantity: '3', unitOfMeasure: 'ea', unitPrice: '33.33' },
      ],
      'unit',
      unitSov,
    );
    // 10 × 123.45 = 1234.50; 1234.50 − 1543.13 = −308.63 (not −2.5 × 123.45 = −308.625 rounded separately)
    expect(priced.lines.map((l) => l.valueCents)).toEqual([-30863, 9999]);
    const applied = applyChangeOrder(unitSov, priced.lines, 'unit', 'co2', () => 'N');
    expect(applied.sovLines[0]).toEqual({
      lineId: 'U',
      description: 'Tray',
      quantity: '10',
      unitOfMeasure: 'm',
      unitPrice: '123.45',
      scheduledValueCents: 123450,
      changeOrderAdjustmentCents: -30863,
      changeOrderAdjustmentQuantity: '-2.5',
    });
    expect(sovTotals(applied.sovLines)).toEqual({
      originalContractSumCents: 154313,
      approvedChangeOrdersCents: -20864,
      contractSumToDateCents: 133449,
      lineCount: 2,
    });
  });

  it('names fields that do not fit the accounting method', () => {
    const onAmount = inputError(() =>
      priceChangeOrder(
        [
          { kind: 'add', description: 'x', quantity: '1', unitOfMeasure: 'm', unitPrice: '1' },
          { kind: 'adjust', lineId: 'A', quantity: '1' },
        ],
        'amount',
        amountSov,
      ),
    );
    expect(onAmount.issues.map((i) => i.field)).toEqual([
      'lines.0.quantity',
      'lines.0.unitOfMeasure',
      'lines.0.unitPrice',
      'lines.0.amountCents',
      'lines.1.quantity',
      'lines.1.amountCents',
    ]);
    const onUnit = inputError(() => priceChangeOrder([{ kind: 'add', description: 'x', amountCents: 5 }, { kind: 'adjust', lineId: 'U', amountCents: 5 }], 'unit', []));
    expect(onUnit.issues.map((i) => i.field)).toEqual([
      'lines.0.amountCents',
      'lines.0.quantity',
      'lines.0.unitOfMeasure',
      'lines.0.unitPrice',
      'lines.1.amountCents',
      'lines.1.quantity',
    ]);
  });

  it('an adjustment of an unknown line is a field error when priced, a conflict when approved', () => {
    expect(inputError(() => priceChangeOrder([{ kind: 'adjust', lineId: 'Z', amountCents: 1 }], 'amount', amountSov)).issues[0]!.field).toBe(
      'lines.0.lineId',
    );
    expect(() => applyChangeOrder(amountSov, [{ kind: 'adjust', lineId: 'Z', amountCents: 1, valueCents: 1 }], 'amount', 'co', ids())).toThrow(
      /line Z, which is no longer in the SOV/,
    );
  });

  it('approving lines written for the other accounting method is a conflict', () => {
    expect(() => applyChangeOrder([], [{ kind: 'add', description: 'x', amountCents: 5, valueCents: 5 }], 'unit', 'co', ids())).toThrow(
      /not unit-based/,
    );
  });

  it('an adjustment that would make a line negative is a conflict naming the line', () => {
    const error = (() => {
      try {
        priceChangeOrder([{ kind: 'adjust', lineId: 'B', amountCents: -250001 }], 'amount', amountSov);
      } catch (e) {
        return e as ConflictError;
      }
    })();
    expect(error).toBeInstanceOf(ConflictError);
    expect(error!.lineId).toBe('B');
    expect(error!.message).toContain('-0.01');
    // Exactly to zero is fine.
    expect(priceChangeOrder([{ kind: 'adjust', lineId: 'B', amountCents: -250000 }], 'amount', amountSov).totalCents).toBe(-250000);
    expect(() =>
      applyChangeOrder(
        [{ lineId: 'U', description: 'u', quantity: '1', unitOfMeasure: 'm', unitPrice: '2', scheduledValueCents: 200 }],
        [{ kind: 'adjust', lineId: 'U', quantity: '-1.0001', valueCents: 0 }],
        'unit',
        'co',
        ids(),
      ),
    ).toThrow(/negative quantity/);
  });
});
