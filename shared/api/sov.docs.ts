/** The sov routes' documentation (summaries, tags, what they answer, with the answers' schemas): read by the OpenAPI document only, so no handler bundles it. */
import * as z from '../zod';
import { accountingMethods, changeOrderStatuses } from '../domain/commitments';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { headContractSovRoutes, sovRoutes } from './sov';
import { cents } from './sov';

export const sovLine = z.withMeta(
  z.object({
    lineId: z.string(),
    costCode: z.optional(z.string()),
    description: z.string(),
    scheduledValueCents: z.withMeta(cents, { description: 'The line’s value today (G703 column C): on unit lines quantity × unit price, rounded once' }),
    changeOrderId: z.withMeta(z.optional(z.string()), { description: 'The approved change order that added the line; absent on original lines' }),
    quantity: z.optional(z.string()),
    unitOfMeasure: z.optional(z.string()),
    unitPrice: z.optional(z.string()),
    changeOrderAdjustmentCents: z.withMeta(z.optional(z.number().check(z.int())), {
      description: 'Net change of the value by approved change orders (included in scheduledValueCents); present once one adjusted the line',
    }),
    changeOrderAdjustmentQuantity: z.withMeta(z.optional(z.string()), { description: 'Unit lines: net change of the quantity by approved change orders' }),
  }),
  { id: 'SovLine' },
);

export const sovTotals = z.withMeta(
  z.object({
    originalContractSumCents: z.withMeta(z.number().check(z.int()), { description: 'G702 line 1: the lines less what change orders added' }),
    approvedChangeOrdersCents: z.withMeta(z.number().check(z.int()), { description: 'G702 line 2: net change by approved change orders' }),
    contractSumToDateCents: z.withMeta(z.number().check(z.int()), { description: 'G702 line 3: the sum of the lines' }),
    lineCount: z.number().check(z.int()),
  }),
  { id: 'SovTotals' },
);

export const sovResponse = z.withMeta(
  z.object({
    projectId: z.string(),
    commitmentId: z.string(),
    accountingMethod: z.enum(accountingMethods),
    lines: z.array(sovLine),
    totals: sovTotals,
    version: z.withMeta(z.number().check(z.int()), { description: 'Also the ETag; send it as If-Match to change the SOV' }),
  }),
  { id: 'Sov', description: 'A commitment’s schedule of values: original lines, then lines added by approved change orders' },
);
export type SovResponse = z.infer<typeof sovResponse>;

/** A head contract's schedule of values: the same lines and rules as a commitment's. */
export const headContractSovResponse = z.withMeta(z.extend(z.omit(sovResponse, { commitmentId: true }), { headContractId: z.string() }), {
  id: 'HeadContractSov',
  description: 'A head contract’s schedule of values: original lines, then lines added by approved change orders',
});
export type HeadContractSovResponse = z.infer<typeof headContractSovResponse>;

export const changeOrderLine = z.withMeta(
  z.object({
    kind: z.enum(['add', 'adjust']),
    lineId: z.withMeta(z.optional(z.string()), { description: 'adjust: the SOV line it changes; add, once approved: the SOV line it added' }),
    costCode: z.optional(z.string()),
    description: z.optional(z.string()),
    amountCents: z.optional(z.number().check(z.int())),
    quantity: z.optional(z.string()),
    unitOfMeasure: z.optional(z.string()),
    unitPrice: z.optional(z.string()),
    valueCents: z.withMeta(z.number().check(z.int()), {
      description: 'What the line changes the contract sum by, rounded once; priced against the SOV as it is (again when approved)',
    }),
  }),
  { id: 'ChangeOrderLine' },
);

export const changeOrderResponse = z.withMeta(
  z.object({
    projectId: z.string(),
    commitmentId: z.string(),
    changeOrderId: z.string(),
    number: z.string(),
    title: z.string(),
    description: z.nullable(z.string()),
    status: z.enum(changeOrderStatuses),
    lines: z.array(changeOrderLine),
    totalCents: z.number().check(z.int()),
    approvedAt: z.nullable(z.string()),
    approvedBy: z.nullable(z.string()),
    version: z.withMeta(z.number().check(z.int()), { description: 'Also the ETag; send it as If-Match to change the change order' }),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  { id: 'ChangeOrder' },
);
export type ChangeOrderResponse = z.infer<typeof changeOrderResponse>;

export const headContractChangeOrderResponse = z.withMeta(z.extend(z.omit(changeOrderResponse, { commitmentId: true }), { headContractId: z.string() }), {
  id: 'HeadContractChangeOrder',
  description: 'A change order on a head contract: approving it changes the contract sum to date',
});
export type HeadContractChangeOrderResponse = z.infer<typeof headContractChangeOrderResponse>;

export const changeOrderListResponse = z.withMeta(
  z.object({
    items: z.array(changeOrderResponse),
    nextCursor: z.withMeta(z.nullable(z.string()), { description: 'Pass as `cursor` for the next page; null on the last page' }),
  }),
  { id: 'ChangeOrderList' },
);

export const headContractChangeOrderListResponse = z.withMeta(
  z.object({
    items: z.array(headContractChangeOrderResponse),
    nextCursor: z.withMeta(z.nullable(z.string()), { description: 'Pass as `cursor` for the next page; null on the last page' }),
  }),
  { id: 'HeadContractChangeOrderList' },
);

export const sovDocs = {
  getSov: {
    summary: 'A commitment’s schedule of values with its totals',
    tags: ['sov'],
    response: { description: 'The SOV (ETag: its version)', schema: sovResponse },
  },
  replaceSov: {
    summary: 'Replace the original lines (If-Match required); lines added by change orders stay',
    tags: ['sov'],
    response: { description: 'The SOV (ETag: its new version)', schema: sovResponse },
  },
  updateSovLine: {
    summary: 'Edit one SOV line (If-Match: the SOV’s ETag)',
    tags: ['sov'],
    response: { description: 'The SOV (ETag: its new version)', schema: sovResponse },
  },
  listChangeOrders: {
    summary: 'A commitment’s change orders, a page at a time',
    tags: ['change-orders'],
    response: { description: 'A page of change orders', schema: changeOrderListResponse },
  },
  createChangeOrder: {
    summary: 'Create a pending change order',
    tags: ['change-orders'],
    response: { description: 'The change order (Location, ETag)', schema: changeOrderResponse },
  },
  getChangeOrder: {
    summary: 'One change order',
    tags: ['change-orders'],
    response: { description: 'The change order (ETag: its version)', schema: changeOrderResponse },
  },
  updateChangeOrder: {
    summary: 'Edit a pending change order, or approve (applies it to the SOV) or void it (If-Match required)',
    tags: ['change-orders'],
    response: { description: 'The change order (ETag: its new version)', schema: changeOrderResponse },
  },
} satisfies Record<OperationIdOf<typeof sovRoutes>, RouteDocs>;

export const headContractSovDocs = {
  getHeadContractSov: {
    summary: 'A head contract’s schedule of values with its totals',
    tags: ['head contracts'],
    response: { description: 'The SOV (ETag: its version)', schema: headContractSovResponse },
  },
  replaceHeadContractSov: {
    summary: 'Replace a head contract’s original SOV lines (If-Match required); lines added by change orders stay',
    tags: ['head contracts'],
    response: { description: 'The SOV (ETag: its new version)', schema: headContractSovResponse },
  },
  updateHeadContractSovLine: {
    summary: 'Edit one line of a head contract’s SOV (If-Match: the SOV’s ETag)',
    tags: ['head contracts'],
    response: { description: 'The SOV (ETag: its new version)', schema: headContractSovResponse },
  },
  listHeadContractChangeOrders: {
    summary: 'A head contract’s change orders, a page at a time',
    tags: ['head contracts'],
    response: { description: 'A page of change orders', schema: headContractChangeOrderListResponse },
  },
  createHeadContractChangeOrder: {
    summary: 'Create a pending change order on a head contract',
    tags: ['head contracts'],
    response: { description: 'The change order (Location, ETag)', schema: headContractChangeOrderResponse },
  },
  getHeadContractChangeOrder: {
    summary: 'One change order of a head contract',
    tags: ['head contracts'],
    response: { description: 'The change order (ETag: its version)', schema: headContractChangeOrderResponse },
  },
  updateHeadContractChangeOrder: {
    summary: 'Edit a pending change order of a head contract, or approve (applies it to the contract sum to date) or void it (If-Match required)',
    tags: ['head contracts'],
    response: { description: 'The change order (ETag: its new version)', schema: headContractChangeOrderResponse },
  },
} satisfies Record<OperationIdOf<typeof headContractSovRoutes>, RouteDocs>;
