import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { accountingMethods, changeOrderStatuses } from '../domain/commitments';
import { commitmentPath, headContractPath } from './common';

/** Most lines an SOV holds: they live in one item (400 KB), with room to spare. */
export const maxSovLines = 1000;

const id = z.string().check(z.minLength(1), z.maxLength(100));
const cents = z.withMeta(z.number().check(z.int(), z.minimum(0)), { description: 'Integer cents, not negative' });
const deltaCents = z.withMeta(z.number().check(z.int()), { description: 'Integer cents; negative lowers the line' });
const decimal = (description: string, example: string) => z.withMeta(z.string().check(z.minLength(1), z.maxLength(32)), { description, example });
const quantity = decimal('Exact decimal string, at most 4 decimal places, not negative', '12.5');
const unitPrice = decimal('Exact decimal string (currency units), at most 4 decimal places, not negative', '123.45');
const unitOfMeasure = z.withMeta(z.string().check(z.trim(), z.minLength(1), z.maxLength(20)), { example: 'm' });
const description = z.string().check(z.trim(), z.minLength(1), z.maxLength(500));
const costCode = z.withMeta(z.string().check(z.trim(), z.minLength(1), z.maxLength(50)), { example: '16-100' });

export const sovLinePath = z.extend(commitmentPath, { lineId: id });
export const changeOrderPath = z.extend(commitmentPath, { changeOrderId: id });
export const headContractSovLinePath = z.extend(headContractPath, { lineId: id });
export const headContractChangeOrderPath = z.extend(headContractPath, { changeOrderId: id });

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

export const sovLineInput = z.withMeta(
  z.strictObject({
    lineId: z.withMeta(z.optional(id), { description: 'Keeps an existing original line’s id; leave out for a new line' }),
    costCode: z.optional(costCode),
    description,
    scheduledValueCents: z.withMeta(z.optional(cents), {
      description: 'Amount-based: required. Unit-based: computed (if sent, must equal quantity × unit price)',
    }),
    quantity: z.withMeta(z.optional(quantity), { description: 'Unit-based only (required there)' }),
    unitOfMeasure: z.withMeta(z.optional(unitOfMeasure), { description: 'Unit-based only (required there)' }),
    unitPrice: z.withMeta(z.optional(unitPrice), { description: 'Unit-based only (required there)' }),
  }),
  { id: 'SovLineInput' },
);

export const replaceSovBody = z.withMeta(z.strictObject({ lines: z.array(sovLineInput).check(z.maxLength(maxSovLines)) }), {
  id: 'ReplaceSov',
  description: 'The original lines, in order; lines added by approved change orders stay',
});

export const updateSovLineBody = z.withMeta(
  z
    .partial(
      z.strictObject({
        costCode: z.withMeta(z.nullable(costCode), { description: 'null removes it' }),
        description,
        scheduledValueCents: cents,
        quantity,
        unitOfMeasure,
        unitPrice,
      }),
    )
    .check(z.refine((body) => Object.keys(body).length > 0, 'Nothing to change: send at least one field')),
  { id: 'UpdateSovLine' },
);

// ---- Change orders ----

const addLine = z.strictObject({
  kind: z.literal('add'),
  costCode: z.optional(costCode),
  description,
  amountCents: z.withMeta(z.optional(cents), { description: 'Amount-based: the new line’s value' }),
  quantity: z.withMeta(z.optional(quantity), { description: 'Unit-based: the new line’s quantity' }),
  unitOfMeasure: z.optional(unitOfMeasure),
  unitPrice: z.optional(unitPrice),
});

const adjustLine = z.strictObject({
  kind: z.literal('adjust'),
  lineId: z.withMeta(id, { description: 'The SOV line it changes' }),
  description: z.withMeta(z.optional(description), { description: 'A note on the adjustment' }),
  amountCents: z.withMeta(z.optional(deltaCents), { description: 'Amount-based: the change of the line’s value, may be negative' }),
  quantity: z.optional(decimal('Unit-based: the change of the line’s quantity, may be negative', '-2.5')),
});

export const changeOrderLineInput = z.withMeta(z.discriminatedUnion('kind', [addLine, adjustLine]), { id: 'ChangeOrderLineInput' });

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

export const createChangeOrderBody = z.withMeta(
  z.strictObject({
    number: z.string().check(z.trim(), z.minLength(1), z.maxLength(50)),
    title: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    description: z.optional(z.string().check(z.maxLength(5000))),
    lines: z.array(changeOrderLineInput).check(z.minLength(1), z.maxLength(maxSovLines)),
  }),
  { id: 'CreateChangeOrder', description: 'Lines follow the commitment’s accounting method' },
);

export const updateChangeOrderBody = z.withMeta(
  z
    .partial(
      z.strictObject({
        number: z.string().check(z.trim(), z.minLength(1), z.maxLength(50)),
        title: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
        description: z.nullable(z.string().check(z.maxLength(5000))),
        lines: z.array(changeOrderLineInput).check(z.minLength(1), z.maxLength(maxSovLines)),
        status: z.withMeta(z.enum(['approved', 'void']), {
          description: 'Approving applies the change order to the SOV; approving and voiding need the approve permission and are sent on their own',
        }),
      }),
    )
    .check(z.refine((body) => Object.keys(body).length > 0, 'Nothing to change: send at least one field')),
  { id: 'UpdateChangeOrder' },
);

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

const sovPath = '/v1/projects/{projectId}/commitments/{commitmentId}/sov';
const changeOrdersPath = '/v1/projects/{projectId}/commitments/{commitmentId}/change-orders';

export const sovRoutes = [
  {
    operationId: 'getSov',
    method: 'GET',
    path: sovPath,
    function: 'sov',
    auth: 'jwt',
    action: 'commitments.view',
    summary: 'A commitment’s schedule of values with its totals',
    tags: ['sov'],
    request: { path: commitmentPath },
    response: { status: 200, description: 'The SOV (ETag: its version)', schema: sovResponse },
  },
  {
    operationId: 'replaceSov',
    method: 'PUT',
    path: sovPath,
    function: 'sov',
    auth: 'jwt',
    action: 'sov.edit',
    summary: 'Replace the original lines (If-Match required); lines added by change orders stay',
    tags: ['sov'],
    request: { path: commitmentPath, body: replaceSovBody },
    response: { status: 200, description: 'The SOV (ETag: its new version)', schema: sovResponse },
  },
  {
    operationId: 'updateSovLine',
    method: 'PATCH',
    path: `${sovPath}/lines/{lineId}`,
    function: 'sov',
    auth: 'jwt',
    action: 'sov.edit',
    summary: 'Edit one SOV line (If-Match: the SOV’s ETag)',
    tags: ['sov'],
    request: { path: sovLinePath, body: updateSovLineBody },
    response: { status: 200, description: 'The SOV (ETag: its new version)', schema: sovResponse },
  },
  {
    operationId: 'listChangeOrders',
    method: 'GET',
    path: changeOrdersPath,
    function: 'sov',
    auth: 'jwt',
    action: 'commitments.view',
    summary: 'A commitment’s change orders, a page at a time',
    tags: ['change-orders'],
    request: { path: commitmentPath, query: z.object(pageQuery) },
    response: { status: 200, description: 'A page of change orders', schema: changeOrderListResponse },
  },
  {
    operationId: 'createChangeOrder',
    method: 'POST',
    path: changeOrdersPath,
    function: 'sov',
    auth: 'jwt',
    action: 'change_orders.edit',
    summary: 'Create a pending change order',
    tags: ['change-orders'],
    request: { path: commitmentPath, body: createChangeOrderBody },
    response: { status: 201, description: 'The change order (Location, ETag)', schema: changeOrderResponse },
  },
  {
    operationId: 'getChangeOrder',
    method: 'GET',
    path: `${changeOrdersPath}/{changeOrderId}`,
    function: 'sov',
    auth: 'jwt',
    action: 'commitments.view',
    summary: 'One change order',
    tags: ['change-orders'],
    request: { path: changeOrderPath },
    response: { status: 200, description: 'The change order (ETag: its version)', schema: changeOrderResponse },
  },
  {
    operationId: 'updateChangeOrder',
    method: 'PATCH',
    path: `${changeOrdersPath}/{changeOrderId}`,
    function: 'sov',
    auth: 'jwt',
    // Field edits need change_orders.edit; `status` needs change_orders.approve (the handler enforces both).
    action: ['change_orders.edit', 'change_orders.approve'],
    summary: 'Edit a pending change order, or approve (applies it to the SOV) or void it (If-Match required)',
    tags: ['change-orders'],
    request: { path: changeOrderPath, body: updateChangeOrderBody },
    response: { status: 200, description: 'The change order (ETag: its new version)', schema: changeOrderResponse },
  },
] as const satisfies readonly RouteDefinition[];

const headSovPath = '/v1/projects/{projectId}/head-contracts/{headContractId}/sov';
const headChangeOrdersPath = '/v1/projects/{projectId}/head-contracts/{headContractId}/change-orders';

/** A head contract's SOV and change orders: the same operations (and code) as a commitment's, under its own permissions. */
export const headContractSovRoutes = [
  {
    operationId: 'getHeadContractSov',
    method: 'GET',
    path: headSovPath,
    function: 'sov',
    auth: 'jwt',
    action: 'head_contracts.view',
    summary: 'A head contract’s schedule of values with its totals',
    tags: ['head contracts'],
    request: { path: headContractPath },
    response: { status: 200, description: 'The SOV (ETag: its version)', schema: headContractSovResponse },
  },
  {
    operationId: 'replaceHeadContractSov',
    method: 'PUT',
    path: headSovPath,
    function: 'sov',
    auth: 'jwt',
    action: 'head_contracts.edit',
    summary: 'Replace a head contract’s original SOV lines (If-Match required); lines added by change orders stay',
    tags: ['head contracts'],
    request: { path: headContractPath, body: replaceSovBody },
    response: { status: 200, description: 'The SOV (ETag: its new version)', schema: headContractSovResponse },
  },
  {
    operationId: 'updateHeadContractSovLine',
    method: 'PATCH',
    path: `${headSovPath}/lines/{lineId}`,
    function: 'sov',
    auth: 'jwt',
    action: 'head_contracts.edit',
    summary: 'Edit one line of a head contract’s SOV (If-Match: the SOV’s ETag)',
    tags: ['head contracts'],
    request: { path: headContractSovLinePath, body: updateSovLineBody },
    response: { status: 200, description: 'The SOV (ETag: its new version)', schema: headContractSovResponse },
  },
  {
    operationId: 'listHeadContractChangeOrders',
    method: 'GET',
    path: headChangeOrdersPath,
    function: 'sov',
    auth: 'jwt',
    action: 'head_contracts.view',
    summary: 'A head contract’s change orders, a page at a time',
    tags: ['head contracts'],
    request: { path: headContractPath, query: z.object(pageQuery) },
    response: { status: 200, description: 'A page of change orders', schema: headContractChangeOrderListResponse },
  },
  {
    operationId: 'createHeadContractChangeOrder',
    method: 'POST',
    path: headChangeOrdersPath,
    function: 'sov',
    auth: 'jwt',
    action: 'head_contracts.edit',
    summary: 'Create a pending change order on a head contract',
    tags: ['head contracts'],
    request: { path: headContractPath, body: createChangeOrderBody },
    response: { status: 201, description: 'The change order (Location, ETag)', schema: headContractChangeOrderResponse },
  },
  {
    operationId: 'getHeadContractChangeOrder',
    method: 'GET',
    path: `${headChangeOrdersPath}/{changeOrderId}`,
    function: 'sov',
    auth: 'jwt',
    action: 'head_contracts.view',
    summary: 'One change order of a head contract',
    tags: ['head contracts'],
    request: { path: headContractChangeOrderPath },
    response: { status: 200, description: 'The change order (ETag: its version)', schema: headContractChangeOrderResponse },
  },
  {
    operationId: 'updateHeadContractChangeOrder',
    method: 'PATCH',
    path: `${headChangeOrdersPath}/{changeOrderId}`,
    function: 'sov',
    auth: 'jwt',
    action: 'head_contracts.edit',
    summary: 'Edit a pending change order of a head contract, or approve (applies it to the contract sum to date) or void it (If-Match required)',
    tags: ['head contracts'],
    request: { path: headContractChangeOrderPath, body: updateChangeOrderBody },
    response: { status: 200, description: 'The change order (ETag: its new version)', schema: headContractChangeOrderResponse },
  },
] as const satisfies readonly RouteDefinition[];
