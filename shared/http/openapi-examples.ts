import { HttpProblem, problems } from './problem';

/**
 * Examples for every operation of the OpenAPI document, made from the same schemas: a value per
 * schema (its own `example` when the zod declaration gives one, else one fitting its type, format
 * and bounds), and for errors the answer the product's own problem factories give.
 */
type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const formatExamples: Record<string, string> = {
  'date-time': '2027-03-31T09:30:00.000Z',
  date: '2027-03-31',
  email: 'priya@northbeam.example',
  uuid: '3f2a9c1b-0d4e-4b5a-8c6d-7e8f9a0b1c2d',
  uri: 'https://app.example.com/projects',
  url: 'https://app.example.com/projects',
};

export function sampleOf(schema: unknown, schemas: Record<string, unknown>, depth = 0): unknown {
  if (!isObject(schema) || depth > 12) return undefined;
  if (typeof schema.$ref === 'string') return sampleOf(schemas[schema.$ref.split('/').pop()!], schemas, depth + 1);
  if ('example' in schema) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if ('const' in schema) return schema.const;
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum.find((value) => value !== null) ?? null;
  const variants = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
  if (Array.isArray(variants)) {
    const first = variants.find((variant) => !(isObject(variant) && variant.type === 'null'));
    return sampleOf(first, schemas, depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...schema.allOf.map((part) => sampleOf(part, schemas, depth + 1)));
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const properties = isObject(schema.properties) ? schema.properties : {};
      const required = new Set(Array.isArray(schema.required) ? schema.required : []);
      return Object.fromEntries(
        Object.entries(properties)
          // A property of any type (z.unknown()) has no sample of its own; null stands in when it must be there.
          .map(([name, property]) => [name, sampleOf(property, schemas, depth + 1) ?? (required.has(name) ? null : undefined)])
          .filter(([, value]) => value !== undefined),
      );
    }
    case 'array': {
      const item = sampleOf(schema.items, schemas, depth + 1);
      return item === undefined ? [] : Array.from({ length: Math.max(1, Number(schema.minItems ?? 1)) }, () => item);
    }
    case 'integer':
    case 'number': {
      const minimum = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 0;
      const maximum = typeof schema.maximum === 'number' ? schema.maximum : Infinity;
      return Math.min(Math.max(minimum, 1), maximum);
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'string': {
      const formatted = typeof schema.format === 'string' ? formatExamples[schema.format] : undefined;
      if (formatted) return formatted;
      const minLength = Number(schema.minLength ?? 0);
      const maxLength = Number(schema.maxLength ?? Infinity);
      return 'text'.padEnd(minLength, 'x').slice(0, Math.max(minLength, Math.min(4, maxLength)));
    }
    default:
      return undefined;
  }
}

/** What the product answers for each error status: the real factory, with a representative detail. */
const problemExamples: Record<string, HttpProblem> = {
  '400': problems.validation([{ location: 'body', field: 'name', message: 'Too small: expected string to have >=1 characters' }]),
  '401': problems.unauthorized('No bearer token'),
  '403': problems.forbidden('Changing commitments needs the commitments tool at standard level or above; yours is read_only.'),
  '404': problems.notFound('No project 3f2a9c1b-0d4e-4b5a-8c6d-7e8f9a0b1c2d, or you are not a member of it.'),
  '405': new HttpProblem(405, 'method-not-allowed', 'Method not allowed', '/v1/me does not accept DELETE; it accepts GET, PATCH.'),
  '409': problems.conflict('The invoice is under review; it can be changed in draft or revise and resubmit only.'),
  '412': problems.preconditionFailed('The invoice changed since you read it (now "5"); read it again.'),
  '413': problems.payloadTooLarge(1024 * 1024),
  '415': problems.unsupportedMediaType('text/plain'),
  '422': problems.idempotencyKeyReused(),
  '428': problems.preconditionRequired('This change needs an If-Match header with the ETag you last read.'),
  '500': problems.internal(),
};

interface MediaType {
  schema?: unknown;
  example?: unknown;
}
interface Operation {
  requestBody?: { content?: Record<string, MediaType> };
  responses?: Record<string, { content?: Record<string, MediaType> }>;
}

/** Sets `example` on every request body and response of the document that has none. */
export function addExamples(document: { paths?: Record<string, Record<string, unknown>>; components?: { schemas?: Record<string, unknown> } }) {
  const schemas = document.components?.schemas ?? {};
  const exemplify = (content: Record<string, MediaType> | undefined, fallback?: unknown) => {
    for (const [type, media] of Object.entries(content ?? {})) {
      if (media.example !== undefined) continue;
      const example = fallback ?? (type.includes('json') ? sampleOf(media.schema, schemas) : undefined);
      if (example !== undefined) media.example = example;
    }
  };
  for (const [path, methods] of Object.entries(document.paths ?? {})) {
    for (const operation of Object.values(methods) as Operation[]) {
      exemplify(operation.requestBody?.content);
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const problem = problemExamples[status];
        exemplify(response.content, problem?.toJSON(path));
      }
    }
  }
}
