import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { commitmentPath, headContractPath } from './common';

/** Most lines an SOV holds: they live in one item (400 KB), with room to spare. */
export const maxSovLines = 1000;

const id = z.string().check(z.minLength(1), z.maxLength(100));
export const cents = z.withMeta(z.number().check(z.int(), z.minimum(0)), { description: 'Integer cents, not negative' });
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
    request: { path: commitmentPath },
    response: { status: 200 },
  },
  {
    operationId: 'replaceSov',
    method: 'PUT',
    path: sovPath,
    function: 'sov',
    auth: 'jwt',
    action: 'sov.edit',
    request: { path: commitmentPath, body: replaceSovBody },
    response: { status: 200 },
  },
  {
    operationId: 'updateSovLine',
    method: 'PATCH',
    path: `${sovPath}/lines/{lineId}`,
    function: 'sov',
    auth: 'jwt',
    action: 'sov.edit',
    request: { path: sovLinePath, body: updateSovLineBody },
    response: { status: 200 },
  },
  {
    operationId: 'listChangeOrders',
    method: 'GET',
    path: changeOrdersPath,
    function: 'sov',
    auth: 'jwt',
    action: 'commitments.view',
    request: { path: commitmentPath, query: z.object(pageQuery) },
    response: { status: 200 },
  },
  {
    operationId: 'createChangeOrder',
    method: 'POST',
    path: changeOrdersPath,
    function: 'sov',
    auth: 'jwt',
    action: 'change_orders.edit',
    request: { path: commitmentPath, body: createChangeOrderBody },
    response: { status: 201 },
  },
  {
    operationId: 'getChangeOrder',
    method: 'GET',
    path: `${changeOrdersPath}/{changeOrderId}`,
    function: 'sov',
    auth: 'jwt',
    action: 'commitments.view',
    request: { path: changeOrderPath },
    response: { status: 200 },
  },
  {
    operationId: 'updateChangeOrder',
    method: 'PATCH',
    path: `${changeOrdersPath}/{changeOrderId}`,
    function: 'sov',
    auth: 'jwt',
    // Field edits need change_orders.edit; `status` needs change_orders.approve (the handler enforces both).
    action: ['change_orders.edit', 'change_orders.approve'],
    request: { path: changeOrderPath, body: updateChangeOrderBody },
    response: { status: 200 },
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
    request: { path: headContractPath },
    response: { status: 200 },
  },
  {
    operationId: 'replaceHeadContractSov',
    method: 'PUT',
    path: headSovPath,
    function: 'sov',
    auth: 'jwt',
    action: 'head_contracts.edit',
    request: { path: headContractPath, body: replaceSovBody },
    response: { status: 200 },
  },
  {
    operationId: 'updateHeadContractSovLine',
    method: 'PATCH',
    path: `${headSovPath}/lines/{lineId}`,
    function: 'sov',
    auth: 'jwt',
    action: 'head_contracts.edit',
    request: { path: headContractSovLinePath, body: updateSovLineBody },
    response: { status: 200 },
  },
  {
    operationId: 'listHeadContractChangeOrders',
    method: 'GET',
    path: headChangeOrdersPath,
    function: 'sov',
    auth: 'jwt',
    action: 'head_contracts.view',
    request: { path: headContractPath, query: z.object(pageQuery) },
    response: { status: 200 },
  },
  {
    operationId: 'createHeadContractChangeOrder',
    method: 'POST',
    path: headChangeOrdersPath,
    function: 'sov',
    auth: 'jwt',
    action: 'head_contracts.edit',
    request: { path: headContractPath, body: createChangeOrderBody },
    response: { status: 201 },
  },
  {
    operationId: 'getHeadContractChangeOrder',
    method: 'GET',
    path: `${headChangeOrdersPath}/{changeOrderId}`,
    function: 'sov',
    auth: 'jwt',
    action: 'head_contracts.view',
    request: { path: headContractChangeOrderPath },
    response: { status: 200 },
  },
  {
    operationId: 'updateHeadContractChangeOrder',
    method: 'PATCH',
    path: `${headChangeOrdersPath}/{changeOrderId}`,
    function: 'sov',
    auth: 'jwt',
    action: 'head_contracts.edit',
    request: { path: headContractChangeOrderPath, body: updateChangeOrderBody },
    response: { status: 200 },
  },
] as const satisfies readonly RouteDefinition[];
