import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import * as z from '../zod';
import { problemSchema } from '../api/common';
import { routeFor, routes, type OperationId, type RouteDefinition } from '../wiring/routes';
import { docsOf } from '../wiring/route-docs';
import { maxBodyBytes } from './handler';
import { addExamples } from './openapi-examples';
import { webhookDocs } from '../api/webhooks.docs';

const problemContent = { 'application/problem+json': { schema: problemSchema } };

/**
 * What the route table does not say on its own, declared here once per operation and checked by
 * test/unit/openapi.test.ts against the handlers' behaviour where it can be observed.
 *
 * If-Match: `required` answers 428 without it and 412 when stale; `optional` (status changes)
 * checks it when sent and otherwise acts on the current version.
 */
const ifMatch: Partial<Record<OperationId, 'required' | 'optional'>> = {
  updateMe: 'required',
  updateProjectSettings: 'required',
  updateCommitment: 'required',
  replaceSov: 'required',
  updateSovLine: 'required',
  updateChangeOrder: 'required',
  replaceSsov: 'required',
  updateBillingPeriod: 'required',
  updateInvoice: 'required',
  changeSsovStatus: 'optional',
  closeBillingPeriod: 'optional',
  deleteBillingPeriod: 'optional',
  changeInvoiceStatus: 'required',
  reviewInvoice: 'required',
};

/** Reads (and creates) that answer the resource's version as an ETag, besides every If-Match write. */
const answersETag = new Set<OperationId>([
  'getMe',
  'createProject',
  'getProject',
  'getProjectSettings',
  'createCommitment',
  'getCommitment',
  'getSov',
  'getChangeOrder',
  'getSsov',
  'getCurrentBillingPeriod',
  'getBillingPeriod',
  'createBillingPeriod',
  'respondToInvite',
  'getInvoice',
]);

/** Second success statuses: the route table declares the usual one. */
const alsoAnswers: Partial<Record<OperationId, { status: number; description: string }>> = {
  putMember: { status: 201, description: 'The user was not a member yet: added with these levels' },
  addVendorUser: { status: 200, description: 'The user already was a member of the project: nothing changed' },
};

/** One line per tag, shown as the section headings of /docs. */
export const tagDescriptions: Record<string, string> = {
  system: 'Liveness, this contract and its reference page; no authentication.',
  users: 'The caller: profile, company and project memberships.',
  projects: 'Projects of a general contractor and their settings (retainage, billing cycle, terminology).',
  members: 'Who works on a project, at which permission level for commitments and head contracts.',
  vendors: 'Subcontractors and suppliers of a project, and their users (invoice contacts).',
  commitments: 'Subcontracts and purchase orders: amounts, contacts, private lists, retainage; the subcontractor schedule of values (SSOV).',
  sov: 'The schedule of values of a commitment: the lines invoices bill against.',
  'owner invoices':
    'Payment applications to the owner under a head contract: G702/G703 figures computed as for subcontractor invoices, sent to the owner and answered, with their history.',
  'head contracts':
    'The general contractor’s contracts with the owner (“Prime Contract” en-US/CA, “Head Contract” en-AU, “Main Contract” en-GB): their schedule of values with cost codes and change orders, the same rules as a commitment’s.',
  'change-orders': 'Changes to a commitment’s value, approved into its schedule of values.',
  'billing periods': 'Monthly (or ad hoc) periods in which vendors are invited to bill.',
  invites: 'Invitations to bill for a period, sent to invoice contacts, accepted or declined.',
  invoices: 'Invoices (progress claims, G702/G703): amounts per line, workflow from draft to approved, attachments, PDF.',
  payments: 'Payments recorded against approved invoices.',
  'invoice backups': 'One PDF per invoice merging it with its attachments, built asynchronously.',
  'accounting exports':
    'Approved invoices (one row per line, G703 figures) and payments of a period or date range as CSV and XLSX for accounting systems, built asynchronously into S3.',
  retainage: 'Sliding-scale retention rules of a commitment, applied in order to new invoices (never retroactively).',
  webhooks:
    'Signed webhooks (Standard Webhooks) of a company’s domain events, from the outbox: endpoints, secret rotation, delivery log and replay; company admins only.',
  'e-signature':
    'Invoices sent for signature (built-in signer: one-time email links to a signing page, a PAdES-sealed PDF with an audit page); once completed every PDF of the invoice is the signed one.',
  'prompt payment': 'Ontario’s Construction Act on en-CA projects: proper-invoice fields, payment due dates and notices of non-payment given by their deadlines.',
  'payment schedules': 'Payment schedules answering progress claims under the Australian Security of Payment Acts, with their deadlines.',
};

/**
 * The main flows, as OpenAPI links from an answer to the next calls: each target's path
 * parameters come from the request's path when it has them, else from the answer's body.
 */
const nextCalls: Partial<Record<OperationId, readonly OperationId[]>> = {
  createProject: ['getProject', 'createVendor', 'createCommitment', 'createBillingPeriod'],
  createVendor: ['getVendor', 'addVendorUser'],
  createCommitment: ['getCommitment', 'getSov', 'replaceSov', 'createInvoice'],
  createBillingPeriod: ['getBillingPeriod', 'sendInvites', 'listInvites'],
  createInvoice: ['getInvoice', 'updateInvoice', 'changeInvoiceStatus', 'createAttachment'],
  changeInvoiceStatus: ['getInvoiceHistory', 'reviewInvoice', 'createPayment'],
  requestBackup: ['getBackup'],
};

const pathParameters = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);

function linksFrom(route: RouteDefinition) {
  const targets = nextCalls[route.operationId as OperationId];
  if (!targets) return undefined;
  const own = new Set(pathParameters(route.path));
  return Object.fromEntries(
    targets.map((operationId) => {
      const target = routeFor(operationId);
      const parameters = Object.fromEntries(
        pathParameters(target.path).map((name) => [name, own.has(name) ? `$request.path.${name}` : `$response.body#/${name}`]),
      );
      return [operationId, { operationId, parameters, description: docsOf(target).summary }];
    }),
  );
}

const ifMatchHeader = (requirement: 'required' | 'optional') => ({
  name: 'if-match',
  in: 'header',
  required: requirement === 'required',
  description:
    requirement === 'required'
      ? 'The ETag you last read (`"3"`): the change applies only to that version (412 if it moved on, 428 if absent).'
      : 'The ETag you last read (`"3"`): when sent, the change applies only to that version (412 if it moved on).',
  schema: { type: 'string', example: '"3"' },
});

const idempotencyKeyHeader = {
  name: 'idempotency-key',
  in: 'header',
  required: false,
  description:
    'Any unique string (a UUID) chosen by the client: retrying with the same key within 24 hours answers the first ' +
    'answer again instead of creating or sending twice (409 while the first is in progress, 422 with another body).',
  schema: { type: 'string', maxLength: 255, example: '5f0c1a9e-8d7b-4a43-9d0e-3b1f6c2a7e10' },
};

const etagHeader = { description: 'The version of the resource, for If-Match', schema: { type: 'string', example: '"4"' } };
const locationHeader = { description: 'Where the created resource (or job) is read', schema: { type: 'string', example: '/v1/projects/…' } };

/** The failures each route can answer, by what the route declares. */
function errorResponses(route: RouteDefinition) {
  const problem = (description: string) => ({ description, content: problemContent });
  const operationId = route.operationId as OperationId;
  const writes = route.method !== 'GET';
  return {
    ...(route.request ? { '400': problem('Invalid input; `errors` names each bad field') } : {}),
    ...(route.auth === 'jwt'
      ? {
          '401': problem('Missing, expired or invalid bearer token'),
          '403': problem('Visible, but the caller lacks the level, designation or permission named in `detail`'),
          '404': problem('No such resource, or not visible to the caller'),
        }
      : {}),
    '405': problem('The path exists but does not accept this method (`Allow` lists those it does)'),
    ...(writes && route.auth === 'jwt'
      ? { '409': problem('The resource’s state does not allow this now (e.g. an invoice already submitted), or (`idempotency-in-progress`, with Retry-After) a request with this Idempotency-Key is still running, or (`idempotency-answer-lost`) it made its change but stopped before answering') }
      : {}),
    ...(ifMatch[operationId] ? { '412': problem('If-Match is not the current ETag: read the resource again') } : {}),
    ...(route.request?.body
      ? {
          '413': problem(`Body larger than ${maxBodyBytes} bytes`),
          '415': problem('Body is not application/json'),
        }
      : {}),
    ...(route.method === 'POST' && route.auth === 'jwt'
      ? { '422': problem('`idempotency-key-reused`: this Idempotency-Key was used with another body') }
      : {}),
    ...(ifMatch[operationId] === 'required' ? { '428': problem('If-Match is required for this change') } : {}),
    '500': problem('Unexpected error (logged with the correlation id)'),
    '503': problem('A dependency (the database) is unreachable or throttling; retry after Retry-After'),
  };
}

function successResponse(route: RouteDefinition, status: number, description: string) {
  const { response } = route;
  const { schema } = docsOf(route).response;
  const operationId = route.operationId as OperationId;
  const headers = {
    ...(ifMatch[operationId] || answersETag.has(operationId) ? { etag: etagHeader } : {}),
    ...(status === 201 || status === 202 ? { location: locationHeader } : {}),
  };
  const links = status === response.status ? linksFrom(route) : undefined;
  return {
    description,
    ...(Object.keys(headers).length ? { headers } : {}),
    ...(links ? { links } : {}),
    ...(schema
      ? { content: { 'application/json': { schema } } }
      : response.contentType && status !== 204
        ? { content: { [response.contentType]: { schema: { type: 'string' } } } }
        : {}),
  };
}

function operation(route: RouteDefinition): ZodOpenApiOperationObject {
  const { response } = route;
  const operationId = route.operationId as OperationId;
  const headers = [
    ...(ifMatch[operationId] ? [ifMatchHeader(ifMatch[operationId])] : []),
    ...(route.method === 'POST' ? [idempotencyKeyHeader] : []),
  ];
  const other = alsoAnswers[operationId];
  const docs = docsOf(route);
  return {
    operationId: route.operationId,
    summary: docs.summary,
    tags: [...docs.tags],
    ...(route.auth === 'jwt' ? { security: [{ bearer: [] }] } : { security: [] }),
    ...(route.request?.path || route.request?.query
      ? {
          requestParams: {
            ...(route.request.path ? { path: route.request.path as z.ZodMiniObject } : {}),
            ...(route.request.query ? { query: route.request.query as z.ZodMiniObject } : {}),
          },
        }
      : {}),
    ...(headers.length ? { parameters: headers as never } : {}),
    ...(route.request?.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: route.request.body } } } }
      : {}),
    responses: {
      [String(response.status)]: successResponse(route, response.status, docs.response.description),
      ...(other ? { [String(other.status)]: successResponse(route, other.status, other.description) } : {}),
      ...errorResponses(route),
    },
  };
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What zod emits, made readable for people and generators: a nullable field is `type: [T, "null"]`
 * instead of an `anyOf`; integers lose the ±(2^53 − 1) bounds zod adds to every `z.int()`; a
 * `format` (date-time, date, email, uuid) stands alone without the long regex behind it.
 * Validation is unchanged: the zod schemas, not this document, check every request.
 */
function tidySchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidySchema);
  if (!isObject(node)) return node;
  const tidy: Json = {};
  for (const [key, value] of Object.entries(node)) {
    // Examples are data, not schemas.
    tidy[key] = key === 'example' || key === 'examples' ? value : tidySchema(value);
  }
  if (tidy.minimum === Number.MIN_SAFE_INTEGER) delete tidy.minimum;
  if (tidy.maximum === Number.MAX_SAFE_INTEGER) delete tidy.maximum;
  if (typeof tidy.format === 'string' && typeof tidy.pattern === 'string') delete tidy.pattern;
  const variants = tidy.anyOf;
  if (Array.isArray(variants) && variants.length === 2) {
    const nullAt = variants.findIndex((v) => isObject(v) && v.type === 'null' && Object.keys(v).length === 1);
    const other = variants[1 - nullAt];
    if (nullAt !== -1 && isObject(other) && typeof other.type === 'string') {
      const { anyOf: _nullable, ...outer } = tidy;
      return {
        ...other,
        ...outer,
        type: [other.type, 'null'],
        ...(Array.isArray(other.enum) ? { enum: [...(other.enum as unknown[]), null] } : {}),
      };
    }
  }
  return tidy;
}

let document: ReturnType<typeof createDocument> | undefined;

/** The OpenAPI 3.1 document, generated once per process from the route table's zod schemas. */
export function openApiDocument() {
  if (document) return document;
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
  }
  document = createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Progress Claims API',
      version: '1.0.0',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      description:
        'Subcontractor invoicing for general contractors: billing periods, invites to bill, invoices (G702/G703), ' +
        'attachments and invoice backups. Errors are RFC 9457 problem+json. Money is integer cents: hundredths of ' +
        'the currency unit in every currency, JPY and KRW included (¥1,234,567 is 123456700); the project currency ' +
        'only decides how amounts are printed (JPY and KRW without decimals, BHD and KWD with three).',
    },
    servers: [{ url: '/', description: 'This deployment: the API answers on the same origin as this document' }],
    tags: [...new Set(routes.flatMap((route) => docsOf(route).tags))].map((name) => {
      const description = tagDescriptions[name];
      if (!description) throw new Error(`No description for tag ${name}`);
      return { name, description };
    }),
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito ID token (locally: `npm run token -- <email>`)' },
      },
    },
    paths,
    // What an endpoint receives for each domain event type (issue 17).
    webhooks: webhookDocs(),
  });
  document = tidySchema(document) as typeof document;
  addExamples(document as Parameters<typeof addExamples>[0]);
  return document;
}
