import { pathToFileURL } from 'node:url';
import fc from 'fast-check';

/**
 * A property-based fuzzer driven by the served /openapi.json (Schemathesis lives on PyPI, which
 * these machines cannot reach): for every operation it generates path parameters (known ids or
 * junk), queries, JSON bodies from the operation's schema (mostly shaped, sometimes anything),
 * and If-Match / Idempotency-Key headers, sends them as each caller, and collects every 5xx.
 *
 * `npm run fuzz -- [seed] [runs]` runs it against the stack `npm start` runs (demo users).
 */

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
};

interface Operation {
  method: string;
  path: string;
  operationId: string;
  pathParams: string[];
  query: Array<{ name: string; schema: Schema }>;
  body?: Schema;
}

export interface FuzzRequest {
  caller: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

export interface FuzzResult {
  sent: number;
  byStatus: Record<number, number>;
  serverErrors: Array<FuzzRequest & { status: number; response: string }>;
}

export interface FuzzOptions {
  baseUrl: string;
  /** Bearer tokens by caller name. */
  tokens: Record<string, string>;
  /** Real values for path parameters by name (projectId, commitmentId…), so requests get past the 404s. */
  known: Record<string, string[]>;
  seed: number;
  runs: number;
}

const junkStrings = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', ' ', '..', '%00', '0', '-1', '1e400', 'null', '__proto__', 'ü😀', 'a'.repeat(300), '"1"', '*'),
);

function resolve(schema: Schema, components: Record<string, Schema>): Schema {
  let current = schema;
  for (let depth = 0; current.$ref && depth < 20; depth++) current = components[current.$ref.split('/').pop()!] ?? {};
  return current;
}

/** Values mostly of the schema's shape, with edges (bounds, off-by-one, huge numbers) and junk mixed in. */
function arbitraryFor(input: Schema, components: Record<string, Schema>, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(input, components);
  if (depth > 5) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: junkStrings });
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => arbitraryFor(s, components, depth + 1)));
  if (schema.allOf?.length) return arbitraryFor(Object.assign({}, ...schema.allOf.map((s) => resolve(s, components))), components, depth + 1);
  const types = [schema.type ?? (schema.properties ? 'object' : 'any')].flat();
  return fc.oneof(...types.map((type) => arbitraryOfType(type, schema, components, depth)));
}

function arbitraryOfType(type: string, schema: Schema, components: Record<string, Schema>, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -1e6;
      const max = schema.maximum ?? 1e9;
      return fc.oneof(
        { weight: 4, arbitrary: type === 'integer' ? fc.integer({ min: Math.max(min, -2_147_483_648), max: Math.min(max, 2_147_483_647) }) : fc.double({ min, max, noNaN: true }) },
        { weight: 1, arbitrary: fc.constantFrom(min, max, min - 1, max + 1, 0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 63) },
      );
    }
    case 'string': {
      const shaped =
        schema.format === 'date' ? fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
        : schema.format === 'date-time' ? fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
        : schema.format === 'email' ? fc.emailAddress()
        : /^-?\d/.test(String(schema.example ?? '')) ? fc.oneof(fc.integer({ min: 0, max: 100_000 }).map(String), fc.constantFrom('12.5', '0.0001', '-3', '1e5', '99999999999999999999.99'))
        : fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 60) });
      return fc.oneof({ weight: 4, arbitrary: shaped }, { weight: 1, arbitrary: junkStrings });
    }
    case 'array':
      return fc.array(arbitraryFor(schema.items ?? {}, components, depth + 1), { minLength: 0, maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      const required = new Set(schema.required ?? []);
      return fc.record(
        Object.fromEntries(properties.map(([name, property]) => [name, arbitraryFor(property, components, depth + 1)])),
        // Required fields nearly always present; the others now and then.
        { requiredKeys: properties.map(([name]) => name).filter((name) => required.has(name)) },
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function operationsOf(document: Record<string, unknown>): Operation[] {
  const paths = document.paths as Record<string, Record<string, Record<string, unknown>>>;
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = (op.parameters ?? []) as Array<{ name: string; in: string; schema: Schema }>;
      const content = (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content;
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: String(op.operationId),
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        ...(content?.['application/json'] ? { body: content['application/json'].schema } : {}),
      });
    }
  }
  return operations;
}

/** The arbitrary of whole requests: an operation, a caller, its parameters, body and headers. */
export function requestArbitrary(document: Record<string, unknown>, callers: string[], known: Record<string, string[]>): fc.Arbitrary<FuzzRequest> {
  const components = ((document.components as { schemas?: Record<string, Schema> } | undefined)?.schemas ?? {}) as Record<string, Schema>;
  const perOperation = operationsOf(document).map((op) => {
    const pathValues = op.pathParams.map((name) =>
      known[name]?.length ? fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...known[name]!) }, { weight: 1, arbitrary: junkStrings }) : junkStrings,
    );
    const query = fc.record(Object.fromEntries(op.query.map((q) => [q.name, arbitraryFor(q.schema, components)])), { requiredKeys: [] });
    const body = op.body ? fc.oneof({ weight: 5, arbitrary: arbitraryFor(op.body, components) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }) : fc.constant(undefined);
    const ifMatch = fc.option(fc.oneof(fc.integer({ min: 0, max: 5 }).map((v) => `"${v}"`), fc.constantFrom('*', `"${'9'.repeat(400)}"`, 'W/"1"', '"-1"'), junkStrings), { freq: 2 });
    const idempotencyKey = op.method === 'POST' ? fc.option(fc.oneof(fc.uuid(), fc.constantFrom('k1', 'k2'), junkStrings), { freq: 2 }) : fc.constant(null);
    return fc
      .record({ caller: fc.constantFrom(...callers), pathValues: fc.tuple(...pathValues), query, body, ifMatch, idempotencyKey })
      .map(({ caller, pathValues: values, query: q, body: b, ifMatch: match, idempotencyKey: key }): FuzzRequest => {
        let path = op.path;
        op.pathParams.forEach((name, i) => (path = path.replace(`{${name}}`, encodeURIComponent(String(values[i]) || 'x'))));
        const search = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
        const headers: Record<string, string> = {};
        // Headers must be ByteStrings to be sent at all.
        const sendable = (value: string) => value.replace(/[^\x20-\x7e]/g, '?');
        if (match !== null) headers['if-match'] = sendable(match);
        if (key !== null && key !== '') headers['idempotency-key'] = sendable(key);
        return { caller, method: op.method, path: `${path}${search.size ? `?${search}` : ''}`, headers, ...(op.body && b !== undefined ? { body: b } : {}) };
      });
  });
  return fc.oneof(...perOperation);
}

/** Sends `runs` generated requests (4 at a time) and collects the answers with a 5xx status. */
export async function fuzz(options: FuzzOptions): Promise<FuzzResult> {
  const document = (await (await fetch(`${options.baseUrl}/openapi.json`)).json()) as Record<string, unknown>;
  const requests = fc.sample(requestArbitrary(document, Object.keys(options.tokens), options.known), { seed: options.seed, numRuns: options.runs });
  const result: FuzzResult = { sent: 0, byStatus: {}, serverErrors: [] };
  const send = async (request: FuzzRequest) => {
    const headers = new Headers(request.headers);
    headers.set('authorization', `Bearer ${options.tokens[request.caller]}`);
    if (request.body !== undefined) headers.set('content-type', 'application/json');
    const response = await fetch(`${options.baseUrl}${request.path}`, {
      method: request.method,
      headers,
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    });
    const text = await response.text();
    result.sent++;
    result.byStatus[response.status] = (result.byStatus[response.status] ?? 0) + 1;
    if (response.status >= 500) result.serverErrors.push({ ...request, status: response.status, response: text.slice(0, 500) });
  };
  for (let i = 0; i < requests.length; i += 4) await Promise.all(requests.slice(i, i + 4).map(send));
  return result;
}

/** Ids a caller can see, by path parameter name: the projects on /v1/me and the lists under the first ones. */
export async function discoverIds(baseUrl: string, token: string): Promise<Record<string, string[]>> {
  const get = async (path: string) => {
    const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return response.ok ? ((await response.json()) as { items?: Array<Record<string, string>> } & Record<string, unknown>) : {};
  };
  const known: Record<string, Set<string>> = {};
  const add = (name: string, value: unknown) => typeof value === 'string' && (known[name] ??= new Set()).add(value);
  const me = (await get('/v1/me')) as { projects?: Array<{ projectId: string }>; userId?: string };
  for (const project of (me.projects ?? []).slice(0, 3)) {
    const p = `/v1/projects/${project.projectId}`;
    add('projectId', project.projectId);
    for (const item of (await get(`${p}/vendors?limit=20`)).items ?? []) add('vendorId', item.vendorId);
    for (const item of (await get(`${p}/billing-periods?limit=20`)).items ?? []) add('billingPeriodId', item.billingPeriodId);
    for (const item of (await get(`${p}/invoices?limit=20`)).items ?? []) add('invoiceId', item.invoiceId);
    for (const item of (await get(`${p}/members`)).items ?? []) add('userId', item.userId);
    for (const commitment of ((await get(`${p}/commitments?limit=10`)).items ?? []).slice(0, 5)) {
      const c = `${p}/commitments/${commitment.commitmentId}`;
      add('commitmentId', commitment.commitmentId);
      for (const line of ((await get(`${c}/sov`)) as { lines?: Array<{ lineId: string }> }).lines ?? []) add('lineId', line.lineId);
      for (const item of (await get(`${c}/change-orders`)).items ?? []) add('changeOrderId', item.changeOrderId);
      for (const item of (await get(`${c}/payments`)).items ?? []) add('paymentId', item.paymentId);
    }
  }
  return Object.fromEntries(Object.entries(known).map(([name, values]) => [name, [...values]]));
}

/** `npm run fuzz -- [seed] [runs]`: against the running local stack, as a demo admin and a demo invoice contact. */
async function main() {
  const [seed = '1', runs = '300'] = process.argv.slice(2);
  const { openLocalIdp, localUserId } = await import('../../infra/local/auth');
  const { defaultDataDir, runtimeFilePath } = await import('../../infra/local/runtime');
  const fs = await import('node:fs/promises');
  const { apiUrl } = JSON.parse(await fs.readFile(runtimeFilePath(defaultDataDir), 'utf8')) as { apiUrl: string };
  const idp = await openLocalIdp(defaultDataDir);
  const token = (email: string, name: string) => idp.signToken({ sub: localUserId(email), email, name });
  const tokens = { admin: await token('priya@northbeam.example', 'Priya Patel'), contact: await token('ella@harbour-electrical.example', 'Ella Ward') };
  const known = await discoverIds(apiUrl, tokens.admin);
  const result = await fuzz({ baseUrl: apiUrl, tokens, known, seed: Number(seed), runs: Number(runs) });
  console.log(JSON.stringify({ seed: Number(seed), sent: result.sent, byStatus: result.byStatus, serverErrors: result.serverErrors.length }, null, 2));
  for (const error of result.serverErrors) console.log(`${error.status} ${error.method} ${error.path} ${JSON.stringify(error.body)} → ${error.response}`);
  process.exitCode = result.serverErrors.length > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
