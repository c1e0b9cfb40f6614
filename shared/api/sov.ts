import * as z from 'zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { accountingMethods, changeOrderStatuses } from '../domain/commitments';
import { commitmentPath } from './commitments';
import { headContractPath } from './head-contracts';

/** Most lines an SOV holds: they live in one item (400 KB), with room to spare. */
export const maxSovLines = 1000;

const id = z.string().min(1).max(100);
const cents = z.number().int().min(0).meta({ description: 'Integer cents, not negative' });
const deltaCents = z.number().int().meta({ description: 'Integer cents; negative lowers the line' });
const decimal = (description: string, example: string) => z.string().min(1).max(32).meta({ description, example });
const quantity = decimal('Exact decimal string, at most 4 decimal places, not negative', '12.5');
const unitPrice = decimal('Exact decimal string (currency units), at most 4 decimal places, not negative', '123.45');
const unitOfMeasure = z.string().trim().min(1).max(20).meta({ example: 'm' });
const description = z.string().trim().min(1).max(500);
const costCode = z.string().trim().min(1).max(50).meta({ example: '16-100' });

export const sovLinePath = commitmentPath.extend({ lineId: id });
export const changeOrderPath = commitmentPath.extend({ changeOrderId: id });
export const headContractSovLinePath = headContractPath.extend({ lineId: id });
export const headContractChangeOrderPath = headContractPath.extend({ changeOrderId: id });

export const sovLine = z
  .object({
    lineId: z.string(),
    costCode: z.string().optional(),
    description: z.string(),
    scheduledValueCents: cents.meta({ description: 'The line’s value today (G703 column C): on unit lines quantity × unit price, rounded once' }),
    changeOrderId: z.string().optional().meta({ description: 'The approved change order that added the line; absent on original lines' }),
    quantity: z.string().optional(),
    unitOfMeasure: z.string().optional(),
    unitPrice: z.string().optional(),
    changeOrderAdjustmentCents: z
      .number()
      .int()
      .optional()
      .meta({ description: 'Net change of the value by approved change orders (included in scheduledValueCents); present once one adjusted the line' }),
    changeOrderAdjustmentQuantity: z.string().optional().meta({ description: 'Unit lines: net change of the quantity by approved change orders' }),
  })
  .meta({ id: 'SovLine' });

export const sovTotals = z
  .object({
    originalContractSumCents: z.number().int().meta({ description: 'G702 line 1: the lines less what change orders added' }),
    approvedChangeOrdersCents: z.number().int().meta({ description: 'G702 line 2: net change by approved change orders' }),
    contractSumToDateCents: z.number().int().meta({ description: 'G702 line 3: the sum of the lines' }),
    lineCount: z.number().int(),
  })
  .meta({ id: 'SovTotals' });

export const sovResponse = z
  .object({
    projectId: z.string(),
    commitmentId: z.string(),
    accountingMethod: z.enum(accountingMethods),
    lines: z.array(sovLine),
    totals: sovTotals,
    version: z.number().int().meta({ description: 'Also the ETag; send it as If-Match to change the SOV' }),
  })
  .meta({ id: 'Sov', description: 'A commitment’s schedule of values: original lines, then lines added by approved change orders' });
export type SovResponse = z.infer<typeof sovResponse>;

/** A head contract's schedule of values: the same lines and rules as a commitment's. */
export const headContractSovResponse = sovResponse
  .omit({ commitmentId: true })
  .extend({ headContractId: z.string() })
  .meta({ id: 'HeadContractSov', description: 'A head contract’s schedule of values: original lines, then lines added by approved change orders' });
export type HeadContractSovResponse = z.infer<typeof headContractSovResponse>;

export const sovLineInput = z
  .object({
    lineId: id.optional().meta({ description: 'Keeps an existing original line’s id; leave out for a new line' }),
    costCode: costCode.optional(),
    description,
    scheduledValueCents: cents.optional().meta({ description: 'Amount-based: required. Unit-based: computed (if sent, must equal quantity × unit price)' }),
    quantity: quantity.optional().meta({ description: 'Unit-based only (required there)' }),
    unitOfMeasure: unitOfMeasure.optional().meta({ description: 'Unit-based only (required there)' }),
    unitPrice: unitPrice.optional().meta({ description: 'Unit-based only (required there)' }),
  })
  .strict()
  .meta({ id: 'SovLineInput' });

export const replaceSovBody = z
  .object({ lines: z.array(sovLineInput).max(maxSovLines) })
  .strict()
  .meta({ id: 'ReplaceSov', description: 'The original lines, in order; lines added by approved change orders stay' });

export const updateSovLineBody = z
  .object({
    costCode: costCode.nullable().meta({ description: 'null removes it' }),
    description,
    scheduledValueCents: cents,
    quantity,
    unitOfMeasure,
    unitPrice,
  })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'Nothing to change: send at least one field')
  .meta({ id: 'UpdateSovLine' });

// ---- Change orders ----

const addLine = z
  .object({
    kind: z.literal('add'),
    costCode: costCode.optional(),
    description,
    amountCents: cents.optional().meta({ description: 'Amount-based: the new line’s value' }),
    quantity: quantity.optional().meta({ description: 'Unit-based: the new line’s quantity' }),
    unitOfMeasure: unitOfMeasure.optional(),
    unitPrice: unitPrice.optional(),
  })
  .strict();

const adjustLine = z
  .object({
    kind: z.literal('adjust'),
    lineId: id.meta({ description: 'The SOV line it changes' }),
    description: description.optional().meta({ description: 'A note on the adjustment' }),
    amountCents: deltaCents.optional().meta({ description: 'Amount-based: the change of the line’s value, may be negative' }),
    quantity: decimal('Unit-based: the change of the line’s quantity, may be negative', '-2.5').optional(),
  })
  .strict();

export const changeOrderLineInput = z.discriminatedUnion('kind', [addLine, adjustLine]).meta({ id: 'ChangeOrderLineInput' });

export const changeOrderLine = z
  .object({
    kind: z.enum(['add', 'adjust']),
    lineId: z.string().optional().meta({ description: 'adjust: the SOV line it changes; add, once approved: the SOV line it added' }),
    costCode: z.string().optional(),
    description: z.string().optional(),
    amountCents: z.number().int().optional(),
    quantity: z.string().optional(),
    unitOfMeasure: z.string().optional(),
    unitPrice: z.string().optional(),
    valueCents: z.number().int().meta({
      description: 'What the line changes the contract sum by, rounded once; priced against the SOV as it is (again when approved)',
    }),
  })
  .meta({ id: 'ChangeOrderLine' });

export const changeOrderResponse = z
  .object({
    projectId: z.string(),
    commitmentId: z.string(),
    changeOrderId: z.string(),
    number: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    status: z.enum(changeOrderStatuses),
    lines: z.array(changeOrderLine),
    totalCents: z.number().int(),
    approvedAt: z.string().nullable(),
    approvedBy: z.string().nullable(),
    version: z.number().int().meta({ description: 'Also the ETag; send it as If-Match to change the change order' }),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ChangeOrder' });
export type ChangeOrderResponse = z.infer<typeof changeOrderResponse>;

export const headContractChangeOrderResponse = changeOrderResponse
  .omit({ commitmentId: true })
  .extend({ headContractId: z.string() })
  .meta({ id: 'HeadContractChangeOrder', description: 'A change order on a head contract: approving it changes the contract sum to date' });
export type HeadContractChangeOrderResponse = z.infer<typeof headContractChangeOrderResponse>;

export const createChangeOrderBody = z
  .object({
    number: z.string().trim().min(1).max(50),
    title: z.string().trim().min(1).max(200),
    description: z.string().max(5000).optional(),
    lines: z.array(changeOrderLineInput).min(1).max(maxSovLines),
  })
  .strict()
  .meta({ id: 'CreateChangeOrder', description: 'Lines follow the commitment’s accounting method' });

export const updateChangeOrderBody = z
  .object({
    number: z.string().trim().min(1).max(50),
    title: z.string().trim().min(1).max(200),
    description: z.string().max(5000).nullable(),
    lines: z.array(changeOrderLineInput).min(1).max(maxSovLines),
    status: z.enum(['approved', 'void']).meta({
      description: 'Approving applies the change order to the SOV; approving and voiding need the approve permission and are sent on their own',
    }),
  })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'Nothing to change: send at least one field')
  .meta({ id: 'UpdateChangeOrder' });

export const changeOrderListResponse = z
  .object({
    items: z.array(changeOrderResponse),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  })
  .meta({ id: 'ChangeOrderList' });

export const headContractChangeOrderListResponse = z
  .object({
    items: z.array(headContractChangeOrderResponse),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  })
  .meta({ id: 'HeadContractChangeOrderList' });

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
